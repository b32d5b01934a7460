//! Sandboxed, cached, parallel builds of a distribution's components.
//!
//! [`build()`] takes the stages of a [`cairn_plan::Plan`] in graph order, `jobs` at once. For
//! each stage it decides first whether anything changed: the inputs (the rendered spec
//! directory's files with the `sources` hashes, the `[cairn.build]` settings, the host
//! toolchain's identity, the backend, the conditionals) and the build root (its BuildRequires
//! solved with `cairn-solve` over the packages of every earlier wave, by checksum) give a
//! cache key; a stage whose recorded key matches is not built again, and every report says why
//! a stage was built or not. A stage that must be built gets a work directory with its rendered
//! files and lookaside sources, a sysroot with its build root unpacked (shared by stages with
//! the same packages), and the backend's two steps: `rpmbuild -bs`, then `rpmbuild --rebuild`,
//! both in a bubblewrap sandbox ([`sandbox`]) with no network, a read-only system, a private
//! `/tmp`, resource limits and `SOURCE_DATE_EPOCH`. Packages go to a content-addressed store;
//! normal (not bootstrap) stages are then published to `out/rpms/<channel>/` and
//! `out/srpms/` and each changed directory is indexed.
//!
//! [`staleness()`] answers the same question without building, for `cairn plan --explain`:
//!
//! ```no_run
//! use cairn_config::{LoadOptions, Project};
//!
//! let project = Project::load(std::path::Path::new("."), &LoadOptions::default())?;
//! let plan = cairn_plan::plan(&cairn_plan::PlanRequest::from_project(&project, None, None)?)?;
//! let stages = plan.closure(&["zstd".to_owned()]);
//! let settings = cairn_build::BuildSettings::from_project(&project);
//! for report in cairn_build::staleness(&project, &plan, &stages, &settings)? {
//!     // `up-to-date (key ...)`, `stale` with `rebuild: ...` reasons, or `failed`.
//!     println!("{} {:?} {}", report.stage, report.status, report.reasons.join("; "));
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![deny(missing_docs)]

mod assess;
mod backend;
mod built;
mod error;
pub mod extract;
mod logs;
mod publish;
mod record;
mod run;
pub mod sandbox;
mod settings;
mod sources;
mod stage;
mod sysroot;
mod toolchain;

pub use backend::{Backend, BackendKind, HostBackend, Job, MockBackend};
pub use built::built_packages;
pub use error::BuildError;
pub use logs::key_lines;
pub use record::{Output, RootPackage, StageRecord};
pub use run::{
    BuildReport, BuildRequest, Progress, Silent, StageReport, StageStatus, build, staleness,
};
pub use settings::{BuildSettings, DEFAULT_SOURCE_DATE_EPOCH, Publication, rpm_publication};
pub use toolchain::identity as toolchain_identity;
