//! A loaded project: every table merged across files, with lazy per-component resolution.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Serialize;

use crate::error::{ConfigError, Diagnostic, DiagnosticKind};
use crate::load::{self, LoadOptions};
use crate::location::Location;
use crate::merge::{Layer, MergeMode};
use crate::model::{
    CairnConfig, ComponentConfig, ComponentGroupConfig, DistroDefinition, DistroVersion,
    ImageConfig, PackageConfig, PackageGroupConfig, ProjectInfo, ReleaseCalculation,
    ResourcesConfig, SpecSourceType, TestSuiteConfig, ToolsConfig,
};

/// A value and where it is defined (the key that names it).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Defined<T> {
    /// The value as written (paths made absolute).
    pub config: T,
    /// Where its name is written.
    pub location: Location,
}

/// A component found by a group's `specs` globs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DiscoveredSpec {
    /// The spec file; the component is named after it.
    pub path: PathBuf,
    /// The group whose glob found it.
    pub group: String,
}

/// A loaded project. See the crate documentation for the model.
#[derive(Debug, Clone)]
pub struct Project {
    pub(crate) root_file: PathBuf,
    pub(crate) root_dir: PathBuf,
    pub(crate) files: Vec<PathBuf>,
    pub(crate) merge_mode: MergeMode,
    pub(crate) permissive: bool,
    pub(crate) info: ProjectInfo,
    pub(crate) distros: BTreeMap<String, DistroDefinition>,
    pub(crate) components: BTreeMap<String, Defined<ComponentConfig>>,
    pub(crate) component_groups: BTreeMap<String, Defined<ComponentGroupConfig>>,
    pub(crate) images: BTreeMap<String, Defined<ImageConfig>>,
    pub(crate) package_groups: BTreeMap<String, Defined<PackageGroupConfig>>,
    pub(crate) test_suites: BTreeMap<String, Defined<TestSuiteConfig>>,
    pub(crate) tools: ToolsConfig,
    pub(crate) cairn: CairnConfig,
    pub(crate) default_component_config: ComponentConfig,
    pub(crate) default_package_config: PackageConfig,
    pub(crate) resources: ResourcesConfig,
    pub(crate) groups_by_component: BTreeMap<String, Vec<String>>,
    pub(crate) discovered: BTreeMap<String, DiscoveredSpec>,
    pub(crate) warnings: Vec<Diagnostic>,
}

/// A component with every inherited layer applied.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct ResolvedComponent {
    /// The component name.
    pub name: String,
    /// Where `[components.<name>]` is written; `None` for a component only found by a
    /// group's `specs` glob.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub defined_at: Option<Location>,
    /// Groups it belongs to, sorted (the order their defaults were applied in).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<String>,
    /// `<rendered-specs-dir>/<first letter, lowercased>/<name>`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rendered_spec_dir: Option<PathBuf>,
    /// The resolved configuration: distro version defaults, project defaults, each group's
    /// defaults, then the component's own table; `overlay-files` expanded into `overlays`.
    #[serde(flatten)]
    pub config: ComponentConfig,
}

impl Project {
    /// Loads the project whose `cairn.toml` or `azldev.toml` is in `dir` or a parent.
    pub fn load(dir: &Path, options: &LoadOptions) -> Result<Self, ConfigError> {
        let file = load::find_project_file(dir)?;
        load::load(&file, options)
    }

    /// Loads the project rooted at `file` (no discovery).
    pub fn load_file(file: &Path, options: &LoadOptions) -> Result<Self, ConfigError> {
        load::load(file, options)
    }

    pub(crate) fn empty(root_file: PathBuf, root_dir: PathBuf, options: &LoadOptions) -> Self {
        Self {
            root_file,
            root_dir,
            files: Vec::new(),
            merge_mode: options.merge_mode,
            permissive: options.permissive,
            info: ProjectInfo::default(),
            distros: BTreeMap::new(),
            components: BTreeMap::new(),
            component_groups: BTreeMap::new(),
            images: BTreeMap::new(),
            package_groups: BTreeMap::new(),
            test_suites: BTreeMap::new(),
            tools: ToolsConfig::default(),
            cairn: CairnConfig::default(),
            default_component_config: ComponentConfig::default(),
            default_package_config: PackageConfig::default(),
            resources: ResourcesConfig::default(),
            groups_by_component: BTreeMap::new(),
            discovered: BTreeMap::new(),
            warnings: Vec::new(),
        }
    }

    /// The project file (`azldev.toml` or `cairn.toml`).
    pub fn root_file(&self) -> &Path {
        &self.root_file
    }

    /// The directory of the project file.
    pub fn root_dir(&self) -> &Path {
        &self.root_dir
    }

    /// Every file loaded, in load order (the embedded defaults excluded).
    pub fn files(&self) -> &[PathBuf] {
        &self.files
    }

    /// Problems accepted because of `--permissive-config`.
    pub fn warnings(&self) -> &[Diagnostic] {
        &self.warnings
    }

    /// `[project]`, merged (directories absolute).
    pub fn info(&self) -> &ProjectInfo {
        &self.info
    }

    /// Distros, merged across files.
    pub fn distros(&self) -> &BTreeMap<String, DistroDefinition> {
        &self.distros
    }

    /// Components as written, by name (without spec-discovered ones; see [`Self::component_names`]).
    pub fn components(&self) -> &BTreeMap<String, Defined<ComponentConfig>> {
        &self.components
    }

    /// Component groups.
    pub fn component_groups(&self) -> &BTreeMap<String, Defined<ComponentGroupConfig>> {
        &self.component_groups
    }

    /// Images.
    pub fn images(&self) -> &BTreeMap<String, Defined<ImageConfig>> {
        &self.images
    }

    /// Package groups.
    pub fn package_groups(&self) -> &BTreeMap<String, Defined<PackageGroupConfig>> {
        &self.package_groups
    }

    /// Test suites.
    pub fn test_suites(&self) -> &BTreeMap<String, Defined<TestSuiteConfig>> {
        &self.test_suites
    }

    /// `[tools]`, merged.
    pub fn tools(&self) -> &ToolsConfig {
        &self.tools
    }

    /// `[cairn]`, merged (macro files absolute).
    pub fn cairn(&self) -> &CairnConfig {
        &self.cairn
    }

    /// `[resources]`, merged.
    pub fn resources(&self) -> &ResourcesConfig {
        &self.resources
    }

    /// The project-level `default-component-config`, merged.
    pub fn default_component_config(&self) -> &ComponentConfig {
        &self.default_component_config
    }

    /// The project-level `default-package-config`, merged.
    pub fn default_package_config(&self) -> &PackageConfig {
        &self.default_package_config
    }

    /// Components found by groups' `specs` globs, by name.
    pub fn discovered_specs(&self) -> &BTreeMap<String, DiscoveredSpec> {
        &self.discovered
    }

    /// Every component name: configured ones and spec-discovered ones, sorted.
    pub fn component_names(&self) -> impl Iterator<Item = &str> {
        let mut names: Vec<&str> = self.components.keys().map(String::as_str).collect();
        names.extend(
            self.discovered
                .keys()
                .filter(|n| !self.components.contains_key(*n))
                .map(String::as_str),
        );
        names.sort_unstable();
        names.into_iter()
    }

    /// Whether a component of that name exists.
    pub fn has_component(&self, name: &str) -> bool {
        self.components.contains_key(name) || self.discovered.contains_key(name)
    }

    /// The groups whose `components` list names `component`, sorted.
    pub fn groups_of(&self, component: &str) -> &[String] {
        self.groups_by_component
            .get(component)
            .map_or(&[], Vec::as_slice)
    }

    /// Members of a group: its `components` list and what its `specs` globs found, sorted.
    pub fn group_members(&self, group: &str) -> Result<Vec<&str>, ConfigError> {
        let Some(defined) = self.component_groups.get(group) else {
            return Err(ConfigError::UnknownGroup {
                name: group.to_owned(),
                suggestion: crate::keys::closest(
                    group,
                    self.component_groups.keys().map(String::as_str),
                ),
            });
        };
        let mut members: Vec<&str> = defined
            .config
            .components
            .iter()
            .map(String::as_str)
            .collect();
        members.extend(
            self.discovered
                .iter()
                .filter(|(_, d)| d.group == group)
                .map(|(n, _)| n.as_str()),
        );
        members.sort_unstable();
        members.dedup();
        Ok(members)
    }

    /// The project's default distro and its version (`project.default-distro`, the distro's
    /// `default-version` when no version is named).
    pub fn default_distro(&self) -> Option<(&str, &DistroDefinition, &str, &DistroVersion)> {
        let reference = &self.info.default_distro;
        let (name, distro) = self.distros.get_key_value(reference.name.as_deref()?)?;
        let version_name = reference
            .version
            .as_deref()
            .or(distro.default_version.as_deref())?;
        let (version_name, version) = distro.versions.get_key_value(version_name)?;
        Some((name, distro, version_name, version))
    }

    /// Where rendered specs go; `None` when no `rendered-specs-dir` is configured.
    pub fn rendered_specs_dir(&self) -> Option<&Path> {
        self.info.rendered_specs_dir.as_deref()
    }

    /// Where lock files go; `None` when no `lock-dir` is configured.
    pub fn lock_dir(&self) -> Option<&Path> {
        self.info.lock_dir.as_deref()
    }

    /// `<rendered-specs-dir>/<first letter, lowercased>/<name>` (azldev's `RenderedSpecDir`).
    pub fn rendered_spec_dir(&self, name: &str) -> Option<PathBuf> {
        let first = name.chars().next()?.to_lowercase().to_string();
        Some(self.rendered_specs_dir()?.join(first).join(name))
    }

    /// The fully inherited configuration of one component.
    ///
    /// Layers: the default distro version's `default-component-config`, the project's
    /// `default-component-config`, each group's (alphabetically), then the component's own
    /// table. A component found by a group's `specs` glob gets `spec = { type = "local",
    /// path = <the spec> }`. `release.calculation` defaults to `auto`. `overlay-files` are
    /// read and their overlays appended after the inline ones.
    pub fn resolve_component(&self, name: &str) -> Result<ResolvedComponent, ConfigError> {
        let own = self.components.get(name);
        let discovered = self.discovered.get(name);
        if own.is_none() && discovered.is_none() {
            return Err(ConfigError::UnknownComponent {
                name: name.to_owned(),
                suggestion: crate::keys::closest(name, self.component_names()),
            });
        }
        let mode = self.merge_mode;
        let mut config = self
            .default_distro()
            .map(|(.., version)| version.default_component_config.clone())
            .unwrap_or_default();
        config.layer(&self.default_component_config, mode);
        let groups = self.groups_of(name).to_vec();
        let mut sorted = groups.clone();
        sorted.sort();
        for group in &sorted {
            if let Some(group) = self.component_groups.get(group) {
                config.layer(&group.config.default_component_config, mode);
            }
        }
        if let Some(own) = own {
            config.layer(&own.config, mode);
        }
        if let Some(discovered) = discovered {
            if let Some(path) = config.spec.path.as_ref().filter(|p| **p != discovered.path) {
                return Err(invalid(
                    own.map_or_else(
                        || Location::file_start(Arc::from(discovered.path.as_path())),
                        |o| o.location.clone(),
                    ),
                    format!(
                        "component `{name}` has spec path {} but group `{}` found {}",
                        path.display(),
                        discovered.group,
                        discovered.path.display()
                    ),
                ));
            }
            config.spec = crate::model::SpecSource {
                kind: Some(SpecSourceType::Local),
                path: Some(discovered.path.clone()),
                ..Default::default()
            };
        }
        config
            .release
            .calculation
            .get_or_insert(ReleaseCalculation::Auto);
        if let Some(patterns) = config.overlay_files.take() {
            let reference_dir = match (discovered, own) {
                (Some(discovered), _) => discovered.path.parent().map(Path::to_path_buf),
                (None, Some(own)) => own.location.file.parent().map(Path::to_path_buf),
                (None, None) => None,
            }
            .unwrap_or_else(|| self.root_dir.clone());
            let loaded =
                crate::overlay_files::load(&reference_dir, &patterns, name, self.permissive)?;
            config.overlays.extend(loaded);
        }
        Ok(ResolvedComponent {
            name: name.to_owned(),
            defined_at: own.map(|o| o.location.clone()),
            groups: sorted,
            rendered_spec_dir: self.rendered_spec_dir(name),
            config,
        })
    }

    /// Resolves every component, in name order.
    pub fn resolve_all(&self) -> Result<Vec<ResolvedComponent>, ConfigError> {
        self.component_names()
            .map(|name| self.resolve_component(name))
            .collect()
    }

    /// Finds spec files for groups with `specs` globs.
    pub(crate) fn discover_specs(&mut self, diagnostics: &mut Vec<Diagnostic>) {
        for (group_name, group) in &self.component_groups {
            let excluded: Vec<globset::GlobMatcher> = group
                .config
                .excluded_paths
                .iter()
                .filter_map(|p| crate::glob::matcher(p).ok())
                .collect();
            for pattern in &group.config.specs {
                let matches = match crate::glob::expand(Path::new(pattern)) {
                    Ok(matches) => matches,
                    Err(error) => {
                        diagnostics.push(Diagnostic {
                            kind: DiagnosticKind::Io,
                            location: group.location.clone(),
                            message: format!("cannot expand spec glob `{pattern}`: {error}"),
                        });
                        continue;
                    }
                };
                for spec in matches {
                    if excluded.iter().any(|m| m.is_match(&spec)) {
                        continue;
                    }
                    let Some(name) = spec.file_stem().and_then(|s| s.to_str()).map(str::to_owned)
                    else {
                        continue;
                    };
                    self.discovered
                        .entry(name)
                        .or_insert_with(|| DiscoveredSpec {
                            path: spec.clone(),
                            group: group_name.clone(),
                        });
                }
            }
        }
    }
}

fn invalid(location: Location, message: String) -> ConfigError {
    ConfigError::Invalid {
        diagnostics: vec![Diagnostic {
            kind: DiagnosticKind::Invalid,
            location,
            message,
        }],
    }
}

/// Rules across files: references to distros, components, test suites and templates, and
/// packages in more than one package group.
pub(crate) fn check_references(project: &mut Project) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    let mut push = |location: &Location, message: String| {
        found.push(Diagnostic {
            kind: DiagnosticKind::Invalid,
            location: location.clone(),
            message,
        });
    };
    let project_location = Location::file_start(Arc::from(project.root_file.as_path()));
    let reference = &project.info.default_distro;
    if let Some(name) = &reference.name {
        match project.distros.get(name) {
            None => push(
                &project_location,
                format!("`project.default-distro` names distro `{name}`, which is not defined"),
            ),
            Some(distro) => {
                let version = reference
                    .version
                    .as_ref()
                    .or(distro.default_version.as_ref());
                match version {
                    None => push(
                        &project_location,
                        format!(
                            "distro `{name}` has no `default-version` and `project.default-distro` names none"
                        ),
                    ),
                    Some(version) if !distro.versions.contains_key(version) => {
                        push(
                            &project_location,
                            format!("distro `{name}` has no version `{version}`"),
                        );
                    }
                    Some(_) => {}
                }
            }
        }
    }
    for (group_name, group) in &project.component_groups {
        for member in &group.config.components {
            if !project.components.contains_key(member) {
                let suggestion =
                    crate::keys::closest(member, project.components.keys().map(String::as_str));
                let hint = suggestion
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_default();
                push(
                    &group.location,
                    format!(
                        "group `{group_name}` lists component `{member}`, which is not defined{hint}"
                    ),
                );
            }
        }
    }
    let mut owner: BTreeMap<&str, &str> = BTreeMap::new();
    for (group_name, group) in &project.package_groups {
        for package in &group.config.packages {
            if let Some(first) = owner.insert(package, group_name) {
                push(
                    &group.location,
                    format!(
                        "package `{package}` is in package groups `{first}` and `{group_name}`; a package belongs to at most one"
                    ),
                );
            }
        }
    }
    for (image_name, image) in &project.images {
        for suite in &image.config.tests.test_suites {
            if !project.test_suites.contains_key(&suite.name) {
                push(
                    &image.location,
                    format!(
                        "image `{image_name}` refers to test suite `{}`, which is not defined",
                        suite.name
                    ),
                );
            }
        }
    }
    for (set_name, set) in &project.resources.rpm_repo_sets {
        if !set.template.is_empty()
            && !project
                .resources
                .rpm_repo_set_templates
                .contains_key(&set.template)
        {
            push(
                &project_location,
                format!(
                    "rpm-repo-set `{set_name}` uses template `{}`, which is not defined",
                    set.template
                ),
            );
        }
    }
    for groups in project.groups_by_component.values_mut() {
        groups.sort();
        groups.dedup();
    }
    found
}
