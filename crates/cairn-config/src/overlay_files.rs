//! `overlay-files`: overlays kept in their own files, one logical change per file.
//!
//! Patterns resolve against the component's config file directory (or its spec's directory
//! for spec-discovered components); within a pattern, matches apply in file-name order, then
//! full path; a file matched twice applies once; a pattern without wildcards must match.
//! Loaded overlays come after the inline ones (azldev's `overlay_file.go`). Each file is read
//! by [`crate::overlay::load_overlay_file`].

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::{ConfigError, Diagnostic, DiagnosticKind};
use crate::glob;
use crate::location::{Location, absolute_against};
use crate::overlay::{Overlay, load_overlay_file};

/// Reads the overlay files `patterns` name, for `component`.
pub(crate) fn load(
    reference_dir: &Path,
    patterns: &[String],
    component: &str,
    permissive: bool,
) -> Result<Vec<Overlay>, ConfigError> {
    let mut ordered: Vec<PathBuf> = Vec::new();
    for pattern in patterns {
        let absolute = absolute_against(reference_dir, Path::new(pattern));
        let at = || Location::file_start(Arc::from(absolute.as_path()));
        let mut matches = glob::expand(&absolute).map_err(|error| {
            problem(
                DiagnosticKind::Io,
                at(),
                format!("cannot expand overlay-files `{pattern}` of `{component}`: {error}"),
            )
        })?;
        if matches.is_empty() && !glob::has_wildcards(pattern) {
            return Err(problem(
                DiagnosticKind::MissingInclude,
                at(),
                format!("overlay file `{pattern}` of component `{component}` does not exist"),
            ));
        }
        matches.sort_by(|a, b| a.file_name().cmp(&b.file_name()).then_with(|| a.cmp(b)));
        for path in matches {
            if !ordered.contains(&path) {
                ordered.push(path);
            }
        }
    }
    let mut overlays = Vec::new();
    for path in ordered {
        let file = load_overlay_file(&path, permissive).map_err(|error| {
            problem(
                DiagnosticKind::Invalid,
                Location::file_start(Arc::from(path.as_path())),
                error.to_string(),
            )
        })?;
        for defined in file.overlays {
            let source = defined.source_path();
            let mut overlay = defined.overlay;
            overlay.source = source.map(|s| s.to_string_lossy().into_owned());
            overlays.push(overlay);
        }
    }
    Ok(overlays)
}

fn problem(kind: DiagnosticKind, location: Location, message: String) -> ConfigError {
    ConfigError::Invalid {
        diagnostics: vec![Diagnostic {
            kind,
            location,
            message,
        }],
    }
}
