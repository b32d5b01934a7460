//! The Sources and Patches of an evaluated spec, listed as `spectool -l -a` lists them.
//!
//! spectool (rpmdevtools) reads `rpm.spec(path).sources` (rpm's `addSource` entries of the
//! last parse pass: numbered, macros expanded, `%if`-excluded ones absent, `%sourcelist` and
//! `%patchlist` lines included), sorts them by number and prints `Source<N>: <value>` lines,
//! then `Patch<N>: <value>` lines. The render pipeline uses the same list to decide which
//! sidecar files of a component a spec references (azldev's file filter).

use std::fmt;

use serde::Serialize;

use crate::spec::model::{SourceFile, Spec};

/// Whether a listed file is a Source or a Patch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SourceKind {
    /// `SourceN:` or a `%sourcelist` line.
    Source,
    /// `PatchN:` or a `%patchlist` line.
    Patch,
}

/// One entry of the listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ListedSource<'a> {
    /// Source or Patch.
    pub kind: SourceKind,
    /// The number (`Source3:` is 3; unnumbered ones take one past the highest so far).
    pub number: u32,
    /// The value with macros expanded: a URL (with any `#/name` fragment) or a file name.
    pub location: &'a str,
    /// The local file name rpmbuild looks for in `%{_sourcedir}`.
    pub file_name: &'a str,
}

/// `Source0: https://...`, a line of `spectool -l -a`.
impl fmt::Display for ListedSource<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.kind {
            SourceKind::Source => "Source",
            SourceKind::Patch => "Patch",
        };
        write!(f, "{kind}{}: {}", self.number, self.location)
    }
}

impl Spec {
    /// The Sources sorted by number, then the Patches sorted by number: the entries and order
    /// of `spectool -l -a`.
    pub fn sources_and_patches(&self) -> Vec<ListedSource<'_>> {
        let mut entries = listed(SourceKind::Source, &self.source.sources);
        entries.extend(listed(SourceKind::Patch, &self.source.patches));
        entries
    }
}

fn listed(kind: SourceKind, files: &[SourceFile]) -> Vec<ListedSource<'_>> {
    let mut entries: Vec<ListedSource<'_>> = files
        .iter()
        .map(|file| ListedSource {
            kind,
            number: file.number,
            location: &file.location,
            file_name: &file.file_name,
        })
        .collect();
    entries.sort_by_key(|entry| entry.number);
    entries
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::model::source_file_name;

    fn file(number: u32, location: &str) -> SourceFile {
        SourceFile {
            number,
            location: location.to_owned(),
            file_name: source_file_name(location),
        }
    }

    #[test]
    fn lists_like_spectool() {
        let mut spec = Spec::default();
        spec.source.sources = vec![file(5, "b.tar.gz"), file(0, "https://x.org/a-1.tar.gz")];
        spec.source.patches = vec![file(1, "p1.patch"), file(0, "p0.patch")];
        let lines: Vec<String> = spec
            .sources_and_patches()
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            lines,
            [
                "Source0: https://x.org/a-1.tar.gz",
                "Source5: b.tar.gz",
                "Patch0: p0.patch",
                "Patch1: p1.patch"
            ]
        );
        assert_eq!(source_file_name("https://h/get?file=x.tar.gz"), "x.tar.gz");
        assert_eq!(source_file_name("https://h/a.tar.gz#/b.tar.gz"), "b.tar.gz");
        assert_eq!(source_file_name("https://h/a.tar.gz#b"), "a.tar.gz#b");
        assert_eq!(source_file_name("plain.patch"), "plain.patch");
    }
}
