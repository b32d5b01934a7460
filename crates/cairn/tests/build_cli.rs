//! `cairn build` on a tiny project of local noarch specs (`low`, `high` BuildRequires low,
//! `alone`): what a dry run says, a build, a no-op rebuild, and a failure with its summary.
//! Skipped with a message when bwrap or rpmbuild is missing.

#![allow(clippy::print_stdout)] // skip messages for the test output

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

const CONFIG: &str = r#"
includes = ["*.comp.toml"]

[project]
rendered-specs-dir = "specs"
work-dir = "work"
output-dir = "out"
log-dir = "logs"

[cairn.build]
sysroot-macro = "sysroot"
"#;

fn spec(name: &str, requires: &str, build: &str) -> String {
    format!(
        "Name: {name}\nVersion: 1\nRelease: 1\nSummary: {name}\nLicense: MIT\nBuildArch: noarch\n{requires}\n\
         %description\n{name}.\n\n%build\n{build}\n\n%install\nmkdir -p %{{buildroot}}/usr/share/{name}\n\
         echo {name} > %{{buildroot}}/usr/share/{name}/data\n\n%files\n/usr/share/{name}/data\n"
    )
}

fn write_component(dir: &Path, name: &str, spec_text: &str) {
    fs::write(dir.join(format!("{name}.spec")), spec_text).unwrap();
    fs::write(
        dir.join(format!("{name}.comp.toml")),
        format!("[components.{name}]\nspec = {{ type = \"local\", path = \"{name}.spec\" }}\n"),
    )
    .unwrap();
}

fn cairn(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cairn"))
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("CAIRN_CACHE_DIR", dir.join("cache"))
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .output()
        .unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn project() -> Option<tempfile::TempDir> {
    for program in ["bwrap", "rpmbuild"] {
        let found = std::env::var_os("PATH").is_some_and(|path| {
            std::env::split_paths(&path).any(|dir| dir.join(program).is_file())
        });
        if !found {
            println!("skipping: {program} is not installed");
            return None;
        }
    }
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("azldev.toml"), CONFIG).unwrap();
    write_component(dir.path(), "low", &spec("low", "", "true"));
    write_component(
        dir.path(),
        "high",
        &spec(
            "high",
            "BuildRequires: low",
            "test -f %{sysroot}/usr/share/low/data",
        ),
    );
    write_component(dir.path(), "alone", &spec("alone", "", "true"));
    let render = cairn(dir.path(), &["component", "render", "-a", "-q"]);
    assert!(render.status.success(), "{render:?}");
    Some(dir)
}

#[test]
fn dry_run_build_no_op_and_failure() {
    let Some(dir) = project() else {
        return;
    };
    let dry = cairn(dir.path(), &["build", "-a", "--dry-run"]);
    assert!(dry.status.success(), "{dry:?}");
    insta::assert_snapshot!(stdout(&dry).lines().take(6).collect::<Vec<_>>().join("\n"), @r"
    alone  stale
             rebuild: never built
    low    stale
             rebuild: never built
    high   stale
             rebuild: needs low, which is rebuilt first
    ");

    let built = cairn(dir.path(), &["build", "-a", "-j", "2", "-O", "json"]);
    assert!(built.status.success(), "{built:?}");
    let report: serde_json::Value = serde_json::from_slice(&built.stdout).unwrap();
    let statuses: Vec<(&str, &str)> = report["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|stage| {
            (
                stage["stage"].as_str().unwrap(),
                stage["status"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        statuses,
        [("alone", "built"), ("low", "built"), ("high", "built")]
    );
    assert!(dir.path().join("out/rpms/repodata/repomd.xml").is_file());

    let again = cairn(dir.path(), &["build", "-a"]);
    assert!(again.status.success(), "{again:?}");
    let summary = stdout(&again);
    assert!(
        summary
            .lines()
            .last()
            .unwrap()
            .starts_with("0 built, 3 up to date, 0 stale, 0 failed, 0 blocked"),
        "{summary}"
    );

    write_component(
        dir.path(),
        "low",
        &spec("low", "", "echo 'low: cannot build'; exit 1"),
    );
    assert!(
        cairn(dir.path(), &["component", "render", "-a", "-q"])
            .status
            .success()
    );
    let failed = cairn(dir.path(), &["build", "-a", "--continue-on-error"]);
    assert_eq!(failed.status.code(), Some(2), "{failed:?}");
    let text = stdout(&failed);
    assert!(text.contains("low    FAILED "), "{text}");
    assert!(
        text.contains("high   blocked\n         needs low, which did not build\n"),
        "{text}"
    );
    assert!(text.contains("low failed; from "), "{text}");
    assert!(text.contains("  low: cannot build\n"), "{text}");
    assert!(text.contains("Bad exit status"), "{text}");
    let stderr = String::from_utf8_lossy(&failed.stderr);
    assert!(
        stderr.contains("1 stage(s) failed") && stderr.contains("hint:"),
        "{stderr}"
    );
}
