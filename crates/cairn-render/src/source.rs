//! Where a component's sources come from: the upstream distro's dist-git at a resolved commit,
//! or a local spec directory (azldev's `sourceproviders.ResolveDistro` and `FetchComponent`).

use std::path::{Path, PathBuf};

use cairn_config::model::{DistroDefinition, DistroReference, DistroVersion, SpecSourceType};
use cairn_config::{Project, ResolvedComponent};
use cairn_lock::{Lock, ResolutionInputs};
use cairn_overlay::MemoryEntry;
use cairn_source::{FileKind, Mirror, SourceRequest, SourceTree, uri};

use crate::error::ComponentError;

/// A distro version a component refers to.
#[derive(Debug, Clone)]
pub(crate) struct DistroChoice<'p> {
    pub name: String,
    pub definition: &'p DistroDefinition,
    pub version_name: String,
    pub version: &'p DistroVersion,
}

impl DistroChoice<'_> {
    pub fn release_ver(&self) -> &str {
        self.version.release_ver.as_deref().unwrap_or_default()
    }
}

/// The distro `reference` names (the project's default distro when it names none; the
/// distro's default version when no version is given).
pub(crate) fn distro<'p>(
    project: &'p Project,
    reference: &DistroReference,
) -> Result<DistroChoice<'p>, ComponentError> {
    let default = &project.info().default_distro;
    let name = reference
        .name
        .as_deref()
        .or(default.name.as_deref())
        .ok_or_else(|| {
            ComponentError::config(
                "no distro: set `spec.upstream-distro.name` or `project.default-distro`",
            )
        })?;
    let definition = project.distros().get(name).ok_or_else(|| {
        ComponentError::config(format!("distro `{name}` is not defined in `[distros]`"))
    })?;
    let version_name = reference
        .version
        .as_deref()
        .or_else(|| {
            (reference.name.is_none() || reference.name == default.name)
                .then_some(default.version.as_deref())
                .flatten()
        })
        .or(definition.default_version.as_deref())
        .ok_or_else(|| {
            ComponentError::config(format!(
                "distro `{name}` has no `default-version` and the component names no version"
            ))
        })?;
    let version = definition.versions.get(version_name).ok_or_else(|| {
        ComponentError::config(format!("distro `{name}` has no version `{version_name}`"))
    })?;
    Ok(DistroChoice {
        name: name.to_owned(),
        definition,
        version_name: version_name.to_owned(),
        version,
    })
}

/// An upstream component's dist-git coordinates.
#[derive(Debug, Clone)]
pub(crate) struct Upstream {
    /// The request as the configuration states it (pin, snapshot).
    pub request: SourceRequest,
    /// The dist-git repository name (`upstream-name`, else the component name).
    pub upstream_name: String,
    pub distro: String,
    pub version: String,
    pub snapshot: Option<String>,
    /// `lookaside-base-uri`, when the distro has one.
    pub lookaside_template: Option<String>,
}

impl Upstream {
    /// The inputs of the resolution-input hash.
    pub fn resolution_inputs(&self) -> ResolutionInputs<'_> {
        ResolutionInputs {
            distro: &self.distro,
            version: &self.version,
            branch: &self.request.branch,
            url: &self.request.url,
            snapshot: self.snapshot.as_deref(),
            pin: self.request.pin.as_deref(),
            upstream_name: &self.upstream_name,
        }
    }

    /// The request that reproduces the lock's commit (or the configuration's request when
    /// there is no locked commit).
    pub fn locked_request(&self, lock: Option<&Lock>) -> SourceRequest {
        let mut request = self.request.clone();
        if let Some(commit) = lock.and_then(|lock| lock.upstream_commit.clone()) {
            request.pin = Some(commit);
        }
        request
    }
}

/// Where a component's sources come from.
#[derive(Debug, Clone)]
pub(crate) enum Origin {
    Upstream(Upstream),
    Local {
        /// The spec's directory (copied whole, as azldev does).
        dir: PathBuf,
        /// The spec's file name in it.
        spec: String,
    },
}

/// A component, resolved and located.
#[derive(Debug, Clone)]
pub(crate) struct Setup {
    pub resolved: ResolvedComponent,
    /// The file that defines the component (for messages).
    pub defined_in: PathBuf,
    pub origin: Origin,
    /// The distro `release-ver` fingerprinted with the component.
    pub release_ver: String,
}

impl Setup {
    pub fn name(&self) -> &str {
        &self.resolved.name
    }

    /// The spec's file name in the rendered directory.
    pub fn spec_name(&self) -> String {
        format!("{}.spec", self.name())
    }
}

/// Resolves component `name` and locates its sources.
pub(crate) fn setup(project: &Project, name: &str) -> Result<Setup, ComponentError> {
    setup_resolved(project, project.resolve_component(name)?)
}

/// Locates the sources of a resolved component.
pub(crate) fn setup_resolved(
    project: &Project,
    resolved: ResolvedComponent,
) -> Result<Setup, ComponentError> {
    let name = resolved.name.clone();
    let name = name.as_str();
    let defined_in = resolved
        .defined_at
        .as_ref()
        .map(|location| location.file.to_path_buf())
        .or_else(|| resolved.config.spec.path.clone())
        .unwrap_or_else(|| project.root_file().to_owned());
    let spec = &resolved.config.spec;
    if spec.kind == Some(SpecSourceType::Local) {
        let path = spec.path.clone().ok_or_else(|| {
            ComponentError::config(format!(
                "component `{name}` has a local spec but no `spec.path`"
            ))
        })?;
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let file = path
            .file_name()
            .map(|file| file.to_string_lossy().into_owned())
            .unwrap_or_default();
        let release_ver = distro(project, &DistroReference::default())
            .map(|choice| choice.release_ver().to_owned())
            .unwrap_or_default();
        return Ok(Setup {
            resolved,
            defined_in,
            origin: Origin::Local { dir, spec: file },
            release_ver,
        });
    }
    let choice = distro(project, &spec.upstream_distro)?;
    let template = choice
        .definition
        .dist_git_base_uri
        .as_deref()
        .filter(|template| !template.is_empty())
        .ok_or_else(|| {
            ComponentError::config(format!(
                "distro `{}` has no `dist-git-base-uri`, so upstream component `{name}` has nowhere to come from",
                choice.name
            ))
        })?;
    let branch = choice
        .version
        .dist_git_branch
        .clone()
        .filter(|branch| !branch.is_empty())
        .ok_or_else(|| {
            ComponentError::config(format!(
                "distro `{}` version `{}` has no `dist-git-branch`",
                choice.name, choice.version_name
            ))
        })?;
    let upstream_name = spec
        .upstream_name
        .clone()
        .filter(|upstream| !upstream.is_empty())
        .unwrap_or_else(|| name.to_owned());
    let url = uri::dist_git_url(template, &upstream_name)
        .map_err(|error| ComponentError::config(format!("component `{name}`: {error}")))?;
    let snapshot_text = spec.upstream_distro.snapshot.clone();
    let snapshot = match snapshot_text.as_deref().filter(|text| !text.is_empty()) {
        Some(text) => Some(text.parse::<jiff::Timestamp>().map_err(|error| {
            ComponentError::config(format!(
                "component `{name}`: snapshot `{text}` is not an RFC 3339 time: {error}"
            ))
        })?),
        None => None,
    };
    let release_ver = choice.release_ver().to_owned();
    Ok(Setup {
        origin: Origin::Upstream(Upstream {
            request: SourceRequest {
                component: name.to_owned(),
                url,
                branch,
                pin: spec.upstream_commit.clone().filter(|pin| !pin.is_empty()),
                snapshot,
            },
            upstream_name,
            distro: choice.name.clone(),
            version: choice.version_name.clone(),
            snapshot: snapshot_text,
            lookaside_template: choice.definition.lookaside_base_uri.clone(),
        }),
        resolved,
        defined_in,
        release_ver,
    })
}

/// Checks the lock against the configuration's pin (azldev's `ValidateUpstreamCommit`).
pub(crate) fn check_lock(setup: &Setup, lock: Option<&Lock>) -> Result<(), ComponentError> {
    let (Origin::Upstream(upstream), Some(locked)) = (
        &setup.origin,
        lock.and_then(|lock| lock.upstream_commit.as_deref()),
    ) else {
        return Ok(());
    };
    if let Some(pin) = &upstream.request.pin
        && !locked
            .to_ascii_lowercase()
            .starts_with(&pin.to_ascii_lowercase())
    {
        return Err(ComponentError::StaleLock {
            component: setup.name().to_owned(),
            pin: pin.clone(),
            locked: locked.to_owned(),
        });
    }
    Ok(())
}

fn mode(kind: FileKind) -> u32 {
    match kind {
        FileKind::Executable => 0o755,
        FileKind::Regular | FileKind::Symlink => 0o644,
    }
}

/// The files of a dist-git tree, the upstream spec renamed to `<component>.spec` (azldev
/// renames it when `upstream-name` is set).
pub(crate) fn upstream_files(
    tree: SourceTree,
    upstream_spec: &str,
    spec_name: &str,
) -> Vec<(String, MemoryEntry)> {
    let mut tree = tree;
    tree.rename(upstream_spec, spec_name);
    tree.files
        .into_iter()
        .map(|file| {
            let entry = match file.kind {
                FileKind::Symlink => MemoryEntry::Symlink {
                    target: String::from_utf8_lossy(&file.data).into_owned(),
                },
                kind => MemoryEntry::File {
                    data: file.data,
                    mode: mode(kind),
                },
            };
            (file.path, entry)
        })
        .collect()
}

/// Reads the tree of `commit` from `mirror`.
pub(crate) fn read_upstream(
    mirror: &Mirror,
    commit: cairn_source::GitId,
    upstream_spec: &str,
    spec_name: &str,
) -> Result<Vec<(String, MemoryEntry)>, ComponentError> {
    let tree = mirror.read_tree(commit)?;
    Ok(upstream_files(tree, upstream_spec, spec_name))
}

/// Reads a local spec directory (`.git` left out), the spec renamed to `<component>.spec`.
pub(crate) fn read_local(
    dir: &Path,
    spec: &str,
    spec_name: &str,
) -> Result<Vec<(String, MemoryEntry)>, ComponentError> {
    let mut entries = Vec::new();
    let walker = walkdir::WalkDir::new(dir)
        .min_depth(1)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| entry.file_name() != ".git");
    for entry in walker {
        let entry = entry.map_err(|error| {
            let path = error.path().unwrap_or(dir).to_owned();
            ComponentError::io("reading", path, error.into())
        })?;
        let relative = entry
            .path()
            .strip_prefix(dir)
            .unwrap_or(entry.path())
            .components()
            .map(|part| part.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
        let path = if relative == spec {
            spec_name.to_owned()
        } else {
            relative
        };
        let file_type = entry.file_type();
        if file_type.is_symlink() {
            let target = std::fs::read_link(entry.path())
                .map_err(|error| ComponentError::io("reading", entry.path(), error))?;
            entries.push((
                path,
                MemoryEntry::Symlink {
                    target: target.to_string_lossy().into_owned(),
                },
            ));
        } else if file_type.is_file() {
            let data = std::fs::read(entry.path())
                .map_err(|error| ComponentError::io("reading", entry.path(), error))?;
            let mode = executable_mode(entry.path());
            entries.push((path, MemoryEntry::File { data, mode }));
        }
    }
    entries.sort_by(|left, right| left.0.cmp(&right.0));
    Ok(entries)
}

fn executable_mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt as _;
    let executable = std::fs::metadata(path)
        .map(|metadata| metadata.permissions().mode() & 0o111 != 0)
        .unwrap_or(false);
    if executable { 0o755 } else { 0o644 }
}
