//! `cairn config dump`: the resolved project, as TOML or JSON.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::error::ConfigError;
use crate::model::{
    CairnConfig, ComponentConfig, ComponentGroupConfig, DistroDefinition, ImageConfig,
    PackageConfig, PackageGroupConfig, ProjectInfo, ResourcesConfig, TestSuiteConfig, ToolsConfig,
    is_default,
};
use crate::project::{Defined, Project};

/// The merged project with every component resolved; an inspection snapshot, in the
/// configuration's own key spelling (not meant to be loaded again).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct ProjectDump {
    /// `[project]`.
    pub project: ProjectInfo,
    /// Distros.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub distros: BTreeMap<String, DistroDefinition>,
    /// Resources.
    #[serde(skip_serializing_if = "is_default")]
    pub resources: ResourcesConfig,
    /// Component groups.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub component_groups: BTreeMap<String, ComponentGroupConfig>,
    /// Components, fully resolved (spec-discovered ones included).
    pub components: BTreeMap<String, ComponentConfig>,
    /// Images.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub images: BTreeMap<String, ImageConfig>,
    /// Tools.
    #[serde(skip_serializing_if = "is_default")]
    pub tools: ToolsConfig,
    /// Project-level component defaults.
    #[serde(skip_serializing_if = "is_default")]
    pub default_component_config: ComponentConfig,
    /// Project-level package defaults.
    #[serde(skip_serializing_if = "is_default")]
    pub default_package_config: PackageConfig,
    /// Package groups.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub package_groups: BTreeMap<String, PackageGroupConfig>,
    /// Test suites.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub test_suites: BTreeMap<String, TestSuiteConfig>,
    /// cairn's own settings.
    #[serde(skip_serializing_if = "is_default")]
    pub cairn: CairnConfig,
}

impl ProjectDump {
    /// TOML text.
    pub fn to_toml(&self) -> Result<String, toml::ser::Error> {
        toml::to_string(self)
    }
}

fn plain<T: Clone>(map: &BTreeMap<String, Defined<T>>) -> BTreeMap<String, T> {
    map.iter()
        .map(|(name, defined)| (name.clone(), defined.config.clone()))
        .collect()
}

impl Project {
    /// The merged project with every component resolved.
    pub fn dump(&self) -> Result<ProjectDump, ConfigError> {
        let components = self
            .resolve_all()?
            .into_iter()
            .map(|resolved| (resolved.name, resolved.config))
            .collect();
        Ok(ProjectDump {
            project: self.info.clone(),
            distros: self.distros.clone(),
            resources: self.resources.clone(),
            component_groups: plain(&self.component_groups),
            components,
            images: plain(&self.images),
            tools: self.tools.clone(),
            default_component_config: self.default_component_config.clone(),
            default_package_config: self.default_package_config.clone(),
            package_groups: plain(&self.package_groups),
            test_suites: plain(&self.test_suites),
            cairn: self.cairn.clone(),
        })
    }
}
