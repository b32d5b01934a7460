//! Errors of lock files and of the project history.

use std::path::PathBuf;

/// A lock file could not be read or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LockError {
    /// Reading or writing failed.
    #[error("{action} {}: {source}", path.display())]
    Io {
        /// What was being done (`reading`, `writing`...).
        action: &'static str,
        /// The file or directory.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not TOML of the lock layout.
    #[error("{}: {message}; fix the file or recreate it with `cairn component update`", path.display())]
    Syntax {
        /// The lock file (or `<commit>:<path>` when read from history).
        path: PathBuf,
        /// What the parser reported (with line and column).
        message: String,
    },
    /// A lock format cairn does not know.
    #[error(
        "{}: unsupported lock file version {found} (expected {expected}); recreate it with `cairn component update`",
        path.display()
    )]
    Version {
        /// The lock file.
        path: PathBuf,
        /// The version written in it.
        found: i64,
        /// The version cairn writes.
        expected: u32,
    },
    /// The component name cannot be a lock file name.
    #[error(
        "component name `{name}` cannot name a lock file (it is empty, starts with `.`, or contains `/`)"
    )]
    BadName {
        /// The name.
        name: String,
    },
}

/// The project history could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HistoryError {
    /// The repository could not be opened.
    #[error("cannot open the git repository at {}: {message}", path.display())]
    Open {
        /// Where it was looked for.
        path: PathBuf,
        /// What gix reported.
        message: String,
    },
    /// A revision does not name a commit.
    #[error("`{revision}` does not name a commit in {}: {message}", repository.display())]
    Revision {
        /// The revision as given.
        revision: String,
        /// The repository.
        repository: PathBuf,
        /// What gix reported.
        message: String,
    },
    /// An object could not be read.
    #[error("reading {what} in {}: {message}", repository.display())]
    Read {
        /// What was being read (`commit 1234abc`, `tree of ...`).
        what: String,
        /// The repository.
        repository: PathBuf,
        /// What gix reported.
        message: String,
    },
    /// A lock in the history is malformed.
    #[error(transparent)]
    Lock(#[from] LockError),
    /// The repository is shallow, so lock history is incomplete (azldev refuses this too).
    #[error(
        "the project repository {} is a shallow clone; lock history needs the full history (run `git fetch --unshallow`)",
        repository.display()
    )]
    Shallow {
        /// The repository.
        repository: PathBuf,
    },
}
