//! `cairn plan` on a small project whose specs are already in the rendered layout: a
//! BuildRequires chain through Requires, a bootstrap cycle broken by configuration, a cycle
//! left unbroken with a proposed break, an unresolved and an ambiguous BuildRequires, and a
//! component not rendered yet.

#![expect(clippy::print_stderr, reason = "tests say when they skip")]

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

const CONFIG: &str = r#"
[project]
rendered-specs-dir = "specs"

[components.filesystem]
[components.musl]
[components.busybox]
[components.zlib]
[components.lz4]
[components.zstd]
[components.python]
[components.sphinx]
[components.unrendered]

[cairn.build.host-provides]
capabilities = ["gcc", "make"]

[cairn.build.bootstrap.musl]
with = ["bootstrap"]
"#;

const HEADER: &str = "Version: 1\nRelease: 1\nSummary: s\nLicense: MIT\n";

const SPECS: &[(&str, &str)] = &[
    ("filesystem", "BuildArch: noarch\n%description\nd\n%files\n"),
    (
        "musl",
        "%bcond bootstrap 0\nBuildRequires: gcc\n%if %{without bootstrap}\nBuildRequires: busybox\n%endif\nRequires: filesystem\n%description\nd\n%package devel\nSummary: s\nRequires: musl = %{version}-%{release}\n%description devel\nd\n%files\n%files devel\n",
    ),
    (
        "busybox",
        "BuildRequires: gcc make musl-devel\nProvides: /bin/sh\n%description\nd\n%files\n",
    ),
    (
        "zlib",
        "BuildRequires: musl-devel\nBuildRequires: not-built-anywhere\n%description\nd\n%package devel\nSummary: s\nRequires: zlib = %{version}-%{release}\nProvides: compression-headers\n%description devel\nd\n%files\n%files devel\n",
    ),
    (
        "lz4",
        "BuildRequires: musl-devel\n%description\nd\n%package devel\nSummary: s\nProvides: compression-headers\n%description devel\nd\n%files\n%files devel\n",
    ),
    (
        "zstd",
        "BuildRequires: zlib-devel lz4-devel compression-headers\n%description\nd\n%files\n",
    ),
    (
        "python",
        "%bcond bootstrap 0\nBuildRequires: musl-devel\n%if %{without bootstrap}\nBuildRequires: python-sphinx\n%endif\n%description\nd\n%files\n",
    ),
    (
        "sphinx",
        "BuildArch: noarch\nBuildRequires: python\n%description\nd\n%package -n python-sphinx\nSummary: s\n%description -n python-sphinx\nd\n%files -n python-sphinx\n",
    ),
];

struct Fixture {
    dir: tempfile::TempDir,
}

impl Fixture {
    fn new(rendered: bool) -> Option<Self> {
        if !Path::new("/usr/lib/rpm/macros").is_file() {
            eprintln!("skipping: the host has no rpm macros (/usr/lib/rpm/macros)");
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        let project = dir.path().join("project");
        fs::create_dir_all(&project).unwrap();
        fs::write(project.join("azldev.toml"), CONFIG).unwrap();
        if rendered {
            for (name, body) in SPECS {
                let spec_dir = project.join("specs").join(&name[..1]).join(name);
                fs::create_dir_all(&spec_dir).unwrap();
                fs::write(
                    spec_dir.join(format!("{name}.spec")),
                    format!("Name: {name}\n{HEADER}{body}"),
                )
                .unwrap();
            }
        }
        Some(Self { dir })
    }

    fn cairn(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_cairn"))
            .arg("-C")
            .arg(self.dir.path().join("project"))
            .args(args)
            .env("XDG_CACHE_HOME", self.dir.path().join("cache"))
            .env_remove("CAIRN_CACHE_DIR")
            .env("XDG_CONFIG_HOME", self.dir.path().join("config"))
            .env("HOME", self.dir.path().join("home"))
            .env_remove("CAIRN_LOG")
            .output()
            .unwrap()
    }

    fn json(&self, args: &[&str]) -> serde_json::Value {
        let output = self.cairn(&[args, &["-O", "json"]].concat());
        assert!(output.status.success(), "{}", stderr(&output));
        serde_json::from_slice(&output.stdout).unwrap()
    }
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The text output without its timings and the temporary directory.
fn redact(text: &str, fixture: &Fixture) -> String {
    let text = text.replace(&fixture.dir.path().display().to_string(), "[TMP]");
    text.lines()
        .map(|line| match line.find("from cache, in ") {
            Some(at) => format!("{}from cache, in [TIME]", &line[..at]),
            None => line.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn plan_prints_waves_cycles_and_problems() {
    let Some(fixture) = Fixture::new(true) else {
        return;
    };
    let output = fixture.cairn(&["plan", "-a"]);
    assert!(output.status.success(), "{}", stderr(&output));
    insta::assert_snapshot!("plan_all", redact(&stdout(&output), &fixture));

    let explained = fixture.cairn(&["plan", "-a", "--explain"]);
    assert!(explained.status.success(), "{}", stderr(&explained));
    insta::assert_snapshot!("plan_explain", redact(&stdout(&explained), &fixture));

    // Problems (an unbroken cycle, a BuildRequires nothing provides, an unrendered component)
    // fail a --check.
    let check = fixture.cairn(&["plan", "-a", "--check"]);
    assert_eq!(check.status.code(), Some(1), "{}", stderr(&check));
}

#[test]
fn plan_json_selects_a_closure_and_uses_the_cache() {
    let Some(fixture) = Fixture::new(true) else {
        return;
    };
    let first = fixture.json(&["plan", "-a"]);
    assert_eq!(first["summary"]["evaluated"], 9, "{first:#}");
    let again = fixture.json(&["plan", "-a"]);
    assert_eq!(again["summary"]["evaluated"], 0, "{again:#}");
    assert_eq!(again["summary"]["cached"], 9);
    assert_eq!(again["waves"], first["waves"]);

    let zlib = fixture.json(&["plan", "-p", "zlib"]);
    assert_eq!(
        zlib["waves"],
        serde_json::json!([
            ["filesystem", "musl+bootstrap"],
            ["busybox"],
            ["musl"],
            ["zlib"]
        ])
    );
    let components: Vec<&str> = zlib["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|component| component["name"].as_str().unwrap())
        .collect();
    assert_eq!(components, ["busybox", "filesystem", "musl", "zlib"]);
    assert_eq!(
        zlib["components"][3]["unresolved"]["missing"][0],
        "not-built-anywhere"
    );
    let cycles = zlib["cycles"].as_array().unwrap();
    assert_eq!(cycles.len(), 1);
    assert_eq!(cycles[0]["members"], serde_json::json!(["busybox", "musl"]));
    assert_eq!(cycles[0]["broken"], true);
    assert!(
        zlib["staleness"].is_null(),
        "staleness is told with --explain"
    );

    // Nothing was built: every shown build is stale ("never built") or waits for one, in
    // wave order.
    let explained = fixture.json(&["plan", "-p", "zlib", "--explain"]);
    let staleness = explained["staleness"]["stages"].as_array().unwrap();
    let stages: Vec<&str> = staleness
        .iter()
        .map(|stage| stage["stage"].as_str().unwrap())
        .collect();
    assert_eq!(
        stages,
        ["filesystem", "musl+bootstrap", "busybox", "musl", "zlib"],
        "{explained:#}"
    );
    assert!(
        staleness
            .iter()
            .all(|stage| stage["status"] != "up-to-date"),
        "{explained:#}"
    );
    assert!(
        staleness.iter().any(|stage| stage["status"] == "stale"),
        "{explained:#}"
    );

    // Changing a spec evaluates that spec again, and only it.
    let spec = fixture.dir.path().join("project/specs/z/zstd/zstd.spec");
    let text = fs::read_to_string(&spec).unwrap();
    fs::write(&spec, text.replace("lz4-devel ", "")).unwrap();
    let changed = fixture.json(&["plan", "-a"]);
    assert_eq!(changed["summary"]["evaluated"], 1, "{changed:#}");
}

#[test]
fn plan_without_rendered_specs_says_how_to_render() {
    let Some(fixture) = Fixture::new(false) else {
        return;
    };
    let output = fixture.cairn(&["plan", "-a"]);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(message.contains("no component is rendered in"), "{message}");
    assert!(
        message.contains("hint: run `cairn component render -a` first"),
        "{message}"
    );
}
