//! The overlay engine: azldev's overlay semantics, applied in memory.

#![deny(missing_docs)]

mod edit;
pub mod glob;
pub mod regex;
pub mod spec;

pub use edit::{EditOptions, apply_to_spec, modifies_spec};
pub use spec::{Spec, SpecEditError};
