//! `cairn spec query` and `cairn component query` on small specs (host rpm macros).

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

const HELLO: &str = r#"%global forgeurl https://example.org/hello
%bcond docs 1
%define libname() lib%{1}%{?2:-%2}

Name:           hello
Version:        2.12
Release:        3%{?dist}
Epoch:          1
Summary:        Greets
License:        MIT
URL:            %{forgeurl}
Source:         %{url}/archive/v%{version}.tar.gz#/%{name}-%{version}.tar.gz
Source5:        hello.conf
Patch:          0001-fix.patch
Patch:          0002-more.patch
BuildRequires:  gcc, make >= 4
BuildRequires:  (pkgconfig(zlib) or zlib-devel)
Requires:       %{libname %{name} 2}%{?_isa} = %{epoch}:%{version}-%{release}
Requires(post): coreutils

%description
Greets.

%package -n %{libname hello 2}
Summary:        The library
Provides:       libhello = %{version}

%description -n %{libname hello 2}
The library.

%if %{with docs}
%package        doc
Summary:        Documentation
BuildArch:      noarch
Requires:       (%{name} = %{epoch}:%{version}-%{release} if %{name})

%description    doc
Docs.

%files doc
%endif

%post
echo hi

%files
%files -n libhello-2
"#;

fn cairn(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cairn"))
        .current_dir(dir)
        .args(args)
        .env("XDG_CONFIG_HOME", dir)
        .env_remove("CAIRN_LOG")
        .output()
        .unwrap()
}

fn stdout(output: &Output) -> String {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn spec_query_lists_nevras_and_sources() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("hello.spec"), HELLO).unwrap();
    let output = cairn(
        dir.path(),
        &["spec", "query", "-D", "dist .t1", "hello.spec"],
    );
    insta::assert_snapshot!(stdout(&output), @r"
    hello-1:2.12-3.t1.x86_64
    libhello-2-1:2.12-3.t1.x86_64
    hello-doc-1:2.12-3.t1.noarch
    ");
    let output = cairn(dir.path(), &["spec", "query", "--sources", "hello.spec"]);
    insta::assert_snapshot!(stdout(&output), @r"
    Source0: https://example.org/hello/archive/v2.12.tar.gz#/hello-2.12.tar.gz
    Source5: hello.conf
    Patch0: 0001-fix.patch
    Patch1: 0002-more.patch
    ");
}

#[test]
fn spec_query_json_has_dependencies_and_rich_trees() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("hello.spec"), HELLO).unwrap();
    let output = cairn(dir.path(), &["-O", "json", "spec", "query", "hello.spec"]);
    let results: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let spec = &results[0]["spec"];
    let source = &spec["source"];
    assert_eq!(source["name"], "hello");
    assert_eq!(source["epoch"], 1);
    let build_requires: Vec<String> = source["build_requires"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        build_requires,
        ["(pkgconfig(zlib) or zlib-devel)", "gcc", "make"]
    );
    assert_eq!(
        source["build_requires"][0]["rich"],
        serde_json::json!({"or": [
            {"simple": {"name": "pkgconfig(zlib)"}},
            {"simple": {"name": "zlib-devel"}}
        ]})
    );
    assert_eq!(source["sources"][0]["file_name"], "hello-2.12.tar.gz");
    let main = &spec["packages"][0];
    let requires: Vec<String> = main["requires"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let mut text = d["name"].as_str().unwrap().to_owned();
            if let Some(version) = d["version"].as_str() {
                text.push_str(&format!(" {} {version}", d["comparison"].as_str().unwrap()));
            }
            text
        })
        .collect();
    assert_eq!(
        requires,
        ["/bin/sh", "coreutils", "libhello-2(x86-64) equal 1:2.12-3"]
    );
    let provides: Vec<&str> = main["provides"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    assert_eq!(provides, ["hello", "hello(x86-64)"]);
    assert_eq!(spec["packages"][2]["arch"], "noarch");
}

const PROJECT: &str = r#"
[project]
description = "demo"
default-distro = { name = "fedora" }

[distros.fedora]
default-version = "43"
[distros.fedora.versions.43]
release-ver = "43"
dist-git-branch = "f43"

[components.hello]
[components.zlib]
"#;

#[test]
fn component_query_reads_the_rendered_spec() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("azldev.toml"), PROJECT).unwrap();
    let rendered = dir.path().join("specs/h/hello");
    fs::create_dir_all(&rendered).unwrap();
    // The rendered spec loads its build options from its sources directory, as azldev's do.
    let spec = format!("%{{load:%{{_sourcedir}}/hello.azl.macros}}\n{HELLO}");
    fs::write(rendered.join("hello.spec"), spec).unwrap();
    fs::write(
        rendered.join("hello.azl.macros"),
        "%_without_docs 1\n%dist .azl9\n",
    )
    .unwrap();
    let output = cairn(dir.path(), &["component", "query", "hello"]);
    insta::assert_snapshot!(stdout(&output), @r"
    hello-1:2.12-3.azl9.x86_64
    libhello-2-1:2.12-3.azl9.x86_64
    ");
    let output = cairn(dir.path(), &["component", "query", "zlib"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("component zlib has no rendered spec"),
        "{stderr}"
    );
    assert!(stderr.contains("cairn component render zlib"), "{stderr}");
}
