//! Errors of the rpmautospec engine.

/// A history that cannot be processed as given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HistoryError {
    /// Two commits have the same id.
    #[error("commit `{id}` appears twice in the history; give each commit once")]
    DuplicateCommit {
        /// The repeated id.
        id: String,
    },
    /// The named head is not one of the commits.
    #[error("the head commit `{id}` is not in the history")]
    UnknownHead {
        /// The head id asked for.
        id: String,
    },
    /// A commit names a parent that is not in the history (a shallow history).
    #[error(
        "commit `{commit}` has parent `{parent}`, which is not in the history; rpmautospec needs the \
         full history (fetch without --depth)"
    )]
    MissingParent {
        /// The child.
        commit: String,
        /// The missing parent.
        parent: String,
    },
    /// A root commit says a file is unchanged from a parent it does not have.
    #[error(
        "root commit `{commit}` marks the {file} file as unchanged, but it has no parent; give its content"
    )]
    UnchangedRoot {
        /// The root commit.
        commit: String,
        /// Which file (`spec` or `changelog`).
        file: &'static str,
    },
    /// The parent links form a cycle.
    #[error("the parents of commit `{commit}` form a cycle; a git history never does")]
    Cycle {
        /// A commit on the cycle.
        commit: String,
    },
}

/// Why processing a spec failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProcessError {
    /// The history is malformed.
    #[error(transparent)]
    History(#[from] HistoryError),
    /// The head commit's spec could not be evaluated (rpmautospec: "Couldn’t parse spec file").
    #[error("could not evaluate the spec of head commit `{commit}`: {detail}")]
    UnparseableSpec {
        /// The head commit.
        commit: String,
        /// The evaluator's message.
        detail: String,
    },
    /// The head commit has no spec file.
    #[error("head commit `{commit}` has no spec file; give the spec text at the head")]
    MissingSpec {
        /// The head commit.
        commit: String,
    },
    /// A merge commit whose changelog file was removed in the merge itself: rpmautospec crashes
    /// on this history, so there is no output to reproduce.
    #[error(
        "merge commit `{commit}` removes the `changelog` file and matches no parent's tree; \
         rpmautospec cannot process this history either"
    )]
    UnsupportedMerge {
        /// The merge commit.
        commit: String,
    },
    /// A release number does not fit in 64 bits.
    #[error(
        "the release number at commit `{commit}` overflows; check `[bump release: N]` and `-b` values"
    )]
    Overflow {
        /// Where it overflowed.
        commit: String,
    },
}

/// Why a spec could not be evaluated (rpm would fail to parse it, or the evaluator does not
/// support a construct it uses).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EvaluationError {
    /// rpm itself rejects the spec; the message says why, with the line number.
    #[error("line {line}: {message}")]
    Invalid {
        /// 1-based line number in the spec.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// The spec uses something this evaluator does not implement (Lua, shell, ...); a full
    /// evaluator may still succeed.
    #[error(
        "line {line}: unsupported: {construct}; evaluate this spec with a full macro evaluator"
    )]
    Unsupported {
        /// 1-based line number in the spec.
        line: usize,
        /// The construct.
        construct: String,
    },
    /// The spec has no `Version` tag (rpm: "Version field must be present in package").
    #[error("the spec has no Version tag in its main package")]
    MissingVersion,
    /// An external evaluator failed.
    #[error("{0}")]
    External(String),
}
