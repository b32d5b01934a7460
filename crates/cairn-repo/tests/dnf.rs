//! dnf installs from repositories cairn indexed: without signature checks, and with both
//! package (`gpgcheck`) and metadata (`repo_gpgcheck`) signatures checked.

#![allow(clippy::print_stderr, reason = "tests say why they skip")]

mod common;

use std::path::Path;

use cairn_repo::{IndexOptions, RepoSigner, index};
use cairn_tool::Tool;

fn dnf_install(
    work: &Path,
    root_name: &str,
    repository: &Path,
    settings: &[String],
) -> Result<String, String> {
    let home = work.join("home");
    std::fs::create_dir_all(&home).unwrap();
    // Debian's rpm keeps its database under ~ unless told otherwise.
    std::fs::write(home.join(".rpmmacros"), "%_dbpath /var/lib/rpm\n").unwrap();
    let root = work.join(root_name);
    let output = Tool::new("dnf")
        .env("HOME", &home)
        .arg(format!("--installroot={}", root.display()))
        .args([
            "-y",
            "--releasever=1",
            "--forcearch=x86_64",
            "--noplugins",
            "--setopt=reposdir=/dev/null",
        ])
        .arg(format!(
            "--setopt=cachedir={}",
            work.join(format!("cache-{root_name}")).display()
        ))
        .arg(format!("--repofrompath=r,{}", repository.display()))
        .args(["--repo=r"])
        .args(settings)
        .args(["install", "hello"])
        .output()
        .map_err(|error| error.to_string())?;
    if !root.join("usr/share/hello/greeting").exists() {
        return Err(format!(
            "hello was not installed: {}",
            String::from_utf8_lossy(&output.stdout)
        ));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

#[test]
fn dnf_installs_from_a_cairn_repository() {
    if !common::have(&["rpmbuild", "dnf", "gpg"]) {
        return;
    }
    let work = tempfile::tempdir().unwrap();
    let work = work.path();
    let rpms = common::build_rpms(work, "hello", common::HELLO_SPEC);

    let plain = work.join("plain");
    std::fs::create_dir_all(plain.join("Packages")).unwrap();
    for rpm in &rpms {
        std::fs::copy(rpm, plain.join("Packages").join(rpm.file_name().unwrap())).unwrap();
    }
    index(&plain, &IndexOptions::default()).unwrap();
    dnf_install(work, "root-plain", &plain, &["--nogpgcheck".to_owned()]).unwrap();

    // Signed packages, signed metadata, and dnf checking both.
    let (_home, secret, public) = common::gpg_key(work);
    let signed = work.join("signed");
    std::fs::create_dir_all(signed.join("Packages")).unwrap();
    let signer = rpm::signature::pgp::Signer::from_asc_file(&secret).unwrap();
    for rpm in &rpms {
        let mut package = rpm::Package::open(rpm).unwrap();
        package.sign(&signer).unwrap();
        package
            .write_file(signed.join("Packages").join(rpm.file_name().unwrap()))
            .unwrap();
    }
    let options = IndexOptions {
        signer: Some(RepoSigner::from_key_file(&secret).unwrap()),
        ..IndexOptions::default()
    };
    index(&signed, &options).unwrap();
    let checks = vec![
        "--setopt=r.gpgcheck=1".to_owned(),
        "--setopt=r.repo_gpgcheck=1".to_owned(),
        format!("--setopt=r.gpgkey=file://{}", public.display()),
    ];
    dnf_install(work, "root-signed", &signed, &checks).unwrap();

    // The unsigned repository fails the same checks: the test can tell the difference.
    assert!(dnf_install(work, "root-refused", &plain, &checks).is_err());
}
