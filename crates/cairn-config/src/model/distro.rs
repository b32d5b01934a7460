//! `[distros.<name>]`: upstream and target distributions and their versions.

use std::collections::BTreeMap;
use std::path::PathBuf;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::model::{ComponentConfig, is_default};

/// A distro components are built for or taken from.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct DistroDefinition {
    /// Human-readable description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The version used when a reference names none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_version: Option<String>,
    /// Dist-git repository URL template (`$pkg`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(extend("format" = "uri"))]
    pub dist_git_base_uri: Option<String>,
    /// Lookaside URL template (`$pkg`, `$filename`, `$hashtype`, `$hash`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(extend("format" = "uri"))]
    pub lookaside_base_uri: Option<String>,
    /// Package repositories (`base-uri` with `$releasever`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub repos: Vec<PackageRepository>,
    /// Never fall back from the lookaside cache to a source file's `origin`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disable_origins: Option<bool>,
    /// Versions by name (`'4.0-stage2'`, `43`, `rawhide`...).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub versions: BTreeMap<String, DistroVersion>,
}

/// `repos[]` of a distro.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct PackageRepository {
    /// Repository URL; `$releasever` is expanded by the consumer.
    pub base_uri: String,
}

/// `[distros.<name>.versions.<version>]`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct DistroVersion {
    /// Human-readable description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `$releasever` of this version (required).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub release_ver: Option<String>,
    /// Dist-git branch (`f43`, `rawhide`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dist_git_branch: Option<String>,
    /// Defaults every component built for this version inherits first.
    #[serde(skip_serializing_if = "is_default")]
    pub default_component_config: ComponentConfig,
    /// Mock configuration for any architecture.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mock_config: Option<PathBuf>,
    /// Mock configuration for x86_64 (wins over `mock-config` there).
    #[serde(rename = "mock-config-x86_64", skip_serializing_if = "Option::is_none")]
    pub mock_config_x86_64: Option<PathBuf>,
    /// Mock configuration for aarch64 (wins over `mock-config` there).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mock_config_aarch64: Option<PathBuf>,
    /// Repositories offered to each use.
    #[serde(skip_serializing_if = "is_default")]
    pub inputs: DistroVersionInputs,
}

impl DistroVersion {
    /// The mock configuration for `arch` (`x86_64`, `aarch64`), else `mock-config`.
    pub fn mock_config_for(&self, arch: &str) -> Option<&PathBuf> {
        let specific = match arch {
            "x86_64" => self.mock_config_x86_64.as_ref(),
            "aarch64" => self.mock_config_aarch64.as_ref(),
            _ => None,
        };
        specific.or(self.mock_config.as_ref())
    }
}

/// `inputs` of a distro version: repositories per use.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct DistroVersionInputs {
    /// Repositories for building RPMs (mock).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rpm_build: Vec<InputReference>,
    /// Repositories for building images (kiwi).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub image_build: Vec<InputReference>,
}

/// One input: a `[resources.rpm-repos]` key or a `[resources.rpm-repo-sets]` key.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct InputReference {
    /// A repository name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repo: Option<String>,
    /// A repository set name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub set: Option<String>,
}
