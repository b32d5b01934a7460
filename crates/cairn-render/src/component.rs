//! Rendering one component in memory: azldev's `PrepareSources` steps 4-8 and the render
//! finish (azldev-reference §2.2, §2.5), from the upstream tree to the rendered tree.

use std::path::Path;

use cairn_autospec::azldev::ProjectChange;
use cairn_config::model::{HashType as ConfigHashType, OriginType, ReleaseCalculation};
use cairn_config::overlay::DefinedOverlay;
use cairn_overlay::release::{ReleaseBump, ReleaseBumpOptions, ReleaseRule, bump_release};
use cairn_overlay::{EditOptions, MemoryEntry, Sources, Spec, apply_overlays};
use cairn_source::{HashType, LookasideCache, LookasideFile, Mirror, SourcesEntry, SourcesFile};

use crate::autospec::{HistoryInput, RenderEvaluator, TreeEvaluator, expand};
use crate::error::ComponentError;
use crate::filter::{FilterOutcome, SpecEnvironment, filter, reads_sidecars};
use crate::output::{Tree, write_tree};
use crate::plan::overlay_plan;
use crate::source::{Origin, Setup};

/// What every component's render shares.
pub(crate) struct Environment {
    pub spec: SpecEnvironment,
    pub evaluator: RenderEvaluator,
    pub edit: EditOptions,
    pub release_rule: ReleaseRule,
    pub lookaside: LookasideCache,
}

/// The inputs of one component's render besides its configuration.
pub(crate) struct RenderInput<'a> {
    pub files: Tree,
    pub upstream: Option<(&'a Mirror, cairn_source::GitId)>,
    pub changes: &'a [ProjectChange],
    pub import_commit: Option<&'a str>,
}

fn set_file(files: &mut Tree, path: &str, data: Vec<u8>, mode: u32) {
    let entry = MemoryEntry::File { data, mode };
    match files.iter_mut().find(|(existing, _)| existing == path) {
        Some((_, slot)) => *slot = entry,
        None => {
            files.push((path.to_owned(), entry));
            files.sort_by(|left, right| left.0.cmp(&right.0));
        }
    }
}

fn file_bytes<'t>(files: &'t Tree, path: &str) -> Option<&'t [u8]> {
    files.iter().find_map(|(existing, entry)| match entry {
        MemoryEntry::File { data, .. } if existing == path => Some(data.as_slice()),
        _ => None,
    })
}

fn hash_type(config: ConfigHashType) -> HashType {
    match config {
        ConfigHashType::Sha256 => HashType::Sha256,
        ConfigHashType::Sha512 => HashType::Sha512,
    }
}

/// Renders `setup` from `input`: macros file, overlays, `sources` rewrite, Release bump,
/// rpmautospec, file filter.
pub(crate) fn render(
    setup: &Setup,
    input: RenderInput<'_>,
    environment: &Environment,
) -> Result<Tree, ComponentError> {
    let name = setup.name();
    let config = &setup.resolved.config;
    let spec_name = setup.spec_name();
    let mut files = input.files;
    if file_bytes(&files, &spec_name).is_none() {
        return Err(ComponentError::MissingSpec {
            component: name.to_owned(),
            spec: spec_name,
            origin: match &setup.origin {
                Origin::Upstream(upstream) => {
                    format!("{} ({})", upstream.request.url, upstream.upstream_name)
                }
                Origin::Local { dir, .. } => dir.display().to_string(),
            },
        });
    }
    let plan = overlay_plan(name, config, setup.defined_in.clone());
    if let Some((macros_name, text)) = &plan.macros_file {
        set_file(&mut files, macros_name, text.clone().into_bytes(), 0o644);
    }
    let archives = provide_archives(&mut files, setup, &plan.overlays, &environment.lookaside)?;

    let root = Path::new(name);
    let mut sources = Sources::from_memory(root, Some(&spec_name), files)?;
    apply_overlays(&mut sources, &plan.overlays, &environment.edit)?;
    let mut files = sources.to_memory()?;

    rewrite_sources(&mut files, setup, &archives, &environment.lookaside)?;

    let calculation = config
        .release
        .calculation
        .unwrap_or(ReleaseCalculation::Auto);
    let commits = input.changes.len() as u64;
    if commits > 0
        && matches!(
            calculation,
            ReleaseCalculation::Auto | ReleaseCalculation::Static
        )
    {
        let bytes = file_bytes(&files, &spec_name).unwrap_or_default();
        let mut spec = Spec::parse(bytes);
        let options = ReleaseBumpOptions {
            rule: environment.release_rule,
            require_static: calculation == ReleaseCalculation::Static,
        };
        if let ReleaseBump::Bumped { .. } = bump_release(&mut spec, commits, &options)? {
            set_file(&mut files, &spec_name, spec.to_bytes(), 0o644);
        }
    }

    let spec = file_bytes(&files, &spec_name).unwrap_or_default().to_vec();
    let history = HistoryInput {
        upstream: input.upstream,
        spec_name: &spec_name,
        import_commit: input.import_commit,
        changes: input.changes,
        changelog: file_bytes(&files, "changelog"),
    };
    // The tree is only written out when the spec reads files beside it.
    let scratch = if reads_sidecars(&String::from_utf8_lossy(&spec)) {
        let dir = tempfile::Builder::new()
            .prefix("cairn-render-autospec-")
            .tempdir()
            .map_err(|error| ComponentError::io("creating", std::env::temp_dir(), error))?;
        write_tree(dir.path(), &files)
            .map_err(|error| ComponentError::io("writing", dir.path(), error))?;
        Some(dir)
    } else {
        None
    };
    let evaluator = TreeEvaluator {
        inner: &environment.evaluator,
        source_dir: scratch.as_ref().map(tempfile::TempDir::path),
    };
    if let Some(processed) = expand(&spec, &history, &evaluator)? {
        set_file(&mut files, &spec_name, processed, 0o644);
    }

    let skip = config.render.skip_file_filter == Some(true);
    match filter(&mut files, &spec_name, skip, &environment.spec) {
        FilterOutcome::UnexpandedMacro(example) => tracing::info!(
            component = name,
            example,
            "file filter skipped: the spec's Source/Patch list has unexpanded macros"
        ),
        FilterOutcome::EvaluationFailed(error) => tracing::warn!(
            component = name,
            "file filter skipped: the spec could not be evaluated: {error}"
        ),
        FilterOutcome::Filtered(removed) if !removed.is_empty() => {
            tracing::debug!(
                component = name,
                ?removed,
                "file filter removed unreferenced files"
            );
        }
        _ => {}
    }
    Ok(files)
}

/// Puts every archive an archive overlay edits into the tree, from the lookaside cache
/// (downloaded and verified against the `sources` hash first when missing). azldev skips
/// archive overlays during render; cairn applies them so the rendered `sources` names the
/// repacked archive.
fn provide_archives(
    files: &mut Tree,
    setup: &Setup,
    overlays: &[DefinedOverlay],
    cache: &LookasideCache,
) -> Result<Vec<String>, ComponentError> {
    let mut archives: Vec<String> = Vec::new();
    for defined in overlays {
        if defined.overlay.modifies_archive()
            && let Some(archive) = defined.overlay.archive.clone()
            && !archives.contains(&archive)
        {
            archives.push(archive);
        }
    }
    if archives.is_empty() {
        return Ok(archives);
    }
    let name = setup.name();
    let Origin::Upstream(upstream) = &setup.origin else {
        return Err(ComponentError::config(format!(
            "component `{name}`: archive overlays need an upstream `sources` file and lookaside"
        )));
    };
    let template = upstream.lookaside_template.as_deref().ok_or_else(|| {
        ComponentError::config(format!(
            "distro `{}` has no `lookaside-base-uri`, so the archives of `{name}` cannot be fetched",
            upstream.distro
        ))
    })?;
    let sources = SourcesFile::parse(&String::from_utf8_lossy(
        file_bytes(files, "sources").unwrap_or_default(),
    ))?;
    for archive in &archives {
        let entry = sources.get(archive).ok_or_else(|| {
            ComponentError::config(format!(
                "component `{name}`: archive `{archive}` is not in the upstream `sources` file"
            ))
        })?;
        let file = LookasideFile::from_entry(name, &upstream.upstream_name, template, entry)
            .map_err(|error| ComponentError::config(format!("component `{name}`: {error}")))?;
        let path = cache.fetch(&file)?;
        let data =
            std::fs::read(&path).map_err(|error| ComponentError::io("reading", &path, error))?;
        set_file(files, archive, data, 0o644);
    }
    Ok(archives)
}

/// azldev's step 7: repacked archives re-hashed (checked against an `origin = "overlay"`
/// entry's hash), `source-files` entries written as `HASHTYPE (file) = hash`, replaced in
/// place or appended. Repacked archives leave the tree and enter the lookaside cache.
fn rewrite_sources(
    files: &mut Tree,
    setup: &Setup,
    archives: &[String],
    cache: &LookasideCache,
) -> Result<(), ComponentError> {
    let name = setup.name();
    let source_files = &setup.resolved.config.source_files;
    if source_files.is_empty() && archives.is_empty() {
        return Ok(());
    }
    let mut sources = SourcesFile::parse(&String::from_utf8_lossy(
        file_bytes(files, "sources").unwrap_or_default(),
    ))?;
    for archive in archives {
        let data = file_bytes(files, archive).unwrap_or_default().to_vec();
        let configured = source_files.iter().find(|file| {
            file.filename == *archive
                && file
                    .origin
                    .as_ref()
                    .is_some_and(|origin| origin.kind == OriginType::Overlay)
        });
        let kind = configured
            .and_then(|file| file.hash_type)
            .map(hash_type)
            .or_else(|| sources.get(archive).map(|entry| entry.hash_type))
            .unwrap_or(HashType::Sha512);
        let digest = kind.digest(&data);
        if let Some(expected) = configured.and_then(|file| file.hash.as_deref())
            && !expected.eq_ignore_ascii_case(&digest)
        {
            return Err(ComponentError::config(format!(
                "component `{name}`: archive `{archive}` after its overlays has {} {digest}, but \
                 its `source-files` entry records {expected}; update the recorded hash",
                kind.name()
            )));
        }
        store_in_cache(cache, kind, &digest, &data)?;
        sources.upsert(SourcesEntry::tagged(archive.clone(), kind, digest));
        files.retain(|(path, _)| path != archive);
    }
    for file in source_files {
        let (Some(hash), Some(kind)) = (&file.hash, file.hash_type) else {
            continue;
        };
        if archives.contains(&file.filename) {
            continue;
        }
        sources.upsert(SourcesEntry::tagged(
            file.filename.clone(),
            hash_type(kind),
            hash.clone(),
        ));
    }
    set_file(files, "sources", sources.to_text().into_bytes(), 0o644);
    Ok(())
}

/// Stores a repacked archive in the lookaside cache under its digest.
fn store_in_cache(
    cache: &LookasideCache,
    kind: HashType,
    digest: &str,
    data: &[u8],
) -> Result<(), ComponentError> {
    use std::io::Write as _;
    let path = cache.path_of(kind, digest);
    if path.is_file() {
        return Ok(());
    }
    let dir = path.parent().unwrap_or(cache.root());
    std::fs::create_dir_all(dir).map_err(|error| ComponentError::io("creating", dir, error))?;
    let mut temporary = tempfile::Builder::new()
        .prefix(".incoming-")
        .tempfile_in(dir)
        .map_err(|error| ComponentError::io("writing", &path, error))?;
    temporary
        .write_all(data)
        .map_err(|error| ComponentError::io("writing", &path, error))?;
    temporary
        .persist(&path)
        .map_err(|error| ComponentError::io("writing", &path, error.error))?;
    Ok(())
}
