//! Caps that keep a hostile document from exhausting memory.

/// Caps applied while reading metadata. The defaults are far above what Fedora's repositories
/// need (about 75,000 packages, a few hundred thousand files in the largest package) and far
/// below what would exhaust a build machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Packages in one document.
    pub max_packages: u64,
    /// Bytes in one text value or attribute (a description, a changelog text, a path).
    pub max_text_bytes: u64,
    /// Dependency entries, files or changelogs of one package, each counted separately.
    pub max_entries_per_package: u64,
    /// Nesting depth of elements.
    pub max_depth: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_packages: 5_000_000,
            max_text_bytes: 16 << 20,
            max_entries_per_package: 2_000_000,
            max_depth: 16,
        }
    }
}
