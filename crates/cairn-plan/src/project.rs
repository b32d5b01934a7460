//! A plan request from the project configuration: every component's rendered directory, the
//! `[cairn.build]` macro files, host-provided capabilities and bootstrap breakers.

use std::path::{Path, PathBuf};

use cairn_config::Project;
use sha2::{Digest as _, Sha256};

use crate::error::PlanError;
use crate::evaluate::{Conditionals, EvaluationSettings};
use crate::plan::{ComponentInput, PlanRequest};

/// The architecture cairn builds for (the host's; cross builds are not planned).
pub const TARGET_CPU: &str = std::env::consts::ARCH;

impl PlanRequest {
    /// Every component of `project`, read from `rendered_specs_dir` (`None`: the project's).
    ///
    /// # Errors
    ///
    /// When the project sets no rendered-specs directory and none is given.
    pub fn from_project(
        project: &Project,
        rendered_specs_dir: Option<&Path>,
        cache_file: Option<PathBuf>,
    ) -> Result<Self, PlanError> {
        let root = rendered_specs_dir
            .or_else(|| project.rendered_specs_dir())
            .ok_or(PlanError::NoRenderedSpecsDir)?;
        let build = &project.cairn().build;
        let components = project
            .component_names()
            .map(|name| {
                let first = name
                    .chars()
                    .next()
                    .unwrap_or('_')
                    .to_lowercase()
                    .to_string();
                ComponentInput {
                    name: name.to_owned(),
                    dir: root.join(first).join(name),
                    bootstrap: build.bootstrap.get(name).map(|bootstrap| Conditionals {
                        with: bootstrap.with.clone(),
                        without: bootstrap.without.clone(),
                    }),
                }
            })
            .collect();
        Ok(Self {
            components,
            settings: EvaluationSettings::host(TARGET_CPU, &build.macro_files),
            host_provides: build.host_provides.capabilities.clone(),
            cache_file,
            built: std::collections::BTreeMap::new(),
        })
    }

    /// The evaluation cache file for the specs under `rendered_specs_dir`, in `cache_dir`
    /// (`<cache_dir>/plan/<digest of the directory's absolute path>.json`): one file per
    /// rendered tree, so two projects planned on one machine never drop each other's entries.
    pub fn cache_file_in(cache_dir: &Path, rendered_specs_dir: &Path) -> PathBuf {
        let absolute = std::path::absolute(rendered_specs_dir)
            .unwrap_or_else(|_| rendered_specs_dir.to_path_buf());
        let digest = hex::encode(Sha256::digest(absolute.to_string_lossy().as_bytes()));
        cache_dir
            .join("plan")
            .join(format!("{}.json", &digest[..16]))
    }
}
