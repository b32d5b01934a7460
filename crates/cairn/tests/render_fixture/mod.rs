//! A synthetic azldev project for the render tests: upstream dist-git repositories (plain git
//! repositories on a `f43` branch, fixed authors and dates so commit ids are stable), a project
//! whose distro points at them with `file://` URLs, and isolated cache and config homes.

#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const HELLO_SPEC: &str = "\
Name: hello
Version: 1.0
Release:\t1%{?dist}
Summary: Hello
License: MIT
URL: https://example.org
Source0: https://example.org/hello-%{version}.tar.gz
Patch0: fix.patch

%description
Hello.

%prep
%autosetup

%build
make

%check
make test

%files
/usr/bin/hello

%changelog
* Mon Jan 05 2026 Ada Lovelace <ada@example.org> - 1.0-1
- Initial package
";

pub const AUTO_SPEC_1: &str = "\
Name: auto
Version: 1.0
Release: %autorelease
Summary: Auto
License: MIT
Source0: auto-%{version}.tar.gz

%description
Auto.

%files
/usr/bin/auto

%changelog
%autochangelog
";

pub const LIBXML_SPEC: &str = "\
%bcond_without docs
Name: libxml++
Version: 2.42
Release: 3%{?dist}
Summary: C++ wrapper
License: LGPL-2.1-or-later
Source0: https://download.gnome.org/sources/libxml++/2.42/libxml%2B%2B-%{version}.tar.xz

%description
Wrapper.

%check
make check

%files
%{_libdir}/libxml++*.so.*
";

pub const CONFIG: &str = r#"
[project]
rendered-specs-dir = "specs"
default-distro = { name = "mine" }

[distros.up]
default-version = "1"
dist-git-base-uri = "file://ROOT/upstream/$pkg"
lookaside-base-uri = "file://ROOT/lookaside/$pkg/$filename/$hashtype/$hash/$filename"

[distros.up.versions.'1']
release-ver = "1"
dist-git-branch = "f43"

[distros.mine]
default-version = "1"

[distros.mine.versions.'1']
release-ver = "1"

[distros.mine.versions.'1'.default-component-config]
spec = { type = "upstream", upstream-distro = { name = "up", version = "1" } }

[components.hello]

[[components.hello.overlays]]
description = "Build with a compiler"
type = "spec-add-tag"
tag = "BuildRequires"
value = "gcc"

[components.auto]

[components.'libxml++']
build.without = ["docs"]
build.check = { skip = true, skip_reason = "Flaky tests." }

[components.broken]

[[components.broken.overlays]]
description = "Replace something that is not there"
type = "spec-search-replace"
regex = 'does-not-exist'
replacement = "x"
"#;

/// Environment for git: fixed identities and dates, no user or system configuration.
fn git_command(dir: &Path, date: &str) -> Command {
    let mut command = Command::new("git");
    command
        .arg("-C")
        .arg(dir)
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "Ada Lovelace")
        .env("GIT_AUTHOR_EMAIL", "ada@example.org")
        .env("GIT_COMMITTER_NAME", "Ada Lovelace")
        .env("GIT_COMMITTER_EMAIL", "ada@example.org")
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date);
    command
}

pub fn git(dir: &Path, date: &str, args: &[&str]) -> String {
    let output = git_command(dir, date).args(args).output().unwrap();
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

/// One upstream commit: date, message, and the files it writes (path, text).
pub type UpstreamCommit<'a> = (&'a str, &'a str, &'a [(&'a str, &'a str)]);

/// Makes `<root>/upstream/<name>` with one commit per `(date, message, files)`.
pub fn upstream_repo(root: &Path, name: &str, commits: &[UpstreamCommit<'_>]) {
    let dir = root.join("upstream").join(name);
    fs::create_dir_all(&dir).unwrap();
    git(&dir, "2026-01-01T00:00:00Z", &["init", "-q", "-b", "f43"]);
    for (date, message, files) in commits {
        for (path, text) in *files {
            let path = dir.join(path);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, text).unwrap();
        }
        git(&dir, date, &["add", "-A"]);
        git(&dir, date, &["commit", "-q", "-m", message]);
    }
}

pub trait OutputText {
    fn stdout_text(&self) -> String;
    fn stderr_text(&self) -> String;
}

impl OutputText for Output {
    fn stdout_text(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }

    fn stderr_text(&self) -> String {
        String::from_utf8_lossy(&self.stderr).into_owned()
    }
}

pub struct Fixture {
    pub dir: tempfile::TempDir,
}

impl Fixture {
    pub fn new() -> Self {
        let fixture = Self::empty();
        let root = fixture.root();
        upstream_repo(
            &root,
            "hello",
            &[(
                "2026-01-05T10:00:00Z",
                "Initial import",
                &[
                    ("hello.spec", HELLO_SPEC),
                    ("fix.patch", "--- a/x\n+++ b/x\n"),
                    ("unused.txt", "not referenced by the spec\n"),
                    ("sources", "SHA512 (hello-1.0.tar.gz) = 00ff\n"),
                ],
            )],
        );
        let auto_2 = AUTO_SPEC_1.replace("Version: 1.0", "Version: 1.1");
        upstream_repo(
            &root,
            "auto",
            &[
                (
                    "2026-01-10T09:00:00Z",
                    "Initial import (#1)",
                    &[("auto.spec", AUTO_SPEC_1)],
                ),
                (
                    "2026-02-01T09:00:00Z",
                    "Update to 1.1\n\nNew upstream release.",
                    &[("auto.spec", &auto_2)],
                ),
                (
                    "2026-02-03T09:00:00Z",
                    "Fix the build",
                    &[("auto.spec", &format!("{auto_2}\n"))],
                ),
            ],
        );
        upstream_repo(
            &root,
            "libxml++",
            &[(
                "2026-01-07T10:00:00Z",
                "Initial import",
                &[("libxml++.spec", LIBXML_SPEC)],
            )],
        );
        upstream_repo(
            &root,
            "broken",
            &[(
                "2026-01-07T10:00:00Z",
                "Initial import",
                &[("broken.spec", &HELLO_SPEC.replace("hello", "broken"))],
            )],
        );
        upstream_repo(
            &root,
            "unregistered",
            &[(
                "2026-01-07T10:00:00Z",
                "Initial import",
                &[("unregistered.spec", "Name: unregistered\n")],
            )],
        );
        fixture.write_config(CONFIG);
        fixture
    }

    /// A fixture with only its directories (tests add repositories and a config).
    pub fn empty() -> Self {
        let dir = tempfile::tempdir().unwrap();
        for sub in ["project", "cache", "config", "home", "upstream"] {
            fs::create_dir_all(dir.path().join(sub)).unwrap();
        }
        Self { dir }
    }

    pub fn root(&self) -> PathBuf {
        self.dir.path().to_owned()
    }

    pub fn project(&self) -> PathBuf {
        self.dir.path().join("project")
    }

    pub fn specs(&self) -> PathBuf {
        self.project().join("specs")
    }

    pub fn cache(&self) -> PathBuf {
        self.dir.path().join("cache")
    }

    pub fn write_config(&self, text: &str) {
        let text = text.replace("ROOT", &self.root().to_string_lossy());
        fs::write(self.project().join("azldev.toml"), text).unwrap();
    }

    pub fn edit_config(&self, from: &str, to: &str) {
        let path = self.project().join("azldev.toml");
        let text = fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{from} not in the config");
        fs::write(path, text.replacen(from, to, 1)).unwrap();
    }

    pub fn cairn(&self, args: &[&str]) -> Output {
        self.cairn_with_env(args, &[])
    }

    pub fn cairn_with_env(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut command = Command::new(env!("CARGO_BIN_EXE_cairn"));
        command
            .arg("-C")
            .arg(self.project())
            .args(args)
            .env("XDG_CACHE_HOME", self.cache())
            .env_remove("CAIRN_CACHE_DIR")
            .env("XDG_CONFIG_HOME", self.dir.path().join("config"))
            .env("HOME", self.dir.path().join("home"))
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env_remove("CAIRN_LOG");
        for (key, value) in env {
            command.env(key, value);
        }
        command.output().unwrap()
    }

    pub fn project_git(&self, args: &[&str]) -> String {
        git(&self.project(), "2026-04-01T12:00:00Z", args)
    }

    /// Commits everything in the project with a fixed date.
    pub fn project_commit(&self, message: &str) {
        let count: usize = self
            .project_git(&["rev-list", "--all", "--count"])
            .parse()
            .unwrap_or(0);
        let date = format!("2026-04-{:02}T12:00:00Z", count + 1);
        git(&self.project(), &date, &["add", "-A"]);
        git(
            &self.project(),
            &date,
            &["commit", "-q", "--allow-empty", "-m", message],
        );
    }

    /// Replaces the temporary root in `text`.
    pub fn redact(&self, text: &str) -> String {
        text.replace(&*self.root().to_string_lossy(), "[ROOT]")
    }
}

/// Every entry under `dir`: path, then `-> target` for links or the size for files.
pub fn tree_listing(dir: &Path) -> String {
    let mut lines = Vec::new();
    for entry in walkdir::WalkDir::new(dir).min_depth(1).sort_by_file_name() {
        let entry = entry.unwrap();
        let relative = entry
            .path()
            .strip_prefix(dir)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let kind = entry.file_type();
        if kind.is_symlink() {
            let target = fs::read_link(entry.path()).unwrap();
            lines.push(format!("{relative} -> {}", target.display()));
        } else if kind.is_dir() {
            lines.push(format!("{relative}/"));
        } else {
            let size = entry.metadata().unwrap().len();
            lines.push(format!("{relative} ({size} bytes)"));
        }
    }
    lines.join("\n") + "\n"
}
