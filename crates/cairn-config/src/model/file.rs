//! The root of a configuration file, `[project]` and `[tools]`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::model::{
    CairnConfig, ComponentConfig, ComponentGroupConfig, DistroDefinition, DistroReference,
    ImageConfig, PackageConfig, PackageGroupConfig, ResourcesConfig, TestSuiteConfig, is_default,
};

/// One configuration file, as written (`azldev.toml`, `cairn.toml`, includes, extras).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct ConfigFile {
    /// Schema URI for editors.
    #[serde(rename = "$schema", skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// Globs of more files to load, relative to this file (`**` is recursive).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub includes: Vec<String>,
    /// Project metadata and directories.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project: Option<ProjectInfo>,
    /// Distro definitions (merged across files).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub distros: BTreeMap<String, DistroDefinition>,
    /// Reusable resources (repositories, repository sets).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resources: Option<ResourcesConfig>,
    /// Component groups (a name may be defined once).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub component_groups: BTreeMap<String, ComponentGroupConfig>,
    /// Components (a name may be defined once).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub components: BTreeMap<String, ComponentConfig>,
    /// Images (a name may be defined once).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub images: BTreeMap<String, ImageConfig>,
    /// External tool settings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tools: Option<ToolsConfig>,
    /// Project-wide component defaults (after the distro version's, before groups').
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_component_config: Option<ComponentConfig>,
    /// Project-wide binary package defaults.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_package_config: Option<PackageConfig>,
    /// Package groups (a name may be defined once).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub package_groups: BTreeMap<String, PackageGroupConfig>,
    /// Test suites images refer to (a name may be defined once).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub test_suites: BTreeMap<String, TestSuiteConfig>,
    /// cairn's own settings (azldev has no such table).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cairn: Option<CairnConfig>,
}

/// `[project]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct ProjectInfo {
    /// Human-readable description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Log directory, relative to the defining file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_dir: Option<PathBuf>,
    /// Scratch directory, relative to the defining file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub work_dir: Option<PathBuf>,
    /// Output directory (built RPMs, images), relative to the defining file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output_dir: Option<PathBuf>,
    /// Where rendered specs go (`<dir>/<first letter>/<name>/`); default `specs`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rendered_specs_dir: Option<PathBuf>,
    /// Where lock files go; default `locks`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lock_dir: Option<PathBuf>,
    /// The distro (and version) components are built for.
    #[serde(skip_serializing_if = "is_default")]
    pub default_distro: DistroReference,
    /// Author of synthetic changelog entries.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_author_email: Option<String>,
}

/// `[tools]`: note azldev's camelCase keys here.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ToolsConfig {
    /// Image Customizer settings.
    #[serde(rename = "imageCustomizer", skip_serializing_if = "is_default")]
    pub image_customizer: ImageCustomizerConfig,
}

/// `[tools.imageCustomizer]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ImageCustomizerConfig {
    /// Container image of the Image Customizer.
    #[serde(rename = "containerTag", skip_serializing_if = "Option::is_none")]
    pub container_tag: Option<String>,
}
