//! Byte spans into a spec's source, and 1-based line/column positions.

use std::fmt;
use std::ops::Range;

use serde::Serialize;

/// A half-open byte range `start..end` into a spec's source.
///
/// Offsets are `u32`: a spec is at most [`crate::MAX_SPEC_SIZE`] bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord, Serialize)]
pub struct Span {
    /// First byte.
    pub start: u32,
    /// One past the last byte.
    pub end: u32,
}

impl Span {
    /// The span `start..end`.
    #[must_use]
    pub const fn new(start: u32, end: u32) -> Self {
        Self { start, end }
    }

    /// An empty span at `offset`.
    #[must_use]
    pub const fn empty(offset: u32) -> Self {
        Self {
            start: offset,
            end: offset,
        }
    }

    /// Length in bytes.
    #[must_use]
    pub const fn len(self) -> u32 {
        self.end.saturating_sub(self.start)
    }

    /// Whether the span covers no bytes.
    #[must_use]
    pub const fn is_empty(self) -> bool {
        self.end <= self.start
    }

    /// The span as a `usize` range, for slicing.
    #[must_use]
    pub const fn range(self) -> Range<usize> {
        self.start as usize..self.end as usize
    }

    /// Whether `other` lies entirely inside `self`.
    #[must_use]
    pub const fn contains(self, other: Self) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    /// Builds a span from `usize` offsets; callers guarantee they fit (sources are size-checked).
    pub(crate) fn from_usize(start: usize, end: usize) -> Self {
        Self {
            start: to_u32(start),
            end: to_u32(end),
        }
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

/// A 1-based line and column. Columns count characters (an invalid UTF-8 byte counts as one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord, Serialize)]
pub struct Position {
    /// 1-based physical line number.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
}

impl Position {
    /// The position at `line`, `column`.
    #[must_use]
    pub const fn new(line: u32, column: u32) -> Self {
        Self { line, column }
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// Converts an offset that is known to fit: every source is at most `u32::MAX` bytes.
pub(crate) fn to_u32(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

/// The 1-based column of `offset` in a line that starts at `line_start`: one plus the number of
/// characters between them (UTF-8 continuation bytes do not start a character).
pub(crate) fn column(bytes: &[u8], line_start: usize, offset: usize) -> u32 {
    let end = offset.min(bytes.len());
    let start = line_start.min(end);
    let characters = bytes[start..end]
        .iter()
        .filter(|&&b| (b & 0xC0) != 0x80)
        .count();
    to_u32(characters + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_counts_characters_not_bytes() {
        let text = "é:x".as_bytes();
        assert_eq!(column(text, 0, 0), 1);
        assert_eq!(column(text, 0, 2), 2);
        assert_eq!(column(text, 0, 3), 3);
        assert_eq!(column(text, 0, 99), 4);
    }

    #[test]
    fn span_basics() {
        let span = Span::new(2, 5);
        assert_eq!(span.len(), 3);
        assert!(!span.is_empty());
        assert!(span.contains(Span::new(3, 5)));
        assert!(!span.contains(Span::new(1, 3)));
        assert!(Span::empty(4).is_empty());
        assert_eq!(span.range(), 2..5);
    }
}
