//! What the project configuration says a component's sources are.

use std::path::Path;

use cairn_config::{LoadOptions, Project};
use cairn_source::{ComponentSource, SourceConfigError, component_source, package_source};

const PROJECT: &str = r#"
[project]
default-distro = { name = "azl" }

[distros.azl]
default-version = "1"
[distros.azl.versions.1]
release-ver = "1"
[distros.azl.versions.1.default-component-config]
spec = { type = "upstream", upstream-distro = { name = "fedora", version = "43", snapshot = "2026-02-24T00:00:00-08:00" } }

[distros.fedora]
default-version = "43"
dist-git-base-uri = "https://src.example.org/rpms/$pkg.git"
lookaside-base-uri = "https://src.example.org/repo/pkgs/$pkg/$filename/$hashtype/$hash/$filename"
[distros.fedora.versions.43]
release-ver = "43"
dist-git-branch = "f43"
[distros.fedora.versions.rawhide]
release-ver = "rawhide"
dist-git-branch = "rawhide"

[components.bash]
spec = { type = "upstream", upstream-distro = { name = "fedora", version = "rawhide" } }
[components.azurelinux-rpm-config]
spec = { type = "upstream", upstream-name = "redhat-rpm-config", upstream-commit = "4a64708a0ecb0cc67fccaa7ddef8676cc0b4319f" }
[components.zlib]
[components.azurelinux-release]
spec = { type = "local", path = "azurelinux-release.spec" }
"#;

fn load(root: &Path) -> Project {
    std::fs::write(root.join("azldev.toml"), PROJECT).unwrap();
    Project::load(root, &LoadOptions::default()).unwrap()
}

fn upstream(source: ComponentSource) -> cairn_source::UpstreamSource {
    match source {
        ComponentSource::Upstream(upstream) => *upstream,
        ComponentSource::Local(local) => panic!("expected an upstream source, got {local:?}"),
    }
}

#[test]
fn components_map_to_requests_like_azldev() {
    let root = tempfile::tempdir().unwrap();
    let project = load(root.path());

    let zlib = upstream(component_source(&project, "zlib").unwrap());
    assert_eq!(zlib.request.url, "https://src.example.org/rpms/zlib.git");
    assert_eq!(zlib.request.branch, "f43");
    assert_eq!(zlib.request.pin, None);
    assert_eq!(
        zlib.request.snapshot.unwrap().to_string(),
        "2026-02-24T08:00:00Z"
    );
    assert_eq!(zlib.spec_file, "zlib.spec");
    assert_eq!(
        (zlib.distro.as_str(), zlib.version.as_str()),
        ("fedora", "43")
    );
    assert!(zlib.lookaside_template.unwrap().contains("$hashtype"));

    let bash = upstream(component_source(&project, "bash").unwrap());
    assert_eq!(bash.request.branch, "rawhide");

    let config = upstream(component_source(&project, "azurelinux-rpm-config").unwrap());
    assert_eq!(config.package, "redhat-rpm-config");
    assert_eq!(
        config.request.url,
        "https://src.example.org/rpms/redhat-rpm-config.git"
    );
    assert_eq!(config.spec_file, "redhat-rpm-config.spec");
    assert_eq!(config.request.component, "azurelinux-rpm-config");
    assert_eq!(
        config.request.pin.as_deref(),
        Some("4a64708a0ecb0cc67fccaa7ddef8676cc0b4319f")
    );

    let ComponentSource::Local(local) = component_source(&project, "azurelinux-release").unwrap()
    else {
        panic!("a local spec");
    };
    assert_eq!(local.spec, root.path().join("azurelinux-release.spec"));
}

#[test]
fn unregistered_packages_use_the_default_distro() {
    let root = tempfile::tempdir().unwrap();
    let project = load(root.path());
    let source = package_source(&project, "python3.13").unwrap();
    assert_eq!(
        source.request.url,
        "https://src.example.org/rpms/python3.13.git"
    );
    assert_eq!(source.request.branch, "f43");
    assert!(source.request.snapshot.is_some());
    assert!(matches!(
        component_source(&project, "python3.13"),
        Err(SourceConfigError::Config(_))
    ));
}

#[test]
fn the_azl4_corpus_maps_every_component() {
    let config = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/corpus/azl4/config-4.0"
    ));
    if !config.is_dir() {
        #[expect(clippy::print_stderr, reason = "a skipped test says why")]
        {
            eprintln!("skipped: the corpus is not at {}", config.display());
        }
        return;
    }
    let project = Project::load(config, &LoadOptions::default()).unwrap();
    let (mut local, mut pinned, mut rawhide, mut renamed, mut upstream_count) = (0, 0, 0, 0, 0);
    for name in project.component_names() {
        match component_source(&project, name).unwrap_or_else(|error| panic!("{name}: {error}")) {
            ComponentSource::Local(_) => local += 1,
            ComponentSource::Upstream(source) => {
                upstream_count += 1;
                assert!(
                    source
                        .request
                        .url
                        .starts_with("https://src.fedoraproject.org/rpms/"),
                    "{name}"
                );
                pinned += usize::from(source.request.pin.is_some());
                rawhide += usize::from(source.request.branch == "rawhide");
                renamed += usize::from(source.package != name);
                assert_eq!(
                    source
                        .request
                        .snapshot
                        .map(|time| time.to_string())
                        .as_deref(),
                    Some("2026-02-24T08:00:00Z"),
                    "{name}"
                );
            }
        }
    }
    assert_eq!((upstream_count + local, local), (7583, 3));
    assert_eq!((pinned, rawhide, renamed), (54, 2, 1));
}
