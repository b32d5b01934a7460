//! Errors that stop a whole build run (a single stage's failure is reported in its
//! [`StageReport`](crate::StageReport) instead).

use std::path::PathBuf;

/// A build run could not start or finish.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// A file or directory of cairn's build state could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The path.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// A channel's repository could not be indexed.
    #[error("cannot index {}: {source}", path.display())]
    Index {
        /// The channel directory.
        path: PathBuf,
        /// The error.
        source: cairn_repo::IndexError,
    },
    /// A named component is not in the plan.
    #[error("no component {name} in the plan")]
    UnknownComponent {
        /// The name.
        name: String,
    },
}

pub(crate) fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> BuildError {
    let path = path.into();
    move |source| BuildError::Io { path, source }
}
