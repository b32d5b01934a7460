//! `cairn component render | update | changed | diff-sources | show-spec` on a small synthetic
//! project: upstream dist-git repositories made here with git, a project with overlays, build
//! options and a component that fails.

mod render_fixture;

use std::fs;

use render_fixture::{Fixture, OutputText, tree_listing};

#[test]
fn render_rows_tree_check_only_and_incremental() {
    let fixture = Fixture::new();
    let output = fixture.cairn(&["component", "render", "-a", "-O", "json"]);
    assert!(output.status.success(), "{}", output.stderr_text());
    insta::assert_snapshot!("render_rows", fixture.redact(&output.stdout_text()));
    insta::assert_snapshot!("render_tree", tree_listing(&fixture.specs()));
    insta::assert_snapshot!(
        "render_hello_spec",
        fs::read_to_string(fixture.specs().join("h/hello/hello.spec")).unwrap()
    );
    insta::assert_snapshot!(
        "render_auto_spec",
        fs::read_to_string(fixture.specs().join("a/auto/auto.spec")).unwrap()
    );
    assert_eq!(
        fs::read_to_string(fixture.specs().join("b/broken/RENDER_FAILED")).unwrap(),
        "Rendering failed. See azldev logs for details.\n"
    );

    // Nothing changed: --check-only passes, and a re-render skips every rendered component.
    let check = fixture.cairn(&["component", "render", "-a", "--check-only"]);
    assert_eq!(check.status.code(), Some(0), "{}", check.stderr_text());
    let again = fixture.cairn(&["component", "render", "-a"]);
    assert!(again.status.success());
    assert!(
        again
            .stdout_text()
            .contains("0 changed, 4 unchanged (3 skipped as up to date), 1 failed"),
        "{}",
        again.stdout_text()
    );

    // A hand edit is drift: exit 1, and only that component is reported.
    let spec = fixture.specs().join("h/hello/hello.spec");
    let rendered = fs::read_to_string(&spec).unwrap();
    fs::write(&spec, format!("{rendered}# edited\n")).unwrap();
    let drift = fixture.cairn(&["component", "render", "-a", "--check-only", "-O", "json"]);
    assert_eq!(drift.status.code(), Some(1), "{}", drift.stderr_text());
    let rows: serde_json::Value = serde_json::from_str(&drift.stdout_text()).unwrap();
    let changed: Vec<&str> = rows
        .as_array()
        .unwrap()
        .iter()
        .filter(|row| row["changed"] == true)
        .map(|row| row["component"].as_str().unwrap())
        .collect();
    assert_eq!(changed, ["hello"]);
    assert!(
        drift
            .stderr_text()
            .contains("1 component(s) would change: hello")
    );
    assert!(
        fs::read_to_string(&spec).unwrap().ends_with("# edited\n"),
        "check-only wrote"
    );

    // An orphan directory fails --check-only with --clean-stale, and --clean-stale removes it.
    fs::create_dir_all(fixture.specs().join("g/gone")).unwrap();
    let render = fixture.cairn(&["component", "render", "-a", "--clean-stale", "-O", "json"]);
    assert!(render.status.success());
    assert_eq!(fs::read_to_string(&spec).unwrap(), rendered);
    assert!(!fixture.specs().join("g/gone").exists());
    let clean = fixture.cairn(&["component", "render", "-a", "--check-only", "--clean-stale"]);
    assert_eq!(clean.status.code(), Some(0), "{}", clean.stderr_text());

    // --fail-on-error turns the failure into an error exit.
    let strict = fixture.cairn(&["component", "render", "-p", "broken", "--fail-on-error"]);
    assert_eq!(strict.status.code(), Some(2));
}

#[test]
fn diff_sources_and_show_spec() {
    let fixture = Fixture::new();
    let diff = fixture.cairn(&["component", "diff-sources", "libxml++"]);
    assert!(diff.status.success(), "{}", diff.stderr_text());
    insta::assert_snapshot!("diff_sources", diff.stdout_text());
    let show = fixture.cairn(&["component", "show-spec", "unregistered"]);
    assert!(show.status.success(), "{}", show.stderr_text());
    assert!(show.stdout_text().starts_with("Name: unregistered\n"));
    let missing = fixture.cairn(&["component", "show-spec", "no-such-repo"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        missing.stderr_text().contains("no-such-repo"),
        "{}",
        missing.stderr_text()
    );
}

#[test]
fn update_changed_and_synthetic_history() {
    let fixture = Fixture::new();
    fixture.project_git(&["init", "-q", "-b", "main"]);
    fixture.project_commit("Initial configuration");
    let update = fixture.cairn(&["component", "update", "-a", "-O", "json"]);
    assert!(update.status.success(), "{}", update.stderr_text());
    insta::assert_snapshot!("update_rows", fixture.redact(&update.stdout_text()));
    let lock = fs::read_to_string(fixture.project().join("locks/hello.lock")).unwrap();
    assert!(lock.starts_with(
        "# Managed by azldev component update. Do not edit manually.\nversion = 1\nimport-commit = '"
    ));
    assert!(lock.contains("\ninput-fingerprint = 'v1:sha256:"), "{lock}");
    fixture.project_commit("test: add initial lock files");

    // Up to date: nothing changes, --check-only agrees.
    let check = fixture.cairn(&["component", "update", "-a", "--check-only"]);
    assert_eq!(check.status.code(), Some(0), "{}", check.stdout_text());

    // An overlay changes: the lock is stale until updated.
    fixture.edit_config("value = \"gcc\"", "value = \"clang\"");
    let stale = fixture.cairn(&["component", "update", "-a", "--check-only"]);
    assert_eq!(stale.status.code(), Some(1));
    let update = fixture.cairn(&["component", "update", "-a"]);
    assert!(update.status.success(), "{}", update.stderr_text());
    fixture.project_commit("hello: build with clang");

    let changed = fixture.cairn(&[
        "component",
        "changed",
        "--from",
        "HEAD~1",
        "-a",
        "--explain",
        "-O",
        "json",
    ]);
    assert!(changed.status.success(), "{}", changed.stderr_text());
    insta::assert_snapshot!("changed_rows", changed.stdout_text());

    // Two fingerprint changes: the static Release moves by two, the rpmautospec changelog
    // gets both project commits.
    let render = fixture.cairn(&["component", "render", "-a"]);
    assert!(render.status.success(), "{}", render.stderr_text());
    let hello = fs::read_to_string(fixture.specs().join("h/hello/hello.spec")).unwrap();
    assert!(hello.contains("\nRelease: 3%{?dist}\n"), "{hello}");
    insta::assert_snapshot!(
        "history_auto_spec",
        fs::read_to_string(fixture.specs().join("a/auto/auto.spec")).unwrap()
    );

    // An uncommitted change adds the dirty entry.
    fixture.edit_config("value = \"clang\"", "value = \"tcc\"");
    let render = fixture.cairn(&["component", "render", "-p", "hello"]);
    assert!(render.status.success());
    let hello = fs::read_to_string(fixture.specs().join("h/hello/hello.spec")).unwrap();
    assert!(hello.contains("\nRelease: 4%{?dist}\n"), "{hello}");

    // Rendered `sources` edited without a fingerprint change: refused.
    fixture.edit_config("value = \"tcc\"", "value = \"clang\"");
    fixture.cairn(&["component", "render", "-a"]);
    fixture.project_commit("render");
    let sources = fixture.specs().join("h/hello/sources");
    fs::write(&sources, "SHA512 (evil.tar.gz) = 00\n").unwrap();
    fixture.project_commit("sneak a tarball in");
    let poisoned = fixture.cairn(&["component", "changed", "--from", "HEAD~1", "-a"]);
    assert_eq!(poisoned.status.code(), Some(2));
    assert!(
        poisoned
            .stderr_text()
            .contains("unchanged fingerprint but drifted rendered sources"),
        "{}",
        poisoned.stderr_text()
    );
}
