//! The distribution's build graph: which component must be built before which, the cycles
//! among them and how to break them, and the builds in waves.
//!
//! - [`plan()`] evaluates every component's rendered spec with cairn's macro engine
//!   ([`cairn_macro`]) into a [`SpecSummary`] (binary packages with their Provides and
//!   Requires, BuildRequires, `%bcond`s), cached by content in one file
//!   ([`PlanRequest::cache_file`]), so an unchanged distribution is planned without evaluating
//!   a spec.
//! - Each BuildRequires is resolved to the component whose binary package provides it
//!   (versions compared as rpm does, rich dependencies reduced to the operands they need),
//!   then through that package's Requires: a build needs its whole build root built first
//!   ([`Edge`], with the [`Reason`] chain). Capabilities the host provides are not looked up;
//!   what nothing provides is [`Unresolved`]; a BuildRequires several components provide is an
//!   [`Ambiguity`] (the package named like the capability wins, then the component named like
//!   it, then the first by name).
//! - Strongly connected components are [`Cycle`]s. A configured breaker (`[cairn.build.
//!   bootstrap.<name>]`) gets a bootstrap [`Stage`] built with its conditionals first; members
//!   of its cycle build against it, the component is built again normally after them, and
//!   everything outside the cycle builds against that. For cycles without one, members whose
//!   spec has `%bcond bootstrap` are evaluated `--with bootstrap` and a [`Proposal`] is made
//!   when that leaves fewer components needing each other.
//! - Stages are ordered into waves (longest path): a stage's wave is one more than the highest
//!   wave of the stages it needs, so every stage of a wave can build at once.
//!
//! # Example
//!
//! ```no_run
//! use cairn_config::{LoadOptions, Project};
//! use cairn_plan::{PlanRequest, plan};
//!
//! let project = Project::load(std::path::Path::new("."), &LoadOptions::default())?;
//! let request = PlanRequest::from_project(&project, None, None)?;
//! let plan = plan(&request)?;
//! for (number, wave) in plan.waves.iter().enumerate() {
//!     let names: Vec<&str> = wave.iter().map(|&stage| plan.stages[stage].name.as_str()).collect();
//!     println!("wave {number}: {}", names.join(" "));
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![deny(missing_docs)]

mod cache;
mod error;
mod evaluate;
mod graph;
mod plan;
mod project;
mod proposal;
pub mod scc;
mod stages;
mod summary;

pub use cache::DirectoryDigest;
pub use error::PlanError;
pub use evaluate::{Conditionals, EvaluationSettings};
pub use graph::{Ambiguity, Edge, Reason, Unresolved};
pub use plan::{
    BootstrapBuild, ComponentInput, Cycle, Plan, PlanRequest, PlannedComponent, Proposal,
    Statistics, plan,
};
pub use project::TARGET_CPU;
pub use proposal::BOOTSTRAP_BCOND;
pub use stages::{CycleEdge, Stage};
pub use summary::{Bcond, BinaryPackage, SpecSummary};
