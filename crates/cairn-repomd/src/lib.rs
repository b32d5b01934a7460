//! The rpm-md repository metadata formats, as pure data.
//!
//! rpm-md is what dnf, yum, zypper and libsolv read: `repodata/repomd.xml` indexes the other
//! documents with their checksums; `primary.xml` describes every package (identity,
//! dependencies, the commonly needed files), `filelists.xml` lists every file and `other.xml`
//! carries changelogs. This crate reads and writes those documents over [`std::io::Read`] and
//! [`std::io::Write`]; it does no file-system, network or compression work (that is
//! `cairn-repo`'s).
//!
//! - [`Package`] is the record everything revolves around; the solver builds its pool from it.
//! - [`read_primary`], [`read_filelists`], [`read_other`] stream packages to a callback
//!   ([`read_filelists_paths`] streams bare paths);
//!   [`Repomd::read`] parses repomd.xml.
//! - [`Document`] renders packages into primary/filelists/other XML; [`Repomd::write`] writes the
//!   index.
//!
//! # Design
//!
//! The format is written directly on `quick-xml` rather than through `rpmrepo_metadata`:
//! rendering straight from the record into a byte buffer keeps indexing cheap and parallel,
//! and a reader of our own can refuse hostile input at the earliest point. Input is untrusted:
//! DTDs and entities other than XML's predefined five are refused (no entity expansion), text,
//! counts and nesting are capped ([`Limits`]), a package `location` must stay inside the
//! repository, and a document that ends early is an error, never a shorter list.
//!
//! The output matches createrepo_c 1.2's layout and field semantics so that the metadata of a
//! repository is the same whichever tool indexed it.

#![deny(missing_docs)]

mod error;
mod limits;
mod package;
mod read;
mod repomd;
mod write;
mod xml;

pub use error::{Position, ReadError};
pub use limits::Limits;
pub use package::{
    Changelog, Checksum, Comparison, Dependency, DependencyKind, FileKind, HeaderRange, Package,
    PackageFile, is_primary_file,
};
pub use read::{
    FilelistsEntry, OtherEntry, is_safe_location, parse_primary, read_filelists,
    read_filelists_paths, read_other, read_primary,
};
pub use repomd::{Repomd, RepomdRecord};
pub use write::{Document, write_document};
