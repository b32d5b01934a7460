//! Where a component's sources come from, according to the project configuration.
//!
//! azldev (`sourceprep.go`, `fedorasourceprovider.go`): an `upstream` spec comes from the dist-git
//! of `spec.upstream-distro` (default: the project's default distro version's defaults), named
//! `upstream-name` or the component name, on the version's `dist-git-branch`, at `upstream-commit`
//! or the last commit before the distro `snapshot`; a `local` spec lives in the project.

use std::path::PathBuf;

use cairn_config::Project;
use cairn_config::model::{DistroReference, SpecSourceType};

use crate::dist_git::SourceRequest;
use crate::uri::{UriError, dist_git_url};

/// A component's (or an unregistered package's) spec source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ComponentSource {
    /// From a dist-git repository.
    Upstream(Box<UpstreamSource>),
    /// A spec file in the project.
    Local(LocalSource),
}

/// An upstream spec: what to ask the [`crate::DistGitCache`] for, and how to read the result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpstreamSource {
    /// The request (component, URL, branch, pin, snapshot).
    pub request: SourceRequest,
    /// The dist-git package name (`upstream-name`, else the component name).
    pub package: String,
    /// The spec file in the repository (`<package>.spec`); azldev renames it to
    /// `<component>.spec` when the names differ.
    pub spec_file: String,
    /// The distro and version the spec comes from.
    pub distro: String,
    /// The distro version.
    pub version: String,
    /// The distro's `lookaside-base-uri`, if it has one.
    pub lookaside_template: Option<String>,
}

/// A local spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalSource {
    /// The spec file (absolute).
    pub spec: PathBuf,
}

/// The configuration does not say where a component's sources are.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SourceConfigError {
    /// Loading or resolving the configuration failed.
    #[error(transparent)]
    Config(#[from] cairn_config::ConfigError),
    /// No upstream distro is named, and there is no default.
    #[error(
        "component `{component}`: no upstream distro; set `spec.upstream-distro` or the project's `default-distro`"
    )]
    NoDistro {
        /// The component.
        component: String,
    },
    /// The upstream distro is not defined.
    #[error("component `{component}`: distro `{distro}` is not defined under [distros]")]
    UnknownDistro {
        /// The component.
        component: String,
        /// The distro name.
        distro: String,
    },
    /// The distro version is not defined (or the distro has no default version).
    #[error(
        "component `{component}`: distro `{distro}` has no version `{version}`; check [distros.{distro}.versions]"
    )]
    UnknownVersion {
        /// The component.
        component: String,
        /// The distro.
        distro: String,
        /// The version asked for (empty when the distro has no `default-version`).
        version: String,
    },
    /// The distro has no `dist-git-base-uri`.
    #[error("component `{component}`: distro `{distro}` has no `dist-git-base-uri`")]
    NoDistGit {
        /// The component.
        component: String,
        /// The distro.
        distro: String,
    },
    /// The version has no `dist-git-branch`.
    #[error(
        "component `{component}`: [distros.{distro}.versions.{version}] has no `dist-git-branch`"
    )]
    NoBranch {
        /// The component.
        component: String,
        /// The distro.
        distro: String,
        /// The version.
        version: String,
    },
    /// The snapshot is not an RFC 3339 time.
    #[error("component `{component}`: snapshot `{snapshot}` is not an RFC 3339 time ({message})")]
    BadSnapshot {
        /// The component.
        component: String,
        /// The value.
        snapshot: String,
        /// The parser's message.
        message: String,
    },
    /// A `local` spec without a path.
    #[error("component `{component}`: a `local` spec needs `spec.path`")]
    NoLocalPath {
        /// The component.
        component: String,
    },
    /// The dist-git URL cannot be built.
    #[error("component `{component}`")]
    Uri {
        /// The component.
        component: String,
        /// The template failure.
        source: UriError,
    },
}

/// The source of a configured component.
pub fn component_source(
    project: &Project,
    name: &str,
) -> Result<ComponentSource, SourceConfigError> {
    let resolved = project.resolve_component(name)?;
    let spec = &resolved.config.spec;
    if spec.kind == Some(SpecSourceType::Local) {
        let spec = spec
            .path
            .clone()
            .ok_or_else(|| SourceConfigError::NoLocalPath {
                component: name.to_owned(),
            })?;
        return Ok(ComponentSource::Local(LocalSource { spec }));
    }
    let package = spec
        .upstream_name
        .clone()
        .unwrap_or_else(|| name.to_owned());
    upstream(
        project,
        name,
        package,
        &spec.upstream_distro,
        spec.upstream_commit.clone(),
    )
    .map(|source| ComponentSource::Upstream(Box::new(source)))
}

/// The source of a dist-git package that is not a component: what a bare
/// `[components.<package>]` would get from the default distro version's and the project's
/// `default-component-config`.
pub fn package_source(
    project: &Project,
    package: &str,
) -> Result<UpstreamSource, SourceConfigError> {
    let mut reference = project
        .default_distro()
        .map(|(.., version)| {
            version
                .default_component_config
                .spec
                .upstream_distro
                .clone()
        })
        .unwrap_or_default();
    let project_default = &project.default_component_config().spec.upstream_distro;
    for (field, value) in [
        (&mut reference.name, &project_default.name),
        (&mut reference.version, &project_default.version),
        (&mut reference.snapshot, &project_default.snapshot),
    ] {
        if value.as_deref().is_some_and(|value| !value.is_empty()) {
            field.clone_from(value);
        }
    }
    upstream(project, package, package.to_owned(), &reference, None)
}

fn upstream(
    project: &Project,
    component: &str,
    package: String,
    reference: &DistroReference,
    pin: Option<String>,
) -> Result<UpstreamSource, SourceConfigError> {
    let component_name = || component.to_owned();
    let distro_name = reference
        .name
        .clone()
        .filter(|name| !name.is_empty())
        .or_else(|| project.default_distro().map(|(name, ..)| name.to_owned()))
        .ok_or_else(|| SourceConfigError::NoDistro {
            component: component_name(),
        })?;
    let distro =
        project
            .distros()
            .get(&distro_name)
            .ok_or_else(|| SourceConfigError::UnknownDistro {
                component: component_name(),
                distro: distro_name.clone(),
            })?;
    let version_name = reference
        .version
        .clone()
        .filter(|version| !version.is_empty())
        .or_else(|| distro.default_version.clone())
        .unwrap_or_default();
    let version =
        distro
            .versions
            .get(&version_name)
            .ok_or_else(|| SourceConfigError::UnknownVersion {
                component: component_name(),
                distro: distro_name.clone(),
                version: version_name.clone(),
            })?;
    let template =
        distro
            .dist_git_base_uri
            .as_deref()
            .ok_or_else(|| SourceConfigError::NoDistGit {
                component: component_name(),
                distro: distro_name.clone(),
            })?;
    let branch = version
        .dist_git_branch
        .clone()
        .ok_or_else(|| SourceConfigError::NoBranch {
            component: component_name(),
            distro: distro_name.clone(),
            version: version_name.clone(),
        })?;
    let snapshot = match reference
        .snapshot
        .as_deref()
        .filter(|snapshot| !snapshot.is_empty())
    {
        Some(text) => Some(text.parse::<jiff::Timestamp>().map_err(|error| {
            SourceConfigError::BadSnapshot {
                component: component_name(),
                snapshot: text.to_owned(),
                message: error.to_string(),
            }
        })?),
        None => None,
    };
    let url = dist_git_url(template, &package).map_err(|source| SourceConfigError::Uri {
        component: component_name(),
        source,
    })?;
    Ok(UpstreamSource {
        request: SourceRequest {
            component: component_name(),
            url,
            branch,
            pin,
            snapshot,
        },
        spec_file: format!("{package}.spec"),
        package,
        distro: distro_name,
        version: version_name,
        lookaside_template: distro.lookaside_base_uri.clone(),
    })
}
