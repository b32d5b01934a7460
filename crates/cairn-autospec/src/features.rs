//! Which rpmautospec features a spec uses, detected line by line as `rpmautospec_core`
//! (`check_specfile_features`, 0.1.x) does, and the spec's lines as Python's text mode reads
//! them (universal newlines: `\r\n` and a lone `\r` end a line too).

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::Regex;

/// Python's `\s` for `str` patterns (`str.isspace`): Unicode White_Space plus U+001C..U+001F.
const SPACE: &str = r"[\s\x1c-\x1f]";

/// `%autorelease` as a word, `%{autorelease}`, `%{?autorelease}` or `%{autorelease <args>}`.
static AUTORELEASE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"%(?:autorelease(?:{SPACE}|$)|\{{\??autorelease(?:{SPACE}+[^}}]*)?\}})"
    ))
    .expect("valid regex")
});
/// A `%changelog` section header (any case).
static CHANGELOG: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"(?i)^%changelog(?:{SPACE}.*)?$")).expect("valid regex"));
/// `%autochangelog` or `%{autochangelog}`/`%{?autochangelog}` at the start of a line.
static AUTOCHANGELOG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^{SPACE}*%(?:autochangelog|\{{\??autochangelog\}})"
    ))
    .expect("valid regex")
});
/// The macro definition rpmautospec writes: its presence means "already processed".
static AUTORELEASE_DEFINITION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"^{SPACE}*%define{SPACE}+autorelease{SPACE}*\(")).expect("valid regex")
});

/// The spec's lines, each with its line terminator normalised away, as Python reads a text file.
pub(crate) struct Line<'a> {
    /// The line's bytes without the terminator.
    pub text: &'a [u8],
    /// Whether a terminator followed (only the last line can lack one).
    pub terminated: bool,
}

/// Splits like Python's universal-newline reading: `\n`, `\r\n` and `\r` end lines.
pub(crate) fn lines(spec: &[u8]) -> Vec<Line<'_>> {
    let mut lines = Vec::new();
    let mut start = 0;
    let mut index = 0;
    while index < spec.len() {
        match spec[index] {
            b'\n' => {
                lines.push(Line {
                    text: &spec[start..index],
                    terminated: true,
                });
                index += 1;
                start = index;
            }
            b'\r' => {
                lines.push(Line {
                    text: &spec[start..index],
                    terminated: true,
                });
                index += if spec.get(index + 1) == Some(&b'\n') {
                    2
                } else {
                    1
                };
                start = index;
            }
            _ => index += 1,
        }
    }
    if start < spec.len() {
        lines.push(Line {
            text: &spec[start..],
            terminated: false,
        });
    }
    lines
}

/// What `check_specfile_features` reports (line numbers are 1-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SpecFeatures {
    /// `%autorelease` is used before the `%changelog` header (or anywhere, without one).
    pub has_autorelease: bool,
    /// The line of the first `%changelog` header.
    pub changelog_line: Option<usize>,
    /// The line of the first `%autochangelog`.
    pub autochangelog_line: Option<usize>,
    /// The spec was already processed (it defines `autorelease` itself).
    pub is_processed: bool,
}

impl SpecFeatures {
    /// Detects the features of a spec text.
    pub fn detect(spec: &[u8]) -> Self {
        let mut features = Self::default();
        for (number, line) in lines(spec)
            .iter()
            .enumerate()
            .map(|(i, line)| (i + 1, line))
        {
            // rpmautospec_core opens the file with errors="replace".
            let text: Cow<'_, str> = String::from_utf8_lossy(line.text);
            if features.changelog_line.is_none() {
                if !features.has_autorelease && AUTORELEASE.is_match(&text) {
                    features.has_autorelease = true;
                }
                if CHANGELOG.is_match(&text) {
                    features.changelog_line = Some(number);
                }
            }
            if features.autochangelog_line.is_none() && AUTOCHANGELOG.is_match(&text) {
                features.autochangelog_line = Some(number);
            }
            if !features.is_processed && AUTORELEASE_DEFINITION.is_match(&text) {
                features.is_processed = true;
            }
        }
        features
    }

    /// `%autochangelog` appears somewhere.
    pub fn has_autochangelog(&self) -> bool {
        self.autochangelog_line.is_some()
    }

    /// Whether rpmautospec generates a changelog: the spec uses `%autochangelog`, or has no
    /// `%changelog` section at all.
    pub fn needs_autochangelog(&self) -> bool {
        (self.changelog_line.is_none() && self.autochangelog_line.is_none())
            || self.has_autochangelog()
    }

    /// Whether `process-distgit` rewrites the spec at all.
    pub fn processing_necessary(&self) -> bool {
        !self.is_processed && (self.has_autorelease || self.needs_autochangelog())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_the_usual_layout() {
        let spec = b"Name: x\nRelease: %autorelease\n\n%changelog\n%autochangelog\n";
        let features = SpecFeatures::detect(spec);
        assert!(features.has_autorelease);
        assert_eq!(features.changelog_line, Some(4));
        assert_eq!(features.autochangelog_line, Some(5));
        assert!(features.processing_necessary());
    }

    #[test]
    fn autorelease_after_changelog_does_not_count() {
        let features = SpecFeatures::detect(b"Release: 1\n%changelog\n- %autorelease\n");
        assert!(!features.has_autorelease);
        assert!(!features.processing_necessary());
    }

    #[test]
    fn autorelease_word_boundaries() {
        assert!(AUTORELEASE.is_match("Release: %{autorelease -b 2}"));
        assert!(AUTORELEASE.is_match("Release: %{?autorelease}"));
        assert!(!AUTORELEASE.is_match("Release: %autoreleasex"));
        assert!(!AUTORELEASE.is_match("Release: %{autoreleasex}"));
    }

    #[test]
    fn universal_newlines() {
        let split: Vec<_> = lines(b"a\r\nb\rc\nd")
            .iter()
            .map(|l| (l.text.to_vec(), l.terminated))
            .collect();
        assert_eq!(
            split,
            [
                (b"a".to_vec(), true),
                (b"b".to_vec(), true),
                (b"c".to_vec(), true),
                (b"d".to_vec(), false)
            ]
        );
    }

    #[test]
    fn processed_specs_are_left_alone() {
        let spec = b"%define autorelease(e:s:pb:n) 1\nRelease: %autorelease\n";
        assert!(!SpecFeatures::detect(spec).processing_necessary());
    }
}
