//! Errors of the dist-git cache.

use std::path::PathBuf;

/// Reading a mirror failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReadError {
    /// The directory is not a readable git repository.
    #[error("cannot open the git mirror {}: {message}", path.display())]
    Open {
        /// The mirror.
        path: PathBuf,
        /// What gix reported.
        message: String,
    },
    /// A commit the caller named is not in the mirror.
    #[error("commit {commit} is not in the git mirror {}: {message}", path.display())]
    MissingCommit {
        /// The mirror.
        path: PathBuf,
        /// The commit id.
        commit: String,
        /// What gix reported.
        message: String,
    },
    /// An object could not be read or decoded.
    #[error("the git mirror {} is damaged: {message}; delete it and fetch again", path.display())]
    Object {
        /// The mirror.
        path: PathBuf,
        /// What failed.
        message: String,
    },
    /// A tree entry would escape the directory it is written to.
    #[error("commit {commit} in {} has a tree entry named `{name}`, which cairn refuses to write", path.display())]
    UnsafePath {
        /// The mirror.
        path: PathBuf,
        /// The commit.
        commit: String,
        /// The entry name.
        name: String,
    },
    /// Writing a materialized tree failed.
    #[error("cannot write {}: {source}", path.display())]
    Io {
        /// The file being written.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}

/// Fetching or resolving a component's dist-git failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DistGitError {
    /// `--offline` and the mirror has never been fetched.
    #[error("component `{component}`: {url} is not in the dist-git cache ({}) and --offline forbids fetching it; run once without --offline", mirror.display())]
    NotCached {
        /// The component.
        component: String,
        /// The dist-git URL.
        url: String,
        /// Where the mirror would be.
        mirror: PathBuf,
    },
    /// The branch does not exist in the repository.
    #[error("component `{component}`: {url} has no branch `{branch}`; check the distro version's `dist-git-branch`{}", offline_suffix(*offline))]
    MissingBranch {
        /// The component.
        component: String,
        /// The dist-git URL.
        url: String,
        /// The branch.
        branch: String,
        /// Whether fetching was forbidden (the branch may exist upstream).
        offline: bool,
    },
    /// The pinned commit does not exist.
    #[error("component `{component}`: upstream-commit `{pin}` is not in {url}; check the pin in the component's config{}", offline_suffix(*offline))]
    MissingPin {
        /// The component.
        component: String,
        /// The dist-git URL.
        url: String,
        /// The pin as configured.
        pin: String,
        /// Whether fetching was forbidden.
        offline: bool,
    },
    /// The branch has no commit at or before the snapshot.
    #[error(
        "component `{component}`: branch `{branch}` of {url} has no commit at or before the snapshot {snapshot}; pin an `upstream-commit` or move the snapshot"
    )]
    NothingBeforeSnapshot {
        /// The component.
        component: String,
        /// The dist-git URL.
        url: String,
        /// The branch.
        branch: String,
        /// The snapshot time.
        snapshot: jiff::Timestamp,
    },
    /// `git fetch` failed (after retries).
    #[error("cannot fetch {url} into {}", mirror.display())]
    Fetch {
        /// The dist-git URL.
        url: String,
        /// The mirror.
        mirror: PathBuf,
        /// The git failure.
        source: cairn_tool::ToolError,
    },
    /// The fetch of the component's repository failed (shared by every component of that URL).
    #[error("component `{component}`")]
    FetchFailed {
        /// The component.
        component: String,
        /// The fetch failure.
        source: std::sync::Arc<DistGitError>,
    },
    /// The mirror could not be read.
    #[error("component `{component}`")]
    Read {
        /// The component.
        component: String,
        /// The read failure.
        source: ReadError,
    },
    /// Creating or updating the cache directory failed.
    #[error("cannot write to the dist-git cache at {}: {source}", path.display())]
    Io {
        /// The path.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}

fn offline_suffix(offline: bool) -> &'static str {
    if offline {
        " (the cache was not refreshed because of --offline)"
    } else {
        ""
    }
}
