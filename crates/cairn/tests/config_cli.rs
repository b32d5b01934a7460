//! `cairn config` and `cairn component list` on a small project.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

const PROJECT: &str = r#"
includes = ["comps/**/*.comp.toml"]

[project]
description = "demo"
default-distro = { name = "fedora" }

[distros.fedora]
default-version = "43"
[distros.fedora.versions.43]
release-ver = "43"
dist-git-branch = "f43"
[distros.fedora.versions.43.default-component-config]
spec = { type = "upstream", upstream-distro = { name = "fedora", version = "43" } }

[component-groups.no-check]
components = ["bash"]
default-component-config.build.check = { skip = true, skip_reason = "flaky" }

[components.bash]
[components.zlib]
"#;

const CURL: &str = r#"
[components.curl]
spec = { type = "upstream", upstream-commit = "abc1234" }
build.without = ["http3"]

[[components.curl.overlays]]
description = "Drop a test dependency"
type = "spec-remove-tag"
tag = "BuildRequires"
value = "stunnel"
"#;

fn write_project(root: &Path) {
    fs::write(root.join("azldev.toml"), PROJECT).unwrap();
    fs::create_dir_all(root.join("comps/curl")).unwrap();
    fs::write(root.join("comps/curl/curl.comp.toml"), CURL).unwrap();
}

fn cairn(root: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cairn"))
        .arg("-C")
        .arg(root)
        .args(args)
        .env("XDG_CONFIG_HOME", root)
        .env_remove("CAIRN_LOG")
        .output()
        .unwrap()
}

fn text(root: &Path, bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).replace(&root.display().to_string(), "[project]")
}

#[test]
fn component_list_shows_resolved_specs_and_rendered_dirs() {
    let dir = tempfile::tempdir().unwrap();
    write_project(dir.path());
    let output = cairn(dir.path(), &["component", "list", "-a"]);
    assert!(
        output.status.success(),
        "{}",
        text(dir.path(), &output.stderr)
    );
    insta::assert_snapshot!(text(dir.path(), &output.stdout), @r"
    bash  specs/b/bash  upstream fedora 43
    curl  specs/c/curl  upstream fedora 43 @abc1234
    zlib  specs/z/zlib  upstream fedora 43
    ");
}

#[test]
fn component_list_json_has_the_resolved_configuration() {
    let dir = tempfile::tempdir().unwrap();
    write_project(dir.path());
    let output = cairn(
        dir.path(),
        &["component", "list", "-g", "no-check", "-O", "json"],
    );
    assert!(
        output.status.success(),
        "{}",
        text(dir.path(), &output.stderr)
    );
    insta::assert_snapshot!(text(dir.path(), &output.stdout), @r#"
    [
      {
        "name": "bash",
        "defined-at": {
          "file": "[project]/azldev.toml",
          "line": 20,
          "column": 13
        },
        "groups": [
          "no-check"
        ],
        "rendered-spec-dir": "[project]/specs/b/bash",
        "spec": {
          "type": "upstream",
          "upstream-distro": {
            "name": "fedora",
            "version": "43"
          }
        },
        "release": {
          "calculation": "auto"
        },
        "build": {
          "check": {
            "skip": true,
            "skip_reason": "flaky"
          }
        }
      }
    ]
    "#);
}

#[test]
fn config_dump_is_toml_by_default_and_json_on_request() {
    let dir = tempfile::tempdir().unwrap();
    write_project(dir.path());
    let toml = cairn(dir.path(), &["config", "dump"]);
    assert!(toml.status.success(), "{}", text(dir.path(), &toml.stderr));
    let toml = text(dir.path(), &toml.stdout);
    assert!(
        toml.contains("[components.curl.build]\nwithout = [\"http3\"]"),
        "{toml}"
    );
    assert!(
        toml.contains("rendered-specs-dir = \"[project]/specs\""),
        "{toml}"
    );
    let json = cairn(dir.path(), &["config", "dump", "-O", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(
        json["components"]["curl"]["overlays"][0]["type"],
        "spec-remove-tag"
    );
    assert_eq!(json["components"]["bash"]["build"]["check"]["skip"], true);
}

#[test]
fn config_schema_is_json_schema_2020_12() {
    let dir = tempfile::tempdir().unwrap();
    let output = cairn(dir.path(), &["config", "schema"]);
    let schema: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    assert!(schema["$defs"]["ComponentConfig"]["properties"]["overlay-files"].is_object());
}

#[test]
fn a_typo_fails_with_its_position_and_permissive_config_warns() {
    let dir = tempfile::tempdir().unwrap();
    write_project(dir.path());
    fs::write(
        dir.path().join("comps/curl/curl.comp.toml"),
        CURL.replace("build.without", "biuld.without"),
    )
    .unwrap();
    let output = cairn(dir.path(), &["component", "list", "-p", "curl"]);
    assert_eq!(output.status.code(), Some(2));
    insta::assert_snapshot!(text(dir.path(), &output.stderr), @r"
    error: cannot load the project configuration
      caused by: [project]/comps/curl/curl.comp.toml:4:1: unknown key `biuld` in `components.curl`; did you mean `build`?
    ");
    let output = cairn(
        dir.path(),
        &["--permissive-config", "component", "list", "-p", "curl"],
    );
    assert!(output.status.success());
    assert!(text(dir.path(), &output.stderr).contains("unknown key `biuld`"));
}

#[test]
fn unknown_names_get_suggestions_and_an_empty_filter_a_hint() {
    let dir = tempfile::tempdir().unwrap();
    write_project(dir.path());
    let output = cairn(dir.path(), &["component", "list", "crul"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        text(dir.path(), &output.stderr),
        "error: no component named `crul`; did you mean `curl`?\n"
    );
    let output = cairn(dir.path(), &["component", "list"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(text(dir.path(), &output.stderr).contains("hint: pass -a for every component"));
}
