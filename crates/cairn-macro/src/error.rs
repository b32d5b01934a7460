//! Errors of macro expansion and spec evaluation.

use std::path::PathBuf;

/// Why a macro expansion failed; rpm reports the same conditions as `error:` lines.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MacroError {
    /// Expansion nested deeper than rpm's limit (64).
    #[error(
        "too many levels of recursion in macro expansion (likely a recursive macro definition)"
    )]
    Recursion,
    /// The expansion grew past the output limit.
    #[error("macro expansion produced more than {limit} bytes")]
    OutputTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// `%{`, `%(` or `%[` without its closing character.
    #[error("unterminated {opening}: {text}")]
    Unterminated {
        /// The opening characters.
        opening: &'static str,
        /// The text from the opening on (shortened).
        text: String,
    },
    /// A `%define`/`%global`/`%undefine` that rpm rejects.
    #[error("macro %{name}: {problem}")]
    BadDefinition {
        /// The macro name as written.
        name: String,
        /// What is wrong ("has illegal name", "has empty body"...).
        problem: &'static str,
    },
    /// A parametric macro called with an option it does not declare.
    #[error("unknown option {option} in {name}({options})")]
    UnknownOption {
        /// The option letter.
        option: char,
        /// The macro name.
        name: String,
        /// The macro's getopt string.
        options: String,
    },
    /// `%{error:...}` was expanded.
    #[error("{0}")]
    Explicit(String),
    /// `%{macrobody:...}` of an undefined macro.
    #[error("no such macro: '{0}'")]
    NoSuchMacro(String),
    /// A `%[...]` or `%if` expression that does not evaluate.
    #[error("{message}: {expression}")]
    Expression {
        /// What went wrong, in rpm's words.
        message: String,
        /// The expression.
        expression: String,
    },
    /// A Lua chunk failed.
    #[error("lua script failed: {0}")]
    Lua(String),
    /// `%(...)` could not run.
    #[error("shell expansion failed: {0}")]
    Shell(String),
    /// `%{load:...}` of a missing file.
    #[error("failed to load macro file {0}")]
    Load(String),
}

/// Why a spec could not be evaluated.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SpecError {
    /// The spec (or an `%include`d file) could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A line failed to evaluate.
    #[error("{path}:{line}: {message}")]
    Line {
        /// The spec file.
        path: PathBuf,
        /// 1-based line number (of the first line of a continued line).
        line: usize,
        /// What is wrong and, where known, how to fix it.
        message: String,
    },
    /// The spec as a whole is incomplete (no Name, unclosed `%if`...).
    #[error("{path}: {message}")]
    Spec {
        /// The spec file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
}
