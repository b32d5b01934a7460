//! Seeded mistakes: each is reported at the right file, line and column.

use cairn_config::{DiagnosticKind, LoadOptions, Project};

use crate::{fixture, load_error};

#[test]
fn typos_are_reported_with_position_and_suggestion() {
    insta::assert_snapshot!(load_error("typo", &LoadOptions::default()), @r"
    the configuration has 6 problems:
      [fixture]/azldev.toml:4:1: unknown key `descripton` in `project`; did you mean `description`?
      [fixture]/comps/curl.comp.toml:2:1: unknown key `spce` in `components.curl`; did you mean `spec`?
      [fixture]/comps/curl.comp.toml:5:24: unknown key `skip-reason` in `components.curl.build.check`; did you mean `skip_reason`?
      [fixture]/comps/curl.comp.toml:9:1: unknown key `descripton` in `components.curl.overlays[0]`; did you mean `description`?
      [fixture]/comps/curl.comp.toml:13:8: unknown key `imagecustomizer` in `tools`; did you mean `imageCustomizer`?
      [fixture]/comps/curl.comp.toml:5:1: `check.skip = true` needs a `skip_reason` saying why the tests are disabled (at `components.curl.build.check`)
    ");
}

#[test]
fn permissive_config_turns_unknown_keys_into_warnings() {
    let options = LoadOptions {
        permissive: true,
        ..LoadOptions::default()
    };
    let project = Project::load(&fixture("typo"), &options).unwrap();
    let kinds: Vec<DiagnosticKind> = project.warnings().iter().map(|w| w.kind).collect();
    assert_eq!(
        kinds.len(),
        6,
        "5 unknown keys and the skip without skip_reason: {:?}",
        project.warnings()
    );
    assert!(
        kinds.contains(&DiagnosticKind::UnknownKey) && kinds.contains(&DiagnosticKind::Invalid)
    );
    let curl = project.resolve_component("curl").unwrap();
    assert_eq!(
        curl.config.overlays.len(),
        1,
        "the overlay survives without its unknown key"
    );
    assert_eq!(curl.config.build.check.skip, Some(true));
}

#[test]
fn a_bad_overlay_type_names_the_line_of_the_value() {
    insta::assert_snapshot!(load_error("bad-overlay-type", &LoadOptions::default()), @"[fixture]/azldev.toml:11:8: unknown variant `spec-ad-tag`, expected one of `spec-add-tag`, `spec-insert-tag`, `spec-set-tag`, `spec-update-tag`, `spec-remove-tag`, `spec-prepend-lines`, `spec-append-lines`, `spec-search-replace`, `spec-remove-section`, `spec-remove-subpackage`, `patch-add`, `patch-remove`, `file-prepend-lines`, `file-search-replace`, `file-add`, `file-remove`, `file-rename`");
}

#[test]
fn a_missing_literal_include_is_an_error_and_an_empty_glob_is_not() {
    insta::assert_snapshot!(load_error("missing-include", &LoadOptions::default()), @"[fixture]/azldev.toml:3:5: included file `distro/distro.toml` does not exist ([fixture]/distro/distro.toml); fix the path or use a glob if it is optional");
}

#[test]
fn include_cycles_are_errors_even_with_permissive_config() {
    let options = LoadOptions {
        permissive: true,
        ..LoadOptions::default()
    };
    insta::assert_snapshot!(load_error("cycle", &options), @"[fixture]/b.toml:1:13: include cycle: [fixture]/azldev.toml -> [fixture]/a.toml -> [fixture]/b.toml -> [fixture]/a.toml; remove one of these includes");
}

#[test]
fn a_component_defined_twice_names_both_places() {
    insta::assert_snapshot!(load_error("duplicate", &LoadOptions::default()), @"[fixture]/comps/zlib.comp.toml:2:13: component `zlib` is already defined at [fixture]/azldev.toml:3:13; define it in one file only");
}

#[test]
fn broken_rules_name_the_key() {
    insta::assert_snapshot!(load_error("bad-values", &LoadOptions::default()), @r"
    the configuration has 4 problems:
      [fixture]/azldev.toml:2:29: `upstream-commit` must be 7 to 40 hexadecimal digits, not `not-hex!` (at `components.a.spec.upstream-commit`)
      [fixture]/azldev.toml:5:1: `check.skip = true` needs a `skip_reason` saying why the tests are disabled (at `components.b.build.check`)
      [fixture]/azldev.toml:9:1: `hash` of `c.tar.gz` needs `hash-type` (SHA256 or SHA512) (at `components.c.source-files[0].hash`)
      [fixture]/azldev.toml:10:31: `uri` of `c.tar.gz` needs a scheme such as https://, not `example.com/c.tar.gz` (at `components.c.source-files[0].origin.uri`)
    ");
}

#[test]
fn a_file_included_twice_without_a_cycle_loads_once() {
    let project = Project::load(&fixture("diamond"), &LoadOptions::default()).unwrap();
    assert!(project.components().contains_key("shared"));
    assert_eq!(
        project
            .files()
            .iter()
            .filter(|f| f.ends_with("shared.toml"))
            .count(),
        1
    );
}

#[test]
fn no_project_file_is_reported_with_the_way_out() {
    let dir = tempfile::tempdir().unwrap();
    let error = Project::load(dir.path(), &LoadOptions::default()).unwrap_err();
    assert!(
        error.to_string().contains("pass -C <project directory>"),
        "{error}"
    );
}
