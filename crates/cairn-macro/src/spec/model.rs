//! The evaluated spec as plain data (what `rpmspec -q` and `rpmspec -q --srpm` report).

use std::fmt;

use cairn_rpm_types::{self as rpm_types, RichDependency};
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

/// A version comparison in a dependency (serializable; [`cairn_rpm_types::Comparison`] is the
/// shared vocabulary type it converts to and from).
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

impl From<rpm_types::Comparison> for Comparison {
    fn from(comparison: rpm_types::Comparison) -> Self {
        match comparison {
            rpm_types::Comparison::Less => Self::Less,
            rpm_types::Comparison::LessOrEqual => Self::LessOrEqual,
            rpm_types::Comparison::Equal => Self::Equal,
            rpm_types::Comparison::GreaterOrEqual => Self::GreaterOrEqual,
            rpm_types::Comparison::Greater => Self::Greater,
        }
    }
}

impl From<Comparison> for rpm_types::Comparison {
    fn from(comparison: Comparison) -> Self {
        match comparison {
            Comparison::Less => Self::Less,
            Comparison::LessOrEqual => Self::LessOrEqual,
            Comparison::Equal => Self::Equal,
            Comparison::GreaterOrEqual => Self::GreaterOrEqual,
            Comparison::Greater => Self::Greater,
        }
    }
}

impl Comparison {
    /// Reads rpm's operator spellings (`<`, `<=`, `=<`, `=`, `==`, `>=`, `=>`, `>`).
    pub fn parse(text: &str) -> Option<Self> {
        rpm_types::Comparison::from_operator(text).map(Self::from)
    }

    /// The operator as rpm prints it.
    pub fn as_str(self) -> &'static str {
        rpm_types::Comparison::from(self).operator()
    }
}

/// One dependency as declared: a simple `name [op version]`, or a rich (boolean) dependency
/// whose `name` is its whole text, as rpm stores it, and whose [`Dependency::rich`] is the
/// parsed tree.
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
    /// The tree of a rich dependency.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub rich: Option<RichTree>,
}

impl Dependency {
    /// An unversioned dependency.
    pub fn named(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            comparison: None,
            version: None,
            qualifiers: Vec::new(),
            rich: None,
        }
    }

    /// Whether this is a rich (boolean) dependency.
    pub fn is_rich(&self) -> bool {
        self.name.starts_with('(')
    }

    /// The dependency in the shared vocabulary (for matching against provides).
    pub fn to_rpm_types(&self) -> Result<RichDependency, rpm_types::ParseRichDependencyError> {
        if self.is_rich() {
            return RichDependency::parse(&self.name);
        }
        Ok(RichDependency::Simple(
            match (self.comparison, &self.version) {
                (Some(comparison), Some(version)) => rpm_types::Dependency::versioned(
                    &self.name,
                    comparison.into(),
                    rpm_types::Evr::parse(version),
                ),
                _ => rpm_types::Dependency::unversioned(&self.name),
            },
        ))
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

/// The tree of a rich dependency, as JSON: `{"and": [...]}`, `{"or": [...]}`,
/// `{"with": [...]}`, `{"without": [a, b]}`, `{"if": {"then", "condition", "otherwise"}}`,
/// `{"unless": {...}}`, and `{"simple": {"name", "comparison", "version"}}` at the leaves.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RichTree {
    /// `name [op version]`.
    Simple {
        /// The capability.
        name: String,
        /// The comparison, when versioned.
        #[serde(skip_serializing_if = "Option::is_none", default)]
        comparison: Option<Comparison>,
        /// The version, when versioned.
        #[serde(skip_serializing_if = "Option::is_none", default)]
        version: Option<String>,
    },
    /// Every operand.
    And(Vec<RichTree>),
    /// At least one operand.
    Or(Vec<RichTree>),
    /// One package satisfying every operand.
    With(Vec<RichTree>),
    /// One package satisfying the first operand and not the second.
    Without(Box<RichTree>, Box<RichTree>),
    /// `then` when `condition` holds, else `otherwise`.
    If {
        /// Required when the condition holds.
        then: Box<RichTree>,
        /// The condition.
        condition: Box<RichTree>,
        /// Required when it does not (`else`).
        #[serde(skip_serializing_if = "Option::is_none", default)]
        otherwise: Option<Box<RichTree>>,
    },
    /// `then` unless `condition` holds, else `otherwise`.
    Unless {
        /// Required while the condition does not hold.
        then: Box<RichTree>,
        /// The condition.
        condition: Box<RichTree>,
        /// Required when it holds (`else`).
        #[serde(skip_serializing_if = "Option::is_none", default)]
        otherwise: Option<Box<RichTree>>,
    },
}

impl From<&RichDependency> for RichTree {
    fn from(dependency: &RichDependency) -> Self {
        let all = |operands: &[RichDependency]| operands.iter().map(Self::from).collect();
        let boxed = |dependency: &RichDependency| Box::new(Self::from(dependency));
        match dependency {
            RichDependency::Simple(simple) => Self::Simple {
                name: simple.name.clone(),
                comparison: simple.constraint.as_ref().map(|c| c.comparison.into()),
                version: simple.constraint.as_ref().map(|c| c.evr.to_string()),
            },
            RichDependency::And(operands) => Self::And(all(operands)),
            RichDependency::Or(operands) => Self::Or(all(operands)),
            RichDependency::With(operands) => Self::With(all(operands)),
            RichDependency::Without(left, right) => Self::Without(boxed(left), boxed(right)),
            RichDependency::If {
                then,
                condition,
                otherwise,
            } => Self::If {
                then: boxed(then),
                condition: boxed(condition),
                otherwise: otherwise.as_deref().map(boxed),
            },
            RichDependency::Unless {
                then,
                condition,
                otherwise,
            } => Self::Unless {
                then: boxed(then),
                condition: boxed(condition),
                otherwise: otherwise.as_deref().map(boxed),
            },
        }
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
