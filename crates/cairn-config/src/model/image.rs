//! `[images.<name>]` and `[test-suites.<name>]`.

use std::path::PathBuf;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::model::is_default;

/// An image.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct ImageConfig {
    /// Human-readable description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Where the image definition is.
    #[serde(skip_serializing_if = "is_default")]
    pub definition: ImageDefinition,
    /// What the image can do (each unset, true or false).
    #[serde(skip_serializing_if = "is_default")]
    pub capabilities: ImageCapabilities,
    /// Test suites that apply to the image.
    #[serde(skip_serializing_if = "is_default")]
    pub tests: ImageTestsConfig,
    /// Where the image is published.
    #[serde(skip_serializing_if = "is_default")]
    pub publish: ImagePublishConfig,
}

/// `images.<name>.definition`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct ImageDefinition {
    /// Definition kind (`kiwi`).
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Definition file, relative to the defining file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<PathBuf>,
    /// Profile within the definition.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
}

/// `images.<name>.capabilities`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct ImageCapabilities {
    /// Boots on a machine (bare metal or VM).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub machine_bootable: Option<bool>,
    /// Runs on an OCI container host.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub container: Option<bool>,
    /// Runs systemd as init.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub systemd: Option<bool>,
    /// Packages can be installed or removed at run time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runtime_package_management: Option<bool>,
}

/// `images.<name>.tests`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct ImageTestsConfig {
    /// References to `[test-suites]`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub test_suites: Vec<TestSuiteReference>,
}

/// `{ name = "..." }`: a key of `[test-suites]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TestSuiteReference {
    /// The test suite name.
    pub name: String,
}

/// `images.<name>.publish`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ImagePublishConfig {
    /// Publish channels.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub channels: Vec<String>,
}

/// `[test-suites.<name>]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct TestSuiteConfig {
    /// Human-readable description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The framework (required).
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<TestType>,
    /// pytest settings (required for `pytest`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pytest: Option<PytestConfig>,
    /// LISA settings (optional for `lisa`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lisa: Option<LisaConfig>,
}

/// Test frameworks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum TestType {
    /// Offline checks with pytest.
    Pytest,
    /// Live VM tests with LISA.
    Lisa,
}

/// `test-suites.<name>.pytest`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct PytestConfig {
    /// Working directory, relative to the defining file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub working_dir: Option<PathBuf>,
    /// Test paths (globs, relative to the working directory).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub test_paths: Vec<String>,
    /// Extra arguments (`{image-path}`, `{image-name}`, `{capabilities}` are substituted).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub extra_args: Vec<String>,
    /// How dependencies are installed; `none` when unset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub install: Option<PytestInstall>,
}

/// `pytest.install`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum PytestInstall {
    /// Install nothing.
    None,
    /// `pip install -e .` of the working directory.
    Pyproject,
    /// `pip install -r requirements.txt`.
    Requirements,
}

/// `test-suites.<name>.lisa`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct LisaConfig {
    /// The LISA framework's repository and commit.
    pub framework: GitSource,
    /// Test case names (joined with `|` into the runbook criteria).
    pub test_cases: Vec<String>,
    /// pip packages installed before the framework.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub pip_pre_install: Vec<String>,
    /// pip extras of the framework package.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub pip_extras: Vec<String>,
    /// Extra LISA arguments.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub extra_args: Vec<String>,
}

/// A git repository at a full commit.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct GitSource {
    /// Repository URL.
    pub git_url: String,
    /// Full 40-hex commit.
    pub r#ref: String,
}
