//! Component locks and change detection: azldev's `locks/<name>.lock` files, the input
//! fingerprint that says when a component must be rendered and released again, and the project
//! history of lock changes that drives the Release bump and the synthetic changelog.
//!
//! - [`Lock`] / [`LockStore`]: the lock file in azldev's TOML layout (`version = 1`,
//!   `import-commit`, `upstream-commit`, `manual-bump`, `input-fingerprint`,
//!   `resolution-input-hash`, under azldev's comment header), read leniently and written
//!   atomically. cairn adds an `[inputs]` table of per-input digests, which azldev's reader
//!   ignores, so `cairn component changed --explain` can name the input that changed.
//! - [`fingerprint()`]: a canonical, versioned projection of everything that shapes a rendered
//!   component (the resolved configuration, the source identity, overlay source files, the
//!   distro's release version, the manual bump), hashed as `v1:sha256:<hex>`. azldev hashes its
//!   Go structs with hashstructure, which cannot be reproduced outside Go; this is the
//!   "projection v1" azldev itself moves to (azldev-reference §2.1): unset fields emit nothing,
//!   every configuration field is registered as hashed or excluded ([`registry`]), and golden
//!   vectors pin the encoding.
//! - [`resolution_input_hash`]: the inputs of upstream commit resolution (distro, branch, URL,
//!   snapshot, pin, upstream name), so `component update` knows when a lock needs the network.
//! - [`ProjectRepository`]: the project's git repository read in-process with gix. One
//!   first-parent walk yields every lock's fingerprint changes ([`LockHistory`]), and one tree
//!   walk reads every lock at a commit ([`ProjectRepository::locks_at`]).

#![deny(missing_docs)]

mod error;
mod fingerprint;
mod history;
mod lock;
pub mod registry;
mod resolution;

pub use error::{HistoryError, LockError};
pub use fingerprint::{
    FINGERPRINT_PREFIX, Fingerprint, FingerprintInputs, InputChange, InputChangeKind,
    OverlaySource, explain, fingerprint, overlay_sources,
};
pub use history::{FingerprintChange, LockHistory, ProjectRepository};
pub use lock::{LOCK_EXTENSION, LOCK_HEADER, LOCK_VERSION, Lock, LockStore};
pub use resolution::{ResolutionInputs, resolution_input_hash};
