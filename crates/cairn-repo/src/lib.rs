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
//!
//! ```no_run
//! use cairn_repo::{IndexOptions, LoadOptions, default_cache_dir, index, load, transport_for};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // Write repodata/ for the RPMs under ./repo, reusing what is unchanged.
//! let summary = index(std::path::Path::new("repo"), &IndexOptions { update: true, ..IndexOptions::default() })?;
//! println!("{} packages, {} reused", summary.packages, summary.reused);
//!
//! // Load a repository (directory, file:// or http(s)://), with every file's checksum checked;
//! // the second load of an unchanged repository comes from the binary cache.
//! let options = LoadOptions { filelists: true, cache_dir: default_cache_dir(), ..LoadOptions::default() };
//! let repository = load(transport_for("https://example.org/repo").as_ref(), &options)?;
//! for package in &repository.packages {
//!     println!("{} requires {:?}", package.nevra(), package.requires);
//! }
//! # Ok(())
//! # }
//! ```

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
pub use load::{LoadError, LoadOptions, Repository, default_cache_dir, load, load_filelists_paths};
pub use sign::{Keyring, RepoSigner, SignError};
pub use transport::{FetchError, HttpTransport, LocalTransport, Transport, transport_for};
pub use vercmp::rpmvercmp;
