//! Builds of tiny synthetic projects with trivial noarch specs (BuildRequires chains, one
//! with an overlay), rendered with cairn-render (local specs), planned with cairn-plan and built
//! for real with rpmbuild in bubblewrap: caching and exact rebuilds, failures, and the sandbox's
//! network and write isolation. Skipped with a message when bwrap or rpmbuild is missing or
//! bubblewrap cannot make a sandbox.

#![allow(clippy::print_stdout)] // skip messages for the test output

use std::fs;
use std::io::Read as _;
use std::path::Path;

use cairn_build::{BuildReport, BuildRequest, BuildSettings, Silent, StageStatus};
use cairn_config::{LoadOptions, Project};

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

/// A noarch spec named `name` with `BuildRequires: requires` whose `%build` runs `build` and
/// whose package holds `/usr/share/<name>/data` and whatever `%build` left in `extra`.
fn spec(name: &str, requires: &str, build: &str) -> String {
    let requires = if requires.is_empty() {
        String::new()
    } else {
        format!("BuildRequires: {requires}\n")
    };
    format!(
        "Name: {name}\nVersion: 1\nRelease: 1\nSummary: {name}\nLicense: MIT\nBuildArch: noarch\n{requires}\n\
         %description\n{name}.\n\n%build\ntouch extra\n{build}\n\n%install\nmkdir -p %{{buildroot}}/usr/share/{name}\n\
         echo '{name} says hello' > %{{buildroot}}/usr/share/{name}/data\n\
         cp extra %{{buildroot}}/usr/share/{name}/extra\n\n%files\n/usr/share/{name}/data\n/usr/share/{name}/extra\n"
    )
}

fn component(name: &str, overlay: Option<&str>) -> String {
    let mut text =
        format!("[components.{name}]\nspec = {{ type = \"local\", path = \"{name}.spec\" }}\n");
    if let Some(replacement) = overlay {
        text.push_str(&format!(
            "\n[[components.{name}.overlays]]\ntype = \"spec-search-replace\"\nregex = 'says hello'\nreplacement = '{replacement}'\n"
        ));
    }
    text
}

struct Fixture {
    dir: tempfile::TempDir,
}

impl Fixture {
    fn new(specs: &[(&str, String, Option<&str>)]) -> Option<Self> {
        for program in ["bwrap", "rpmbuild"] {
            if !cairn_tool::Tool::exists(program) {
                println!("skipping: {program} is not installed");
                return None;
            }
        }
        if let Err(message) = cairn_build::sandbox::Sandbox::check() {
            println!("skipping: bubblewrap cannot create a sandbox here: {message}");
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("azldev.toml"), CONFIG).unwrap();
        let fixture = Self { dir };
        for (name, text, overlay) in specs {
            fixture.set(name, text, *overlay);
        }
        Some(fixture)
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn set(&self, name: &str, spec: &str, overlay: Option<&str>) {
        fs::write(self.path().join(format!("{name}.spec")), spec).unwrap();
        fs::write(
            self.path().join(format!("{name}.comp.toml")),
            component(name, overlay),
        )
        .unwrap();
    }

    fn project(&self) -> Project {
        Project::load(self.path(), &LoadOptions::default()).unwrap()
    }

    fn settings(&self, project: &Project) -> BuildSettings {
        let mut settings = BuildSettings::from_project(project);
        settings.jobs = 2;
        settings.continue_on_error = true;
        settings.lookaside_cache = self.path().join("cache/lookaside");
        settings.network = cairn_source::Network::Offline;
        settings
    }

    fn render(&self, project: &Project) {
        let names: Vec<String> = project.component_names().map(str::to_owned).collect();
        let cache = self.path().join("cache");
        let options = cairn_render::RenderOptions {
            output: cairn_render::rendered_specs_dir(project),
            check_only: false,
            clean_stale: false,
            all: true,
            network: cairn_source::Network::Offline,
            jobs: 1,
            full: false,
            dist_git_cache: cache.join("dist-git"),
            lookaside_cache: cache.join("lookaside"),
            state_cache: cache.clone(),
            now: 1_700_000_000,
            compatibility: cairn_render::Compatibility::default(),
        };
        let report = cairn_render::render(project, &names, &options, &|_| {}).unwrap();
        assert!(
            report
                .rows
                .iter()
                .all(|row| row.status == cairn_render::RenderStatus::Ok),
            "{:?}",
            report.rows
        );
    }

    /// Renders, plans and builds every component.
    fn build(&self) -> BuildReport {
        let project = self.project();
        self.render(&project);
        let settings = self.settings(&project);
        let request = cairn_plan::PlanRequest::from_project(&project, None, None).unwrap();
        let plan = cairn_plan::plan(&request).unwrap();
        let names: Vec<String> = project.component_names().map(str::to_owned).collect();
        let stages = plan.closure(&names);
        cairn_build::build(
            &BuildRequest {
                project: &project,
                plan: &plan,
                stages: &stages,
                settings: &settings,
                dry_run: false,
            },
            &Silent,
        )
        .unwrap()
    }
}

fn statuses(report: &BuildReport) -> Vec<(String, StageStatus)> {
    let mut statuses: Vec<(String, StageStatus)> = report
        .stages
        .iter()
        .map(|stage| (stage.stage.clone(), stage.status))
        .collect();
    statuses.sort_by(|left, right| left.0.cmp(&right.0));
    statuses
}

fn stage<'a>(report: &'a BuildReport, name: &str) -> &'a cairn_build::StageReport {
    report
        .stages
        .iter()
        .find(|stage| stage.stage == name)
        .unwrap()
}

#[test]
fn builds_are_cached_and_an_overlay_change_rebuilds_exactly_its_reverse_dependencies() {
    use StageStatus::{Built, UpToDate};
    // middle's package carries base's data (from its sysroot), so a new base makes a new
    // middle, and a new middle a new top.
    let Some(fixture) = Fixture::new(&[
        ("base", spec("base", "", "true"), Some("says hi")),
        (
            "middle",
            spec("middle", "base", "cp %{sysroot}/usr/share/base/data extra"),
            None,
        ),
        (
            "top",
            spec(
                "top",
                "middle",
                "grep -q 'base says' %{sysroot}/usr/share/middle/extra",
            ),
            None,
        ),
        ("aside", spec("aside", "base", "true"), None),
        ("other", spec("other", "", "true"), None),
    ]) else {
        return;
    };
    let all_built = |status| -> Vec<(String, StageStatus)> {
        ["aside", "base", "middle", "other", "top"]
            .iter()
            .map(|name| ((*name).to_owned(), status))
            .collect()
    };
    let first = fixture.build();
    assert_eq!(statuses(&first), all_built(Built), "{first:#?}");
    let out = fixture.path().join("out");
    for name in ["base", "middle", "top", "aside", "other"] {
        assert!(
            out.join(format!("rpms/{name}-1-1.noarch.rpm")).is_file(),
            "{name} not published"
        );
        assert!(
            out.join(format!("srpms/{name}-1-1.src.rpm")).is_file(),
            "{name} SRPM not published"
        );
        assert!(fixture.path().join(format!("logs/{name}.log")).is_file());
    }
    assert!(out.join("rpms/repodata/repomd.xml").is_file());

    let again = fixture.build();
    assert_eq!(statuses(&again), all_built(UpToDate), "{again:#?}");
    assert!(
        again.indexed.is_empty(),
        "a no-op run indexed {:?}",
        again.indexed
    );
    assert!(
        stage(&again, "top").reasons[0].starts_with("up to date (key "),
        "{again:#?}"
    );

    fixture.set("base", &spec("base", "", "true"), Some("says bonjour"));
    let changed = fixture.build();
    assert_eq!(
        statuses(&changed),
        [
            ("aside".into(), Built),
            ("base".into(), Built),
            ("middle".into(), Built),
            ("other".into(), UpToDate),
            ("top".into(), Built)
        ],
        "{changed:#?}"
    );
    let reasons = &stage(&changed, "base").reasons;
    assert!(
        reasons
            .iter()
            .any(|reason| reason.contains("base.spec changed")),
        "{reasons:?}"
    );
    let reasons = &stage(&changed, "top").reasons;
    assert_eq!(
        reasons,
        &["rebuild: middle-1-1.noarch rebuilt by middle"],
        "{changed:#?}"
    );
    let published = fs::read_to_string(fixture.path().join("specs/b/base/base.spec")).unwrap();
    assert!(published.contains("base says bonjour"), "{published}");
}

#[test]
fn a_dependency_rebuilt_to_the_same_bytes_rebuilds_nothing_after_it() {
    use StageStatus::{Built, UpToDate};
    let Some(fixture) = Fixture::new(&[
        ("base", spec("base", "", "true"), Some("says hi")),
        (
            "middle",
            spec("middle", "base", "cat %{sysroot}/usr/share/base/data"),
            None,
        ),
        ("top", spec("top", "middle", "true"), None),
    ]) else {
        return;
    };
    fixture.build();
    fixture.set("base", &spec("base", "", "true"), Some("says hey"));
    let changed = fixture.build();
    // middle's package does not depend on base's content and builds reproducibly
    // (SOURCE_DATE_EPOCH), so top's build root is the same and top stands.
    assert_eq!(
        statuses(&changed),
        [
            ("base".into(), Built),
            ("middle".into(), Built),
            ("top".into(), UpToDate)
        ],
        "{changed:#?}"
    );
}

#[test]
fn a_build_cannot_reach_a_listener_on_the_host() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    // The same connection from outside the sandbox works: the failure below is the sandbox's.
    assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_ok());
    let _ = listener.accept().unwrap();
    listener.set_nonblocking(true).unwrap();
    let Some(fixture) = Fixture::new(&[(
        "net",
        spec(
            "net",
            "",
            &format!("bash -c 'exec 3<>/dev/tcp/127.0.0.1/{port}' && echo CONNECTED"),
        ),
        None,
    )]) else {
        return;
    };
    let report = fixture.build();
    let net = stage(&report, "net");
    assert_eq!(net.status, StageStatus::Failed, "{report:#?}");
    assert!(
        net.key_lines
            .iter()
            .any(|line| line.contains("Bad exit status")),
        "{net:#?}"
    );
    let log = fs::read_to_string(fixture.path().join("logs/net.log")).unwrap();
    assert!(!log.contains("\nCONNECTED"), "{log}");
    assert!(
        listener.accept().is_err(),
        "the build connected to the host's listener"
    );
}

#[test]
fn a_build_cannot_write_outside_its_work_directory() {
    let outside = tempfile::tempdir().unwrap();
    let home = std::env::var("HOME").unwrap_or_else(|_| "/root".into());
    let marker = format!("cairn-build-escape-{}", std::process::id());
    let Some(fixture) = Fixture::new(&[(
        "escape",
        spec(
            "escape",
            "",
            &format!(
                "touch {outside}/{marker} || true\ntouch {home}/{marker} || true\ntouch /{marker} || true\n\
                 touch /tmp/{marker}\ntouch \"$HOME/{marker}\"",
                outside = outside.path().display()
            ),
        ),
        None,
    )]) else {
        return;
    };
    let project_marker = fixture.path().join(&marker);
    let report = fixture.build();
    // Writes to its private /tmp and $HOME succeed; the rest fail, and nothing lands outside.
    assert_eq!(
        stage(&report, "escape").status,
        StageStatus::Built,
        "{report:#?}"
    );
    for path in [
        outside.path().join(&marker),
        Path::new(&home).join(&marker),
        Path::new("/").join(&marker),
        Path::new("/tmp").join(&marker),
        project_marker,
    ] {
        assert!(
            !path.exists(),
            "{} was written from inside the sandbox",
            path.display()
        );
    }
    let mut log = String::new();
    fs::File::open(fixture.path().join("logs/escape.log"))
        .unwrap()
        .read_to_string(&mut log)
        .unwrap();
    assert!(
        log.contains("Read-only file system") || log.contains("No such file or directory"),
        "{log}"
    );
}

#[test]
fn a_failure_blocks_what_needs_it_and_the_rest_goes_on() {
    let Some(fixture) = Fixture::new(&[
        (
            "broken",
            spec("broken", "", "echo 'compiling broken'; exit 3"),
            None,
        ),
        ("after", spec("after", "broken", "true"), None),
        ("independent", spec("independent", "", "true"), None),
    ]) else {
        return;
    };
    let report = fixture.build();
    assert_eq!(
        statuses(&report),
        [
            ("after".into(), StageStatus::Blocked),
            ("broken".into(), StageStatus::Failed),
            ("independent".into(), StageStatus::Built)
        ],
        "{report:#?}"
    );
    let broken = stage(&report, "broken");
    assert!(
        broken
            .reasons
            .iter()
            .any(|reason| reason.contains("building the binary packages failed")),
        "{broken:#?}"
    );
    assert!(
        broken
            .key_lines
            .iter()
            .any(|line| line.contains("Bad exit status")),
        "{broken:#?}"
    );
    assert!(
        broken
            .key_lines
            .iter()
            .any(|line| line == "compiling broken"),
        "{broken:#?}"
    );
    assert_eq!(
        stage(&report, "after").reasons,
        ["needs broken, which did not build"]
    );
    assert!(!report.success());
    // Nothing of the failed build is published; its work directory is kept for a look.
    assert!(
        !fixture
            .path()
            .join("out/rpms/broken-1-1.noarch.rpm")
            .exists()
    );
    assert!(
        fixture
            .path()
            .join("work/cairn-build/stages/broken/SOURCES/broken.spec")
            .is_file()
    );
}

#[test]
fn packages_go_to_their_channels_and_unpublished_ones_still_serve_builds() {
    let Some(fixture) = Fixture::new(&[
        ("extra", spec("extra", "", "true"), None),
        ("hidden", spec("hidden", "", "true"), None),
        (
            "user",
            spec("user", "hidden", "test -f %{sysroot}/usr/share/hidden/data"),
            None,
        ),
    ]) else {
        return;
    };
    let mut config = fs::read_to_string(fixture.path().join("extra.comp.toml")).unwrap();
    config.push_str("\n[components.extra.publish]\nrpm-channel = \"extras\"\n");
    fs::write(fixture.path().join("extra.comp.toml"), config).unwrap();
    let mut config = fs::read_to_string(fixture.path().join("hidden.comp.toml")).unwrap();
    config.push_str(
        "\n[components.hidden.publish]\nrpm-channel = \"none\"\nsrpm-channel = \"none\"\n",
    );
    fs::write(fixture.path().join("hidden.comp.toml"), config).unwrap();
    let report = fixture.build();
    assert!(report.success(), "{report:#?}");
    let out = fixture.path().join("out");
    assert!(out.join("rpms/extras/extra-1-1.noarch.rpm").is_file());
    assert!(out.join("rpms/extras/repodata/repomd.xml").is_file());
    assert!(out.join("rpms/user-1-1.noarch.rpm").is_file());
    assert!(!out.join("rpms/extra-1-1.noarch.rpm").exists());
    let everything: Vec<String> = walk(&out);
    assert!(
        !everything.iter().any(|path| path.contains("hidden-1-1")),
        "{everything:?}"
    );
}

#[test]
fn the_next_plan_knows_what_a_build_produced_beyond_the_spec() {
    // tool's package ships /usr/bin/tool, a file provide no spec declares; user needs it.
    let tool = "Name: tool\nVersion: 1\nRelease: 1\nSummary: tool\nLicense: MIT\nBuildArch: noarch\n\n\
                %description\ntool.\n\n%install\nmkdir -p %{buildroot}/usr/bin\n\
                printf 'echo tool' > %{buildroot}/usr/bin/tool\n\n%files\n/usr/bin/tool\n";
    let Some(fixture) = Fixture::new(&[
        ("tool", tool.to_owned(), None),
        ("user", spec("user", "/usr/bin/tool", "true"), None),
    ]) else {
        return;
    };
    let project = fixture.project();
    fixture.render(&project);
    let settings = fixture.settings(&project);
    let names = ["tool".to_owned(), "user".to_owned()];
    let plan_now = || {
        let mut request = cairn_plan::PlanRequest::from_project(&project, None, None).unwrap();
        request.built = cairn_build::built_packages(&settings, names.iter().map(String::as_str));
        cairn_plan::plan(&request).unwrap()
    };
    let user_edges = |plan: &cairn_plan::Plan| -> Vec<String> {
        let user = plan.components.iter().find(|c| c.name == "user").unwrap();
        user.edges
            .iter()
            .map(|edge| plan.components[edge.target].name.clone())
            .collect()
    };
    let before = plan_now();
    assert!(user_edges(&before).is_empty());
    assert_eq!(
        before.components[1].unresolved.missing,
        ["/usr/bin/tool"],
        "{:?}",
        before.components[1]
    );
    let stages = before.closure(&names[..1]);
    let report = cairn_build::build(
        &BuildRequest {
            project: &project,
            plan: &before,
            stages: &stages,
            settings: &settings,
            dry_run: false,
        },
        &Silent,
    )
    .unwrap();
    assert!(report.success(), "{report:#?}");
    let after = plan_now();
    assert_eq!(after.statistics.learned_from_builds, 1);
    assert_eq!(user_edges(&after), ["tool"]);
    assert!(after.components[1].unresolved.missing.is_empty());
}

fn walk(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(walk(&path));
        } else {
            found.push(path.display().to_string());
        }
    }
    found
}
