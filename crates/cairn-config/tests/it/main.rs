//! Integration tests of cairn-config: fixtures under `tests/fixtures`, the real Azure Linux
//! 4.0 configuration when `../shared/corpus` is present, and the JSON Schema.

#![expect(clippy::print_stderr, reason = "tests say when they skip")]

mod cairn_table;
mod corpus;
mod inheritance;
mod mistakes;
mod schema;

use std::path::{Path, PathBuf};

use cairn_config::{ConfigError, LoadOptions, Project};

/// A fixture project directory.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// The error text of loading a fixture, with its directory replaced by `[fixture]`.
pub fn load_error(name: &str, options: &LoadOptions) -> String {
    let dir = fixture(name);
    match Project::load(&dir, options) {
        Ok(_) => panic!("fixture {name} loaded without error"),
        Err(error) => error
            .to_string()
            .replace(&dir.display().to_string(), "[fixture]"),
    }
}

/// Writes `files` (path, text) under a new temporary directory.
pub fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

/// Loads a temporary project with default options.
pub fn load(dir: &tempfile::TempDir) -> Result<Project, ConfigError> {
    Project::load(dir.path(), &LoadOptions::default())
}

/// The shared corpus's 4.0 configuration, or `None` (with a message) when absent.
pub fn corpus_config() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/azl4/config-4.0");
    match std::fs::canonicalize(&dir) {
        Ok(dir) => Some(dir),
        Err(_) => {
            eprintln!("skipping: {} is absent", dir.display());
            None
        }
    }
}
