//! Rules a file must follow beyond its types (azldev's `Validate` methods and validator tags).
//!
//! Each problem carries the key path it is about; the loader turns paths into lines.

use std::collections::BTreeSet;

use crate::location::KeyPath;
use crate::model::{
    ComponentConfig, ConfigFile, DistroDefinition, OriginType, ResourcesConfig, SpecSourceType,
    TestSuiteConfig, TestType,
};

/// A rule broken at a key path.
pub(crate) type Issue = (KeyPath, String);

/// Checks one file on its own (cross-file rules run after merging).
pub(crate) fn file(config: &ConfigFile) -> Vec<Issue> {
    let mut issues = Vec::new();
    let root = KeyPath::default();
    for (index, include) in config.includes.iter().enumerate() {
        if include.trim().is_empty() {
            issues.push((
                root.key("includes").index(index),
                "an include pattern must not be empty".into(),
            ));
        }
    }
    for (name, distro) in &config.distros {
        self::distro(&root.key("distros").key(name), distro, &mut issues);
    }
    for (name, component) in &config.components {
        let path = root.key("components").key(name);
        if let Err(problem) = file_name(name) {
            issues.push((path.clone(), format!("component name `{name}` {problem}")));
        }
        self::component(&path, component, &mut issues);
    }
    for (name, group) in &config.component_groups {
        let path = root.key("component-groups").key(name);
        if let Some(Err(error)) = group
            .metadata
            .as_ref()
            .map(crate::overlay::OverlayMetadata::validate)
        {
            issues.push((
                path.key("metadata"),
                format!("invalid metadata of group `{name}`: {error}"),
            ));
        }
        self::component(
            &path.key("default-component-config"),
            &group.default_component_config,
            &mut issues,
        );
        for (index, pattern) in group.specs.iter().chain(&group.excluded_paths).enumerate() {
            if let Err(error) = crate::glob::matcher(pattern) {
                let key = if index < group.specs.len() {
                    "specs"
                } else {
                    "excluded-paths"
                };
                issues.push((path.key(key), format!("bad glob `{pattern}`: {error}")));
            }
        }
    }
    if let Some(defaults) = &config.default_component_config {
        self::component(&root.key("default-component-config"), defaults, &mut issues);
    }
    for (name, group) in &config.package_groups {
        let path = root.key("package-groups").key(name).key("packages");
        let mut seen = BTreeSet::new();
        for (index, package) in group.packages.iter().enumerate() {
            if package.is_empty() {
                issues.push((path.index(index), "a package name must not be empty".into()));
            } else if !seen.insert(package.as_str()) {
                issues.push((
                    path.index(index),
                    format!("package `{package}` is listed twice"),
                ));
            }
        }
    }
    for (name, suite) in &config.test_suites {
        test_suite(&root.key("test-suites").key(name), name, suite, &mut issues);
    }
    if let Some(resources) = &config.resources {
        self::resources(&root.key("resources"), resources, &mut issues);
    }
    issues
}

fn distro(path: &KeyPath, distro: &DistroDefinition, issues: &mut Vec<Issue>) {
    for (name, version) in &distro.versions {
        let path = path.key("versions").key(name);
        if version.release_ver.as_deref().is_none_or(str::is_empty) {
            issues.push((
                path.clone(),
                format!("distro version `{name}` needs `release-ver`"),
            ));
        }
        component(
            &path.key("default-component-config"),
            &version.default_component_config,
            issues,
        );
        for (use_name, inputs) in [
            ("rpm-build", &version.inputs.rpm_build),
            ("image-build", &version.inputs.image_build),
        ] {
            for (index, input) in inputs.iter().enumerate() {
                if input.repo.is_some() == input.set.is_some() {
                    issues.push((
                        path.key("inputs").key(use_name).index(index),
                        "an input names exactly one of `repo` or `set`".into(),
                    ));
                }
            }
        }
    }
}

/// Checks a component table or a `default-component-config`.
pub(crate) fn component(path: &KeyPath, component: &ComponentConfig, issues: &mut Vec<Issue>) {
    let spec = &component.spec;
    let spec_path = path.key("spec");
    let kind = spec.kind.unwrap_or(SpecSourceType::Unspecified);
    if kind == SpecSourceType::Local && spec.path.is_none() {
        issues.push((spec_path.clone(), "a `local` spec needs `path`".into()));
    }
    if kind != SpecSourceType::Local && spec.path.is_some() {
        issues.push((
            spec_path.key("path"),
            "`path` is only valid with `type = \"local\"`".into(),
        ));
    }
    for (key, value) in [
        ("upstream-name", &spec.upstream_name),
        ("upstream-commit", &spec.upstream_commit),
    ] {
        if value.is_some() && kind != SpecSourceType::Upstream {
            issues.push((
                spec_path.key(key),
                format!("`{key}` is only valid with `type = \"upstream\"`"),
            ));
        }
    }
    if let Some(commit) = &spec.upstream_commit
        && (!(7..=40).contains(&commit.len()) || !commit.bytes().all(|b| b.is_ascii_hexdigit()))
    {
        issues.push((
            spec_path.key("upstream-commit"),
            format!("`upstream-commit` must be 7 to 40 hexadecimal digits, not `{commit}`"),
        ));
    }
    let build = &component.build;
    if build.check.skip == Some(true)
        && build.check.skip_reason.as_deref().is_none_or(str::is_empty)
    {
        issues.push((
            path.key("build").key("check"),
            "`check.skip = true` needs a `skip_reason` saying why the tests are disabled".into(),
        ));
    }
    if build.failure.expected == Some(true)
        && build
            .failure
            .expected_reason
            .as_deref()
            .is_none_or(str::is_empty)
    {
        issues.push((
            path.key("build").key("failure"),
            "`failure.expected = true` needs an `expected-reason`".into(),
        ));
    }
    source_files(&path.key("source-files"), component, issues);
    let publish = &component.publish;
    for (key, value) in [
        ("rpm-channel", &publish.rpm_channel),
        ("srpm-channel", &publish.srpm_channel),
        ("debuginfo-channel", &publish.debuginfo_channel),
    ] {
        channel(&path.key("publish").key(key), value.as_deref(), issues);
    }
    for (name, package) in &component.packages {
        let path = path.key("packages").key(name).key("publish");
        let publish = &package.publish;
        for (key, value) in [
            ("rpm-channel", &publish.rpm_channel),
            ("debuginfo-channel", &publish.debuginfo_channel),
            ("channel", &publish.channel),
        ] {
            channel(&path.key(key), value.as_deref(), issues);
        }
    }
    for (index, overlay) in component.overlays.iter().enumerate() {
        if let Err(error) = overlay.validate() {
            issues.push((
                path.key("overlays").index(index),
                format!("invalid overlay {}: {error}", index + 1),
            ));
        }
    }
    if let Some(files) = &component.overlay_files {
        for (index, pattern) in files.iter().enumerate() {
            if pattern.trim().is_empty() {
                issues.push((
                    path.key("overlay-files").index(index),
                    "an overlay-files entry must not be empty".into(),
                ));
            }
        }
    }
}

fn channel(path: &KeyPath, value: Option<&str>, issues: &mut Vec<Issue>) {
    if let Some(value) = value
        && (value == "." || value == ".." || value.contains(['/', '\\']))
    {
        issues.push((
            path.clone(),
            format!("channel `{value}` must be a plain name (it becomes a directory)"),
        ));
    }
}

fn source_files(path: &KeyPath, component: &ComponentConfig, issues: &mut Vec<Issue>) {
    let mut seen = BTreeSet::new();
    for (index, file) in component.source_files.iter().enumerate() {
        let path = path.index(index);
        let name = &file.filename;
        if let Err(problem) = file_name(name) {
            issues.push((
                path.key("filename"),
                format!("source file name `{name}` {problem}"),
            ));
        } else if !seen.insert(name.as_str()) {
            issues.push((
                path.key("filename"),
                format!("source file `{name}` is listed twice"),
            ));
        }
        if file.hash.is_some() && file.hash_type.is_none() {
            issues.push((
                path.key("hash"),
                format!("`hash` of `{name}` needs `hash-type` (SHA256 or SHA512)"),
            ));
        }
        let replace = file.replace_upstream == Some(true);
        let reason = file
            .replace_reason
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty());
        if replace && reason.is_none() {
            issues.push((
                path.key("replace-upstream"),
                format!("`replace-upstream = true` on `{name}` needs a `replace-reason`"),
            ));
        }
        if !replace && file.replace_reason.is_some() {
            issues.push((
                path.key("replace-reason"),
                format!(
                    "`replace-reason` on `{name}` is only valid with `replace-upstream = true`"
                ),
            ));
        }
        let Some(origin) = &file.origin else {
            issues.push((path, format!("source file `{name}` needs an `origin`")));
            continue;
        };
        let origin_path = path.key("origin");
        match origin.kind {
            OriginType::Download => match origin.uri.as_deref() {
                None | Some("") => issues.push((
                    origin_path.clone(),
                    format!("a `download` origin of `{name}` needs `uri`"),
                )),
                Some(uri) if !has_scheme(uri) => issues.push((
                    origin_path.key("uri"),
                    format!("`uri` of `{name}` needs a scheme such as https://, not `{uri}`"),
                )),
                Some(_) => {}
            },
            OriginType::Custom => {
                if origin.uri.is_some() {
                    issues.push((
                        origin_path.key("uri"),
                        "`uri` is only valid with a `download` origin".into(),
                    ));
                }
                match origin.script.as_deref() {
                    None | Some("") => issues.push((
                        origin_path.clone(),
                        format!("a `custom` origin of `{name}` needs `script`"),
                    )),
                    Some(script) => {
                        if let Err(problem) = file_name(script) {
                            issues.push((
                                origin_path.key("script"),
                                format!("script `{script}` {problem}"),
                            ));
                        }
                    }
                }
                let mut inputs = BTreeSet::new();
                for (index, input) in origin.inputs.iter().enumerate() {
                    if file_name(input).is_err()
                        || !inputs.insert(input.as_str())
                        || Some(input.as_str()) == origin.script.as_deref()
                    {
                        issues.push((
                            origin_path.key("inputs").index(index),
                            format!(
                                "input `{input}` must be a unique file name other than the script"
                            ),
                        ));
                    }
                }
            }
            OriginType::Overlay => {
                if origin.uri.is_some() {
                    issues.push((
                        origin_path.key("uri"),
                        "`uri` must not be set on an `overlay` origin".into(),
                    ));
                }
                if !replace {
                    issues.push((
                        origin_path,
                        format!("an `overlay` origin of `{name}` needs `replace-upstream = true`"),
                    ));
                }
            }
        }
        if origin.kind != OriginType::Custom
            && (origin.script.is_some()
                || !origin.mock_packages.is_empty()
                || !origin.inputs.is_empty())
        {
            issues.push((
                path.key("origin"),
                "`script`, `mock-packages` and `inputs` are only valid with a `custom` origin"
                    .into(),
            ));
        }
    }
}

fn test_suite(path: &KeyPath, name: &str, suite: &TestSuiteConfig, issues: &mut Vec<Issue>) {
    if let Err(problem) = file_name(name) {
        issues.push((path.clone(), format!("test suite name `{name}` {problem}")));
    }
    match suite.kind {
        None => issues.push((
            path.clone(),
            format!("test suite `{name}` needs `type` (pytest or lisa)"),
        )),
        Some(TestType::Pytest) => {
            if suite.pytest.is_none() {
                issues.push((
                    path.clone(),
                    format!("pytest suite `{name}` needs a `[pytest]` table"),
                ));
            }
            if suite.lisa.is_some() {
                issues.push((
                    path.key("lisa"),
                    format!("pytest suite `{name}` must not have a `[lisa]` table"),
                ));
            }
        }
        Some(TestType::Lisa) => {
            if suite.pytest.is_some() {
                issues.push((
                    path.key("pytest"),
                    format!("lisa suite `{name}` must not have a `[pytest]` table"),
                ));
            }
            if let Some(lisa) = &suite.lisa {
                let reference = &lisa.framework.r#ref;
                if reference.len() != 40 || !reference.bytes().all(|b| b.is_ascii_hexdigit()) {
                    issues.push((
                        path.key("lisa").key("framework").key("ref"),
                        format!("`ref` must be a full 40-hex commit, not `{reference}`"),
                    ));
                }
                if lisa.framework.git_url.is_empty() {
                    issues.push((
                        path.key("lisa").key("framework"),
                        "`framework` needs `git-url`".into(),
                    ));
                }
                if lisa.test_cases.is_empty() {
                    issues.push((path.key("lisa"), "`lisa` needs `test-cases`".into()));
                }
            }
        }
    }
}

fn resources(path: &KeyPath, resources: &ResourcesConfig, issues: &mut Vec<Issue>) {
    for (name, repo) in &resources.rpm_repos {
        let path = path.key("rpm-repos").key(name);
        repo_name(&path, name, issues);
        match (&repo.base_uri, &repo.metalink) {
            (Some(_), Some(_)) | (None, None) => {
                issues.push((
                    path.clone(),
                    format!("rpm-repo `{name}` needs exactly one of `base-uri` or `metalink`"),
                ));
            }
            (Some(uri), None) => remote_uri(&path.key("base-uri"), uri, issues),
            (None, Some(uri)) => remote_uri(&path.key("metalink"), uri, issues),
        }
        if repo.disable_gpg_check != Some(true) && repo.gpg_key.is_none() {
            issues.push((path, format!("rpm-repo `{name}` checks signatures (the default) but has no `gpg-key`; set one or `disable-gpg-check = true`")));
        }
    }
    for (name, template) in &resources.rpm_repo_set_templates {
        let path = path.key("rpm-repo-set-templates").key(name);
        if template.subrepos.is_empty() {
            issues.push((path.clone(), format!("template `{name}` needs `subrepos`")));
        }
        for (index, subrepo) in template.subrepos.iter().enumerate() {
            if subrepo.name.is_empty()
                || subrepo.subpath.is_empty()
                || subrepo.subpath.starts_with('/')
                || subrepo.subpath.split('/').any(|p| p == "..")
            {
                issues.push((
                    path.key("subrepos").index(index),
                    "a sub-repository needs a `name` and a relative `subpath` without `..`".into(),
                ));
            }
        }
    }
    for (name, set) in &resources.rpm_repo_sets {
        let path = path.key("rpm-repo-sets").key(name);
        if set.template.is_empty() {
            issues.push((
                path.clone(),
                format!("rpm-repo-set `{name}` needs `template`"),
            ));
        }
        remote_uri(&path.key("base-uri"), &set.base_uri, issues);
        if set.disable_gpg_check != Some(true) && set.gpg_key.is_none() {
            issues.push((path, format!("rpm-repo-set `{name}` checks signatures (the default) but has no `gpg-key`; set one or `disable-gpg-check = true`")));
        }
    }
}

fn repo_name(path: &KeyPath, name: &str, issues: &mut Vec<Issue>) {
    let mut chars = name.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphanumeric());
    if !first_ok || !chars.all(|c| c.is_ascii_alphanumeric() || "_.:-".contains(c)) {
        issues.push((
            path.clone(),
            format!("repository id `{name}` must match ^[A-Za-z0-9][A-Za-z0-9_.:-]*$"),
        ));
    }
}

fn remote_uri(path: &KeyPath, uri: &str, issues: &mut Vec<Issue>) {
    let rest = uri
        .strip_prefix("https://")
        .or_else(|| uri.strip_prefix("http://"));
    if rest.is_none_or(|r| r.is_empty() || r.starts_with('/')) || uri.contains(char::is_whitespace)
    {
        issues.push((
            path.clone(),
            format!("`{uri}` must be an http:// or https:// URL with a host"),
        ));
    }
}

fn has_scheme(uri: &str) -> bool {
    uri.split_once("://").is_some_and(|(scheme, _)| {
        scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    })
}

/// A name used as one path component (component names, source files, suites).
pub(crate) fn file_name(name: &str) -> Result<(), &'static str> {
    if name.is_empty() {
        Err("must not be empty")
    } else if name == "." || name == ".." {
        Err("must not be `.` or `..`")
    } else if name.contains(['/', '\\', '\0']) {
        Err("must not contain `/`, `\\` or NUL")
    } else {
        Ok(())
    }
}
