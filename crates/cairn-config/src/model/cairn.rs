//! `[cairn]`: settings of cairn's own stages that azldev has no table for.
//!
//! azldev builds in mock, whose configuration carries the build macros and the buildroot; cairn
//! builds on the host in a sandbox and needs the same facts written down: the distribution's
//! macro files, which BuildRequires the build host satisfies, and how bootstrap cycles break.

use std::collections::BTreeMap;
use std::path::PathBuf;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::model::is_default;

/// `[cairn]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct CairnConfig {
    /// How `cairn plan` and `cairn build` build components.
    #[serde(skip_serializing_if = "is_default")]
    pub build: CairnBuildConfig,
}

/// `[cairn.build]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct CairnBuildConfig {
    /// rpm macro files loaded after the host's for every evaluation and build (what a mock
    /// configuration's `macros` are), relative to the defining file.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub macro_files: Vec<PathBuf>,
    /// The macro that carries the build sysroot's path to rpmbuild (`--define "<name> <path>"`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sysroot_macro: Option<String>,
    /// What the build host provides.
    #[serde(skip_serializing_if = "is_default")]
    pub host_provides: HostProvides,
    /// Cycle breakers by component: the bconds of the component's bootstrap build.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub bootstrap: BTreeMap<String, BootstrapConfig>,
}

/// `[cairn.build.host-provides]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct HostProvides {
    /// Capabilities the build host satisfies: BuildRequires on them are not looked up among
    /// the distribution's packages, and packages installed into a build sysroot may require them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub capabilities: Vec<String>,
    /// Directories of the host compiler's include path linked into every sysroot's
    /// `/usr/include` (the Linux UAPI headers, when the distribution builds no kernel).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub include_dirs: Vec<String>,
}

/// `[cairn.build.bootstrap.<component>]`: build the component with these conditionals first,
/// then the rest of its cycle, then the component again normally.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct BootstrapConfig {
    /// `--with` conditionals of the bootstrap build.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub with: Vec<String>,
    /// `--without` conditionals of the bootstrap build.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub without: Vec<String>,
}
