//! The evaluated spec as plain data (what `rpmspec -q` and `rpmspec -q --srpm` report).

use std::fmt;

use serde::{Deserialize, Serialize};

/// An evaluated spec: its source package and binary packages.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Spec {
    /// The source package.
    pub source: SourcePackage,
    /// Binary packages in spec order (the main package first), including ones without
    /// `%files` (`rpmspec -q` lists them too).
    pub packages: Vec<Package>,
    /// The spec has a `%generate_buildrequires` section (not run: its BuildRequires are not
    /// in [`SourcePackage::build_requires`]).
    pub has_generate_buildrequires: bool,
}

/// The source package (`rpmspec -q --srpm`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourcePackage {
    /// Name.
    pub name: String,
    /// Epoch, when set.
    pub epoch: Option<u32>,
    /// Version.
    pub version: String,
    /// Release.
    pub release: String,
    /// BuildRequires (and BuildPreReq).
    pub build_requires: Vec<Dependency>,
    /// BuildConflicts.
    pub build_conflicts: Vec<Dependency>,
    /// ExclusiveArch.
    pub exclusive_arch: Vec<String>,
    /// ExcludeArch.
    pub exclude_arch: Vec<String>,
    /// ExclusiveOS.
    pub exclusive_os: Vec<String>,
    /// ExcludeOS.
    pub exclude_os: Vec<String>,
    /// BuildArch of the main package (rpm parses the spec again for each).
    pub build_arch: Vec<String>,
    /// `SourceN:` entries and `%sourcelist` lines, in spec order.
    pub sources: Vec<SourceFile>,
    /// `PatchN:` entries and `%patchlist` lines, in spec order.
    pub patches: Vec<SourceFile>,
}

/// One Source or Patch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceFile {
    /// The number (`Source3:` is 3; unnumbered ones count on from the previous).
    pub number: u32,
    /// The value as expanded (a URL or a file name).
    pub location: String,
    /// The local file name rpmbuild looks for in `%{_sourcedir}` (see [`source_file_name`]).
    pub file_name: String,
}

/// A binary package.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Package {
    /// Name.
    pub name: String,
    /// Epoch, when set.
    pub epoch: Option<u32>,
    /// Version.
    pub version: String,
    /// Release.
    pub release: String,
    /// Architecture (`noarch`, or the target's).
    pub arch: String,
    /// Whether the package has a `%files` section (only those are built).
    pub has_files: bool,
    /// Provides, including the automatic `name = evr` and `name(isa) = evr`.
    pub provides: Vec<Dependency>,
    /// Requires, including scriptlet interpreters and `rpmlib()` features.
    pub requires: Vec<Dependency>,
    /// Conflicts.
    pub conflicts: Vec<Dependency>,
    /// Obsoletes.
    pub obsoletes: Vec<Dependency>,
    /// Recommends.
    pub recommends: Vec<Dependency>,
    /// Suggests.
    pub suggests: Vec<Dependency>,
    /// Supplements.
    pub supplements: Vec<Dependency>,
    /// Enhances.
    pub enhances: Vec<Dependency>,
    /// OrderWithRequires.
    pub order_with_requires: Vec<Dependency>,
}

impl Package {
    /// `[epoch:]version-release`.
    pub fn evr(&self) -> String {
        evr(self.epoch, &self.version, &self.release)
    }
}

/// `[epoch:]version-release`.
pub(crate) fn evr(epoch: Option<u32>, version: &str, release: &str) -> String {
    match epoch {
        Some(epoch) => format!("{epoch}:{version}-{release}"),
        None => format!("{version}-{release}"),
    }
}

/// A version comparison in a dependency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Comparison {
    /// `<`
    Less,
    /// `<=`
    LessOrEqual,
    /// `=`
    Equal,
    /// `>=`
    GreaterOrEqual,
    /// `>`
    Greater,
}

impl Comparison {
    /// Parses rpm's operators (`rpmParseDSFlags`).
    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "<" => Self::Less,
            "<=" | "=<" => Self::LessOrEqual,
            "=" | "==" => Self::Equal,
            ">=" | "=>" => Self::GreaterOrEqual,
            ">" => Self::Greater,
            _ => return None,
        })
    }

    /// The operator as rpm prints it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Less => "<",
            Self::LessOrEqual => "<=",
            Self::Equal => "=",
            Self::GreaterOrEqual => ">=",
            Self::Greater => ">",
        }
    }
}

/// One dependency as declared (rich dependencies keep their text; `name` starts with `(`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Dependency {
    /// The capability, or the whole boolean expression for a rich dependency.
    pub name: String,
    /// The comparison, for versioned dependencies.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comparison: Option<Comparison>,
    /// The version (`[epoch:]version[-release]`), for versioned dependencies.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Qualifiers from `Requires(post,preun):`, `interp` for scriptlet interpreters, `rpmlib`.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub qualifiers: Vec<String>,
}

impl Dependency {
    /// An unversioned dependency.
    pub fn named(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            comparison: None,
            version: None,
            qualifiers: Vec::new(),
        }
    }

    /// Whether this is a rich (boolean) dependency.
    pub fn is_rich(&self) -> bool {
        self.name.starts_with('(')
    }
}

/// `name [op version]`, as `rpm -q --requires` prints it.
impl fmt::Display for Dependency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)?;
        if let (Some(comparison), Some(version)) = (self.comparison, &self.version) {
            write!(f, " {} {version}", comparison.as_str())?;
        }
        Ok(())
    }
}

/// The local file name of a Source or Patch value, as rpm 4.18's `addSource` takes it: the text
/// after the last `/` (so `url#/name` gives `name`), and after the last `=` in that text
/// (`https://host/get?file=name.tar.gz` gives `name.tar.gz`); the whole value without a `/`.
pub fn source_file_name(location: &str) -> String {
    match location.rfind('/') {
        Some(slash) => {
            let tail = &location[slash..];
            let start = tail.rfind('=').unwrap_or(0);
            tail[start + 1..].to_owned()
        }
        None => location.to_owned(),
    }
}
