//! Problems found while parsing. Parsing never fails on content: it keeps every byte and
//! reports what rpm would reject (errors) or what looks wrong (warnings) here.

use std::fmt;

use serde::Serialize;

use crate::span::{Position, to_u32};

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    /// Suspicious, but rpm accepts it.
    Warning,
    /// rpm rejects the spec because of this (the text is still kept verbatim).
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Warning => "warning",
            Self::Error => "error",
        })
    }
}

/// What is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum DiagnosticKind {
    /// `%else`, `%elif` or `%endif` with no open `%if`.
    UnmatchedDirective {
        /// The directive as written (`%endif`).
        directive: String,
    },
    /// `%elif` or `%else` after the `%else` of the same `%if`.
    BranchAfterElse {
        /// The directive as written.
        directive: String,
    },
    /// An `%if` that no `%endif` closes.
    UnclosedConditional,
    /// `%ifarch`, `%if`... without an argument.
    MissingConditionArgument {
        /// The directive as written.
        directive: String,
    },
    /// Text after `%else` or `%endif` that is not a comment.
    TextAfterDirective {
        /// The directive as written.
        directive: String,
    },
    /// A `%{`, `%(` or `%[` that is never closed before the end of the file.
    UnclosedMacro,
    /// NUL bytes: the input looks binary.
    NulBytes,
    /// The input starts with an RPM package lead.
    BinaryRpm,
    /// Bytes that are not UTF-8 (kept as they are).
    InvalidUtf8,
    /// A `Word:` line in a preamble whose word is not an rpm tag.
    UnknownTag {
        /// The word as written.
        name: String,
    },
    /// `%define`/`%global` without a valid name or without a body.
    MalformedDefinition {
        /// `%define` or `%global`.
        directive: String,
    },
    /// `%undefine` without a macro name.
    MalformedUndefine,
    /// `%include` without exactly one file name.
    MalformedInclude,
    /// A trigger header without a condition after ` -- `.
    TriggerWithoutCondition,
    /// A section header option the section does not take.
    UnknownSectionOption {
        /// The section keyword.
        section: &'static str,
    },
    /// `%package` without a name, or `-n` without a value.
    MissingPackageName,
    /// More words on a section header than the section takes.
    ExtraSectionArguments,
}

impl DiagnosticKind {
    /// How bad this is.
    #[must_use]
    pub const fn severity(&self) -> Severity {
        match self {
            Self::InvalidUtf8 | Self::UnknownTag { .. } => Severity::Warning,
            _ => Severity::Error,
        }
    }
}

impl fmt::Display for DiagnosticKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnmatchedDirective { directive } => {
                write!(f, "{directive} without a matching %if; remove it or add the missing %if")
            }
            Self::BranchAfterElse { directive } => {
                write!(f, "{directive} after %else of the same %if; move it before the %else")
            }
            Self::UnclosedConditional => f.write_str("this %if is never closed; add an %endif"),
            Self::MissingConditionArgument { directive } => {
                write!(f, "{directive} needs an argument (an expression or a list of architectures)")
            }
            Self::TextAfterDirective { directive } => {
                write!(f, "text after {directive}; rpm rejects it, turn it into a `#` comment")
            }
            Self::UnclosedMacro => f.write_str(
                "a %{, %( or %[ opened on this line is never closed; rpm rejects the spec (unclosed macro)",
            ),
            Self::NulBytes => f.write_str("the file contains NUL bytes: it looks binary, not like a spec file"),
            Self::BinaryRpm => f.write_str("this is a binary RPM package, not a spec file"),
            Self::InvalidUtf8 => f.write_str("bytes that are not valid UTF-8 (kept unchanged)"),
            Self::UnknownTag { name } => write!(f, "`{name}` is not an rpm tag; rpm rejects it (\"Unknown tag\")"),
            Self::MalformedDefinition { directive } => {
                write!(f, "{directive} needs a macro name (letters, digits, `_`) and a body")
            }
            Self::MalformedUndefine => f.write_str("%undefine needs a macro name"),
            Self::MalformedInclude => f.write_str("%include needs exactly one file name"),
            Self::TriggerWithoutCondition => {
                f.write_str("a trigger needs a condition after ` -- ` (for example `%triggerin -- foo`)")
            }
            Self::UnknownSectionOption { section } => write!(f, "{section} does not take this option"),
            Self::MissingPackageName => f.write_str("a package name is missing (`%package NAME` or `-n NAME`)"),
            Self::ExtraSectionArguments => {
                f.write_str("too many names on this section header; give one suffix or `-n NAME`")
            }
        }
    }
}

/// A problem at a place in the spec.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// What is wrong.
    #[serde(flatten)]
    pub kind: DiagnosticKind,
    /// How bad it is.
    pub severity: Severity,
    /// Where.
    pub position: Position,
    /// Byte offset of the position.
    pub offset: u32,
}

impl Diagnostic {
    /// A diagnostic at `offset`; its position is filled in once the spec's lines are known.
    pub(crate) fn new(offset: usize, kind: DiagnosticKind) -> Self {
        Self {
            severity: kind.severity(),
            kind,
            position: Position::default(),
            offset: to_u32(offset),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.position, self.severity, self.kind)
    }
}
