//! The overlay engine: azldev's overlay semantics, byte for byte, applied in memory.
//!
//! A component's overlays (`[[components.<name>.overlays]]` and overlay files) edit its spec
//! and the files beside it. This crate reproduces azldev's behaviour exactly, including its
//! line model of a spec ([`spec`]), and adds what azldev lacks: every overlay of a component
//! is applied in memory in one pass ([`apply_overlays`]) and nothing is written unless all
//! succeed ([`Sources::commit`]), errors name the overlay, its definition and the spec line,
//! and `.tar.bz2` and `.zip` archives can be edited. Where azldev's code and documentation
//! disagree, the code is followed and the documented behaviour is an option
//! ([`EditOptions`]).
//!
//! - [`Sources`]: a sources directory in memory (spec read on demand, files read lazily).
//! - [`apply_overlays`]: all overlays, azldev's order (archives first), one pass.
//! - [`apply_to_spec`] / [`apply_to_spec_text`]: spec overlays on a spec alone.
//! - [`release`]: the static Release bump azldev makes after overlays.
//! - [`synthesized`]: the header, macros-file and `%check` overlays azldev adds.
//! - [`archive`]: archive extraction and deterministic repacking.

#![deny(missing_docs)]

mod apply;
pub mod archive;
mod edit;
mod files;
pub mod glob;
pub mod regex;
pub mod release;
mod sources;
pub mod spec;
pub mod synthesized;
mod tree;

pub use apply::{ApplyError, ApplyReport, OverlayFailure, apply_overlays, apply_to_spec_text};
pub use edit::{EditOptions, apply_to_spec, modifies_spec};
pub use files::FileOverlayError;
pub use sources::{MemoryEntry, Sources, SourcesError};
pub use spec::{Spec, SpecEditError};
