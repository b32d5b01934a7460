//! Errors from reading rpm-md documents.

use std::fmt;

/// Where in a document something went wrong: byte offset, line and column (1-based) of the
/// decompressed XML.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Position {
    /// Byte offset from the start of the document.
    pub offset: u64,
    /// Line, counting from 1.
    pub line: u64,
    /// Column in bytes, counting from 1.
    pub column: u64,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, column {}", self.line, self.column)
    }
}

/// Errors from reading primary.xml, filelists.xml, other.xml or repomd.xml.
///
/// Every variant names the document and the position, so that the caller only has to add the
/// file or URL it read from.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReadError {
    /// The underlying reader failed (including a decompression error).
    #[error("{document}: read failed: {source}")]
    Io {
        /// The document (`primary.xml`...).
        document: &'static str,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The text is not well-formed XML.
    #[error("{document}, {position}: malformed XML: {message}")]
    Syntax {
        /// The document.
        document: &'static str,
        /// Where.
        position: Position,
        /// The parser's message.
        message: String,
    },
    /// The document ends before its root element is closed.
    #[error(
        "{document}, {position}: the document ends early (truncated download or file?); fetch or regenerate it"
    )]
    Truncated {
        /// The document.
        document: &'static str,
        /// Where the input ended.
        position: Position,
    },
    /// A DTD or an entity other than XML's five predefined ones and character references.
    #[error(
        "{document}, {position}: {what} is not allowed in rpm-md (refused to guard against entity expansion)"
    )]
    Forbidden {
        /// The document.
        document: &'static str,
        /// Where.
        position: Position,
        /// What was found.
        what: String,
    },
    /// Well-formed XML that is not valid rpm-md (missing attribute, bad number, wrong root...).
    #[error("{document}, {position}: {message}")]
    Invalid {
        /// The document.
        document: &'static str,
        /// Where.
        position: Position,
        /// What is wrong.
        message: String,
    },
    /// A size or count limit of [`Limits`](crate::Limits) was exceeded.
    #[error(
        "{document}, {position}: {what} exceeds the limit of {limit}; the metadata is hostile or corrupt"
    )]
    LimitExceeded {
        /// The document.
        document: &'static str,
        /// Where.
        position: Position,
        /// What was counted.
        what: &'static str,
        /// The limit.
        limit: u64,
    },
    /// A `location href` that would leave the repository (absolute, `..`, or a URL).
    #[error(
        "{document}, {position}: package location `{href}` is not a relative path inside the repository"
    )]
    UnsafeLocation {
        /// The document.
        document: &'static str,
        /// Where.
        position: Position,
        /// The offending value.
        href: String,
    },
}
