//! A walk over a spec's lines with azldev's event order and edit bookkeeping.
//!
//! azldev edits specs through a visitor (`Spec.Visit` in `internal/rpm/spec/spec.go`) and
//! several of its behaviours come from that walk, not from the edits: a section "ends" at the
//! next header (so its trailing blank lines and comments belong to it), an edited line is
//! re-classified in place (a replacement that turns into a header opens a section), lines
//! inserted during the walk are classified but not shown to the visitor, and the end of the
//! last section is always reported. This module reproduces that walk so every edit built on
//! it inherits the same behaviour.

use super::line::{LineKind, Section, classify};

/// What the walk is looking at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Event {
    /// The start of a section ([`Cursor::section`]); for the preamble, before line 0.
    SectionStart,
    /// A line inside [`Cursor::section`], with its classification.
    Line(LineKind),
    /// The end of [`Cursor::section`]; [`Cursor::line`] is the next header (or the line count).
    SectionEnd,
}

/// The walk's position, and the edits a visitor may make there.
pub(crate) struct Cursor<'a> {
    lines: &'a mut Vec<Vec<u8>>,
    /// The section the current event belongs to.
    pub section: Section,
    /// 0-based index of the current line (the header line for section events).
    pub line: usize,
    state: Section,
    state_before: Section,
    next_parse: usize,
    next_visit: usize,
}

impl Cursor<'_> {
    /// The current line's bytes (empty past the end).
    pub fn text(&self) -> &[u8] {
        self.lines.get(self.line).map_or(&[], Vec::as_slice)
    }

    /// Inserts lines before the current one; they are classified but not visited, and the
    /// current line is not visited again.
    pub fn insert_before(&mut self, new_lines: Vec<Vec<u8>>) {
        let count = new_lines.len();
        let at = self.line.min(self.lines.len());
        self.lines.splice(at..at, new_lines);
        self.state = self.state_before.clone();
        self.next_parse = self.line;
        self.next_visit = self.line + count + 1;
    }

    /// Inserts lines after the current one and skips past them.
    pub fn insert_after(&mut self, new_lines: Vec<Vec<u8>>) {
        let count = new_lines.len();
        let at = (self.line + 1).min(self.lines.len());
        self.lines.splice(at..at, new_lines);
        self.next_parse = self.line + 1;
        self.next_visit += count;
    }

    /// Removes the current line; the line that moves into its place is visited next.
    pub fn remove(&mut self) {
        if self.line < self.lines.len() {
            self.lines.remove(self.line);
        }
        self.state = self.state_before.clone();
        self.next_parse = self.line;
        self.next_visit = self.line;
    }

    /// Replaces the current line; it is re-classified but not visited again.
    pub fn replace(&mut self, replacement: Vec<u8>) {
        if let Some(slot) = self.lines.get_mut(self.line) {
            *slot = replacement;
        }
        self.state = self.state_before.clone();
        self.next_parse = self.line;
        self.next_visit = self.line + 1;
    }
}

/// Walks `lines`, calling `visitor` for every event in azldev's order.
pub(crate) fn visit<E>(
    lines: &mut Vec<Vec<u8>>,
    mut visitor: impl FnMut(&mut Cursor<'_>, &Event) -> Result<(), E>,
) -> Result<(), E> {
    let mut cursor = Cursor {
        lines,
        section: Section::preamble(),
        line: 0,
        state: Section::preamble(),
        state_before: Section::preamble(),
        next_parse: 1,
        next_visit: 0,
    };
    visitor(&mut cursor, &Event::SectionStart)?;
    while cursor.line < cursor.lines.len() {
        cursor.state_before = cursor.state.clone();
        let (kind, opened) = classify(&cursor.lines[cursor.line], &cursor.state_before);
        let event = match (kind, opened) {
            (LineKind::SectionStart(_), Some(opened)) => {
                cursor.state = opened;
                if cursor.line >= cursor.next_visit {
                    visitor(&mut cursor, &Event::SectionEnd)?;
                }
                cursor.section = cursor.state.clone();
                Event::SectionStart
            }
            (kind, _) => Event::Line(kind),
        };
        if cursor.line >= cursor.next_visit {
            visitor(&mut cursor, &event)?;
        }
        cursor.line = cursor.next_parse;
        cursor.next_parse += 1;
        cursor.next_visit = cursor.next_visit.max(cursor.line);
    }
    visitor(&mut cursor, &Event::SectionEnd)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<Vec<u8>> {
        text.lines().map(|line| line.as_bytes().to_vec()).collect()
    }

    #[test]
    fn events_in_order() {
        let mut spec = lines("Name: a\n\n%build\nmake\n%files\n");
        let mut seen = Vec::new();
        visit::<()>(&mut spec, |cursor, event| {
            let label = match event {
                Event::SectionStart => "start",
                Event::Line(_) => "line",
                Event::SectionEnd => "end",
            };
            seen.push(format!("{label} {} {}", cursor.section.name, cursor.line));
            Ok(())
        })
        .unwrap();
        assert_eq!(
            seen,
            [
                "start  0",
                "line  0",
                "line  1",
                "end  2",
                "start %build 2",
                "line %build 3",
                "end %build 4",
                "start %files 4",
                "end %files 5"
            ]
        );
    }

    #[test]
    fn replaced_line_that_becomes_a_header_opens_a_section() {
        let mut spec = lines("Name: a\nXfiles\nfoo: bar\n");
        let mut tags = 0;
        visit::<()>(&mut spec, |cursor, event| {
            if let Event::Line(kind) = event {
                if cursor.text() == b"Xfiles" {
                    cursor.replace(b"%files".to_vec());
                } else if matches!(kind, LineKind::Tag { .. }) {
                    tags += 1;
                }
            }
            Ok(())
        })
        .unwrap();
        assert_eq!(tags, 1, "`foo: bar` is in %files now, so not a tag");
    }
}
