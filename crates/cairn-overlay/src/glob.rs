//! Glob patterns with azldev's semantics (doublestar): `*` and `?` stay inside one path
//! component, `**` spans components, `[...]` and `{a,b}` work, `\` escapes, and dot files
//! are not special. Matching is case-sensitive and always against `/`-separated paths.

use globset::{GlobBuilder, GlobMatcher};

/// A compiled glob.
#[derive(Debug, Clone)]
pub struct Pattern {
    matcher: GlobMatcher,
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
        Ok(Self {
            matcher: glob.compile_matcher(),
        })
    }

    /// Whether `path` (relative, `/`-separated) matches.
    pub fn matches(&self, path: &str) -> bool {
        self.matcher.is_match(path)
    }
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
        assert!(matches(
            r"run-vmblock\\x2dfuse.mount",
            r"run-vmblock\x2dfuse.mount"
        ));
        assert!(Pattern::new("[a").is_err());
    }
}
