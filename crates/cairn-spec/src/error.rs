//! Errors of this crate. Parsing itself only fails on size; content problems are
//! [`crate::Diagnostic`]s.

use std::io;
use std::path::PathBuf;

use crate::span::Span;

/// Parsing a spec failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ParseSpecError {
    /// The source is larger than spans can address.
    #[error(
        "the spec is {size} bytes; at most {} bytes are supported",
        crate::MAX_SPEC_SIZE
    )]
    TooLarge {
        /// Size of the source.
        size: usize,
    },
}

/// Reading a spec file failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReadSpecError {
    /// The file could not be read.
    #[error("cannot read spec file {}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: io::Error,
    },
    /// The file was read but could not be parsed.
    #[error("cannot parse spec file {}", path.display())]
    Parse {
        /// The file.
        path: PathBuf,
        /// Why.
        source: ParseSpecError,
    },
}

/// A set of edits could not be applied.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EditError {
    /// An edit lies outside the source.
    #[error(
        "an edit at bytes {span} lies outside the spec ({length} bytes); take spans from this spec"
    )]
    OutOfRange {
        /// The edit's span.
        span: Span,
        /// Length of the source.
        length: u32,
    },
    /// Two edits touch the same bytes.
    #[error("edits at bytes {first} and {second} overlap; merge them into one edit")]
    Overlap {
        /// The earlier edit.
        first: Span,
        /// The later edit.
        second: Span,
    },
    /// A tag edit on a line that is not a tag.
    #[error("line {line} is not a tag line; only tag lines have a value to set")]
    NotATag {
        /// The physical line number.
        line: u32,
    },
    /// The edited text could not be parsed again.
    #[error("the edited spec cannot be parsed")]
    Parse(#[from] ParseSpecError),
}

/// The model does not describe its source exactly (a bug in this crate).
#[derive(Debug, thiserror::Error)]
#[error("the spec model is inconsistent: {what}")]
pub struct StructureError {
    /// The invariant that does not hold.
    pub what: String,
}

impl StructureError {
    pub(crate) fn new(what: String) -> Self {
        Self { what }
    }
}
