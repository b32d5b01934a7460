//! Simple dependencies (`name [op evr]`), their kinds, and rpm's range-overlap rule.

use std::cmp::Ordering;
use std::fmt;

use crate::Evr;
use crate::evr::{EvrParts, compare_epochs, rpmvercmp};

/// The relation in a versioned dependency.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
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
    /// Reads rpm's operator spellings (`rpmParseDSFlags()`): `<`, `<=`, `=<`, `=`, `==`, `>=`,
    /// `=>`, `>`.
    #[must_use]
    pub fn from_operator(operator: &str) -> Option<Self> {
        Some(match operator {
            "<" => Self::Less,
            "<=" | "=<" => Self::LessOrEqual,
            "=" | "==" => Self::Equal,
            ">=" | "=>" => Self::GreaterOrEqual,
            ">" => Self::Greater,
            _ => return None,
        })
    }

    /// Reads the `flags` attribute of rpm-md (`primary.xml`): `LT`, `LE`, `EQ`, `GE`, `GT`.
    #[must_use]
    pub fn from_rpmmd_flags(flags: &str) -> Option<Self> {
        Some(match flags {
            "LT" => Self::Less,
            "LE" => Self::LessOrEqual,
            "EQ" => Self::Equal,
            "GE" => Self::GreaterOrEqual,
            "GT" => Self::Greater,
            _ => return None,
        })
    }

    /// The canonical operator (`<`, `<=`, `=`, `>=`, `>`).
    #[must_use]
    pub fn operator(self) -> &'static str {
        match self {
            Self::Less => "<",
            Self::LessOrEqual => "<=",
            Self::Equal => "=",
            Self::GreaterOrEqual => ">=",
            Self::Greater => ">",
        }
    }

    /// The rpm-md `flags` spelling.
    #[must_use]
    pub fn rpmmd_flags(self) -> &'static str {
        match self {
            Self::Less => "LT",
            Self::LessOrEqual => "LE",
            Self::Equal => "EQ",
            Self::GreaterOrEqual => "GE",
            Self::Greater => "GT",
        }
    }

    fn less(self) -> bool {
        matches!(self, Self::Less | Self::LessOrEqual)
    }

    fn equal(self) -> bool {
        matches!(self, Self::LessOrEqual | Self::Equal | Self::GreaterOrEqual)
    }

    fn greater(self) -> bool {
        matches!(self, Self::Greater | Self::GreaterOrEqual)
    }
}

impl fmt::Display for Comparison {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.operator())
    }
}

/// Whether two versioned ranges overlap, following rpm's `rpmdsCompareEVR()` (rpm 4.18
/// `lib/rpmds.c`), which libsolv implements as `pool_match_flags_evr()`.
///
/// A missing epoch is 0. When only one side has a release, releases are not compared, so
/// `Requires: foo = 1.0` is met by `foo = 1.0-3`. An unversioned side (`None`) matches anything;
/// that case is handled by [`Dependency::matches`].
#[must_use]
pub fn ranges_overlap(
    a: Comparison,
    a_evr: EvrParts<'_>,
    b: Comparison,
    b_evr: EvrParts<'_>,
) -> bool {
    let mut sense = compare_epochs(a_evr.epoch, b_evr.epoch);
    if sense == Ordering::Equal {
        sense = rpmvercmp(a_evr.version, b_evr.version);
        if sense == Ordering::Equal {
            match (
                a_evr.release.filter(|r| !r.is_empty()),
                b_evr.release.filter(|r| !r.is_empty()),
            ) {
                (Some(a_release), Some(b_release)) => sense = rpmvercmp(a_release, b_release),
                // "always matches if the side with no release has SENSE_EQUAL"
                (Some(_), None) if b.equal() => return true,
                (None, Some(_)) if a.equal() => return true,
                _ => {}
            }
        }
    }
    match sense {
        Ordering::Less => a.greater() || b.less(),
        Ordering::Greater => a.less() || b.greater(),
        Ordering::Equal => {
            (a.equal() && b.equal()) || (a.less() && b.less()) || (a.greater() && b.greater())
        }
    }
}

/// A version constraint: relation and EVR.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Constraint {
    /// The relation.
    pub comparison: Comparison,
    /// The EVR compared against.
    pub evr: Evr,
}

impl fmt::Display for Constraint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.comparison, self.evr)
    }
}

/// The kind of a dependency entry in a package header.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DependencyKind {
    /// `Provides:`
    Provides,
    /// `Requires:` (including `Requires(pre)` and friends)
    Requires,
    /// `Conflicts:`
    Conflicts,
    /// `Obsoletes:`
    Obsoletes,
    /// `Recommends:` (weak, forward)
    Recommends,
    /// `Suggests:` (weaker, forward)
    Suggests,
    /// `Supplements:` (weak, reverse)
    Supplements,
    /// `Enhances:` (weaker, reverse)
    Enhances,
}

impl DependencyKind {
    /// Every kind, in header order.
    pub const ALL: [Self; 8] = [
        Self::Provides,
        Self::Requires,
        Self::Conflicts,
        Self::Obsoletes,
        Self::Recommends,
        Self::Suggests,
        Self::Supplements,
        Self::Enhances,
    ];

    /// The spec-file tag (`Requires`, `Provides`...).
    #[must_use]
    pub fn tag(self) -> &'static str {
        match self {
            Self::Provides => "Provides",
            Self::Requires => "Requires",
            Self::Conflicts => "Conflicts",
            Self::Obsoletes => "Obsoletes",
            Self::Recommends => "Recommends",
            Self::Suggests => "Suggests",
            Self::Supplements => "Supplements",
            Self::Enhances => "Enhances",
        }
    }
}

impl fmt::Display for DependencyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.tag())
    }
}

/// One simple dependency: a capability name and an optional version constraint.
///
/// The name of a rich dependency starts with `(`; parse those with
/// [`RichDependency::parse`](crate::RichDependency::parse).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dependency {
    /// The capability: a package name, a virtual provide (`pkgconfig(zlib)`), or a path.
    pub name: String,
    /// The version constraint, if any.
    pub constraint: Option<Constraint>,
    /// For `Requires`: needed before the package's `%pre` scriptlet runs (`Requires(pre)`).
    pub pre: bool,
}

/// Why a string is not a simple dependency.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseDependencyError {
    /// Nothing but white space.
    #[error("empty dependency")]
    Empty,
    /// An operator without a version (`foo >=`).
    #[error("`{0}` has an operator but no version; write `name OP version`")]
    MissingVersion(String),
    /// Text after `name op version`, or an unknown operator.
    #[error("`{0}` is not `name [OP version]`; OP is one of < <= = >= >")]
    Malformed(String),
}

impl Dependency {
    /// An unversioned dependency.
    pub fn unversioned(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            constraint: None,
            pre: false,
        }
    }

    /// A versioned dependency.
    pub fn versioned(name: impl Into<String>, comparison: Comparison, evr: Evr) -> Self {
        Self {
            name: name.into(),
            constraint: Some(Constraint { comparison, evr }),
            pre: false,
        }
    }

    /// Parses `name`, or `name OP [epoch:]version[-release]`, with white space between the parts.
    ///
    /// # Errors
    ///
    /// On empty input, a missing version, an unknown operator or trailing text.
    pub fn parse(text: &str) -> Result<Self, ParseDependencyError> {
        let mut words = text.split_ascii_whitespace();
        let name = words.next().ok_or(ParseDependencyError::Empty)?;
        let Some(operator) = words.next() else {
            return Ok(Self::unversioned(name));
        };
        let comparison = Comparison::from_operator(operator)
            .ok_or_else(|| ParseDependencyError::Malformed(text.trim().into()))?;
        let version = words
            .next()
            .ok_or_else(|| ParseDependencyError::MissingVersion(text.trim().into()))?;
        if words.next().is_some() {
            return Err(ParseDependencyError::Malformed(text.trim().into()));
        }
        Ok(Self::versioned(name, comparison, Evr::parse(version)))
    }

    /// Whether this is a rich (boolean) dependency, i.e. its text starts with `(`.
    #[must_use]
    pub fn is_rich(&self) -> bool {
        self.name.starts_with('(')
    }

    /// Whether a provide `provide` (name and optional version) satisfies this dependency, as
    /// `rpmdsCompare()` decides: the names are equal and the ranges overlap, an unversioned side
    /// matching every version.
    #[must_use]
    pub fn matches(&self, provide: &Dependency) -> bool {
        self.name == provide.name
            && match (&self.constraint, &provide.constraint) {
                (Some(ours), Some(theirs)) => ranges_overlap(
                    theirs.comparison,
                    theirs.evr.parts(),
                    ours.comparison,
                    ours.evr.parts(),
                ),
                _ => true,
            }
    }
}

impl fmt::Display for Dependency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)?;
        if let Some(constraint) = &self.constraint {
            write!(f, " {constraint}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn overlap(a: &str, b: &str) -> bool {
        let a = Dependency::parse(a).unwrap();
        let b = Dependency::parse(b).unwrap();
        b.matches(&a)
    }

    #[test]
    fn parses_rpm_operators() {
        let dependency = Dependency::parse("foo =< 1:2-3").unwrap();
        assert_eq!(dependency.to_string(), "foo <= 1:2-3");
        assert_eq!(
            Dependency::parse("  bar ").unwrap(),
            Dependency::unversioned("bar")
        );
        assert!(matches!(
            Dependency::parse("foo >="),
            Err(ParseDependencyError::MissingVersion(_))
        ));
        assert!(matches!(
            Dependency::parse("foo ~ 1"),
            Err(ParseDependencyError::Malformed(_))
        ));
        assert!(matches!(
            Dependency::parse(""),
            Err(ParseDependencyError::Empty)
        ));
    }

    #[test]
    fn release_is_ignored_when_one_side_lacks_it() {
        assert!(overlap("foo = 1.0-3", "foo = 1.0"));
        assert!(overlap("foo = 1.0-3", "foo >= 1.0"));
        assert!(overlap("foo = 1.0-3", "foo <= 1.0"));
        assert!(!overlap("foo = 1.0-3", "foo > 1.0"));
        assert!(!overlap("foo = 1.0-3", "foo < 1.0"));
        assert!(overlap("foo = 1.0", "foo = 1.0-3"));
    }

    #[test]
    fn ranges() {
        assert!(overlap("foo = 2.0-1", "foo >= 1.5"));
        assert!(!overlap("foo = 1.0-1", "foo >= 1.5"));
        assert!(overlap("foo >= 2", "foo < 3"));
        assert!(!overlap("foo > 3", "foo < 3"));
        assert!(overlap("foo < 3", "foo < 1"));
        assert!(overlap("foo = 1:1.0-1", "foo > 2.0"));
        assert!(!overlap("foo = 1.0-1", "foo = 1:1.0"));
        assert!(overlap("foo = 0:1.0-1", "foo = 1.0"));
        assert!(overlap("foo", "foo > 99"));
        assert!(overlap("foo = 1.0~rc1-1", "foo < 1.0"));
        assert!(!overlap("bar = 1", "foo"));
    }
}
