//! The package record: everything `primary.xml`, `filelists.xml` and `other.xml` say about one
//! package, in rpm-md's own terms.

use serde::{Deserialize, Serialize};

/// One package of a repository.
///
/// Field names follow the rpm-md elements they come from (`<time file=.. build=..>` becomes
/// [`time_file`](Self::time_file) and [`time_build`](Self::time_build)). Dependency entries keep
/// rpm-md's string fields: rich dependencies such as `(a or b)` stay in [`Dependency::name`]
/// for the solver to parse.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Package {
    /// `<name>`.
    pub name: String,
    /// `<arch>` (`noarch`, `x86_64`, `src`...).
    pub arch: String,
    /// `<version epoch=..>`; rpm-md writes `0` when the header has none.
    pub epoch: u32,
    /// `<version ver=..>`.
    pub version: String,
    /// `<version rel=..>`.
    pub release: String,
    /// `<checksum type=.. pkgid="YES">`: the digest of the whole package file, which is also the
    /// `pkgid` that ties filelists and other entries to this package.
    pub checksum: Checksum,
    /// `<summary>`.
    pub summary: String,
    /// `<description>`.
    pub description: String,
    /// `<packager>`.
    pub packager: String,
    /// `<url>`.
    pub url: String,
    /// `<time file=..>`: the package file's modification time (seconds since the epoch).
    pub time_file: u64,
    /// `<time build=..>`: the header's build time.
    pub time_build: u64,
    /// `<size package=..>`: the package file's size in bytes.
    pub size_package: u64,
    /// `<size installed=..>`: the sum of the file sizes.
    pub size_installed: u64,
    /// `<size archive=..>`: the uncompressed payload size.
    pub size_archive: u64,
    /// `<location href=..>`: the path of the package relative to the repository root.
    pub location_href: String,
    /// `<location xml:base=..>`, when the package lives under another base URL.
    pub location_base: Option<String>,
    /// `<rpm:license>`.
    pub license: String,
    /// `<rpm:vendor>`.
    pub vendor: String,
    /// `<rpm:group>`.
    pub group: String,
    /// `<rpm:buildhost>`.
    pub buildhost: String,
    /// `<rpm:sourcerpm>` (empty for source packages).
    pub sourcerpm: String,
    /// `<rpm:header-range>`: byte offsets of the main header in the package file.
    pub header_range: HeaderRange,
    /// `<rpm:provides>`.
    pub provides: Vec<Dependency>,
    /// `<rpm:requires>`.
    pub requires: Vec<Dependency>,
    /// `<rpm:conflicts>`.
    pub conflicts: Vec<Dependency>,
    /// `<rpm:obsoletes>`.
    pub obsoletes: Vec<Dependency>,
    /// `<rpm:recommends>`.
    pub recommends: Vec<Dependency>,
    /// `<rpm:suggests>`.
    pub suggests: Vec<Dependency>,
    /// `<rpm:supplements>`.
    pub supplements: Vec<Dependency>,
    /// `<rpm:enhances>`.
    pub enhances: Vec<Dependency>,
    /// The package's files in header order. After reading primary.xml alone this holds only the
    /// files primary.xml lists (see [`is_primary_file`]); filelists.xml completes it.
    pub files: Vec<PackageFile>,
    /// Changelog entries from other.xml, oldest first (createrepo_c keeps the newest ten).
    pub changelogs: Vec<Changelog>,
}

impl Package {
    /// `name-[epoch:]version-release.arch`, as rpm prints it.
    pub fn nevra(&self) -> String {
        if self.epoch == 0 {
            format!(
                "{}-{}-{}.{}",
                self.name, self.version, self.release, self.arch
            )
        } else {
            format!(
                "{}-{}:{}-{}.{}",
                self.name, self.epoch, self.version, self.release, self.arch
            )
        }
    }

    /// The pkgid (the package checksum) that filelists.xml and other.xml refer to.
    pub fn pkgid(&self) -> &str {
        &self.checksum.value
    }

    /// The dependency list of `kind`.
    pub fn dependencies(&self, kind: DependencyKind) -> &[Dependency] {
        match kind {
            DependencyKind::Provides => &self.provides,
            DependencyKind::Requires => &self.requires,
            DependencyKind::Conflicts => &self.conflicts,
            DependencyKind::Obsoletes => &self.obsoletes,
            DependencyKind::Recommends => &self.recommends,
            DependencyKind::Suggests => &self.suggests,
            DependencyKind::Supplements => &self.supplements,
            DependencyKind::Enhances => &self.enhances,
        }
    }

    /// The dependency list of `kind`, mutably.
    pub fn dependencies_mut(&mut self, kind: DependencyKind) -> &mut Vec<Dependency> {
        match kind {
            DependencyKind::Provides => &mut self.provides,
            DependencyKind::Requires => &mut self.requires,
            DependencyKind::Conflicts => &mut self.conflicts,
            DependencyKind::Obsoletes => &mut self.obsoletes,
            DependencyKind::Recommends => &mut self.recommends,
            DependencyKind::Suggests => &mut self.suggests,
            DependencyKind::Supplements => &mut self.supplements,
            DependencyKind::Enhances => &mut self.enhances,
        }
    }
}

/// A checksum with its algorithm name as rpm-md spells it (`sha256`, `sha512`, `sha1`...).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Checksum {
    /// The algorithm (`type` attribute).
    pub kind: String,
    /// Lowercase hexadecimal digest.
    pub value: String,
}

impl Checksum {
    /// A SHA-256 checksum from its hexadecimal value.
    pub fn sha256(value: impl Into<String>) -> Self {
        Self {
            kind: "sha256".to_owned(),
            value: value.into(),
        }
    }
}

/// `<rpm:header-range start=.. end=..>`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeaderRange {
    /// Offset of the main header (after the lead and signature header).
    pub start: u64,
    /// Offset of the payload.
    pub end: u64,
}

/// The eight dependency lists of rpm-md, in the order createrepo_c writes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DependencyKind {
    /// `Provides:`.
    Provides,
    /// `Requires:`.
    Requires,
    /// `Conflicts:`.
    Conflicts,
    /// `Obsoletes:`.
    Obsoletes,
    /// `Suggests:`.
    Suggests,
    /// `Enhances:`.
    Enhances,
    /// `Recommends:`.
    Recommends,
    /// `Supplements:`.
    Supplements,
}

impl DependencyKind {
    /// All kinds, in createrepo_c's element order.
    pub const ALL: [Self; 8] = [
        Self::Provides,
        Self::Requires,
        Self::Conflicts,
        Self::Obsoletes,
        Self::Suggests,
        Self::Enhances,
        Self::Recommends,
        Self::Supplements,
    ];

    /// The element name without its namespace prefix (`provides`...).
    pub fn element(self) -> &'static str {
        match self {
            Self::Provides => "provides",
            Self::Requires => "requires",
            Self::Conflicts => "conflicts",
            Self::Obsoletes => "obsoletes",
            Self::Suggests => "suggests",
            Self::Enhances => "enhances",
            Self::Recommends => "recommends",
            Self::Supplements => "supplements",
        }
    }

    /// The kind for an element name without prefix.
    pub fn from_element(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.element() == name)
    }
}

/// One `<rpm:entry>`: a capability with an optional version constraint.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Dependency {
    /// The capability (`foo`, `/usr/bin/sh`, `pkgconfig(x)`, or a rich dependency `(a or b)`).
    pub name: String,
    /// The comparison, when the entry is versioned.
    pub flags: Option<Comparison>,
    /// `epoch` attribute.
    pub epoch: Option<String>,
    /// `ver` attribute.
    pub version: Option<String>,
    /// `rel` attribute.
    pub release: Option<String>,
    /// `pre="1"`: needed before the package's scriptlets run (`Requires(pre)`, `(post)`).
    pub pre: bool,
}

impl Dependency {
    /// An unversioned dependency on `name`.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            ..Self::default()
        }
    }
}

/// The `flags` attribute of a dependency entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Comparison {
    /// `LT`: `<`.
    #[serde(rename = "LT")]
    Less,
    /// `LE`: `<=`.
    #[serde(rename = "LE")]
    LessOrEqual,
    /// `EQ`: `=`.
    #[serde(rename = "EQ")]
    Equal,
    /// `GE`: `>=`.
    #[serde(rename = "GE")]
    GreaterOrEqual,
    /// `GT`: `>`.
    #[serde(rename = "GT")]
    Greater,
}

impl Comparison {
    /// The rpm-md spelling (`LT`, `LE`, `EQ`, `GE`, `GT`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Less => "LT",
            Self::LessOrEqual => "LE",
            Self::Equal => "EQ",
            Self::GreaterOrEqual => "GE",
            Self::Greater => "GT",
        }
    }

    /// Parses the rpm-md spelling.
    pub fn from_rpm_md(text: &str) -> Option<Self> {
        Some(match text {
            "LT" => Self::Less,
            "LE" => Self::LessOrEqual,
            "EQ" => Self::Equal,
            "GE" => Self::GreaterOrEqual,
            "GT" => Self::Greater,
            _ => return None,
        })
    }

    /// The operator as rpm writes it in a spec (`<`, `<=`, `=`, `>=`, `>`).
    pub fn operator(self) -> &'static str {
        match self {
            Self::Less => "<",
            Self::LessOrEqual => "<=",
            Self::Equal => "=",
            Self::GreaterOrEqual => ">=",
            Self::Greater => ">",
        }
    }
}

/// One `<file>` entry.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PackageFile {
    /// The absolute path.
    pub path: String,
    /// Regular file, directory or ghost.
    pub kind: FileKind,
}

/// The `type` attribute of a `<file>` entry.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FileKind {
    /// No `type` attribute: a file (or symlink, device...).
    #[default]
    File,
    /// `type="dir"`.
    Dir,
    /// `type="ghost"`: owned but not shipped in the payload.
    Ghost,
}

impl FileKind {
    /// The `type` attribute value, `None` for plain files.
    pub fn attribute(self) -> Option<&'static str> {
        match self {
            Self::File => None,
            Self::Dir => Some("dir"),
            Self::Ghost => Some("ghost"),
        }
    }
}

/// One `<changelog>` entry of other.xml.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Changelog {
    /// `author` attribute (name, address and usually the version).
    pub author: String,
    /// `date` attribute (seconds since the epoch).
    pub date: u64,
    /// The entry's text.
    pub text: String,
}

/// Whether primary.xml lists `path` (besides filelists.xml).
///
/// createrepo_c (`cr_is_primary` in `misc.c`) keeps files under `/etc/`, any path containing
/// `bin/`, and `/usr/lib/sendmail`, so that the common file dependencies resolve without
/// filelists.
pub fn is_primary_file(path: &str) -> bool {
    path.starts_with("/etc/") || path.contains("bin/") || path == "/usr/lib/sendmail"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn primary_files_follow_createrepo_c() {
        assert!(is_primary_file("/etc/foo.conf"));
        assert!(is_primary_file("/usr/bin/foo"));
        assert!(is_primary_file("/usr/sbin/food"));
        assert!(is_primary_file("/opt/x/bin/y"));
        assert!(is_primary_file("/usr/lib/sendmail"));
        assert!(!is_primary_file("/etc"));
        assert!(!is_primary_file("/usr/share/doc/x"));
        assert!(!is_primary_file("/usr/lib/sendmail.d"));
    }

    #[test]
    fn nevra_omits_a_zero_epoch() {
        let mut package = Package {
            name: "a".into(),
            version: "1".into(),
            release: "2".into(),
            arch: "noarch".into(),
            ..Package::default()
        };
        assert_eq!(package.nevra(), "a-1-2.noarch");
        package.epoch = 3;
        assert_eq!(package.nevra(), "a-3:1-2.noarch");
    }
}
