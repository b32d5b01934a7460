//! The project configuration model: azldev-compatible TOML, loaded, merged and validated.
//!
//! cairn reads azldev's configuration unchanged (`azldev.toml`, or `cairn.toml`, and the
//! files it includes). This crate parses, merges and checks it; it reads files but never
//! touches the network.
//!
//! # Use
//!
//! ```no_run
//! use cairn_config::{LoadOptions, Project};
//!
//! let project = Project::load(std::path::Path::new("."), &LoadOptions::default())?;
//! let kernel = project.resolve_component("kernel")?;
//! assert_eq!(kernel.config.build.without, ["debug"]);
//! # Ok::<(), cairn_config::ConfigError>(())
//! ```
//!
//! # Model
//!
//! - [`Project::load`] finds the project file (walking up from a directory), then loads, in
//!   order: [`EMBEDDED_DEFAULTS`], the project file and its `includes` (globs relative to the
//!   including file, `**` recursive, depth-first, parent first), an optional user file, and
//!   the `--config-file` extras ([`LoadOptions`]).
//! - Each file is a [`model::ConfigFile`]. Unknown keys are reported with file, line, column
//!   and the closest valid key; so are broken rules ([`ConfigError::Invalid`]).
//!   [`LoadOptions::permissive`] turns both into warnings ([`Project::warnings`]).
//! - Files merge per table ([`merge`]): components, groups, images, package groups and test
//!   suites must be unique; distros merge field by field; `project`, `tools` and
//!   `default-package-config` override field by field; `resources` entries replace by key.
//! - Paths written in a file are made absolute against that file's directory.
//! - [`Project::resolve_component`] layers, lazily: the default distro version's
//!   `default-component-config`, the project's, each group's (alphabetically), the component's
//!   own. Lists append; a later scalar wins unless it is `false` or `""`
//!   ([`MergeMode::ZeroNeverOverrides`], azldev's rule) — [`MergeMode::ExplicitOverrides`]
//!   lets explicit values win.
//! - [`schema::config_file_schema`] is the JSON Schema (draft 2020-12) of a file, generated
//!   from the types; the same schema drives unknown-key detection.
//!
//! Modules: [`model`] (the tables), [`overlay`] (overlay definitions), [`merge`], [`schema`].

#![deny(missing_docs)]

mod absolute;
mod dump;
mod error;
mod glob;
mod keys;
mod load;
mod location;
pub mod merge;
pub mod model;
pub mod overlay;
mod overlay_files;
mod project;
pub mod schema;
mod select;
mod validate;

pub use dump::ProjectDump;
pub use error::{ConfigError, Diagnostic, DiagnosticKind};
pub use load::{EMBEDDED_DEFAULTS, LoadOptions, PROJECT_FILE_NAMES, find_project_file};
pub use location::Location;
pub use merge::MergeMode;
pub use project::{Defined, DiscoveredSpec, Project, ResolvedComponent};
pub use select::ComponentFilter;
