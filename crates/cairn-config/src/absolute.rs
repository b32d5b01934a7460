//! Relative paths in a file become absolute against that file's directory at load time, as
//! azldev's `WithAbsolutePaths` does: spec `path`, overlay `source`, group `specs` and
//! `excluded-paths`, mock configurations, project directories, image definitions, pytest
//! working directories and bare `gpg-key` paths (which become `file://` URLs).

use std::path::{Path, PathBuf};

use crate::location::absolute_against;
use crate::model::{ComponentConfig, ConfigFile, ResourcesConfig};

pub(crate) fn config_file(mut config: ConfigFile, dir: &Path) -> ConfigFile {
    if let Some(info) = &mut config.project {
        for path in [
            &mut info.log_dir,
            &mut info.work_dir,
            &mut info.output_dir,
            &mut info.rendered_specs_dir,
            &mut info.lock_dir,
        ]
        .into_iter()
        .flatten()
        {
            *path = absolute_against(dir, path);
        }
    }
    for distro in config.distros.values_mut() {
        for version in distro.versions.values_mut() {
            for path in [
                &mut version.mock_config,
                &mut version.mock_config_x86_64,
                &mut version.mock_config_aarch64,
            ]
            .into_iter()
            .flatten()
            {
                *path = absolute_against(dir, path);
            }
            component(&mut version.default_component_config, dir);
        }
    }
    for component_config in config.components.values_mut() {
        component(component_config, dir);
    }
    for group in config.component_groups.values_mut() {
        for pattern in group
            .specs
            .iter_mut()
            .chain(group.excluded_paths.iter_mut())
        {
            *pattern = pattern_against(dir, pattern);
        }
        component(&mut group.default_component_config, dir);
    }
    if let Some(defaults) = &mut config.default_component_config {
        component(defaults, dir);
    }
    for image in config.images.values_mut() {
        if let Some(path) = &mut image.definition.path {
            *path = absolute_against(dir, path);
        }
    }
    for suite in config.test_suites.values_mut() {
        if let Some(path) = suite.pytest.as_mut().and_then(|p| p.working_dir.as_mut()) {
            *path = absolute_against(dir, path);
        }
    }
    if let Some(resources) = &mut config.resources {
        self::resources(resources, dir);
    }
    if let Some(cairn) = &mut config.cairn {
        for path in &mut cairn.build.macro_files {
            *path = absolute_against(dir, path);
        }
    }
    config
}

/// Spec path and overlay sources of a component table or default.
pub(crate) fn component(config: &mut ComponentConfig, dir: &Path) {
    if let Some(path) = &mut config.spec.path {
        *path = absolute_against(dir, path);
    }
    for overlay in &mut config.overlays {
        if let Some(source) = &mut overlay.source {
            *source = pattern_against(dir, source);
        }
    }
}

fn pattern_against(dir: &Path, pattern: &str) -> String {
    if pattern.is_empty() {
        return String::new();
    }
    absolute_against(dir, Path::new(pattern))
        .to_string_lossy()
        .into_owned()
}

fn resources(resources: &mut ResourcesConfig, dir: &Path) {
    let keys = resources
        .rpm_repos
        .values_mut()
        .filter_map(|repo| repo.gpg_key.as_mut())
        .chain(
            resources
                .rpm_repo_sets
                .values_mut()
                .filter_map(|set| set.gpg_key.as_mut()),
        );
    for key in keys {
        if !has_uri_scheme(key) {
            let path: PathBuf = absolute_against(dir, Path::new(key.as_str()));
            *key = format!("file://{}", path.display());
        }
    }
}

/// `<alpha>[alnum+-.]*:` at the start, as azldev's `hasURIScheme`.
fn has_uri_scheme(value: &str) -> bool {
    let mut chars = value.chars();
    if !chars.next().is_some_and(|c| c.is_ascii_alphabetic()) {
        return false;
    }
    for c in chars {
        if c == ':' {
            return true;
        }
        if !(c.is_ascii_alphanumeric() || "+-.".contains(c)) {
            return false;
        }
    }
    false
}
