//! The real Azure Linux 4.0 configuration (skipped when ../shared/corpus is absent).

use cairn_config::{LoadOptions, Project};

use crate::corpus_config;

#[test]
fn the_4_0_configuration_loads_with_every_component() {
    let Some(dir) = corpus_config() else { return };
    let project =
        Project::load(&dir, &LoadOptions::default()).unwrap_or_else(|error| panic!("{error}"));
    assert!(project.warnings().is_empty());
    assert_eq!(project.component_names().count(), 7583);
    assert_eq!(project.files().len(), 213);
    let overlays: usize = project
        .components()
        .values()
        .map(|c| c.config.overlays.len())
        .sum();
    assert_eq!(overlays, 233);
    let group = &project.component_groups()["check-skip-initial-failures"];
    assert_eq!(group.config.components.len(), 182);
    assert_eq!(
        project
            .group_members("check-skip-initial-failures")
            .unwrap()
            .len(),
        182
    );

    let kernel = project.resolve_component("kernel").unwrap();
    assert_eq!(kernel.config.build.without, ["debug"]);
    assert_eq!(kernel.config.overlays.len(), 17);
    assert_eq!(kernel.config.source_files.len(), 1);
    assert!(
        kernel
            .config
            .overlays
            .iter()
            .filter_map(|o| o.source.as_deref())
            .all(|s| s.starts_with('/'))
    );
    let rendered = kernel.rendered_spec_dir.unwrap();
    assert_eq!(
        rendered,
        dir.join("specs/k/kernel"),
        "rendered-specs-dir is '../specs' relative to base/"
    );

    let skipped = project.resolve_component("containerd").unwrap();
    assert_eq!(skipped.groups, ["check-skip-initial-failures"]);
    assert_eq!(skipped.config.build.check.skip, Some(true));
    assert_eq!(
        skipped.config.build.check.skip_reason.as_deref(),
        Some("Disabling checks for initial set of failures.")
    );

    let bare = project.resolve_component("zlib-ng").unwrap();
    let upstream = &bare.config.spec.upstream_distro;
    assert_eq!(
        (upstream.name.as_deref(), upstream.version.as_deref()),
        (Some("fedora"), Some("43"))
    );
    assert_eq!(
        upstream.snapshot.as_deref(),
        Some("2026-02-24T00:00:00-08:00")
    );

    let dump = project.dump().unwrap();
    assert_eq!(dump.components.len(), 7583);
    assert!(
        dump.to_toml()
            .unwrap()
            .contains("[components.kernel.build]")
    );
}

#[test]
fn an_extra_config_file_points_fedora_at_mirrors() {
    let Some(dir) = corpus_config() else { return };
    let options = LoadOptions {
        extra_files: vec![dir.join("overrides/fedora.distro.azl.sources.toml")],
        ..LoadOptions::default()
    };
    let project = Project::load(&dir, &options).unwrap();
    let fedora = &project.distros()["fedora"];
    assert_eq!(
        fedora.dist_git_base_uri.as_deref(),
        Some("git://azl.src.kojiaks.internal/rpms/$pkg.git")
    );
    assert!(
        fedora
            .lookaside_base_uri
            .as_deref()
            .unwrap()
            .starts_with("https://azltempstaginglookaside.")
    );
    assert_eq!(
        fedora.description.as_deref(),
        Some("Fedora Linux"),
        "fields the override omits stay"
    );
    assert_eq!(fedora.versions.len(), 5);
    assert_eq!(fedora.repos.len(), 3);
}
