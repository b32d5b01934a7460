//! `[components.<name>]` and every `default-component-config` table.
//!
//! Keys, spellings and enums are azldev's (`internal/projectconfig/component.go`, `build.go`,
//! `specsource.go`), including the snake_case `skip_reason`. Every scalar is an `Option` so that
//! "not written" and "written as false or empty" stay distinguishable; see
//! [`MergeMode`](crate::MergeMode) for why that matters.

use std::collections::BTreeMap;
use std::path::PathBuf;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::model::{DistroReference, PackageConfig, is_default};
use crate::overlay::Overlay;

/// One component: where its spec comes from and how it is changed and built.
///
/// Also the shape of every `default-component-config` table (distro versions, the project,
/// component groups), which are layered under the component's own table.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct ComponentConfig {
    /// Where the spec comes from (upstream dist-git or a local file).
    #[serde(skip_serializing_if = "is_default")]
    pub spec: SpecSource,
    /// How the `Release` tag is managed when rendering.
    #[serde(skip_serializing_if = "is_default")]
    pub release: ReleaseConfig,
    /// Edits to the spec and sources, applied in order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schemars(with = "Vec<crate::schema::OverlaySchema>")]
    pub overlays: Vec<Overlay>,
    /// Globs naming overlay files (one `[metadata]` plus `[[overlays]]` each), relative to the
    /// component's config file. Unlike every other list, a later layer replaces it, and `[]` clears it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub overlay_files: Option<Vec<String>>,
    /// Build options (`--with`, `--without`, macros, `%check`).
    #[serde(skip_serializing_if = "is_default")]
    pub build: BuildConfig,
    /// Render options.
    #[serde(skip_serializing_if = "is_default")]
    pub render: RenderConfig,
    /// Extra source files to fetch (not in the upstream `sources` file).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub source_files: Vec<SourceFileReference>,
    /// Per binary package settings, by exact package name.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub packages: BTreeMap<String, PackageConfig>,
    /// Default publish channels for everything this component produces.
    #[serde(skip_serializing_if = "is_default")]
    pub publish: ComponentPublishConfig,
}

/// Where a component's spec comes from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct SpecSource {
    /// `upstream`, `local`, or `""` (unspecified, inherit).
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<SpecSourceType>,
    /// The spec file, for `local` specs; relative to the defining file, absolute once loaded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<PathBuf>,
    /// The distro (and version, snapshot) whose dist-git provides the spec.
    #[serde(skip_serializing_if = "is_default")]
    pub upstream_distro: DistroReference,
    /// The dist-git repository name when it differs from the component name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upstream_name: Option<String>,
    /// A commit pin (7 to 40 hex digits); wins over the snapshot.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 7, max = 40), regex(pattern = r"^[0-9a-fA-F]+$"))]
    pub upstream_commit: Option<String>,
}

/// The kind of spec source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum SpecSourceType {
    /// Fetched from the upstream distro's dist-git.
    Upstream,
    /// A spec file in the project.
    Local,
    /// `""`: not specified (azldev's zero value; inherits).
    #[serde(rename = "")]
    Unspecified,
}

/// `[components.<name>.release]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct ReleaseConfig {
    /// How `Release` is handled; `auto` when unset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub calculation: Option<ReleaseCalculation>,
}

/// How render manages the `Release` tag.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ReleaseCalculation {
    /// Detect `%autorelease` or a static number and handle each.
    #[default]
    Auto,
    /// The spec uses `%autorelease`: leave `Release` alone.
    Autorelease,
    /// A static number: bump it by the synthetic commit count.
    Static,
    /// Never touch `Release`.
    Manual,
}

/// `[components.<name>.build]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct BuildConfig {
    /// `--with` conditionals.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub with: Vec<String>,
    /// `--without` conditionals.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub without: Vec<String>,
    /// Macro definitions, name to value.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub defines: BTreeMap<String, String>,
    /// Macro names to undefine.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub undefines: Vec<String>,
    /// Add `%fedora_upstream_version`/`%fedora_upstream_release` to the macros file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub emit_upstream_provenance: Option<bool>,
    /// `%check` handling.
    #[serde(skip_serializing_if = "is_default")]
    pub check: CheckConfig,
    /// Expected build failures.
    #[serde(skip_serializing_if = "is_default")]
    pub failure: FailureConfig,
    /// Scheduling hints.
    #[serde(skip_serializing_if = "is_default")]
    pub hints: BuildHints,
}

impl BuildConfig {
    /// Whether `%check` is disabled.
    pub fn skips_check(&self) -> bool {
        self.check.skip == Some(true)
    }
}

/// `build.check`: note azldev's snake_case `skip_reason`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct CheckConfig {
    /// Disable `%check` (render prepends `exit 0`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skip: Option<bool>,
    /// Why; required when `skip` is true, and written into the rendered spec.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skip_reason: Option<String>,
}

/// `build.failure`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct FailureConfig {
    /// The build is known to fail.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<bool>,
    /// Why; required when `expected` is true.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected_reason: Option<String>,
}

/// `build.hints`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct BuildHints {
    /// Building is expensive; schedule with care.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expensive: Option<bool>,
}

/// `[components.<name>.render]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct RenderConfig {
    /// Keep every dist-git file instead of only those `Source`/`Patch` tags name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skip_file_filter: Option<bool>,
}

/// One `[[components.<name>.source-files]]` entry.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SourceFileReference {
    /// File name in the sources directory.
    pub filename: String,
    /// Expected digest, hex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hash: Option<String>,
    /// Digest algorithm; required with `hash`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hash_type: Option<HashType>,
    /// Where the file comes from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<Origin>,
    /// Replace the upstream `sources` entry of the same name (which must exist).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replace_upstream: Option<bool>,
    /// Why; required with `replace-upstream = true`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replace_reason: Option<String>,
}

/// Digest algorithms allowed for `source-files` (MD5 is refused by design, as in azldev).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum HashType {
    /// SHA-256.
    #[serde(rename = "SHA256")]
    Sha256,
    /// SHA-512.
    #[serde(rename = "SHA512")]
    Sha512,
}

/// `source-files[].origin`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Origin {
    /// How the file is obtained.
    #[serde(rename = "type")]
    pub kind: OriginType,
    /// Download URL (`download`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
    /// Generator script beside the config file (`custom`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub script: Option<String>,
    /// Extra packages in the generator's mock root (`custom`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mock_packages: Vec<String>,
    /// Files the generator reads (`custom`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inputs: Vec<String>,
}

/// `origin.type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum OriginType {
    /// Fetched from `uri`.
    Download,
    /// Generated by `script` in a mock root.
    Custom,
    /// An upstream archive after archive overlays (records the post-overlay hash).
    Overlay,
}

/// `[components.<name>.publish]`: default channels for what the component produces.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct ComponentPublishConfig {
    /// Channel of binary packages; `none` means do not publish.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rpm_channel: Option<String>,
    /// Channel of the SRPM.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub srpm_channel: Option<String>,
    /// Channel of debuginfo and debugsource packages.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub debuginfo_channel: Option<String>,
}
