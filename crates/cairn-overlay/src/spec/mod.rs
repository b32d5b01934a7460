//! azldev's compatibility view of a spec: a flat list of physical lines.
//!
//! azldev has no syntax tree (`internal/rpm/spec`): it reads a spec with Go's line scanner
//! (split at `\n`, one trailing `\r` dropped, so CRLF becomes LF), classifies each line on
//! the fly ([`line`]), edits through a visitor ([`visit`]), and writes `\n` after every line
//! (so a missing final newline appears). Every spec overlay re-reads the file it wrote, so a
//! replacement containing `\n` becomes several lines for the next overlay; [`Spec::reread`]
//! reproduces that between overlays. Lines are bytes, so a spec that is not UTF-8 passes
//! through unchanged outside the edited lines.

mod error;
mod line;
mod lines;
mod patches;
mod sections;
mod tags;
mod visit;

pub use error::SpecEditError;

use line::{LineKind, Section};
use visit::{Event, visit};

/// A spec as azldev sees it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Spec {
    lines: Vec<Vec<u8>>,
}

impl Spec {
    /// Splits spec text the way Go's `bufio.Scanner` does.
    pub fn parse(text: &[u8]) -> Self {
        let mut lines = Vec::new();
        scan_lines(text, &mut lines);
        Self { lines }
    }

    /// The spec as azldev writes it: every line followed by `\n`.
    pub fn to_bytes(&self) -> Vec<u8> {
        let size = self.lines.iter().map(|line| line.len() + 1).sum();
        let mut out = Vec::with_capacity(size);
        for line in &self.lines {
            out.extend_from_slice(line);
            out.push(b'\n');
        }
        out
    }

    /// The lines, without their newlines.
    pub fn lines(&self) -> impl ExactSizeIterator<Item = &[u8]> {
        self.lines.iter().map(Vec::as_slice)
    }

    /// The value of the last tag named `tag` (case-insensitively) in `package` (`""` for the
    /// main package), as azldev's `GetLastTag` reads it.
    pub fn last_tag(&self, package: &str, tag: &str) -> Option<String> {
        let wanted = tag.to_lowercase();
        let mut found = None;
        let mut lines = self.lines.clone();
        let _ = visit::<()>(&mut lines, |cursor, event| {
            if let Event::Line(LineKind::Tag { name, value }) = event
                && &*cursor.section.package == package
                && name.to_lowercase() == wanted
            {
                found = Some(value.clone());
            }
            Ok(())
        });
        found
    }

    /// Writes the spec and reads it back, as azldev does between two spec overlays: lines
    /// holding `\n` split, and one trailing `\r` per line is dropped.
    pub fn reread(&mut self) {
        if !self
            .lines
            .iter()
            .any(|line| line.contains(&b'\n') || line.ends_with(b"\r"))
        {
            return;
        }
        let mut lines = Vec::with_capacity(self.lines.len());
        for line in &self.lines {
            for part in line.split(|&byte| byte == b'\n') {
                lines.push(part.strip_suffix(b"\r").unwrap_or(part).to_vec());
            }
        }
        self.lines = lines;
    }

    pub(crate) fn lines_mut(&mut self) -> &mut Vec<Vec<u8>> {
        &mut self.lines
    }

    /// Whether any section header is named exactly `name` (azldev's `HasSection`).
    pub(crate) fn has_section(&self, name: &str) -> bool {
        let mut current = Section::preamble();
        self.lines
            .iter()
            .any(|text| match line::classify(text, &current) {
                (_, Some(opened)) => {
                    let matches = &*opened.name == name;
                    current = opened;
                    matches
                }
                _ => false,
            })
    }
}

/// Go's `bufio.ScanLines`: split at `\n`, drop one `\r` before it, keep a final unterminated line.
fn scan_lines(text: &[u8], lines: &mut Vec<Vec<u8>>) {
    let mut rest = text;
    while !rest.is_empty() {
        let (line, next) = match rest.iter().position(|&byte| byte == b'\n') {
            Some(end) => (&rest[..end], &rest[end + 1..]),
            None => (rest, &[][..]),
        };
        lines.push(line.strip_suffix(b"\r").unwrap_or(line).to_vec());
        rest = next;
    }
}

/// Makes the `Tag: value` line azldev writes: the overlay's spelling, one space.
pub(crate) fn tag_line(tag: &str, value: &str) -> Vec<u8> {
    format!("{tag}: {value}").into_bytes()
}

/// Converts overlay lines to spec lines.
pub(crate) fn to_lines(lines: &[String]) -> Vec<Vec<u8>> {
    lines.iter().map(|line| line.as_bytes().to_vec()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scanning_matches_go() {
        assert_eq!(Spec::parse(b"").lines().count(), 0);
        assert_eq!(Spec::parse(b"\n").to_bytes(), b"\n");
        assert_eq!(Spec::parse(b"a\r\nb").to_bytes(), b"a\nb\n");
        assert_eq!(Spec::parse(b"a\r\r\n").lines().next().unwrap(), b"a\r");
        assert_eq!(Spec::parse(b"a\n\n").lines().count(), 2);
    }

    #[test]
    fn reread_splits_and_trims() {
        let mut spec = Spec {
            lines: vec![b"a\nb".to_vec(), b"c\r".to_vec(), b"d\n".to_vec()],
        };
        spec.reread();
        assert_eq!(spec.to_bytes(), b"a\nb\nc\nd\n\n");
    }

    #[test]
    fn last_tag_reads_the_main_package() {
        let spec =
            Spec::parse(b"Release: 1\n%package devel\nRelease: 9\n%description\nRelease: 8\n");
        assert_eq!(spec.last_tag("", "release").as_deref(), Some("1"));
        assert_eq!(spec.last_tag("devel", "Release").as_deref(), Some("9"));
        assert!(spec.has_section("%description"));
        assert!(!spec.has_section("%Description"));
    }
}
