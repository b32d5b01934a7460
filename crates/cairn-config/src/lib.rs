//! The project configuration model.
//!
//! cairn reads azldev's configuration schema unchanged (`azldev.toml` and the files it
//! includes) and adds its own tables beside it. This crate is pure data: it parses,
//! merges and validates, and never touches the network.
//!
//! - [`overlay`]: the overlay definitions shared by component configs and overlay files.

#![deny(missing_docs)]

pub mod overlay;
