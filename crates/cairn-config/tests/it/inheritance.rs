//! Merge and inheritance rules, on small projects written to a temporary directory.

use std::path::Path;

use cairn_config::model::{ReleaseCalculation, SpecSourceType};
use cairn_config::{ComponentFilter, LoadOptions, MergeMode, Project};

use crate::{load, project};

const LAYERS: &str = r#"
[project]
default-distro = { name = "azl" }

[distros.azl]
default-version = "1"
[distros.azl.versions.1]
release-ver = "1"
[distros.azl.versions.1.default-component-config]
spec = { type = "upstream", upstream-distro = { name = "fedora", version = "43", snapshot = "2026-02-24T00:00:00-08:00" } }
build = { with = ["from-distro"], defines = { layer = "distro" } }

[default-component-config.build]
with = ["from-project"]
defines = { layer = "project", project = "yes" }

[component-groups.b-group]
components = ["pkg"]
[component-groups.b-group.default-component-config.build]
check = { skip = true, skip_reason = "group b disables tests" }
defines = { layer = "b" }

[component-groups.a-group]
components = ["pkg"]
[component-groups.a-group.default-component-config.build]
defines = { layer = "a", a = "yes" }

[components.pkg]
spec = { type = "upstream", upstream-distro = { name = "fedora", version = "rawhide" } }
build = { with = ["from-component"], check = { skip = false }, defines = { empty = "" } }

[components.bare]
"#;

#[test]
fn layers_apply_distro_then_project_then_groups_alphabetically_then_component() {
    let dir = project(&[("azldev.toml", LAYERS)]);
    let project = load(&dir).unwrap();
    let pkg = project.resolve_component("pkg").unwrap();
    assert_eq!(pkg.groups, ["a-group", "b-group"]);
    let build = &pkg.config.build;
    assert_eq!(
        build.with,
        ["from-distro", "from-project", "from-component"],
        "lists append"
    );
    assert_eq!(
        build.defines["layer"], "b",
        "b-group is applied after a-group"
    );
    assert_eq!(build.defines["a"], "yes");
    assert_eq!(build.defines["project"], "yes");
    assert_eq!(
        build.defines["empty"], "",
        "an empty value fills an unset key"
    );
    let upstream = &pkg.config.spec.upstream_distro;
    assert_eq!(upstream.version.as_deref(), Some("rawhide"));
    assert_eq!(
        upstream.snapshot.as_deref(),
        Some("2026-02-24T00:00:00-08:00"),
        "the snapshot is inherited field by field"
    );
    assert_eq!(
        pkg.config.release.calculation,
        Some(ReleaseCalculation::Auto)
    );

    let bare = project.resolve_component("bare").unwrap();
    assert_eq!(bare.config.build.with, ["from-distro", "from-project"]);
    assert_eq!(bare.config.spec.kind, Some(SpecSourceType::Upstream));
    assert_eq!(
        bare.rendered_spec_dir.as_deref(),
        Some(dir.path().join("specs/b/bare").as_path())
    );
}

#[test]
fn a_false_never_undoes_an_inherited_true_unless_explicit_overrides_are_asked_for() {
    let dir = project(&[("azldev.toml", LAYERS)]);
    let azldev = load(&dir).unwrap().resolve_component("pkg").unwrap();
    assert_eq!(
        azldev.config.build.check.skip,
        Some(true),
        "azldev: zero values never override"
    );

    let options = LoadOptions {
        merge_mode: MergeMode::ExplicitOverrides,
        ..LoadOptions::default()
    };
    let explicit = Project::load(dir.path(), &options)
        .unwrap()
        .resolve_component("pkg")
        .unwrap();
    assert_eq!(explicit.config.build.check.skip, Some(false));
    assert_eq!(explicit.config.build.defines["empty"], "");
}

#[test]
fn relative_paths_become_absolute_against_the_defining_file() {
    let dir = project(&[
        (
            "azldev.toml",
            "includes = ['comps/**/*.comp.toml']\n[project]\nrendered-specs-dir = 'out/../rendered'\n",
        ),
        (
            "comps/local/local.comp.toml",
            "[components.local]\nspec = { type = 'local', path = 'local.spec' }\n\
             [[components.local.overlays]]\ntype = 'file-add'\nfile = 'x.conf'\nsource = 'files/x.conf'\n",
        ),
    ]);
    let project = load(&dir).unwrap();
    let local = project.resolve_component("local").unwrap();
    let comp_dir = dir.path().join("comps/local");
    assert_eq!(
        local.config.spec.path.as_deref(),
        Some(comp_dir.join("local.spec").as_path())
    );
    assert_eq!(
        local.config.overlays[0].source.as_deref().map(Path::new),
        Some(comp_dir.join("files/x.conf").as_path())
    );
    assert_eq!(
        local.rendered_spec_dir.unwrap(),
        dir.path().join("rendered/l/local")
    );
    assert_eq!(local.defined_at.unwrap().line, 1);
}

#[test]
fn extra_config_files_extend_distros_field_by_field() {
    let dir = project(&[
        (
            "azldev.toml",
            "[distros.fedora]\ndescription = 'Fedora'\ndist-git-base-uri = 'https://src/$pkg.git'\n\
             repos = [{ base-uri = 'https://a' }]\n[distros.fedora.versions.43]\nrelease-ver = '43'\n",
        ),
        (
            "override.toml",
            "[distros.fedora]\ndist-git-base-uri = 'git://mirror/$pkg.git'\n",
        ),
    ]);
    let options = LoadOptions {
        extra_files: vec![dir.path().join("override.toml")],
        ..LoadOptions::default()
    };
    let project = Project::load(dir.path(), &options).unwrap();
    let fedora = &project.distros()["fedora"];
    assert_eq!(
        fedora.dist_git_base_uri.as_deref(),
        Some("git://mirror/$pkg.git")
    );
    assert_eq!(fedora.description.as_deref(), Some("Fedora"));
    assert_eq!(
        fedora.repos.len(),
        1,
        "an unset list does not clear the earlier one"
    );
    assert!(fedora.versions.contains_key("43"));
}

const OVERLAY_FILE_A: &str = "[metadata]\ncategory = 'azl-pruning'\nupstream-status = 'inapplicable'\n\
    [[overlays]]\ntype = 'spec-remove-tag'\ntag = 'Recommends'\n";
const OVERLAY_FILE_B: &str = "[metadata]\ncategory = 'azl-compatibility'\nupstream-status = 'unknown'\n\
    [[overlays]]\ntype = 'file-add'\nfile = 'b.conf'\nsource = 'b.conf'\n";

#[test]
fn overlay_files_load_after_inline_overlays_and_a_later_layer_replaces_the_list() {
    let dir = project(&[
        (
            "azldev.toml",
            "includes = ['comps/*/*.comp.toml']\n\
             [component-groups.g]\ncomponents = ['cleared', 'kept']\n\
             [component-groups.g.default-component-config]\noverlay-files = ['overlays/*.toml']\n",
        ),
        (
            "comps/kept/kept.comp.toml",
            "[components.kept]\n[[components.kept.overlays]]\ntype = 'spec-add-tag'\ntag = 'Provides'\nvalue = 'k'\n",
        ),
        ("comps/kept/overlays/b.toml", OVERLAY_FILE_B),
        ("comps/kept/overlays/a.toml", OVERLAY_FILE_A),
        (
            "comps/cleared/cleared.comp.toml",
            "[components.cleared]\noverlay-files = []\n",
        ),
        ("comps/cleared/overlays/a.toml", OVERLAY_FILE_A),
    ]);
    let project = load(&dir).unwrap();
    let kept = project.resolve_component("kept").unwrap();
    let kinds: Vec<&str> = kept
        .config
        .overlays
        .iter()
        .map(|o| o.kind.as_str())
        .collect();
    assert_eq!(
        kinds,
        ["spec-add-tag", "spec-remove-tag", "file-add"],
        "inline first, then files by name"
    );
    let stamped = kept.config.overlays[2].metadata.as_ref().unwrap();
    assert_eq!(stamped.category.as_deref(), Some("azl-compatibility"));
    let source = kept.config.overlays[2].source.as_deref().unwrap();
    assert_eq!(
        Path::new(source),
        dir.path().join("comps/kept/overlays/b.conf")
    );
    assert!(
        kept.config.overlay_files.is_none(),
        "expanded lists are not kept"
    );

    let cleared = project.resolve_component("cleared").unwrap();
    assert!(
        cleared.config.overlays.is_empty(),
        "`overlay-files = []` clears the inherited list"
    );
}

#[test]
fn a_literal_overlay_file_that_does_not_exist_is_an_error_at_resolution() {
    let dir = project(&[(
        "azldev.toml",
        "[components.x]\noverlay-files = ['nope.toml']\n",
    )]);
    let error = load(&dir).unwrap().resolve_component("x").unwrap_err();
    assert!(
        error
            .to_string()
            .contains("overlay file `nope.toml` of component `x` does not exist"),
        "{error}"
    );
}

#[test]
fn group_spec_globs_discover_local_components() {
    let dir = project(&[
        (
            "azldev.toml",
            "[component-groups.local]\nspecs = ['SPECS/**/*.spec']\nexcluded-paths = ['SPECS/skip/**']\n\
             [component-groups.local.default-component-config.build]\nwith = ['ignored']\n",
        ),
        ("SPECS/hello/hello.spec", "Name: hello\n"),
        ("SPECS/skip/skipped.spec", "Name: skipped\n"),
    ]);
    let project = load(&dir).unwrap();
    assert_eq!(project.component_names().collect::<Vec<_>>(), ["hello"]);
    let hello = project.resolve_component("hello").unwrap();
    assert_eq!(hello.config.spec.kind, Some(SpecSourceType::Local));
    assert_eq!(
        hello.config.spec.path.unwrap(),
        dir.path().join("SPECS/hello/hello.spec")
    );
    // azldev applies a group's defaults only to the components its `components` list names.
    assert!(hello.config.build.with.is_empty());
    assert_eq!(project.group_members("local").unwrap(), ["hello"]);
}

#[test]
fn filters_select_by_glob_and_group_and_suggest_close_names() {
    let dir = project(&[(
        "azldev.toml",
        "[components.curl]\n[components.curl-minimal]\n[components.bash]\n\
         [component-groups.shells]\ncomponents = ['bash']\n",
    )]);
    let project = load(&dir).unwrap();
    let select = |patterns: &[&str], groups: &[&str]| {
        let filter = ComponentFilter {
            all: false,
            patterns: patterns.iter().map(|s| s.to_string()).collect(),
            groups: groups.iter().map(|s| s.to_string()).collect(),
        };
        project.select_components(&filter)
    };
    assert_eq!(select(&["curl*"], &[]).unwrap(), ["curl", "curl-minimal"]);
    assert_eq!(select(&["curl"], &["shells"]).unwrap(), ["bash", "curl"]);
    let error = select(&["crul"], &[]).unwrap_err().to_string();
    assert_eq!(error, "no component named `crul`; did you mean `curl`?");
    let error = select(&[], &["shell"]).unwrap_err().to_string();
    assert_eq!(
        error,
        "no component group named `shell`; did you mean `shells`?"
    );
}

#[test]
fn cross_file_references_are_checked() {
    let dir = project(&[(
        "azldev.toml",
        "[project]\ndefault-distro = { name = 'nowhere' }\n\
         [component-groups.g]\ncomponents = ['ghost']\n\
         [package-groups.one]\npackages = ['p']\n[package-groups.two]\npackages = ['p']\n",
    )]);
    let error = load(&dir).unwrap_err().to_string();
    assert!(
        error.contains("names distro `nowhere`, which is not defined"),
        "{error}"
    );
    assert!(
        error.contains("group `g` lists component `ghost`, which is not defined"),
        "{error}"
    );
    assert!(
        error.contains("package `p` is in package groups `one` and `two`"),
        "{error}"
    );
}
