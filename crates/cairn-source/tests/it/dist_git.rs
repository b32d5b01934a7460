//! The dist-git cache against real repositories: snapshot resolution, pins, offline, history.

use std::time::Duration;

use cairn_source::{
    DistGitCache, DistGitError, FileKind, GitId, Network, Refresh, Resolution, SourceRequest,
    SourceTree,
};

use crate::fixtures::{Tripwire, Upstream, git};

const SNAPSHOT: &str = "2026-02-24T00:00:00-08:00";

fn request(component: &str, url: &str, pin: Option<&str>, snapshot: Option<&str>) -> SourceRequest {
    SourceRequest {
        component: component.into(),
        url: url.into(),
        branch: "f43".into(),
        pin: pin.map(Into::into),
        snapshot: snapshot.map(|text| text.parse().unwrap()),
    }
}

fn cache() -> (tempfile::TempDir, DistGitCache) {
    let root = tempfile::tempdir().unwrap();
    let cache = DistGitCache::new(root.path().join("dist-git")).retries(0, Duration::ZERO);
    (root, cache)
}

#[test]
fn snapshot_picks_the_last_commit_at_or_before_it_like_git() {
    let upstream = Upstream::new("f43");
    let before = upstream.commit(
        &[("bash.spec", "v1\n")],
        "2026-02-20T10:00:00+01:00",
        "before",
    );
    let equal = upstream.commit(
        &[("bash.spec", "v2\n")],
        SNAPSHOT,
        "exactly at the snapshot",
    );
    let after = upstream.commit(&[("bash.spec", "v3\n")], "2026-03-01T00:00:00Z", "after");
    upstream.push("f43");
    let (_root, cache) = cache();
    let url = upstream.url();

    let cases = [
        (SNAPSHOT, equal.as_str()),
        ("2026-02-24T07:59:59Z", before.as_str()),
        ("2026-03-05T00:00:00Z", after.as_str()),
    ];
    for (snapshot, expected) in cases {
        let resolved = cache
            .resolve(
                &request("bash", &url, None, Some(snapshot)),
                Refresh::IfNeeded,
            )
            .unwrap();
        assert_eq!(resolved.commit.to_string(), expected, "snapshot {snapshot}");
        assert_eq!(resolved.resolution, Resolution::Snapshot);
        assert_eq!(
            upstream.git_before("f43", snapshot),
            expected,
            "git disagrees at {snapshot}"
        );
    }
    let error = cache
        .resolve(
            &request("bash", &url, None, Some("2020-01-01T00:00:00Z")),
            Refresh::IfNeeded,
        )
        .unwrap_err();
    assert!(
        matches!(error, DistGitError::NothingBeforeSnapshot { .. }),
        "{error}"
    );
    assert!(error.to_string().contains("component `bash`"), "{error}");

    let head = cache
        .resolve(&request("bash", &url, None, None), Refresh::IfNeeded)
        .unwrap();
    assert_eq!(
        (head.commit.to_string(), head.resolution),
        (after.clone(), Resolution::Head)
    );
    let mirror = head.open().unwrap();
    assert_eq!(
        mirror.read_file(head.commit, "bash.spec").unwrap().unwrap(),
        b"v3\n"
    );
}

#[test]
fn merges_on_the_branch_follow_the_first_parent_only() {
    // azldev's TestGetCommitHashBeforeDate_FirstParentOnly graph: M merges side branch S into B.
    let upstream = Upstream::new("f43");
    upstream.commit(&[("a.spec", "A\n")], "2024-01-01T00:00:00Z", "A");
    let b = upstream.commit(&[("a.spec", "B\n")], "2024-02-01T00:00:00Z", "B");
    git(
        &upstream.work,
        &["checkout", "-q", "-b", "side", "HEAD~1"],
        None,
    );
    upstream.commit(&[("side.txt", "R\n")], "2024-03-01T00:00:00Z", "R");
    let s = upstream.commit(&[("side.txt", "S\n")], "2024-04-01T00:00:00Z", "S");
    git(&upstream.work, &["checkout", "-q", "f43"], None);
    git(
        &upstream.work,
        &["merge", "-q", "--no-ff", "-m", "M", "side"],
        Some("2024-05-01T00:00:00Z"),
    );
    upstream.push("f43");
    let (_root, cache) = cache();
    let snapshot = "2024-04-15T00:00:00Z";
    let resolved = cache
        .resolve(
            &request("a", &upstream.url(), None, Some(snapshot)),
            Refresh::IfNeeded,
        )
        .unwrap();
    assert_eq!(resolved.commit.to_string(), b);
    assert_ne!(resolved.commit.to_string(), s);
    assert_eq!(upstream.git_before("f43", snapshot), b);

    let mirror = resolved.open().unwrap();
    let tip = mirror.branch_tip("f43").unwrap().unwrap();
    let history: Vec<_> = mirror
        .history(tip, &["a.spec", "side.txt"])
        .collect::<Result<_, _>>()
        .unwrap();
    let messages: Vec<&str> = history.iter().map(|commit| commit.message.trim()).collect();
    assert_eq!(messages, ["M", "B", "A"]);
    assert_eq!(history[0].parents.len(), 2);
    assert!(history[0].files[1].is_some() && history[1].files[1].is_none());
}

#[test]
fn history_carries_authors_times_messages_and_blob_ids() {
    let upstream = Upstream::new("f43");
    upstream.commit(
        &[("x.spec", "one\n")],
        "2025-01-01T12:00:00+05:30",
        "First\n\nBody line.",
    );
    upstream.commit(
        &[("other", "o\n")],
        "2025-01-02T12:00:00-08:00",
        "Unrelated",
    );
    let third = upstream.commit(
        &[("x.spec", "two\n"), ("changelog", "old entries\n")],
        "2025-01-03T00:00:00Z",
        "Third",
    );
    upstream.push("f43");
    let (_root, cache) = cache();
    let resolved = cache
        .resolve(
            &request("x", &upstream.url(), None, None),
            Refresh::IfNeeded,
        )
        .unwrap();
    let mirror = resolved.open().unwrap();
    let history: Vec<_> = mirror
        .history(resolved.commit, &["x.spec", "changelog"])
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(history.len(), 3);
    assert_eq!(history[0].id.to_string(), third);
    assert_eq!(history[2].message, "First\n\nBody line.\n");
    assert_eq!(history[2].author.name, "Ada Lovelace");
    assert_eq!(history[2].author.email, "ada@example.org");
    assert_eq!(history[2].committer.name, "Charles Babbage");
    assert_eq!(history[2].author.offset_seconds, 5 * 3600 + 1800);
    assert_eq!(history[1].committer.offset_seconds, -8 * 3600);
    assert_eq!(
        history[2].author.timestamp().to_string(),
        "2025-01-01T06:30:00Z"
    );
    // The spec did not change in the middle commit: same blob id, read once.
    assert_eq!(history[1].files[0], history[2].files[0]);
    assert_ne!(history[0].files[0], history[1].files[0]);
    assert_eq!(history[1].files[1], None);
    assert_eq!(
        mirror.read_blob(history[0].files[1].unwrap()).unwrap(),
        b"old entries\n"
    );
}

#[test]
fn pins_resolve_in_full_or_abbreviated_and_a_missing_pin_names_component_and_pin() {
    let upstream = Upstream::new("f43");
    let old = upstream.commit(&[("p.spec", "old\n")], "2025-01-01T00:00:00Z", "old");
    upstream.commit(&[("p.spec", "new\n")], "2025-06-01T00:00:00Z", "new");
    upstream.push("f43");
    let (_root, cache) = cache();
    let url = upstream.url();
    for pin in [old.as_str(), &old[..7], &old.to_uppercase()] {
        let resolved = cache
            .resolve(
                &request("p", &url, Some(pin), Some(SNAPSHOT)),
                Refresh::IfNeeded,
            )
            .unwrap();
        assert_eq!(
            (resolved.commit.to_string(), resolved.resolution),
            (old.clone(), Resolution::Pinned),
            "{pin}"
        );
    }
    let missing = "0123456789abcdef0123456789abcdef01234567";
    let error = cache
        .resolve(&request("p", &url, Some(missing), None), Refresh::IfNeeded)
        .unwrap_err();
    let text = error.to_string();
    assert!(
        matches!(error, DistGitError::MissingPin { offline: false, .. }),
        "{text}"
    );
    assert!(
        text.contains("component `p`") && text.contains(missing),
        "{text}"
    );
}

#[test]
fn a_replace_ref_stands_in_for_a_pin_in_git_and_in_the_cache() {
    let upstream = Upstream::new("f43");
    let real = upstream.commit(
        &[("r.spec", "pinned content\n")],
        "2025-01-01T00:00:00Z",
        "stand-in",
    );
    upstream.push("f43");
    let pin = "4a64708a0ecb0cc67fccaa7ddef8676cc0b4319f";
    git(
        &upstream.bare,
        &["update-ref", &format!("refs/replace/{pin}"), &real],
        None,
    );
    assert_eq!(
        git(
            &upstream.bare,
            &["rev-parse", &format!("{pin}^{{tree}}")],
            None
        )
        .len(),
        40
    );
    let (_root, cache) = cache();
    let resolved = cache
        .resolve(
            &request("r", &upstream.url(), Some(pin), None),
            Refresh::IfNeeded,
        )
        .unwrap();
    assert_eq!(resolved.commit.to_string(), pin);
    let mirror = resolved.open().unwrap();
    assert_eq!(
        mirror
            .read_file(resolved.commit, "r.spec")
            .unwrap()
            .unwrap(),
        b"pinned content\n"
    );
    let first = mirror
        .history(resolved.commit, &["r.spec"])
        .next()
        .unwrap()
        .unwrap();
    assert_eq!(first.id.to_string(), pin);
    assert_eq!(first.message, "stand-in\n");
    let abbreviated = cache
        .resolve(
            &request("r", &upstream.url(), Some(&pin[..10]), None),
            Refresh::IfNeeded,
        )
        .unwrap();
    assert_eq!(abbreviated.commit.to_string(), pin);
}

#[test]
fn offline_uses_the_cache_and_never_fetches() {
    let upstream = Upstream::new("f43");
    let first = upstream.commit(&[("o.spec", "1\n")], "2025-01-01T00:00:00Z", "1");
    upstream.push("f43");
    let (_root, cache) = cache();
    let url = upstream.url();
    cache
        .resolve(&request("o", &url, None, None), Refresh::IfNeeded)
        .unwrap();
    let second = upstream.commit(&[("o.spec", "2\n")], "2025-01-02T00:00:00Z", "2");
    upstream.push("f43");

    let offline = cache.clone().network(Network::Offline);
    let resolved = offline
        .resolve(&request("o", &url, None, None), Refresh::Always)
        .unwrap();
    assert_eq!(
        resolved.commit.to_string(),
        first,
        "offline must not see the new upstream commit"
    );
    let error = offline
        .resolve(&request("o", &url, Some(&second), None), Refresh::IfNeeded)
        .unwrap_err();
    assert!(
        matches!(error, DistGitError::MissingPin { offline: true, .. }),
        "{error}"
    );
    assert!(error.to_string().contains("--offline"), "{error}");

    // A repository that was never fetched, on a port that records any connection.
    let tripwire = Tripwire::new();
    let remote = format!("git://127.0.0.1:{}/rpms/never.git", tripwire.port);
    let results = offline.resolve_all(
        &[
            request("never", &remote, None, Some(SNAPSHOT)),
            request("o", &url, None, None),
        ],
        Refresh::Always,
    );
    let error = results[0].as_ref().unwrap_err();
    assert!(matches!(error, DistGitError::NotCached { .. }), "{error}");
    assert!(
        error.to_string().contains("component `never`") && error.to_string().contains(&remote),
        "{error}"
    );
    assert_eq!(results[1].as_ref().unwrap().commit.to_string(), first);
    assert!(
        !tripwire.was_contacted(),
        "offline resolution opened a connection"
    );

    // Online, the same cache fetches what is new.
    let online = cache
        .resolve(&request("o", &url, None, None), Refresh::IfNeeded)
        .unwrap();
    assert_eq!(online.commit.to_string(), second);
}

#[test]
fn a_mirror_fetched_after_the_snapshot_is_not_fetched_again() {
    let upstream = Upstream::new("f43");
    let only = upstream.commit(&[("s.spec", "1\n")], "2025-01-01T00:00:00Z", "1");
    upstream.push("f43");
    let (_root, cache) = cache();
    let url = upstream.url();
    let snapshot = Some("2025-06-01T00:00:00Z");
    cache
        .resolve(&request("s", &url, None, snapshot), Refresh::IfNeeded)
        .unwrap();
    assert!(cache.fetched_at(&url).is_some());
    // With the upstream gone, a fetch would fail: IfNeeded must answer from the mirror.
    std::fs::remove_dir_all(&upstream.bare).unwrap();
    let resolved = cache
        .resolve(&request("s", &url, None, snapshot), Refresh::IfNeeded)
        .unwrap();
    assert_eq!(resolved.commit.to_string(), only);
    let error = cache
        .resolve(&request("s", &url, None, None), Refresh::IfNeeded)
        .unwrap_err();
    assert!(matches!(error, DistGitError::Fetch { .. }), "{error}");
    let results = cache.resolve_all(&[request("s", &url, None, snapshot)], Refresh::Always);
    assert!(
        matches!(results[0], Err(DistGitError::FetchFailed { .. })),
        "{:?}",
        results[0]
    );
}

#[test]
fn a_missing_branch_is_named() {
    let upstream = Upstream::new("rawhide");
    upstream.commit(&[("m.spec", "1\n")], "2025-01-01T00:00:00Z", "1");
    upstream.push("rawhide");
    let (_root, cache) = cache();
    let error = cache
        .resolve(
            &request("m", &upstream.url(), None, Some(SNAPSHOT)),
            Refresh::IfNeeded,
        )
        .unwrap_err();
    assert!(
        matches!(error, DistGitError::MissingBranch { .. }),
        "{error}"
    );
    assert!(error.to_string().contains("`f43`"), "{error}");
}

#[test]
fn trees_hold_modes_symlinks_and_subdirectories_but_not_submodules() {
    let upstream = Upstream::new("f43");
    std::fs::create_dir_all(upstream.work.join("dir")).unwrap();
    std::fs::write(upstream.work.join("run.sh"), "#!/bin/sh\n").unwrap();
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(
        upstream.work.join("run.sh"),
        std::fs::Permissions::from_mode(0o755),
    )
    .unwrap();
    std::os::unix::fs::symlink("run.sh", upstream.work.join("link")).unwrap();
    let submodule = "4a64708a0ecb0cc67fccaa7ddef8676cc0b4319f";
    git(
        &upstream.work,
        &[
            "update-index",
            "--add",
            "--cacheinfo",
            &format!("160000,{submodule},vendored"),
        ],
        None,
    );
    upstream.commit(
        &[
            ("redhat-rpm-config.spec", "Name: x\n"),
            ("dir/macros", "%x 1\n"),
            ("sources", ""),
        ],
        "2025-01-01T00:00:00Z",
        "tree",
    );
    upstream.push("f43");
    let (_root, cache) = cache();
    let resolved = cache
        .resolve(
            &request("azurelinux-rpm-config", &upstream.url(), None, None),
            Refresh::IfNeeded,
        )
        .unwrap();
    let mut tree: SourceTree = resolved.open().unwrap().read_tree(resolved.commit).unwrap();
    let listing: Vec<(&str, FileKind)> = tree
        .files
        .iter()
        .map(|file| (file.path.as_str(), file.kind))
        .collect();
    assert_eq!(
        listing,
        [
            ("dir/macros", FileKind::Regular),
            ("link", FileKind::Symlink),
            ("redhat-rpm-config.spec", FileKind::Regular),
            ("run.sh", FileKind::Executable),
            ("sources", FileKind::Regular),
        ]
    );
    assert_eq!(tree.get("link").unwrap().data, b"run.sh");
    // upstream-name: the spec is renamed to the component's name.
    assert!(tree.rename("redhat-rpm-config.spec", "azurelinux-rpm-config.spec"));
    assert!(tree.get("redhat-rpm-config.spec").is_none());
    assert_eq!(
        tree.get("azurelinux-rpm-config.spec").unwrap().data,
        b"Name: x\n"
    );

    let out = tempfile::tempdir().unwrap();
    tree.write_to(out.path()).unwrap();
    let mode = std::fs::metadata(out.path().join("run.sh"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o111, 0o111);
    assert_eq!(
        std::fs::read_link(out.path().join("link"))
            .unwrap()
            .to_str(),
        Some("run.sh")
    );
    assert_eq!(
        std::fs::read_to_string(out.path().join("dir/macros")).unwrap(),
        "%x 1\n"
    );
    assert!(!out.path().join("vendored").exists());
}

#[test]
fn git_ids_parse_only_full_hex() {
    let id: GitId = "4A64708A0ECB0CC67FCCAA7DDEF8676CC0B4319F".parse().unwrap();
    assert_eq!(id.to_string(), "4a64708a0ecb0cc67fccaa7ddef8676cc0b4319f");
    assert!("4a64708".parse::<GitId>().is_err());
    assert!(
        "zz64708a0ecb0cc67fccaa7ddef8676cc0b4319f"
            .parse::<GitId>()
            .is_err()
    );
}

#[test]
fn incremental_fetches_keep_packs_and_stay_compact() {
    let upstream = Upstream::new("f43");
    upstream.commit(&[("i.spec", "0\n")], "2025-01-01T00:00:00Z", "0");
    upstream.push("f43");
    let (_root, cache) = cache();
    let url = upstream.url();
    let mut last = String::new();
    for round in 1..=20 {
        last = upstream.commit(
            &[("i.spec", &format!("{round}\n"))],
            "2025-01-02T00:00:00Z",
            "next",
        );
        upstream.push("f43");
        let resolved = cache
            .resolve(&request("i", &url, None, None), Refresh::IfNeeded)
            .unwrap();
        assert_eq!(resolved.commit.to_string(), last, "round {round}");
    }
    let objects = cache.mirror_path(&url).join("objects");
    let packs = std::fs::read_dir(objects.join("pack"))
        .unwrap()
        .filter(|entry| {
            entry
                .as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|ext| ext == "pack")
        })
        .count();
    assert!((1..=16).contains(&packs), "{packs} packs after 21 fetches");
    let loose = std::fs::read_dir(&objects)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|entry| entry.file_name().len() == 2)
        .count();
    assert_eq!(loose, 0, "fetched objects were unpacked into loose files");
    let mirror = cache.open(&url).unwrap();
    let tip = mirror.branch_tip("f43").unwrap().unwrap();
    assert_eq!(tip.to_string(), last);
    assert_eq!(mirror.history(tip, &[]).count(), 21);
}

#[test]
fn a_repository_that_does_not_exist_is_not_retried() {
    let root = tempfile::tempdir().unwrap();
    // A retry would sleep for an hour: the test only finishes if the failure is final at once.
    let cache =
        DistGitCache::new(root.path().join("dist-git")).retries(3, Duration::from_secs(3600));
    let url = format!("file://{}/absent.git", root.path().display());
    let error = cache.fetch(&url).unwrap_err();
    assert!(matches!(error, DistGitError::Fetch { .. }), "{error}");
}
