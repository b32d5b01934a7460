//! `[resources]`: reusable repositories, repository-set templates and sets.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// `[resources]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct ResourcesConfig {
    /// RPM repositories by id.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub rpm_repos: BTreeMap<String, RpmRepo>,
    /// Layouts of related repositories under one URL prefix.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub rpm_repo_set_templates: BTreeMap<String, RpmRepoSetTemplate>,
    /// Instances of templates at a URL; each expands to `<name-prefix><subrepo>` repositories.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub rpm_repo_sets: BTreeMap<String, RpmRepoSet>,
}

/// `[resources.rpm-repos.<id>]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct RpmRepo {
    /// Human-readable description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Repository type; `rpm-md` when unset.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<RpmRepoType>,
    /// `baseurl` (http or https); exclusive with `metalink`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base_uri: Option<String>,
    /// Metalink URL; exclusive with `base-uri`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metalink: Option<String>,
    /// Do not check signatures (otherwise `gpg-key` is required).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disable_gpg_check: Option<bool>,
    /// Key: http(s) URL, `file:///abs`, or a path relative to the defining file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gpg_key: Option<String>,
    /// Architectures the repository serves; all when empty.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub arches: Vec<String>,
}

/// Repository types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum RpmRepoType {
    /// A dnf (rpm-md) repository.
    RpmMd,
}

/// `[resources.rpm-repo-set-templates.<name>]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct RpmRepoSetTemplate {
    /// Human-readable description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The sub-repositories, in order.
    pub subrepos: Vec<Subrepo>,
}

/// One sub-repository of a template.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Subrepo {
    /// Short name, appended to a set's `name-prefix`.
    pub name: String,
    /// Path under the set's `base-uri` (may use `$basearch`).
    pub subpath: String,
    /// What it carries; `binary` when unset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<SubrepoKind>,
}

/// What a sub-repository carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum SubrepoKind {
    /// Binary RPMs.
    Binary,
    /// debuginfo and debugsource RPMs.
    Debug,
    /// SRPMs.
    Source,
}

/// `[resources.rpm-repo-sets.<name>]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct RpmRepoSet {
    /// Human-readable description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The template to instantiate.
    pub template: String,
    /// URL prefix of every sub-repository.
    pub base_uri: String,
    /// Prefix of the generated repository ids.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name_prefix: Option<String>,
    /// Key shared by the sub-repositories (same forms as `rpm-repos`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gpg_key: Option<String>,
    /// Do not check signatures.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disable_gpg_check: Option<bool>,
    /// Do not verify TLS certificates.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disable_ssl_verify: Option<bool>,
    /// Architectures served; all when empty.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub arches: Vec<String>,
    /// Sub-repositories to instantiate; all when empty.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub subrepos: Vec<String>,
}
