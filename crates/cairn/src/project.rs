//! Loading the project named by the global flags; every command that needs the
//! configuration calls [`load_project`].

use std::path::PathBuf;

use anyhow::Context;
use cairn_config::{LoadOptions, Project};

use crate::cli::GlobalArgs;

/// Loads the project from `-C` (or the current directory, walking up), with the
/// `--config-file` extras, `--permissive-config`, and the azldev user file when present.
pub fn load_project(global: &GlobalArgs) -> anyhow::Result<Project> {
    let dir = global.project.clone().unwrap_or_else(|| PathBuf::from("."));
    let options = LoadOptions {
        extra_files: global.config_files.clone(),
        permissive: global.permissive_config,
        user_file: user_file(),
        ..LoadOptions::default()
    };
    Project::load(&dir, &options).context("cannot load the project configuration")
}

/// azldev's per-user file, `${XDG_CONFIG_HOME:-~/.config}/azldev/config.toml`.
fn user_file() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".config")))?;
    let file = base.join("azldev").join("config.toml");
    file.is_file().then_some(file)
}
