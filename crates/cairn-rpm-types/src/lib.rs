//! RPM vocabulary shared by every cairn crate: versions and their ordering, package identities,
//! architectures, and dependencies, simple and rich.
//!
//! Everything here is pure data: parsing, printing, comparing. Nothing does I/O.
//!
//! - [`Evr`] and [`rpmvercmp`]: `[epoch:]version[-release]` with rpm's exact ordering (`~` sorts
//!   before a release, `^` after it).
//! - [`Nevra`], the package identity `name-[epoch:]version-release.arch`.
//! - [`Arch`] and [`ArchPolicy`]: architectures, and the "noarch plus one architecture" rule.
//! - [`Dependency`], [`Comparison`], [`DependencyKind`]: `name [OP version]` entries and rpm's
//!   rule for when a provide satisfies a requirement ([`ranges_overlap`]).
//! - [`RichDependency`], boolean dependencies (`and`, `or`, `if`/`else`, `unless`, `with`,
//!   `without`) parsed into a tree with rpm's grammar.
//!
//! Sources of truth: rpm 4.18 (`rpmio/rpmvercmp.c`, `lib/rpmds.c`) and libsolv 0.7
//! (`src/evr.c`), which agree on all of the above. `rpmvercmp` is written here (70 lines, no
//! allocation) rather than taken from the `rpm-version` crate so that the solver can compare
//! borrowed strings in its hot loop; `tests/rpmvercmp_oracle.rs` checks it against rpm itself.

#![deny(missing_docs)]

mod arch;
mod dependency;
mod evr;
mod nevra;
mod rich;

pub use arch::{Arch, ArchPolicy};
pub use dependency::{
    Comparison, Constraint, Dependency, DependencyKind, ParseDependencyError, ranges_overlap,
};
pub use evr::{Evr, EvrParts, compare_epochs, rpmvercmp};
pub use nevra::{Nevra, ParseNevraError};
pub use rich::{ParseRichDependencyError, RichDependency, RichErrorKind};
