//! Why a spec edit failed.
//!
//! The wording keeps azldev's phrases (`not found`, `no such tag`, `conditional block spans
//! across section boundaries`, `no patches matching`...) so messages stay recognisable to
//! people who know azldev, and adds what to do about it.

use thiserror::Error;

/// A spec edit that could not be made.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum SpecEditError {
    /// No tag of that name exists in the package.
    #[error("tag `{tag}` not found in spec (package=`{package}`): no such tag")]
    NoSuchTag {
        /// The tag name as written in the overlay.
        tag: String,
        /// The package qualifier (`""` for the main package).
        package: String,
    },
    /// No tag of that name and value exists in the package.
    #[error(
        "tag `{tag}` with value `{value}` not found in spec (package=`{package}`): no such tag"
    )]
    NoSuchTagValue {
        /// The tag name as written in the overlay.
        tag: String,
        /// The value to match.
        value: String,
        /// The package qualifier.
        package: String,
    },
    /// `spec-add-tag` in strict mode found the tag already present.
    #[error(
        "tag `{tag}` already exists in spec (package=`{package}`) at line {line}; use spec-set-tag to change it"
    )]
    TagExists {
        /// The tag name.
        tag: String,
        /// The package qualifier.
        package: String,
        /// 1-based line of the existing tag.
        line: usize,
    },
    /// No section with that name and package qualifier exists.
    #[error(
        "section `{section}` (package=`{package}`) not found: section names and package qualifiers \
         are matched exactly as written on the header line"
    )]
    SectionNotFound {
        /// The section name (`""` for the preamble).
        section: String,
        /// The package qualifier.
        package: String,
    },
    /// No section belongs to that sub-package.
    #[error(
        "sub-package `{package}` not found: no section header names it (use the `-n` name or the suffix as written)"
    )]
    SubpackageNotFound {
        /// The package qualifier.
        package: String,
    },
    /// `spec-remove-section` without a section.
    #[error("cannot remove the global/preamble section: set `section`")]
    RemovePreamble,
    /// `spec-remove-subpackage` without a package.
    #[error("cannot remove sub-package with empty name: set `package`")]
    EmptySubpackage,
    /// The regex matched no line it was allowed to edit (or replaced a match with itself).
    #[error(
        "pattern `{regex}` not found (section=`{section}`, package=`{package}`): pattern not found \
         (section header lines are never edited)"
    )]
    PatternNotFound {
        /// The pattern.
        regex: String,
        /// The section filter.
        section: String,
        /// The package filter.
        package: String,
    },
    /// The regex does not compile.
    #[error("failed to compile regex `{regex}`: {source}")]
    InvalidRegex {
        /// The pattern.
        regex: String,
        /// The compiler's complaint.
        source: Box<regex::Error>,
    },
    /// The glob does not compile.
    #[error("invalid glob pattern `{pattern}`: {reason}")]
    InvalidGlob {
        /// The pattern.
        pattern: String,
        /// What is wrong with it.
        reason: String,
    },
    /// `patch-remove` found no `PatchN` tag or `%patchlist` line matching.
    #[error(
        "no patches matching `{pattern}` found in spec (neither a PatchN tag value nor a %patchlist line)"
    )]
    NoPatchesMatching {
        /// The glob.
        pattern: String,
    },
    /// Removing the section would cut a conditional block in two.
    #[error(
        "section at lines {start}-{end} has a conditional block that spans into the next section; use a \
         spec-search-replace overlay to adjust conditionals before removing: conditional block spans \
         across section boundaries"
    )]
    ConditionalSpans {
        /// 1-based first line of the section.
        start: usize,
        /// 1-based last line of the section.
        end: usize,
    },
    /// Removing the section would drop an `%else`/`%elif` of a conditional that continues outside it.
    #[error(
        "section at lines {start}-{end} contains a %else/%elif branch directive inside a conditional block \
         that extends beyond the section boundary; use a spec-search-replace overlay to adjust conditionals \
         before removing: conditional block spans across section boundaries"
    )]
    BranchDirective {
        /// 1-based first line of the section.
        start: usize,
        /// 1-based last line of the section.
        end: usize,
    },
    /// `%if`/`%endif` do not pair up.
    #[error("failed to parse conditional structure: unmatched {directive} at line {line}")]
    UnbalancedConditional {
        /// `%if` or `%endif`.
        directive: &'static str,
        /// 1-based line.
        line: usize,
    },
    /// The overlay type does not edit the spec.
    #[error("overlay type `{kind}` does not edit the spec")]
    NotASpecOverlay {
        /// The overlay type.
        kind: &'static str,
    },
}

impl SpecEditError {
    /// The 1-based spec line the edit failed at, when there is one.
    pub fn line(&self) -> Option<usize> {
        match self {
            Self::TagExists { line, .. } | Self::UnbalancedConditional { line, .. } => Some(*line),
            Self::ConditionalSpans { start, .. } | Self::BranchDirective { start, .. } => {
                Some(*start)
            }
            _ => None,
        }
    }
}
