//! Upstream sources: dist-git repositories and lookaside files, fetched once and cached.
//!
//! A component's sources come from its upstream dist-git repository (Fedora's, or any git URL
//! named by the distro's `dist-git-base-uri`, `file://` included) at a resolved commit, plus the
//! lookaside files its `sources` file names. This crate provides:
//!
//! - [`DistGitCache`]: a persistent cache of bare mirrors, one per repository URL, fetched
//!   incrementally with `git fetch` (many at once) and read in-process with `gix`. It resolves a
//!   component's commit the way azldev does ([`SourceRequest`] → [`ResolvedSource`]: the
//!   `upstream-commit` pin, else the last first-parent commit at or before the distro snapshot on
//!   the distro branch, else the branch tip), reads a commit's tree into memory or onto disk
//!   ([`Mirror::read_tree`], [`SourceTree::write_to`]), and lists the first-parent history with the
//!   blob of chosen files at each commit ([`Mirror::history`], what rpmautospec needs).
//! - [`LookasideCache`]: a content-addressed cache (`<root>/<hashtype>/<hash>`) filled from
//!   `lookaside-base-uri` over http, https or file URLs, verifying each download's hash before it
//!   is kept.
//! - [`SourcesFile`]: the `sources` file, both line forms, read and written back unchanged.
//! - [`uri`]: the `$pkg`/`$filename`/`$hashtype`/`$hash` templates, escaped as azldev does.
//! - [`local_identity`]: the source identity of a `local` spec component.
//! - [`component_source`] / [`package_source`]: what the project configuration says a
//!   component's (or any dist-git package's) sources are: a [`SourceRequest`] plus the spec file
//!   name, or a local spec.
//!
//! Offline ([`Network::Offline`]) neither cache opens a connection or starts `git fetch`; a
//! missing item is an error that names it (component, URL, file).
//!
//! # Example
//!
//! ```no_run
//! use cairn_source::{DistGitCache, Refresh, SourceRequest};
//!
//! let cache = DistGitCache::new(DistGitCache::default_root());
//! let request = SourceRequest {
//!     component: "bash".into(),
//!     url: "https://src.fedoraproject.org/rpms/bash.git".into(),
//!     branch: "f43".into(),
//!     pin: None,
//!     snapshot: Some("2026-02-24T08:00:00Z".parse()?),
//! };
//! let resolved = cache.resolve(&request, Refresh::IfNeeded)?;
//! let mirror = resolved.open()?;
//! let spec = mirror.read_file(resolved.commit, "bash.spec")?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![deny(missing_docs)]

mod dist_git;
mod hash;
mod local;
mod lookaside;
mod project;
mod sources_file;
mod transport;
pub mod uri;

use std::path::PathBuf;

pub use dist_git::{
    DistGitCache, DistGitError, FileKind, GitId, History, HistoryCommit, Mirror, ReadError,
    Refresh, Resolution, ResolvedSource, Signature, SourceRequest, SourceTree, TreeFile,
};
pub use hash::{HashType, Hasher};
pub use local::{LocalIdentityError, local_identity};
pub use lookaside::{LookasideCache, LookasideError, LookasideFile};
pub use project::{
    ComponentSource, LocalSource, SourceConfigError, UpstreamSource, component_source,
    package_source,
};
pub use sources_file::{EntryStyle, SourcesEntry, SourcesFile, SourcesFileError};
pub use transport::{DefaultTransport, Transport, TransportError};

/// Whether a cache may use the network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Network {
    /// Fetch what is missing or stale.
    #[default]
    Online,
    /// Work from the caches alone; never open a connection or start a fetch.
    Offline,
}

/// cairn's cache directory: `$CAIRN_CACHE_DIR`, else `$XDG_CACHE_HOME/cairn`, else
/// `$HOME/.cache/cairn`, else `.cache/cairn` under the current directory.
pub fn cache_home() -> PathBuf {
    if let Some(dir) = std::env::var_os("CAIRN_CACHE_DIR").filter(|value| !value.is_empty()) {
        return PathBuf::from(dir);
    }
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|value| !value.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache")))
        .unwrap_or_else(|| PathBuf::from(".cache"));
    base.join("cairn")
}
