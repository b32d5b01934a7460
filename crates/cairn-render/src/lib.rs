//! The render pipeline: an upstream RPM distribution's dist-git plus the project's
//! configuration and overlays, turned into rendered spec directories exactly as azldev writes
//! them, and the locks and change detection around it.
//!
//! - [`render()`]: `component render`. Per component: its commit (the lock's, else the pin, the
//!   snapshot or the branch tip, [`cairn_source`]), the dist-git tree read from the mirror, the
//!   macros file and the overlays in azldev's order ([`overlay_plan`], [`cairn_overlay`]), the
//!   `sources` rewrite, the static Release bump from the synthetic history, `%autorelease` and
//!   `%autochangelog` ([`cairn_autospec`]), the Source/Patch file filter (evaluated with
//!   [`cairn_macro`], no spectool), then the directory written atomically or, with
//!   `--check-only`, compared. Unchanged components are skipped (an incremental state kept in
//!   the cache), failures become `RENDER_FAILED` markers, and one JSON row per component says
//!   what happened.
//! - [`MemoryRenderer`]: the same per-component steps on a tree and history held in memory
//!   (the render-cases conformance runner uses it).
//! - [`update()`]: `component update`, the lock files ([`cairn_lock`]).
//! - [`changed()`]: `component changed`, locks and rendered `sources` between two commits.
//! - [`diff_sources`] and [`show_spec`]: one component's sources before and after overlays,
//!   and any upstream spec.
//!
//! Everything runs in-process: no mock chroot, no rpmautospec or spectool subprocess, no
//! `git clone` per component. azldev's own order of operations is kept so the output matches
//! it byte for byte (azldev-reference §2).

#![deny(missing_docs)]

mod autospec;
mod changed;
mod component;
mod error;
mod filter;
mod inputs;
mod inspect;
mod memory;
pub mod output;
mod plan;
mod run;
mod source;
mod state;
mod update;

pub use cairn_autospec::azldev::ProjectChange;
pub use changed::{ChangeType, ChangedOptions, ChangedRow, changed};
pub use error::{ComponentError, RunError};
pub use filter::listed_name;
pub use inputs::{lock_dir, rendered_specs_dir};
pub use inspect::{
    FileChange, FileDiff, SourceOptions, SourcesDiff, UpstreamSpec, diff_sources, show_spec,
};
pub use memory::{Compatibility, MemoryComponent, MemoryRenderer};
pub use plan::{OverlayPlan, overlay_plan};
pub use run::{
    CAIRN_VERSION, Progress, RenderOptions, RenderReport, RenderRow, RenderStatus, render,
};
pub use update::{UpdateOptions, UpdateReport, UpdateRow, update};
