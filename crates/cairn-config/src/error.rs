//! Errors of loading and resolving a project.

use std::fmt;
use std::path::PathBuf;

use serde::Serialize;

use crate::location::Location;

/// What kind of problem a [`Diagnostic`] reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum DiagnosticKind {
    /// Not TOML, or a value of the wrong type or an unknown enum value.
    Syntax,
    /// A key the schema does not have (a warning with `--permissive-config`).
    UnknownKey,
    /// A value that breaks a rule (a warning with `--permissive-config`).
    Invalid,
    /// An `includes` entry without wildcards that names no file.
    MissingInclude,
    /// A file that includes itself, directly or not.
    IncludeCycle,
    /// A component, group, image or test suite defined twice.
    Duplicate,
    /// A file that cannot be read, or a directory walk that failed.
    Io,
}

impl DiagnosticKind {
    /// Whether `--permissive-config` turns it into a warning.
    pub fn is_permissible(self) -> bool {
        matches!(self, Self::UnknownKey | Self::Invalid)
    }
}

/// One problem, where it is, and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// The kind of problem.
    pub kind: DiagnosticKind,
    /// Where it is.
    pub location: Location,
    /// What is wrong, and how to fix it when known.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

/// Errors of [`Project::load`](crate::Project::load) and component resolution.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// Neither `cairn.toml` nor `azldev.toml` in the directory or any parent.
    #[error(
        "no cairn.toml or azldev.toml in {} or any parent directory; \
         run cairn in a project or pass -C <project directory>",
        start.display()
    )]
    ProjectNotFound {
        /// Where the search started.
        start: PathBuf,
    },
    /// A file given explicitly (project file, `--config-file`) cannot be read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The configuration has problems; each names its file, line and column.
    #[error("{}", summary(diagnostics))]
    Invalid {
        /// Every problem found, in load order.
        diagnostics: Vec<Diagnostic>,
    },
    /// No component of that name.
    #[error("no component named `{name}`{}", suggestion_suffix(suggestion.as_deref()))]
    UnknownComponent {
        /// The name asked for.
        name: String,
        /// The closest existing name.
        suggestion: Option<String>,
    },
    /// A component name glob that does not compile.
    #[error("bad component pattern `{pattern}`: {message}")]
    BadPattern {
        /// The pattern as given.
        pattern: String,
        /// Why it is not a glob.
        message: String,
    },
    /// No component group of that name.
    #[error("no component group named `{name}`{}", suggestion_suffix(suggestion.as_deref()))]
    UnknownGroup {
        /// The name asked for.
        name: String,
        /// The closest existing name.
        suggestion: Option<String>,
    },
}

fn summary(diagnostics: &[Diagnostic]) -> String {
    match diagnostics {
        [one] => one.to_string(),
        many => {
            let mut text = format!("the configuration has {} problems:", many.len());
            for diagnostic in many {
                text.push_str("\n  ");
                text.push_str(&diagnostic.to_string());
            }
            text
        }
    }
}

fn suggestion_suffix(suggestion: Option<&str>) -> String {
    suggestion
        .map(|s| format!("; did you mean `{s}`?"))
        .unwrap_or_default()
}
