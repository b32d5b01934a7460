//! Why a component could not be rendered, updated or compared.

use std::path::PathBuf;

/// A component-level failure: the component gets a `RENDER_FAILED` marker (render) or an error
/// row (update), the others go on.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ComponentError {
    /// The configuration does not say where the sources come from.
    #[error("{message}")]
    Config {
        /// What is missing or inconsistent, and how to fix it.
        message: String,
    },
    /// The configuration could not be resolved.
    #[error(transparent)]
    Resolve(#[from] cairn_config::ConfigError),
    /// The dist-git commit could not be resolved or fetched.
    #[error(transparent)]
    DistGit(#[from] cairn_source::DistGitError),
    /// The dist-git tree could not be read.
    #[error(transparent)]
    Read(#[from] cairn_source::ReadError),
    /// A lookaside file could not be provided (download failed, hash mismatch, offline).
    #[error(transparent)]
    Lookaside(#[from] cairn_source::LookasideError),
    /// A lock is malformed or the history cannot be read.
    #[error(transparent)]
    Lock(#[from] cairn_lock::LockError),
    /// The project history cannot be read.
    #[error(transparent)]
    History(#[from] cairn_lock::HistoryError),
    /// The lock disagrees with the configuration's pin.
    #[error(
        "lock is stale for `{component}`: config pins `{pin}` but the lock has `{locked}`; run `cairn component update -p {component}`"
    )]
    StaleLock {
        /// The component.
        component: String,
        /// The `upstream-commit` pin.
        pin: String,
        /// The lock's `upstream-commit`.
        locked: String,
    },
    /// The spec is not where it should be.
    #[error("expected spec file `{spec}` not found for component `{component}` in {origin}")]
    MissingSpec {
        /// The component.
        component: String,
        /// The spec file name.
        spec: String,
        /// Where it was looked for.
        origin: String,
    },
    /// An overlay failed.
    #[error(transparent)]
    Overlay(#[from] cairn_overlay::ApplyError),
    /// The sources directory could not be built or read.
    #[error(transparent)]
    Sources(#[from] cairn_overlay::SourcesError),
    /// The static Release bump is not possible.
    #[error(transparent)]
    Release(#[from] cairn_overlay::release::ReleaseBumpError),
    /// The synthetic history could not be built.
    #[error(transparent)]
    Synthetic(#[from] cairn_autospec::azldev::SyntheticError),
    /// rpmautospec's processing failed.
    #[error("rpmautospec failed: {0}")]
    Autospec(#[from] cairn_autospec::ProcessError),
    /// The `sources` file is malformed.
    #[error("sources file: {0}")]
    SourcesFile(#[from] cairn_source::SourcesFileError),
    /// Reading or writing a file failed.
    #[error("{action} {}: {source}", path.display())]
    Io {
        /// What was being done.
        action: &'static str,
        /// The path.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}

impl ComponentError {
    pub(crate) fn io(
        action: &'static str,
        path: impl Into<PathBuf>,
        source: std::io::Error,
    ) -> Self {
        Self::Io {
            action,
            path: path.into(),
            source,
        }
    }

    pub(crate) fn config(message: impl Into<String>) -> Self {
        Self::Config {
            message: message.into(),
        }
    }
}

/// A failure of the whole run (before or after the per-component work).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RunError {
    /// The configuration could not be resolved.
    #[error(transparent)]
    Config(#[from] cairn_config::ConfigError),
    /// Locks could not be read or written.
    #[error(transparent)]
    Lock(#[from] cairn_lock::LockError),
    /// The project history could not be read.
    #[error(transparent)]
    History(#[from] cairn_lock::HistoryError),
    /// The output directory is unsafe or unusable.
    #[error("{message}")]
    Output {
        /// What is wrong and how to fix it.
        message: String,
    },
    /// Reading or writing failed.
    #[error("{action} {}: {source}", path.display())]
    Io {
        /// What was being done.
        action: &'static str,
        /// The path.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A thread pool could not be started.
    #[error("cannot start worker threads: {0}")]
    Threads(String),
}

impl RunError {
    pub(crate) fn io(
        action: &'static str,
        path: impl Into<PathBuf>,
        source: std::io::Error,
    ) -> Self {
        Self::Io {
            action,
            path: path.into(),
            source,
        }
    }
}
