//! Looking at one component's sources: `component diff-sources` (the upstream tree against the
//! overlaid one, as azldev's `DiffSources`: macros file and overlays, no `sources` rewrite) and
//! `component show-spec` (the upstream spec, for a registered component or any dist-git name:
//! azldev issue #32).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use cairn_config::model::DistroReference;
use cairn_config::{Project, ResolvedComponent};
use cairn_lock::LockStore;
use cairn_overlay::{EditOptions, MemoryEntry, Sources, apply_overlays};
use cairn_source::{DistGitCache, Mirror, Network, Refresh};
use serde::Serialize;
use similar::TextDiff;

use crate::error::ComponentError;
use crate::inputs::lock_dir;
use crate::output::Tree;
use crate::plan::overlay_plan;
use crate::source::{Origin, Setup, check_lock, read_local, read_upstream, setup};

/// Where sources come from.
#[derive(Debug, Clone)]
pub struct SourceOptions {
    /// Whether the caches may fetch.
    pub network: Network,
    /// The dist-git cache root.
    pub dist_git_cache: PathBuf,
}

/// A component's sources before overlays.
struct Fetched {
    setup: Setup,
    files: Tree,
    /// `url@commit`, or the local directory.
    origin: String,
}

fn fetch(
    project: &Project,
    setup: Setup,
    options: &SourceOptions,
) -> Result<Fetched, ComponentError> {
    let spec_name = setup.spec_name();
    match &setup.origin {
        Origin::Upstream(upstream) => {
            let lock = LockStore::new(lock_dir(project)).load(setup.name())?;
            check_lock(&setup, lock.as_ref())?;
            let cache = DistGitCache::new(&options.dist_git_cache).network(options.network);
            let resolved =
                cache.resolve(&upstream.locked_request(lock.as_ref()), Refresh::IfNeeded)?;
            let mirror = Mirror::open(&resolved.mirror)?;
            let files = read_upstream(
                &mirror,
                resolved.commit,
                &format!("{}.spec", upstream.upstream_name),
                &spec_name,
            )?;
            let origin = format!("{}@{}", resolved.url, resolved.commit);
            Ok(Fetched {
                setup,
                files,
                origin,
            })
        }
        Origin::Local { dir, spec } => {
            let files = read_local(dir, spec, &spec_name)?;
            let origin = dir.display().to_string();
            Ok(Fetched {
                setup,
                files,
                origin,
            })
        }
    }
}

/// How one file differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FileChange {
    /// Only in the overlaid tree.
    Added,
    /// Only in the upstream tree.
    Removed,
    /// In both, with different contents.
    Modified,
}

/// One changed file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileDiff {
    /// The path in the sources directory.
    pub path: String,
    /// How it changed.
    pub change: FileChange,
}

/// What the overlays change in a component's sources.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourcesDiff {
    /// The component.
    pub component: String,
    /// Where the upstream tree came from.
    pub origin: String,
    /// The changed files, by path.
    pub files: Vec<FileDiff>,
    /// A unified diff (`a/` upstream, `b/` overlaid).
    pub diff: String,
}

fn contents(entry: &MemoryEntry) -> Vec<u8> {
    match entry {
        MemoryEntry::File { data, .. } => data.clone(),
        MemoryEntry::Symlink { target } => format!("symlink -> {target}\n").into_bytes(),
    }
}

/// Diffs `name`'s upstream sources against them after the macros file and the overlays.
pub fn diff_sources(
    project: &Project,
    name: &str,
    options: &SourceOptions,
) -> Result<SourcesDiff, ComponentError> {
    let fetched = fetch(project, setup(project, name)?, options)?;
    let plan = overlay_plan(
        name,
        &fetched.setup.resolved.config,
        fetched.setup.defined_in.clone(),
    );
    let mut files = fetched.files.clone();
    if let Some((macros_name, text)) = &plan.macros_file {
        files.retain(|(path, _)| path != macros_name);
        files.push((
            macros_name.clone(),
            MemoryEntry::File {
                data: text.clone().into_bytes(),
                mode: 0o644,
            },
        ));
        files.sort_by(|left, right| left.0.cmp(&right.0));
    }
    // Archive overlays edit lookaside files, which diff-sources (like azldev's) does not fetch.
    let overlays: Vec<_> = plan
        .overlays
        .into_iter()
        .filter(|defined| !defined.overlay.modifies_archive())
        .collect();
    let spec_name = fetched.setup.spec_name();
    let mut sources = Sources::from_memory(Path::new(name), Some(&spec_name), files)?;
    apply_overlays(&mut sources, &overlays, &EditOptions::default())?;
    let after: BTreeMap<String, Vec<u8>> = sources
        .to_memory()?
        .iter()
        .map(|(path, entry)| (path.clone(), contents(entry)))
        .collect();
    let before: BTreeMap<String, Vec<u8>> = fetched
        .files
        .iter()
        .map(|(path, entry)| (path.clone(), contents(entry)))
        .collect();
    let mut paths: Vec<&String> = before.keys().chain(after.keys()).collect();
    paths.sort();
    paths.dedup();
    let mut diff = String::new();
    let mut changed = Vec::new();
    for path in paths {
        let (old, new) = (before.get(path), after.get(path));
        let change = match (old, new) {
            (Some(old), Some(new)) if old == new => continue,
            (Some(_), Some(_)) => FileChange::Modified,
            (None, Some(_)) => FileChange::Added,
            (Some(_), None) => FileChange::Removed,
            (None, None) => continue,
        };
        changed.push(FileDiff {
            path: path.clone(),
            change,
        });
        let old_text = old.map(|bytes| String::from_utf8(bytes.clone()));
        let new_text = new.map(|bytes| String::from_utf8(bytes.clone()));
        let (old_label, new_label) = (
            if old.is_some() {
                format!("a/{path}")
            } else {
                "/dev/null".to_owned()
            },
            if new.is_some() {
                format!("b/{path}")
            } else {
                "/dev/null".to_owned()
            },
        );
        match (
            old_text.unwrap_or(Ok(String::new())),
            new_text.unwrap_or(Ok(String::new())),
        ) {
            (Ok(old), Ok(new)) => {
                diff.push_str(&format!("diff -ruN a/{path} b/{path}\n"));
                diff.push_str(
                    &TextDiff::from_lines(&old, &new)
                        .unified_diff()
                        .header(&old_label, &new_label)
                        .to_string(),
                );
            }
            _ => diff.push_str(&format!(
                "Binary files {old_label} and {new_label} differ\n"
            )),
        }
    }
    Ok(SourcesDiff {
        component: name.to_owned(),
        origin: fetched.origin,
        files: changed,
        diff,
    })
}

/// An upstream spec and where it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UpstreamSpec {
    /// The component (or dist-git repository) name.
    pub component: String,
    /// Whether the project configures it.
    pub registered: bool,
    /// `url@commit` or the local directory.
    pub origin: String,
    /// The spec text.
    pub spec: String,
}

/// The upstream spec of `name`: a configured component's, or, for any other name, the spec of
/// the dist-git repository of that name in the project's default upstream distro.
pub fn show_spec(
    project: &Project,
    name: &str,
    options: &SourceOptions,
) -> Result<UpstreamSpec, ComponentError> {
    let registered = project.has_component(name);
    let setup = if registered {
        setup(project, name)?
    } else {
        unregistered(project, name)?
    };
    let spec_name = setup.spec_name();
    let fetched = fetch(project, setup, options)?;
    let spec = fetched
        .files
        .iter()
        .find(|(path, _)| *path == spec_name)
        .map(|(_, entry)| String::from_utf8_lossy(&contents(entry)).into_owned())
        .ok_or_else(|| ComponentError::MissingSpec {
            component: name.to_owned(),
            spec: spec_name.clone(),
            origin: fetched.origin.clone(),
        })?;
    Ok(UpstreamSpec {
        component: name.to_owned(),
        registered,
        origin: fetched.origin,
        spec,
    })
}

/// A component the project does not configure, with the defaults a bare
/// `[components.<name>]` would inherit (the default distro version's, then the project's).
fn unregistered(project: &Project, name: &str) -> Result<Setup, ComponentError> {
    let mut config = project
        .default_distro()
        .map(|(.., version)| version.default_component_config.clone())
        .unwrap_or_default();
    let project_default = &project.default_component_config().spec.upstream_distro;
    if project_default != &DistroReference::default() {
        config.spec.upstream_distro = project_default.clone();
    }
    config.spec.upstream_commit = None;
    let resolved = ResolvedComponent {
        name: name.to_owned(),
        defined_at: None,
        groups: Vec::new(),
        rendered_spec_dir: None,
        config,
    };
    crate::source::setup_resolved(project, resolved)
}
