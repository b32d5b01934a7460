//! The dist-git `sources` file: which lookaside files a package needs, with their hashes.
//!
//! Two line forms exist, and a file may mix them:
//!
//! - the tagged (BSD `sha512sum --tag`) form `SHA512 (name.tar.gz) = <hex>`, written by `fedpkg`
//!   today;
//! - the legacy form `<hex>  name.tar.gz`, always MD5.
//!
//! Parsing follows azldev (`fedorasource.ReadSourcesFileEntries`): lines are trimmed, blank lines
//! and `#` comments are skipped, the tagged form is tried first and its filename cannot contain
//! `)`. Unlike azldev, blank and comment lines are kept so that [`SourcesFile::to_text`] gives the
//! input back unchanged, and an unknown hash type is an error naming the line.

use std::fmt;
use std::sync::LazyLock;

use regex::Regex;

use crate::hash::HashType;

/// The tagged form, as azldev's `sourcesFilePattern`.
static TAGGED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^([A-Z0-9]+)\s+\(([^)]+)\)\s+=\s+([a-fA-F0-9]+)$").expect("valid regex")
});
/// The legacy form, as azldev's `sourcesFileLegacyPattern`.
static LEGACY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^([a-fA-F0-9]+)\s+(\S+)$").expect("valid regex"));

/// How an entry is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntryStyle {
    /// `SHA512 (file) = hash`.
    Tagged,
    /// `hash  file` (MD5 only).
    Legacy,
}

/// One file named by a `sources` file.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SourcesEntry {
    /// The file name, as written (a plain name, never a path).
    pub filename: String,
    /// The hash algorithm.
    pub hash_type: HashType,
    /// The digest as written (case preserved; compare with [`SourcesEntry::matches`]).
    pub hash: String,
    /// The line form it was read in, or is to be written in.
    pub style: EntryStyle,
}

impl SourcesEntry {
    /// A new entry in the tagged form, as azldev writes `source-files` entries.
    pub fn tagged(
        filename: impl Into<String>,
        hash_type: HashType,
        hash: impl Into<String>,
    ) -> Self {
        Self {
            filename: filename.into(),
            hash_type,
            hash: hash.into(),
            style: EntryStyle::Tagged,
        }
    }

    /// Whether `digest` (hex, any case) is this entry's hash.
    pub fn matches(&self, digest: &str) -> bool {
        self.hash.eq_ignore_ascii_case(digest)
    }
}

impl fmt::Display for SourcesEntry {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.style {
            EntryStyle::Tagged => write!(
                formatter,
                "{} ({}) = {}",
                self.hash_type.name(),
                self.filename,
                self.hash
            ),
            EntryStyle::Legacy => write!(formatter, "{}  {}", self.hash, self.filename),
        }
    }
}

/// A line of a `sources` file.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Line {
    Entry(SourcesEntry),
    /// A blank or comment line, kept verbatim.
    Other(String),
}

/// A parsed `sources` file; order and comments are kept.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourcesFile {
    lines: Vec<Line>,
}

/// A line of a `sources` file that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SourcesFileError {
    /// The line is in neither form.
    #[error(
        "line {line}: `{text}` is not a `sources` entry; expected `SHA512 (file) = <hex>` or the legacy `<md5>  file`"
    )]
    Syntax {
        /// 1-based line number.
        line: usize,
        /// The trimmed line.
        text: String,
    },
    /// The tagged form names a hash type cairn does not know.
    #[error(
        "line {line}: unknown hash type `{name}`; expected one of MD5, SHA1, SHA224, SHA256, SHA384, SHA512"
    )]
    UnknownHashType {
        /// 1-based line number.
        line: usize,
        /// The type as written.
        name: String,
    },
    /// The filename is not a plain file name (a path, `..`, or empty), which would write outside the
    /// source directory (azldev's `ValidateFilename`).
    #[error(
        "line {line}: `{filename}` is not a plain file name; a `sources` entry must not name a path"
    )]
    UnsafeFilename {
        /// 1-based line number.
        line: usize,
        /// The name as written.
        filename: String,
    },
}

impl SourcesFile {
    /// Parses the text of a `sources` file.
    pub fn parse(text: &str) -> Result<Self, SourcesFileError> {
        let mut lines = Vec::new();
        for (index, raw) in text.lines().enumerate() {
            let line = index + 1;
            let trimmed = raw.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                lines.push(Line::Other(raw.to_owned()));
                continue;
            }
            let entry = if let Some(captures) = TAGGED.captures(trimmed) {
                let name = &captures[1];
                let hash_type =
                    HashType::parse(name).ok_or_else(|| SourcesFileError::UnknownHashType {
                        line,
                        name: name.to_owned(),
                    })?;
                SourcesEntry {
                    filename: captures[2].to_owned(),
                    hash_type,
                    hash: captures[3].to_owned(),
                    style: EntryStyle::Tagged,
                }
            } else if let Some(captures) = LEGACY.captures(trimmed) {
                SourcesEntry {
                    filename: captures[2].to_owned(),
                    hash_type: HashType::Md5,
                    hash: captures[1].to_owned(),
                    style: EntryStyle::Legacy,
                }
            } else {
                return Err(SourcesFileError::Syntax {
                    line,
                    text: trimmed.to_owned(),
                });
            };
            if !is_plain_filename(&entry.filename) {
                return Err(SourcesFileError::UnsafeFilename {
                    line,
                    filename: entry.filename,
                });
            }
            lines.push(Line::Entry(entry));
        }
        Ok(Self { lines })
    }

    /// The entries, in file order.
    pub fn entries(&self) -> impl Iterator<Item = &SourcesEntry> {
        self.lines.iter().filter_map(|line| match line {
            Line::Entry(entry) => Some(entry),
            Line::Other(_) => None,
        })
    }

    /// The entry for `filename`, if any.
    pub fn get(&self, filename: &str) -> Option<&SourcesEntry> {
        self.entries().find(|entry| entry.filename == filename)
    }

    /// Replaces the entry with the same filename in place, or appends it: azldev's rule for
    /// `source-files` (PrepareSources step 7).
    pub fn upsert(&mut self, entry: SourcesEntry) {
        for line in &mut self.lines {
            if let Line::Entry(existing) = line
                && existing.filename == entry.filename
            {
                *existing = entry;
                return;
            }
        }
        self.lines.push(Line::Entry(entry));
    }

    /// Removes the entry for `filename`; returns whether there was one.
    pub fn remove(&mut self, filename: &str) -> bool {
        let before = self.lines.len();
        self.lines
            .retain(|line| !matches!(line, Line::Entry(entry) if entry.filename == filename));
        self.lines.len() != before
    }

    /// The file text: one line each, every line ending in `\n`.
    pub fn to_text(&self) -> String {
        let mut text = String::new();
        for line in &self.lines {
            match line {
                Line::Entry(entry) => text.push_str(&entry.to_string()),
                Line::Other(other) => text.push_str(other),
            }
            text.push('\n');
        }
        text
    }
}

/// Whether `name` is a single path component that stays inside a directory.
pub(crate) fn is_plain_filename(name: &str) -> bool {
    !name.is_empty() && name != "." && name != ".." && !name.contains(['/', '\\', '\0'])
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHA512: &str = "5b0f4d4ab5d0d2a1c1a6b1e3c9a0c6bd9b8b5d7f6f6a3f3a5f9e9b7c9f1c9a3d\
                          5b0f4d4ab5d0d2a1c1a6b1e3c9a0c6bd9b8b5d7f6f6a3f3a5f9e9b7c9f1c9a3d";

    #[test]
    fn reads_both_forms_in_order_and_writes_them_back() {
        let text = format!(
            "SHA512 (bash-5.2.tar.gz) = {SHA512}\n7b74551e63f8ee6aab6fbc86676c0d37  zip30.tar.gz\n\n# note\n"
        );
        let file = SourcesFile::parse(&text).unwrap();
        let entries: Vec<_> = file.entries().collect();
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].filename, "bash-5.2.tar.gz");
        assert_eq!(entries[0].hash_type, HashType::Sha512);
        assert_eq!(entries[0].style, EntryStyle::Tagged);
        assert_eq!(entries[1].filename, "zip30.tar.gz");
        assert_eq!(entries[1].hash_type, HashType::Md5);
        assert_eq!(entries[1].style, EntryStyle::Legacy);
        assert_eq!(file.to_text(), text);
    }

    #[test]
    fn filenames_with_spaces_in_the_tagged_form() {
        let file = SourcesFile::parse("SHA256 (a file.txt) = ABCDEF\n").unwrap();
        let entry = file.get("a file.txt").unwrap();
        assert!(entry.matches("abcdef"));
        assert_eq!(file.to_text(), "SHA256 (a file.txt) = ABCDEF\n");
    }

    #[test]
    fn upsert_replaces_in_place_and_appends_new_names() {
        let mut file = SourcesFile::parse("SHA512 (a) = 01\nSHA512 (b) = 02\n").unwrap();
        file.upsert(SourcesEntry::tagged("a", HashType::Sha256, "03"));
        file.upsert(SourcesEntry::tagged("c", HashType::Sha512, "04"));
        assert_eq!(
            file.to_text(),
            "SHA256 (a) = 03\nSHA512 (b) = 02\nSHA512 (c) = 04\n"
        );
        assert!(file.remove("b"));
        assert!(!file.remove("b"));
        assert_eq!(file.to_text(), "SHA256 (a) = 03\nSHA512 (c) = 04\n");
    }

    #[test]
    fn errors_name_the_line() {
        let error = SourcesFile::parse("SHA512 (a) = 01\nnot a line at all\n").unwrap_err();
        assert_eq!(
            error,
            SourcesFileError::Syntax {
                line: 2,
                text: "not a line at all".into()
            }
        );
        assert!(
            error
                .to_string()
                .starts_with("line 2: `not a line at all` is not a `sources` entry")
        );
        let error = SourcesFile::parse("CRC32 (a) = 01\n").unwrap_err();
        assert!(
            matches!(error, SourcesFileError::UnknownHashType { line: 1, .. }),
            "{error}"
        );
        let error = SourcesFile::parse("SHA512 (../../etc/passwd) = 01\n").unwrap_err();
        assert!(
            matches!(error, SourcesFileError::UnsafeFilename { line: 1, .. }),
            "{error}"
        );
        let error = SourcesFile::parse("0123  ..\n").unwrap_err();
        assert!(
            matches!(error, SourcesFileError::UnsafeFilename { line: 1, .. }),
            "{error}"
        );
    }

    #[test]
    fn empty_file_is_empty() {
        let file = SourcesFile::parse("").unwrap();
        assert_eq!(file.entries().count(), 0);
        assert_eq!(file.to_text(), "");
    }
}
