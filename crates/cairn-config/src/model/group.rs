//! `[component-groups.<name>]` and `[package-groups.<name>]`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::model::{ComponentConfig, PackageConfig, is_default};
use crate::overlay::OverlayMetadata;

/// A named set of components sharing defaults.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct ComponentGroupConfig {
    /// Human-readable description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Why the group exists (same rules as overlay metadata).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<crate::schema::OverlayMetadataSchema>")]
    pub metadata: Option<OverlayMetadata>,
    /// Member components, by name.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub components: Vec<String>,
    /// Globs of local specs; each match is a component named after the spec file.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub specs: Vec<String>,
    /// Globs of paths the `specs` globs must not pick up.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub excluded_paths: Vec<String>,
    /// Defaults members inherit (after the distro and project defaults).
    #[serde(skip_serializing_if = "is_default")]
    pub default_component_config: ComponentConfig,
}

/// A named set of binary packages sharing settings (a package belongs to at most one).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct PackageGroupConfig {
    /// Human-readable description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Exact binary package names.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub packages: Vec<String>,
    /// Settings of every member.
    #[serde(skip_serializing_if = "is_default")]
    pub default_package_config: PackageConfig,
}
