//! Package architectures and the "noarch plus one architecture" install policy.

use std::fmt;

/// An RPM architecture name (`x86_64`, `aarch64`, `noarch`, `src`...), kept as written.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Arch(String);

impl Arch {
    /// The architecture of packages that run anywhere.
    pub const NOARCH: &'static str = "noarch";

    /// An architecture from its name.
    pub fn new(name: impl Into<String>) -> Self {
        Self(name.into())
    }

    /// The architecture of the running machine, spelled as rpm spells it.
    #[must_use]
    pub fn host() -> Self {
        // Rust's names differ from rpm's only for 32-bit x86 and PowerPC (rpm's `%_arch`).
        let name = match std::env::consts::ARCH {
            "x86" => "i686",
            "powerpc64" if cfg!(target_endian = "little") => "ppc64le",
            other => other,
        };
        Self::new(name)
    }

    /// The name.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `noarch`.
    #[must_use]
    pub fn is_noarch(&self) -> bool {
        self.0 == Self::NOARCH
    }

    /// `src` or `nosrc`: a source package, never installable.
    #[must_use]
    pub fn is_source(&self) -> bool {
        self.0 == "src" || self.0 == "nosrc"
    }
}

impl fmt::Display for Arch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Which architectures may be installed: `noarch` plus exactly one machine architecture.
///
/// This is narrower than rpm's compatibility tables (which let an `x86_64` machine install `i686`
/// packages too): an image is built for one architecture, and mixing in a second one is nearly
/// always a repository mistake.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArchPolicy {
    arch: Arch,
}

impl ArchPolicy {
    /// Installs `arch` and `noarch` packages.
    #[must_use]
    pub fn new(arch: Arch) -> Self {
        Self { arch }
    }

    /// The machine architecture.
    #[must_use]
    pub fn arch(&self) -> &Arch {
        &self.arch
    }

    /// Whether a package of architecture `arch` (a name) may be installed.
    #[must_use]
    pub fn accepts(&self, arch: &str) -> bool {
        arch == Arch::NOARCH || arch == self.arch.as_str()
    }
}

impl Default for ArchPolicy {
    fn default() -> Self {
        Self::new(Arch::host())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_noarch_and_its_own_arch_only() {
        let policy = ArchPolicy::new(Arch::new("x86_64"));
        assert!(policy.accepts("noarch"));
        assert!(policy.accepts("x86_64"));
        assert!(!policy.accepts("i686"));
        assert!(!policy.accepts("src"));
        assert!(Arch::new("nosrc").is_source());
    }
}
