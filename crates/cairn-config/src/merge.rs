//! Merge rules: across files, and down the component inheritance chain.
//!
//! azldev merges with mergo (`internal/projectconfig/loader.go`, `component.go`):
//!
//! - component layers use `WithOverride` + `WithAppendSlice`: a later non-zero scalar wins,
//!   lists append, maps merge by key; the one exception is `overlay-files`, which a later
//!   layer replaces (`[]` clears it);
//! - `project`, `tools`, `default-package-config` and each distro use `WithOverride` alone:
//!   a later non-zero value wins and a later non-empty list replaces;
//! - mergo never lets a zero value (`false`, `""`) override, so `check.skip = false` cannot
//!   undo an inherited `true`. [`MergeMode::ExplicitOverrides`] is the opt-in fix.

use std::collections::BTreeMap;

use crate::model::{
    BuildConfig, BuildHints, CairnConfig, CheckConfig, ComponentConfig, DistroDefinition,
    DistroReference, FailureConfig, ImageCustomizerConfig, PackageConfig, PackagePublishConfig,
    ProjectInfo, ResourcesConfig, SpecSource, SpecSourceType, ToolsConfig,
};

/// Whether a value written as `false` or `""` overrides an inherited one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MergeMode {
    /// azldev's behaviour: a zero value (`false`, `""`) never overrides an inherited value,
    /// so `build.check.skip = false` cannot undo a group's `skip = true`.
    #[default]
    ZeroNeverOverrides,
    /// Every value written in a later layer wins, `false` and `""` included.
    ExplicitOverrides,
}

/// A scalar with a zero value (mergo's "empty").
pub(crate) trait Zero {
    fn is_zero(&self) -> bool;
}

impl Zero for bool {
    fn is_zero(&self) -> bool {
        !*self
    }
}

impl Zero for String {
    fn is_zero(&self) -> bool {
        self.is_empty()
    }
}

impl Zero for std::path::PathBuf {
    fn is_zero(&self) -> bool {
        self.as_os_str().is_empty()
    }
}

impl Zero for SpecSourceType {
    fn is_zero(&self) -> bool {
        *self == SpecSourceType::Unspecified
    }
}

macro_rules! never_zero {
    ($($type:ty),*) => {$(
        impl Zero for $type {
            fn is_zero(&self) -> bool {
                false
            }
        }
    )*};
}
never_zero!(
    crate::model::ReleaseCalculation,
    crate::model::HashType,
    crate::model::RpmRepoType,
    crate::model::SubrepoKind,
    crate::model::TestType,
    crate::model::PytestInstall
);

/// Merges one optional scalar: `later` wins when written (and, in azldev's mode, non-zero).
/// A written zero still fills an unset value, so "written as false" survives.
pub(crate) fn scalar<T: Clone + Zero>(value: &mut Option<T>, later: &Option<T>, mode: MergeMode) {
    let Some(new) = later else { return };
    let wins = match mode {
        MergeMode::ExplicitOverrides => true,
        MergeMode::ZeroNeverOverrides => !new.is_zero() || value.is_none(),
    };
    if wins {
        *value = Some(new.clone());
    }
}

/// Component-style merge (mergo `WithOverride` + `WithAppendSlice`).
pub(crate) trait Layer {
    /// Puts `later` on top of `self`.
    fn layer(&mut self, later: &Self, mode: MergeMode);
}

impl Layer for ComponentConfig {
    fn layer(&mut self, later: &Self, mode: MergeMode) {
        self.spec.layer(&later.spec, mode);
        scalar(
            &mut self.release.calculation,
            &later.release.calculation,
            mode,
        );
        self.overlays.extend(later.overlays.iter().cloned());
        if later.overlay_files.is_some() {
            self.overlay_files.clone_from(&later.overlay_files);
        }
        self.build.layer(&later.build, mode);
        scalar(
            &mut self.render.skip_file_filter,
            &later.render.skip_file_filter,
            mode,
        );
        self.source_files.extend(later.source_files.iter().cloned());
        // mergo cannot merge into a map's struct value: a later entry replaces the whole entry.
        for (name, package) in &later.packages {
            self.packages.insert(name.clone(), package.clone());
        }
        let publish = &mut self.publish;
        scalar(&mut publish.rpm_channel, &later.publish.rpm_channel, mode);
        scalar(&mut publish.srpm_channel, &later.publish.srpm_channel, mode);
        scalar(
            &mut publish.debuginfo_channel,
            &later.publish.debuginfo_channel,
            mode,
        );
    }
}

impl Layer for SpecSource {
    fn layer(&mut self, later: &Self, mode: MergeMode) {
        scalar(&mut self.kind, &later.kind, mode);
        scalar(&mut self.path, &later.path, mode);
        self.upstream_distro.layer(&later.upstream_distro, mode);
        scalar(&mut self.upstream_name, &later.upstream_name, mode);
        scalar(&mut self.upstream_commit, &later.upstream_commit, mode);
    }
}

impl Layer for DistroReference {
    fn layer(&mut self, later: &Self, mode: MergeMode) {
        scalar(&mut self.name, &later.name, mode);
        scalar(&mut self.version, &later.version, mode);
        scalar(&mut self.snapshot, &later.snapshot, mode);
    }
}

impl Layer for BuildConfig {
    fn layer(&mut self, later: &Self, mode: MergeMode) {
        self.with.extend(later.with.iter().cloned());
        self.without.extend(later.without.iter().cloned());
        string_map(&mut self.defines, &later.defines, mode);
        self.undefines.extend(later.undefines.iter().cloned());
        scalar(
            &mut self.emit_upstream_provenance,
            &later.emit_upstream_provenance,
            mode,
        );
        let CheckConfig { skip, skip_reason } = &later.check;
        scalar(&mut self.check.skip, skip, mode);
        scalar(&mut self.check.skip_reason, skip_reason, mode);
        let FailureConfig {
            expected,
            expected_reason,
        } = &later.failure;
        scalar(&mut self.failure.expected, expected, mode);
        scalar(&mut self.failure.expected_reason, expected_reason, mode);
        let BuildHints { expensive } = &later.hints;
        scalar(&mut self.hints.expensive, expensive, mode);
    }
}

/// mergo on `map[string]string`: by key, and an empty value does not override.
fn string_map(
    map: &mut BTreeMap<String, String>,
    later: &BTreeMap<String, String>,
    mode: MergeMode,
) {
    for (key, value) in later {
        let wins =
            mode == MergeMode::ExplicitOverrides || !value.is_empty() || !map.contains_key(key);
        if wins {
            map.insert(key.clone(), value.clone());
        }
    }
}

/// Override-style merge (mergo `WithOverride` alone), used across files.
pub(crate) trait Override {
    /// Puts `later` on top of `self`.
    fn override_with(&mut self, later: &Self, mode: MergeMode);
}

impl Override for ProjectInfo {
    fn override_with(&mut self, later: &Self, mode: MergeMode) {
        scalar(&mut self.description, &later.description, mode);
        scalar(&mut self.log_dir, &later.log_dir, mode);
        scalar(&mut self.work_dir, &later.work_dir, mode);
        scalar(&mut self.output_dir, &later.output_dir, mode);
        scalar(
            &mut self.rendered_specs_dir,
            &later.rendered_specs_dir,
            mode,
        );
        scalar(&mut self.lock_dir, &later.lock_dir, mode);
        self.default_distro.layer(&later.default_distro, mode);
        scalar(
            &mut self.default_author_email,
            &later.default_author_email,
            mode,
        );
    }
}

impl Override for ToolsConfig {
    fn override_with(&mut self, later: &Self, mode: MergeMode) {
        let ImageCustomizerConfig { container_tag } = &later.image_customizer;
        scalar(
            &mut self.image_customizer.container_tag,
            container_tag,
            mode,
        );
    }
}

impl Override for CairnConfig {
    /// cairn's table: later scalars win, lists append (without repeats), bootstrap entries
    /// replace by component.
    fn override_with(&mut self, later: &Self, mode: MergeMode) {
        let build = &mut self.build;
        let later = &later.build;
        for path in &later.macro_files {
            if !build.macro_files.contains(path) {
                build.macro_files.push(path.clone());
            }
        }
        scalar(&mut build.sysroot_macro, &later.sysroot_macro, mode);
        for (list, more) in [
            (
                &mut build.host_provides.capabilities,
                &later.host_provides.capabilities,
            ),
            (
                &mut build.host_provides.include_dirs,
                &later.host_provides.include_dirs,
            ),
        ] {
            for item in more {
                if !list.contains(item) {
                    list.push(item.clone());
                }
            }
        }
        for (name, bootstrap) in &later.bootstrap {
            build.bootstrap.insert(name.clone(), bootstrap.clone());
        }
    }
}

impl Override for PackageConfig {
    fn override_with(&mut self, later: &Self, mode: MergeMode) {
        let PackagePublishConfig {
            rpm_channel,
            debuginfo_channel,
            channel,
        } = &later.publish;
        scalar(&mut self.publish.rpm_channel, rpm_channel, mode);
        scalar(&mut self.publish.debuginfo_channel, debuginfo_channel, mode);
        scalar(&mut self.publish.channel, channel, mode);
    }
}

impl Override for DistroDefinition {
    fn override_with(&mut self, later: &Self, mode: MergeMode) {
        scalar(&mut self.description, &later.description, mode);
        scalar(&mut self.default_version, &later.default_version, mode);
        scalar(&mut self.dist_git_base_uri, &later.dist_git_base_uri, mode);
        scalar(
            &mut self.lookaside_base_uri,
            &later.lookaside_base_uri,
            mode,
        );
        // Replaced, not appended: `--config-file` overrides swap repositories this way.
        if !later.repos.is_empty() {
            self.repos.clone_from(&later.repos);
        }
        scalar(&mut self.disable_origins, &later.disable_origins, mode);
        // mergo replaces a version wholesale rather than merging its fields.
        for (name, version) in &later.versions {
            self.versions.insert(name.clone(), version.clone());
        }
    }
}

impl Override for ResourcesConfig {
    /// Entries are replaced by key, zero values included (azldev's `resources.go`).
    fn override_with(&mut self, later: &Self, _mode: MergeMode) {
        self.rpm_repos
            .extend(later.rpm_repos.iter().map(|(k, v)| (k.clone(), v.clone())));
        self.rpm_repo_set_templates.extend(
            later
                .rpm_repo_set_templates
                .iter()
                .map(|(k, v)| (k.clone(), v.clone())),
        );
        self.rpm_repo_sets.extend(
            later
                .rpm_repo_sets
                .iter()
                .map(|(k, v)| (k.clone(), v.clone())),
        );
    }
}
