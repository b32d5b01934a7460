//! Glob patterns with azldev's semantics (doublestar): `*` and `?` stay inside one path
//! component, `**` spans components, `[...]` and `{a,b}` work, `\` escapes, and dot files
//! are not special. Matching is case-sensitive and always against `/`-separated paths.

use globset::{GlobBuilder, GlobMatcher};

/// A compiled glob.
#[derive(Debug, Clone)]
pub struct Pattern {
    matcher: GlobMatcher,
    literal: Option<String>,
}

impl Pattern {
    /// Compiles `pattern`; the error says what is wrong with it.
    pub fn new(pattern: &str) -> Result<Self, String> {
        let glob = GlobBuilder::new(pattern)
            .literal_separator(true)
            .backslash_escape(true)
            .empty_alternates(true)
            .build()
            .map_err(|error| error.kind().to_string())?;
        let literal = index_meta(pattern)
            .is_none()
            .then(|| unescape_meta(pattern));
        Ok(Self {
            matcher: glob.compile_matcher(),
            literal,
        })
    }

    /// Whether `path` (relative, `/`-separated) matches, as doublestar's `Match` decides.
    pub fn matches(&self, path: &str) -> bool {
        self.matcher.is_match(path)
    }

    /// Whether `path` is selected when globbing a directory, as doublestar's `Glob` decides:
    /// a pattern without `*`, `?`, `[` or `{` is a plain path (only the `\` before one of
    /// `*?[]{}` is an escape, so `run-vmblock\x2dfuse.mount` names a file with a
    /// backslash); anything else matches like [`Pattern::matches`].
    pub fn selects(&self, path: &str) -> bool {
        match &self.literal {
            Some(literal) => literal == path,
            None => self.matches(path),
        }
    }
}

/// doublestar's `indexMeta`: the first unescaped `*`, `?`, `[` or `{`.
fn index_meta(pattern: &str) -> Option<usize> {
    let bytes = pattern.as_bytes();
    let mut index = 0;
    while index < bytes.len() {
        match bytes[index] {
            b'*' | b'?' | b'[' | b'{' => return Some(index),
            b'\\' => index += 2,
            _ => index += 1,
        }
    }
    None
}

/// doublestar's `unescapeMeta`: drops the backslash before `*?[]{}` only.
fn unescape_meta(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len());
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' && chars.peek().is_some_and(|next| "*?[]{}".contains(*next)) {
            continue;
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(pattern: &str, path: &str) -> bool {
        Pattern::new(pattern).unwrap().matches(path)
    }

    #[test]
    fn doublestar_semantics() {
        assert!(matches("*.txt", "a.txt"));
        assert!(matches("*.txt", ".hidden.txt"));
        assert!(!matches("*.txt", "dir/a.txt"));
        assert!(matches("**/*.conf", "root.conf"));
        assert!(matches("**/*.conf", "a/b/c.conf"));
        assert!(matches("docs/**", "docs/a/b"));
        assert!(matches("{a,b}.patch", "b.patch"));
        assert!(matches("CVE-[0-9]*.patch", "CVE-1.patch"));
        assert!(!matches("CVE-*.patch", "cve-1.patch"));
        let backslash = Pattern::new(r"run-vmblock\x2dfuse.mount").unwrap();
        assert!(backslash.selects(r"run-vmblock\x2dfuse.mount"));
        assert!(
            !backslash.matches(r"run-vmblock\x2dfuse.mount"),
            "Match reads \\x as an escaped x"
        );
        assert!(Pattern::new(r"a\*b").unwrap().selects("a*b"));
        assert!(Pattern::new("[a").is_err());
    }
}
