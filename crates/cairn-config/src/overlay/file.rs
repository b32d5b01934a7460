//! Overlay files: one `[metadata]` table and at least one `[[overlays]]` entry.
//!
//! azldev's rules (`loadOverlayFile` in `internal/projectconfig/overlay_file.go`): the file's
//! metadata is validated and stamped onto every overlay; an overlay may not carry its own
//! `metadata`; an empty file is an error; every overlay is validated; `source` resolves
//! against the overlay file's directory. With `--permissive-config`, unknown keys are dropped
//! with a warning and invalid file metadata is dropped with a warning instead of failing.

use std::path::{Path, PathBuf};

use thiserror::Error;

use super::{DefinedOverlay, MetadataError, Overlay, OverlayError, OverlayMetadata, OverlayOrigin};

/// Overlay keys as spelled in TOML; used to drop unknown keys in permissive mode.
const OVERLAY_KEYS: &[&str] = &[
    "type",
    "description",
    "tag",
    "value",
    "package",
    "section",
    "regex",
    "replacement",
    "lines",
    "file",
    "source",
    "archive",
    "metadata",
];

/// A parsed overlay file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverlayFile {
    /// The file's metadata (`None` only when it was invalid and permissive mode dropped it).
    pub metadata: Option<OverlayMetadata>,
    /// The overlays in file order, each stamped with the metadata and its line in the file.
    pub overlays: Vec<DefinedOverlay>,
}

/// Why an overlay file could not be used.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum OverlayFileError {
    /// The file could not be read.
    #[error("failed to read overlay file {}: {source}", path.display())]
    Io {
        /// The overlay file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not valid TOML or does not have the overlay-file shape.
    #[error("failed to parse overlay file {}: {source}", path.display())]
    Parse {
        /// The overlay file.
        path: PathBuf,
        /// The parser's message, with line and column.
        source: Box<toml::de::Error>,
    },
    /// There is no `[metadata]` table.
    #[error(
        "overlay file {} has no [metadata] table: add one with `category` and `upstream-status`",
        path.display()
    )]
    MissingMetadata {
        /// The overlay file.
        path: PathBuf,
    },
    /// The `[metadata]` table breaks a metadata rule.
    #[error("invalid [metadata] in overlay file {}: {source}", path.display())]
    InvalidMetadata {
        /// The overlay file.
        path: PathBuf,
        /// The broken rule.
        source: MetadataError,
    },
    /// The file declares no overlays.
    #[error(
        "overlay file {} declares no overlays (write `[[overlays]]`, with two brackets, for each one)",
        path.display()
    )]
    Empty {
        /// The overlay file.
        path: PathBuf,
    },
    /// An overlay carries its own `metadata`.
    #[error(
        "overlay {index} at {}:{line} has its own metadata; per-overlay metadata is not allowed \
         inside an overlay file: declare it once in the file's [metadata] table",
        path.display()
    )]
    PerOverlayMetadata {
        /// The overlay file.
        path: PathBuf,
        /// 1-based position of the overlay in the file.
        index: usize,
        /// Line of its table.
        line: usize,
    },
    /// An overlay fails validation.
    #[error("invalid overlay {index} at {}:{line}: {source}", path.display())]
    InvalidOverlay {
        /// The overlay file.
        path: PathBuf,
        /// 1-based position of the overlay in the file.
        index: usize,
        /// Line of its table.
        line: usize,
        /// The broken rule.
        source: Box<OverlayError>,
    },
}

/// Reads and parses the overlay file at `path` (see [`parse_overlay_file`]).
pub fn load_overlay_file(path: &Path, permissive: bool) -> Result<OverlayFile, OverlayFileError> {
    let text = std::fs::read_to_string(path).map_err(|source| OverlayFileError::Io {
        path: path.to_owned(),
        source,
    })?;
    parse_overlay_file(path, &text, permissive)
}

/// Parses the text of an overlay file; `path` names it in errors and anchors `source` paths.
pub fn parse_overlay_file(
    path: &Path,
    text: &str,
    permissive: bool,
) -> Result<OverlayFile, OverlayFileError> {
    let parse_error = |source| OverlayFileError::Parse {
        path: path.to_owned(),
        source: Box::new(source),
    };
    let mut document: toml::Table = toml::from_str(text).map_err(parse_error)?;
    let tables = overlay_tables(text);

    let metadata_value = document.remove("metadata");
    let overlays_value = document.remove("overlays");
    if let Some(key) = document.keys().next() {
        let message = format!(
            "unknown top-level key `{key}` (an overlay file has `metadata` and `overlays`)"
        );
        if !permissive {
            return Err(parse_error(serde::de::Error::custom(message)));
        }
        tracing::warn!(file = %path.display(), "{message}; ignored because of --permissive-config");
    }

    let metadata = match metadata_value {
        None => {
            return Err(OverlayFileError::MissingMetadata {
                path: path.to_owned(),
            });
        }
        Some(value) => {
            let metadata: OverlayMetadata = value.try_into().map_err(parse_error)?;
            match metadata.validate() {
                Ok(()) => Some(metadata),
                Err(source) if !permissive => {
                    return Err(OverlayFileError::InvalidMetadata {
                        path: path.to_owned(),
                        source,
                    });
                }
                Err(source) => {
                    tracing::warn!(
                        file = %path.display(),
                        "overlay file metadata is invalid ({source}); dropped because of --permissive-config"
                    );
                    None
                }
            }
        }
    };

    let entries = match overlays_value {
        None => Vec::new(),
        Some(toml::Value::Array(entries)) => entries,
        Some(_) => {
            return Err(parse_error(serde::de::Error::custom(
                "`overlays` must be an array of tables: write `[[overlays]]`",
            )));
        }
    };
    if entries.is_empty() {
        return Err(OverlayFileError::Empty {
            path: path.to_owned(),
        });
    }

    let mut overlays = Vec::with_capacity(entries.len());
    for (position, entry) in entries.into_iter().enumerate() {
        let index = position + 1;
        let line = tables.get(position).copied().unwrap_or(1);
        let toml::Value::Table(mut table) = entry else {
            return Err(parse_error(serde::de::Error::custom(format!(
                "overlay {index} is not a table"
            ))));
        };
        if table.contains_key("metadata") {
            return Err(OverlayFileError::PerOverlayMetadata {
                path: path.to_owned(),
                index,
                line,
            });
        }
        if permissive {
            table.retain(|key, _| {
                let known = OVERLAY_KEYS.contains(&key);
                if !known {
                    tracing::warn!(file = %path.display(), line, "unknown overlay key `{key}` ignored");
                }
                known
            });
        }
        let mut overlay: Overlay =
            toml::Value::Table(table)
                .try_into()
                .map_err(|error: toml::de::Error| {
                    parse_error(serde::de::Error::custom(format!(
                        "overlay {index} (line {line}): {}",
                        error.message()
                    )))
                })?;
        overlay.metadata.clone_from(&metadata);
        overlay
            .validate()
            .map_err(|source| OverlayFileError::InvalidOverlay {
                path: path.to_owned(),
                index,
                line,
                source: Box::new(source),
            })?;
        overlays.push(DefinedOverlay {
            overlay,
            origin: OverlayOrigin {
                file: path.to_owned(),
                line: Some(line),
            },
        });
    }
    Ok(OverlayFile { metadata, overlays })
}

/// 1-based lines of each `[[overlays]]` entry, in order, taken from the parser's spans
/// (empty when `overlays` has another shape; the main parse reports that).
fn overlay_tables(text: &str) -> Vec<usize> {
    #[derive(serde::Deserialize)]
    struct Positions {
        #[serde(default)]
        overlays: Vec<toml::Spanned<toml::Table>>,
    }
    match toml::from_str::<Positions>(text) {
        Ok(positions) => positions
            .overlays
            .iter()
            .map(|entry| line_of(text, entry.span().start))
            .collect(),
        Err(_) => Vec::new(),
    }
}

/// The 1-based line holding byte `offset`.
fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&byte| byte == b'\n')
        .count()
        + 1
}

#[cfg(test)]
#[path = "file_tests.rs"]
mod tests;
