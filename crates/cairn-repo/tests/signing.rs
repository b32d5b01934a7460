//! repomd.xml.asc and RPM header signatures: written, verified by gpg and by our reader, and
//! refused when missing or tampered with.

#![allow(clippy::print_stderr, reason = "tests say why they skip")]

mod common;

use cairn_repo::{
    IndexError, IndexOptions, Keyring, LoadError, LoadOptions, LocalTransport, RepoSigner, index,
    load,
};
use cairn_tool::Tool;

#[test]
fn signed_repomd_verifies_and_tampering_is_refused() {
    if !common::have(&["rpmbuild", "gpg"]) {
        return;
    }
    let work = tempfile::tempdir().unwrap();
    let (home, secret, public) = common::gpg_key(work.path());
    let root = work.path().join("repo");
    std::fs::create_dir_all(&root).unwrap();
    for rpm in common::build_rpms(work.path(), "hello", common::HELLO_SPEC) {
        std::fs::copy(&rpm, root.join(rpm.file_name().unwrap())).unwrap();
    }
    let options = IndexOptions {
        signer: Some(RepoSigner::from_key_file(&secret).unwrap()),
        ..IndexOptions::default()
    };
    let summary = index(&root, &options).unwrap();
    assert!(summary.signed);
    let repomd = root.join("repodata/repomd.xml");
    let signature = root.join("repodata/repomd.xml.asc");
    assert!(
        std::fs::read_to_string(&signature)
            .unwrap()
            .starts_with("-----BEGIN PGP SIGNATURE-----")
    );

    // gpg agrees, and our reader accepts it with the keyring.
    Tool::new("gpg")
        .arg("--homedir")
        .arg(&home)
        .args(["--batch", "--verify"])
        .arg(&signature)
        .arg(&repomd)
        .output()
        .unwrap();
    let keyring = || Some(Keyring::from_file(&public).unwrap());
    load(
        &LocalTransport::new(&root),
        &LoadOptions {
            keyring: keyring(),
            ..LoadOptions::default()
        },
    )
    .unwrap();

    // One changed byte: gpg and our reader both refuse.
    let mut bytes = std::fs::read(&repomd).unwrap();
    let position = bytes.iter().position(|&byte| byte == b'<').unwrap() + 1;
    bytes[position] = b'X';
    std::fs::write(&repomd, &bytes).unwrap();
    let verified = Tool::new("gpg")
        .arg("--homedir")
        .arg(&home)
        .args(["--batch", "--verify"])
        .arg(&signature)
        .arg(&repomd)
        .output();
    assert!(verified.is_err(), "gpg accepted a tampered repomd.xml");
    let error = load(
        &LocalTransport::new(&root),
        &LoadOptions {
            keyring: keyring(),
            ..LoadOptions::default()
        },
    )
    .unwrap_err();
    assert!(matches!(error, LoadError::Signature(_)), "{error}");
    assert!(error.to_string().contains("repomd.xml.asc"), "{error}");

    // No signature at all is refused when a keyring is configured.
    std::fs::remove_file(&signature).unwrap();
    let error = load(
        &LocalTransport::new(&root),
        &LoadOptions {
            keyring: keyring(),
            ..LoadOptions::default()
        },
    )
    .unwrap_err();
    assert!(error.to_string().contains("not signed"), "{error}");
}

#[test]
fn package_signatures_are_checked_against_the_keyring() {
    if !common::have(&["rpmbuild", "gpg"]) {
        return;
    }
    let work = tempfile::tempdir().unwrap();
    let (_home, secret, public) = common::gpg_key(work.path());
    let root = work.path().join("repo");
    std::fs::create_dir_all(&root).unwrap();
    let rpms = common::build_rpms(work.path(), "hello", common::HELLO_SPEC);
    let signer = rpm::signature::pgp::Signer::from_asc_file(&secret).unwrap();
    for rpm in &rpms {
        let mut package = rpm::Package::open(rpm).unwrap();
        package.sign(&signer).unwrap();
        package
            .write_file(root.join(rpm.file_name().unwrap()))
            .unwrap();
    }
    let with_keyring = || IndexOptions {
        keyring: Some(Keyring::from_file(&public).unwrap()),
        ..IndexOptions::default()
    };
    assert_eq!(index(&root, &with_keyring()).unwrap().packages, 2);

    // An unsigned package is refused by path, and the previous metadata stays.
    let before = std::fs::read(root.join("repodata/repomd.xml")).unwrap();
    let unsigned = root.join("unsigned.rpm");
    std::fs::copy(&rpms[0], &unsigned).unwrap();
    let error = index(&root, &with_keyring()).unwrap_err();
    assert!(matches!(error, IndexError::Signature(_)), "{error}");
    assert!(
        error.to_string().contains("unsigned.rpm") && error.to_string().contains("not signed"),
        "{error}"
    );
    assert_eq!(
        std::fs::read(root.join("repodata/repomd.xml")).unwrap(),
        before
    );
}

#[test]
fn the_azure_linux_signing_key_loads_as_a_keyring() {
    let key = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/corpus/azl4/config-4.0/base/comps/azurelinux-repos/RPM-GPG-KEY-azurelinux-4.0-primary"
    );
    if !std::path::Path::new(key).exists() {
        eprintln!("skipping: {key} is absent (../shared/corpus is not beside the checkout)");
        return;
    }
    Keyring::from_file(std::path::Path::new(key)).unwrap();
}
