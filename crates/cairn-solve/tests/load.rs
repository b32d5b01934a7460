//! Loading a repository from disk: filelists.xml is read only for the paths file dependencies
//! name, and a warm load takes those owners from the cache without reading it again.

use std::path::Path;

use cairn_repomd::{Checksum, Dependency, Document, FileKind, Package, PackageFile, Repomd};
use cairn_solve::{PoolOptions, RepositorySpec, Request, load_pool, solve};
use sha2::{Digest, Sha256};

fn package(name: &str, requires: &[&str], files: &[&str]) -> Package {
    Package {
        name: name.into(),
        arch: "noarch".into(),
        version: "1".into(),
        release: "1".into(),
        checksum: Checksum::sha256(hex::encode(Sha256::digest(name.as_bytes()))),
        location_href: format!("Packages/{name}-1-1.noarch.rpm"),
        requires: requires.iter().map(|&r| Dependency::new(r)).collect(),
        files: files
            .iter()
            .map(|&path| PackageFile {
                path: path.into(),
                kind: FileKind::File,
            })
            .collect(),
        ..Package::default()
    }
}

/// Writes uncompressed primary.xml and filelists.xml with a repomd.xml indexing them.
fn write_repository(root: &Path, packages: &[Package]) {
    let repodata = root.join("repodata");
    std::fs::create_dir_all(&repodata).unwrap();
    let mut records = Vec::new();
    for document in [Document::Primary, Document::Filelists] {
        let bytes = cairn_repomd::write_document(document, packages.iter(), Vec::new()).unwrap();
        let href = format!("repodata/{}.xml", document.name());
        std::fs::write(root.join(&href), &bytes).unwrap();
        records.push(cairn_repomd::RepomdRecord {
            kind: document.name().into(),
            checksum: Checksum::sha256(hex::encode(Sha256::digest(&bytes))),
            open_checksum: None,
            location_href: href,
            timestamp: 1,
            size: Some(bytes.len() as u64),
            open_size: None,
            database_version: None,
        });
    }
    let repomd = Repomd {
        revision: Some("1".into()),
        records,
    };
    std::fs::write(
        repodata.join("repomd.xml"),
        repomd.write(Vec::new()).unwrap(),
    )
    .unwrap();
}

fn installed(spec: &RepositorySpec, options: &PoolOptions) -> (Vec<String>, bool, bool) {
    let (mut pool, report) = load_pool(std::slice::from_ref(spec), options).unwrap();
    let solution = solve(&mut pool, &Request::new(["a"])).unwrap();
    let mut names: Vec<String> = solution
        .packages
        .iter()
        .map(|&id| pool.package_name(id).to_owned())
        .collect();
    names.sort();
    (names, report.filelists, report.from_cache)
}

#[test]
fn file_owners_come_from_filelists_once_then_from_the_cache() {
    let work = tempfile::tempdir().unwrap();
    let root = work.path().join("repo");
    write_repository(
        &root,
        &[
            package("a", &["/usr/share/b/data", "/usr/bin/c"], &[]),
            package("b", &[], &["/usr/share/b/data", "/usr/share/b/other"]),
            package("c", &[], &["/usr/bin/c"]),
            package("d", &[], &["/usr/share/d/data"]),
        ],
    );
    let spec = RepositorySpec {
        location: root.display().to_string(),
        priority: 0,
    };
    let expected = vec!["a".to_owned(), "b".to_owned(), "c".to_owned()];
    let uncached = PoolOptions {
        cache_dir: None,
        ..PoolOptions::default()
    };
    assert_eq!(installed(&spec, &uncached), (expected.clone(), true, false));
    let cached = PoolOptions {
        cache_dir: Some(work.path().join("cache")),
        ..PoolOptions::default()
    };
    assert_eq!(installed(&spec, &cached), (expected.clone(), true, false));
    // Warm: neither document is read again (the filelists are gone, the owners are cached).
    std::fs::remove_file(root.join("repodata/filelists.xml")).unwrap();
    assert_eq!(installed(&spec, &cached), (expected, true, true));
    assert!(load_pool(std::slice::from_ref(&spec), &uncached).is_err());
}
