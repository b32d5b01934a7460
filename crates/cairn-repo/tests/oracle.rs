//! Oracle test: the metadata cairn writes says the same as createrepo_c's for the same packages
//! (every field of every package, the dependency lists with flags and `pre`, the files and
//! which of them primary.xml carries, the changelogs).

#![allow(clippy::print_stderr, reason = "tests say what they compared")]

mod common;

use std::path::{Path, PathBuf};

use cairn_repo::{IndexOptions, LoadOptions, LocalTransport, index, load};
use cairn_repomd::Package;
use cairn_tool::Tool;

/// Builds the fixture repository: two specs, one package in a subdirectory.
fn fixture(work: &Path) -> Vec<PathBuf> {
    let mut rpms = common::build_rpms(work, "base", common::BASE_SPEC);
    rpms.extend(common::build_rpms(work, "tool", common::TOOL_SPEC));
    rpms
}

/// A repository directory of hard links to `rpms` (same inode, so the same mtime for every tool).
fn repository(work: &Path, name: &str, rpms: &[PathBuf]) -> PathBuf {
    let root = work.join(name);
    std::fs::create_dir_all(root.join("Packages/sub")).unwrap();
    for rpm in rpms {
        let file = rpm.file_name().unwrap().to_str().unwrap();
        let target = if file.contains("-lang-") {
            root.join("Packages/sub").join(file)
        } else {
            root.join("Packages").join(file)
        };
        std::fs::hard_link(rpm, target).unwrap();
    }
    root
}

fn packages(root: &Path, complete: bool) -> Vec<Package> {
    let options = LoadOptions {
        filelists: complete,
        other: complete,
        ..LoadOptions::default()
    };
    let mut packages = load(&LocalTransport::new(root), &options).unwrap().packages;
    packages.sort_by(|a, b| a.location_href.cmp(&b.location_href));
    packages
}

fn assert_same(ours: &[Package], theirs: &[Package], peer: &str) {
    assert_eq!(
        ours.iter().map(Package::nevra).collect::<Vec<_>>(),
        theirs.iter().map(Package::nevra).collect::<Vec<_>>(),
        "package sets differ from {peer}"
    );
    for (our, their) in ours.iter().zip(theirs) {
        let (our_json, their_json) = (
            serde_json::to_value(our).unwrap(),
            serde_json::to_value(their).unwrap(),
        );
        for (field, value) in our_json.as_object().unwrap() {
            assert_eq!(
                value,
                &their_json[field],
                "{}: field `{field}` differs from {peer}",
                our.nevra()
            );
        }
    }
}

fn peers() -> Vec<String> {
    let mut peers = Vec::new();
    if Tool::exists("createrepo_c") {
        peers.push("createrepo_c".to_owned());
    }
    // createrepo_c 1.2.5 from the peer harness (../shared/peers/install.sh), when present.
    let pip = "/tmp/peers/venv/bin/createrepo_c";
    if Path::new(pip).exists() {
        peers.push(pip.to_owned());
    }
    peers
}

#[test]
fn metadata_matches_createrepo_c() {
    if !common::have(&["rpmbuild", "createrepo_c"]) {
        return;
    }
    let work = tempfile::tempdir().unwrap();
    let rpms = fixture(work.path());
    assert_eq!(rpms.len(), 3, "{rpms:?}");

    let ours_root = repository(work.path(), "ours", &rpms);
    index(&ours_root, &IndexOptions::default()).unwrap();
    let ours_full = packages(&ours_root, true);
    let ours_primary = packages(&ours_root, false);

    // The fixture exercises what it claims to.
    let base = ours_full
        .iter()
        .find(|package| package.name == "oracle-base")
        .unwrap();
    assert_eq!(base.epoch, 3);
    assert_eq!(
        base.changelogs.len(),
        10,
        "createrepo_c keeps the newest ten changelog entries"
    );
    assert!(
        base.requires.iter().any(|dependency| dependency.pre),
        "{:?}",
        base.requires
    );
    assert!(
        base.files
            .iter()
            .any(|file| file.kind == cairn_repomd::FileKind::Ghost)
    );
    let lang = ours_full
        .iter()
        .find(|package| package.name == "oracle-tool-lang")
        .unwrap();
    assert!(
        lang.location_href.starts_with("Packages/sub/"),
        "{}",
        lang.location_href
    );

    let peers = peers();
    for (number, peer) in peers.iter().enumerate() {
        let root = repository(work.path(), &format!("peer{number}"), &rpms);
        Tool::new(peer)
            .args(["--no-database", "--quiet"])
            .arg(&root)
            .output()
            .unwrap();
        let version = Tool::new(peer).arg("--version").read_stdout().unwrap();
        let (mut expected_full, mut expected_primary) = (ours_full.clone(), ours_primary.clone());
        if version.starts_with("Version: 0.") {
            // createrepo_c 1.x (and cairn) mark `Requires(posttrans)` and `(pretrans)` as
            // `pre="1"`; 0.x did not.
            for package in expected_full.iter_mut().chain(expected_primary.iter_mut()) {
                for dependency in &mut package.requires {
                    if dependency.name == "oracle-posttrans-helper" {
                        dependency.pre = false;
                    }
                }
            }
        }
        assert_same(&expected_full, &packages(&root, true), peer);
        assert_same(
            &expected_primary,
            &packages(&root, false),
            &format!("{peer} (primary.xml alone)"),
        );
    }
    eprintln!("compared with {peers:?}");
}
