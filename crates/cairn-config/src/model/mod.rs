//! The TOML schema, one type per table, as written in a file.
//!
//! [`ConfigFile`] is the root of every file (`azldev.toml`, included files, `--config-file`
//! extras). The types only parse and serialize; merging lives in [`crate::merge`] and
//! checks in [`crate::validate`].

mod cairn;
mod component;
mod distro;
mod file;
mod group;
mod image;
mod resources;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use cairn::{BootstrapConfig, CairnBuildConfig, CairnConfig, HostProvides};
pub use component::{
    BuildConfig, BuildHints, CheckConfig, ComponentConfig, ComponentPublishConfig, FailureConfig,
    HashType, Origin, OriginType, ReleaseCalculation, ReleaseConfig, RenderConfig,
    SourceFileReference, SpecSource, SpecSourceType,
};
pub use distro::{
    DistroDefinition, DistroVersion, DistroVersionInputs, InputReference, PackageRepository,
};
pub use file::{ConfigFile, ImageCustomizerConfig, ProjectInfo, ToolsConfig};
pub use group::{ComponentGroupConfig, PackageGroupConfig};
pub use image::{
    GitSource, ImageCapabilities, ImageConfig, ImageDefinition, ImagePublishConfig,
    ImageTestsConfig, LisaConfig, PytestConfig, PytestInstall, TestSuiteConfig, TestSuiteReference,
    TestType,
};
pub use resources::{
    ResourcesConfig, RpmRepo, RpmRepoSet, RpmRepoSetTemplate, RpmRepoType, Subrepo, SubrepoKind,
};

/// A distro, version and snapshot (`{ name, version, snapshot }`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct DistroReference {
    /// A key of `[distros]`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// A key of `[distros.<name>.versions]`; the distro's `default-version` when unset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// RFC 3339 time: use upstream sources as they were then.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(extend("format" = "date-time"))]
    pub snapshot: Option<String>,
}

/// Settings of one binary package (`default-package-config`, `packages.<name>`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct PackageConfig {
    /// Where the package is published.
    #[serde(skip_serializing_if = "is_default")]
    pub publish: PackagePublishConfig,
}

/// `publish` of a binary package.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct PackagePublishConfig {
    /// Channel of the package; `none` means do not publish.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rpm_channel: Option<String>,
    /// Channel of debuginfo packages.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub debuginfo_channel: Option<String>,
    /// Deprecated spelling of `rpm-channel`, still used by Azure Linux; the fallback for it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
}

impl PackagePublishConfig {
    /// The binary-package channel: `rpm-channel`, else the deprecated `channel`.
    pub fn effective_rpm_channel(&self) -> Option<&str> {
        self.rpm_channel
            .as_deref()
            .filter(|c| !c.is_empty())
            .or(self.channel.as_deref())
    }
}

/// Serde helper: skip values equal to their default when serializing.
pub(crate) fn is_default<T: Default + PartialEq>(value: &T) -> bool {
    *value == T::default()
}
