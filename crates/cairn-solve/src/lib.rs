//! Dependency solving for RPM repositories: which packages to install into an empty root so
//! that every dependency holds, with rpm's semantics and the choices dnf would make.
//!
//! - [`load_pool`] reads repositories (through `cairn-repo`'s cached reader) into a [`Pool`];
//!   [`PoolBuilder`] builds one from package records directly.
//! - [`solve`] turns a [`Request`] into a [`Solution`]; [`why`] explains one of its packages.
//!
//! # Semantics
//!
//! Versioned Provides/Requires compare EVRs as rpm does (epoch, `~`, `^`; a missing release
//! matches any). File dependencies match the files packages own. Rich dependencies follow rpm's
//! `lib/depends.c` (`A unless B` is `A and not B`). Conflicts ignore the package itself; Obsoletes
//! match package names and versions (not provides); two packages of one name never coexist
//! unless install-only (dnf's `installonlypkgs`, e.g. kernels). Only `noarch` and one
//! architecture are installed. Recommends and Supplements are honoured unless switched off.
//!
//! # How choices are made
//!
//! When several install sets are valid, which one a solver returns depends on its policy and on
//! the order it considers dependencies in. cairn replays libsolv's decision procedure
//! (`libsolv` module) to learn what dnf would choose. That set is checked directly against the
//! same rules the resolvo encoding holds (every Requires, Conflicts, Obsoletes, one package per
//! name); only when the check fails, or when libsolv would have had to backtrack out of a
//! conflict, does resolvo solve, trying libsolv's choices first, then searching on its own
//! ([`Strategy::ResolvoSearch`]: correct, but possibly not dnf's choice). resolvo explains
//! unsolvable jobs. Debug builds confirm every directly checked set with resolvo.

#![deny(missing_docs)]

mod error;
mod libsolv;
mod owners_cache;
mod pool;
mod provider;
mod repos;
mod rich;
mod solve;
mod verify;
mod why;

pub use error::{LoadError, SolveError};
pub use pool::{FileMatching, PackageId, Pool, PoolBuilder, Repository};
pub use repos::{DEFAULT_INSTALLONLY, LoadReport, PoolOptions, RepositorySpec, load_pool};
pub use solve::{Request, Solution, Strategy, select, solve};
pub use why::{Chain, Link, why};
