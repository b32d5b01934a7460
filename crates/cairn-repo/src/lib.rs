//! rpm-md repositories on disk and over the network.
//!
//! - [`index()`] writes `repodata/` for a directory of RPMs (cold or `--update`), replacing the
//!   previous metadata atomically, optionally signed ([`RepoSigner`]) and with RPM header
//!   signatures checked against a [`Keyring`].
//! - [`load()`] reads a repository from a directory, a `file://` or an `http(s)://` URL
//!   ([`transport_for`]), checks every file against repomd.xml, and keeps a binary cache so
//!   that loading an unchanged repository again costs milliseconds.
//!
//! The formats themselves live in `cairn-repomd`; this crate adds files, compression,
//! checksums, signatures, parallelism and the network.

#![deny(missing_docs)]

mod cache;
mod compress;
mod header;
mod index;
mod load;
mod sign;
mod transport;
mod vercmp;

pub use compress::Compression;
pub use header::{DEFAULT_CHANGELOG_LIMIT, FileFacts, package_from_header};
pub use index::{IndexError, IndexOptions, IndexSummary, index};
pub use load::{LoadError, LoadOptions, Repository, default_cache_dir, load};
pub use sign::{Keyring, RepoSigner, SignError};
pub use transport::{FetchError, HttpTransport, LocalTransport, Transport, transport_for};
pub use vercmp::rpmvercmp;
