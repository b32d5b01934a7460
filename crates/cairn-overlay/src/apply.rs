//! All overlays of a component, applied in memory in one pass.
//!
//! Order is azldev's (`PrepareSources`): archive overlays first, batched per archive in the
//! order archives first appear, then every other overlay in declaration order. Nothing is
//! written here: on the first failure the error names the overlay and nothing has changed
//! on disk; on success [`Sources::commit`] writes the result. Each spec overlay ends with
//! the spec re-read, as azldev re-reads the file it wrote, so results match its
//! overlay-by-overlay runs byte for byte.

use cairn_config::overlay::{DefinedOverlay, OverlayOrigin, OverlayType};
use thiserror::Error;

use crate::archive::{self, ArchiveError};
use crate::edit::{EditOptions, apply_to_spec, field, modifies_spec};
use crate::files::{self, FileOverlayError};
use crate::sources::{Sources, SourcesError};
use crate::spec::{Spec, SpecEditError};
use crate::tree::{Content, Node};

/// What one overlay ran into.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum OverlayFailure {
    /// The spec edit failed.
    #[error(transparent)]
    Spec(#[from] SpecEditError),
    /// The file edit failed.
    #[error(transparent)]
    File(#[from] FileOverlayError),
    /// The archive could not be read or repacked.
    #[error("archive `{archive}`: {source}")]
    Archive {
        /// The archive's file name.
        archive: String,
        /// What went wrong.
        source: ArchiveError,
    },
    /// An archive overlay names an archive that is not in the sources directory.
    #[error("archive `{archive}` is not in the sources directory")]
    MissingArchive {
        /// The archive's file name.
        archive: String,
    },
    /// A spec overlay on a sources directory without a spec.
    #[error("the sources directory has no spec file to edit")]
    NoSpec,
    /// Reading the sources directory failed.
    #[error(transparent)]
    Sources(#[from] SourcesError),
}

/// An overlay that failed: which one, where it was defined, and why.
#[derive(Debug, Error)]
#[error("overlay \"{description}\" ({kind}, defined at {origin}) failed{at}: {failure}", kind = kind.as_str(), at = spec_line_suffix(*spec_line))]
pub struct ApplyError {
    /// 1-based position of the overlay in the list.
    pub index: usize,
    /// The overlay's description, or `(no description)`.
    pub description: String,
    /// The overlay type.
    pub kind: OverlayType,
    /// The file and line that define the overlay.
    pub origin: OverlayOrigin,
    /// The 1-based spec line the edit failed at, when there is one.
    pub spec_line: Option<usize>,
    /// What went wrong.
    #[source]
    pub failure: Box<OverlayFailure>,
}

fn spec_line_suffix(line: Option<usize>) -> String {
    line.map(|line| format!(" at spec line {line}"))
        .unwrap_or_default()
}

/// What a successful run changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApplyReport {
    /// How many overlays were applied.
    pub applied: usize,
    /// Whether the spec was edited.
    pub spec_changed: bool,
    /// Archives that were repacked, by file name, in the order they were processed.
    pub repacked_archives: Vec<String>,
}

/// Applies `overlays` to `sources` in memory (see the module documentation for the order).
pub fn apply_overlays(
    sources: &mut Sources,
    overlays: &[DefinedOverlay],
    options: &EditOptions,
) -> Result<ApplyReport, ApplyError> {
    let mut report = ApplyReport::default();
    let mut archives: Vec<&str> = Vec::new();
    for defined in overlays {
        if defined.overlay.modifies_archive() {
            let name = field(&defined.overlay.archive);
            if !archives.contains(&name) {
                archives.push(name);
            }
        }
    }
    for name in archives {
        let batch: Vec<(usize, &DefinedOverlay)> = overlays
            .iter()
            .enumerate()
            .filter(|(_, defined)| {
                defined.overlay.modifies_archive() && field(&defined.overlay.archive) == name
            })
            .collect();
        apply_archive_batch(sources, name, &batch)?;
        report.applied += batch.len();
        report.repacked_archives.push(name.to_owned());
    }
    for (position, defined) in overlays.iter().enumerate() {
        if defined.overlay.modifies_archive() {
            continue;
        }
        apply_one(sources, defined, options)
            .map_err(|failure| failed(position, defined, failure))?;
        report.spec_changed |= modifies_spec(defined.overlay.kind);
        report.applied += 1;
    }
    Ok(report)
}

fn apply_one(
    sources: &mut Sources,
    defined: &DefinedOverlay,
    options: &EditOptions,
) -> Result<(), OverlayFailure> {
    let overlay = &defined.overlay;
    if modifies_spec(overlay.kind) {
        let spec = sources.spec_mut()?.ok_or(OverlayFailure::NoSpec)?;
        apply_to_spec(spec, overlay, options)?;
        sources.mark_spec_changed();
    }
    if modifies_files(overlay.kind) {
        files::apply(
            &mut sources.tree,
            "",
            overlay,
            defined.source_path().as_deref(),
        )?;
    }
    Ok(())
}

/// Extracts one archive, applies its overlays in order, and stores the repacked bytes.
fn apply_archive_batch(
    sources: &mut Sources,
    name: &str,
    batch: &[(usize, &DefinedOverlay)],
) -> Result<(), ApplyError> {
    let Some(&(first, first_overlay)) = batch.first() else {
        return Ok(());
    };
    let archive_error = |source| OverlayFailure::Archive {
        archive: name.to_owned(),
        source,
    };
    let bytes = match sources.tree.get(name) {
        Some(Node::File { .. }) => files::read(&mut sources.tree, name)
            .map_err(|failure| failed(first, first_overlay, failure.into()))?,
        _ => {
            return Err(failed(
                first,
                first_overlay,
                OverlayFailure::MissingArchive {
                    archive: name.to_owned(),
                },
            ));
        }
    };
    let format = archive::sniff(&bytes, name);
    let mut tree = archive::extract(&bytes, format)
        .map_err(|error| failed(first, first_overlay, archive_error(error)))?;
    drop(bytes);
    let base = archive::overlay_base(&tree);
    for &(position, defined) in batch {
        files::apply(
            &mut tree,
            &base,
            &defined.overlay,
            defined.source_path().as_deref(),
        )
        .map_err(|failure| failed(position, defined, failure.into()))?;
    }
    let repacked = archive::repack(&tree, format)
        .map_err(|error| failed(first, first_overlay, archive_error(error)))?;
    if let Some(Node::File {
        content, changed, ..
    }) = sources.tree.get_mut(name)
    {
        *content = Content::Memory(repacked);
        *changed = true;
    }
    tracing::debug!(
        archive = name,
        overlays = batch.len(),
        ?format,
        "repacked archive"
    );
    Ok(())
}

/// Whether the overlay touches loose files (the file halves of the patch overlays included).
fn modifies_files(kind: OverlayType) -> bool {
    matches!(
        kind,
        OverlayType::FilePrependLines
            | OverlayType::FileSearchReplace
            | OverlayType::FileAdd
            | OverlayType::FileRemove
            | OverlayType::FileRename
            | OverlayType::PatchAdd
            | OverlayType::PatchRemove
    )
}

fn failed(position: usize, defined: &DefinedOverlay, failure: OverlayFailure) -> ApplyError {
    let spec_line = match &failure {
        OverlayFailure::Spec(error) => error.line(),
        _ => None,
    };
    ApplyError {
        index: position + 1,
        description: defined.overlay.description_or_placeholder().to_owned(),
        kind: defined.overlay.kind,
        origin: defined.origin.clone(),
        spec_line,
        failure: Box::new(failure),
    }
}

/// Applies spec overlays to spec text in memory and returns the text azldev would write.
/// File-only overlays are an error; the spec halves of `patch-add`/`patch-remove` apply.
pub fn apply_to_spec_text(
    text: &[u8],
    overlays: &[DefinedOverlay],
    options: &EditOptions,
) -> Result<Vec<u8>, ApplyError> {
    let mut spec = Spec::parse(text);
    for (position, defined) in overlays.iter().enumerate() {
        apply_to_spec(&mut spec, &defined.overlay, options)
            .map_err(|error| failed(position, defined, error.into()))?;
    }
    Ok(spec.to_bytes())
}

#[cfg(test)]
#[path = "apply_tests.rs"]
mod tests;
