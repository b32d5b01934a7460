//! `cairn overlay apply` on a small sources directory.

use std::fs;
use std::path::Path;
use std::process::Command;

const SPEC: &str = "\
Name:           demo
Version:        1.0
Release:        1%{?dist}
Summary:        Demo
License:        MIT
Source0:        demo.conf

%description
Demo.

%build
make DEBUG=0

%files
/usr/share/demo/demo.conf
";

const OVERLAYS: &str = r#"
[metadata]
category = "azl-compatibility"
upstream-status = "inapplicable"

[[overlays]]
description = "Build with debug output"
type = "spec-search-replace"
section = "%build"
regex = 'DEBUG=0'
replacement = "DEBUG=1"

[[overlays]]
description = "Ship our vendor"
type = "spec-add-tag"
tag = "Vendor"
value = "cairn"

[[overlays]]
description = "Enable the feature in the shipped config"
type = "file-search-replace"
file = "*.conf"
regex = '(?m)^feature = off$'
replacement = "feature = on"
"#;

fn fixture() -> tempfile::TempDir {
    let root = tempfile::tempdir().unwrap();
    let sources = root.path().join("demo");
    fs::create_dir(&sources).unwrap();
    fs::write(sources.join("demo.spec"), SPEC).unwrap();
    fs::write(sources.join("demo.conf"), "name = demo\nfeature = off\n").unwrap();
    fs::write(root.path().join("demo.overlay.toml"), OVERLAYS).unwrap();
    root
}

fn cairn(root: &Path, args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_cairn"))
        .current_dir(root)
        .args(args)
        .output()
        .unwrap();
    let clean = |bytes: &[u8]| {
        String::from_utf8_lossy(bytes).replace(&root.display().to_string(), "[ROOT]")
    };
    (
        output.status.code().unwrap_or(-1),
        clean(&output.stdout),
        clean(&output.stderr),
    )
}

#[test]
fn apply_in_place_with_diff() {
    let root = fixture();
    let (code, stdout, stderr) = cairn(
        root.path(),
        &[
            "overlay",
            "apply",
            "--overlays",
            "demo.overlay.toml",
            "--diff",
            "demo",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    insta::assert_snapshot!("apply_diff", stdout);
    let spec = fs::read_to_string(root.path().join("demo/demo.spec")).unwrap();
    assert!(spec.contains("make DEBUG=1\n") && spec.contains("\nVendor: cairn\n%description"));
    assert_eq!(
        fs::read_to_string(root.path().join("demo/demo.conf")).unwrap(),
        "name = demo\nfeature = on\n"
    );
}

#[test]
fn out_and_dry_run_leave_the_sources_alone() {
    let root = fixture();
    let (code, _, stderr) = cairn(
        root.path(),
        &[
            "overlay",
            "apply",
            "--overlays",
            "demo.overlay.toml",
            "--out",
            "rendered",
            "demo",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        fs::read_to_string(root.path().join("demo/demo.spec")).unwrap(),
        SPEC
    );
    assert!(
        fs::read_to_string(root.path().join("rendered/demo.spec"))
            .unwrap()
            .contains("Vendor: cairn")
    );
    assert!(root.path().join("rendered/demo.conf").is_file());

    let (code, stdout, _) = cairn(
        root.path(),
        &[
            "-O",
            "json",
            "overlay",
            "apply",
            "--overlays",
            "demo.overlay.toml",
            "--dry-run",
            "demo",
        ],
    );
    assert_eq!(code, 0);
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["applied"], 3);
    assert_eq!(
        json["changed_files"],
        serde_json::json!(["demo.conf", "demo.spec"])
    );
    assert!(json["written_to"].is_null());
    assert_eq!(
        fs::read_to_string(root.path().join("demo/demo.spec")).unwrap(),
        SPEC
    );
}

#[test]
fn an_overlay_that_matches_nothing_fails_and_names_it() {
    let root = fixture();
    let broken = OVERLAYS.replace("regex = 'DEBUG=0'", "regex = 'DEBUG=2'");
    fs::write(root.path().join("demo.overlay.toml"), broken).unwrap();
    let (code, stdout, stderr) = cairn(
        root.path(),
        &[
            "overlay",
            "apply",
            "--overlays",
            "demo.overlay.toml",
            "demo",
        ],
    );
    assert_eq!(code, 2);
    assert_eq!(stdout, "");
    insta::assert_snapshot!("apply_no_match", stderr);
    assert_eq!(
        fs::read_to_string(root.path().join("demo/demo.conf")).unwrap(),
        "name = demo\nfeature = off\n"
    );
}
