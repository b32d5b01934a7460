//! Indexing and loading: `--update` reuse, atomic replacement, refusals of bad input, the
//! binary cache, and loading over http.

#![allow(clippy::print_stderr, reason = "tests say why they skip")]

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};

use cairn_repo::{
    HttpTransport, IndexError, IndexOptions, LoadError, LoadOptions, LocalTransport, index, load,
    load_filelists_paths,
};
use cairn_repomd::Package;

fn fixture(work: &Path) -> (PathBuf, Vec<PathBuf>) {
    let root = work.join("repo");
    std::fs::create_dir_all(root.join("Packages")).unwrap();
    let mut rpms = common::build_rpms(work, "hello", common::HELLO_SPEC);
    rpms.extend(common::build_rpms(work, "tool", common::TOOL_SPEC));
    (root, rpms)
}

fn add(root: &Path, rpm: &Path) {
    std::fs::copy(rpm, root.join("Packages").join(rpm.file_name().unwrap())).unwrap();
}

fn full(root: &Path) -> Vec<Package> {
    let options = LoadOptions {
        filelists: true,
        other: true,
        ..LoadOptions::default()
    };
    load(&LocalTransport::new(root), &options).unwrap().packages
}

#[test]
fn update_reuses_unchanged_packages_and_matches_a_cold_run() {
    if !common::have(&["rpmbuild"]) {
        return;
    }
    let work = tempfile::tempdir().unwrap();
    let (root, rpms) = fixture(work.path());
    for rpm in &rpms[..2] {
        add(&root, rpm);
    }
    let update = IndexOptions {
        update: true,
        ..IndexOptions::default()
    };
    let first = index(&root, &update).unwrap();
    assert_eq!((first.packages, first.reused, first.read), (2, 0, 2));
    for rpm in &rpms[2..] {
        add(&root, rpm);
    }
    std::fs::remove_file(root.join("Packages").join(rpms[0].file_name().unwrap())).unwrap();
    let second = index(&root, &update).unwrap();
    assert_eq!(
        (second.packages, second.reused, second.read),
        (rpms.len() - 1, 1, rpms.len() - 2)
    );
    let updated = full(&root);
    index(&root, &IndexOptions::default()).unwrap();
    assert_eq!(
        updated,
        full(&root),
        "--update must write what a cold run writes"
    );
}

#[test]
fn a_failed_run_leaves_the_previous_metadata_whole() {
    if !common::have(&["rpmbuild"]) {
        return;
    }
    let work = tempfile::tempdir().unwrap();
    let (root, rpms) = fixture(work.path());
    add(&root, &rpms[0]);
    index(&root, &IndexOptions::default()).unwrap();
    let before: Vec<_> = std::fs::read_dir(root.join("repodata"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name())
        .collect();

    // A truncated package makes the run fail before anything is replaced.
    let bytes = std::fs::read(&rpms[1]).unwrap();
    std::fs::write(root.join("Packages/broken.rpm"), &bytes[..200]).unwrap();
    let error = index(&root, &IndexOptions::default()).unwrap_err();
    assert!(matches!(error, IndexError::Package { .. }), "{error}");
    assert!(error.to_string().contains("broken.rpm"), "{error}");
    let after: Vec<_> = std::fs::read_dir(root.join("repodata"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name())
        .collect();
    assert_eq!(before, after);
    assert_eq!(full(&root).len(), 1);
    let leftovers: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(".repodata"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    // What a killed run leaves behind (a temporary directory of a dead process) is cleaned up.
    std::fs::remove_file(root.join("Packages/broken.rpm")).unwrap();
    let stale = root.join(".repodata.tmp-999999999");
    std::fs::create_dir_all(&stale).unwrap();
    std::fs::write(stale.join("repomd.xml"), "half").unwrap();
    index(&root, &IndexOptions::default()).unwrap();
    assert!(!stale.exists());
}

#[test]
fn checksum_mismatches_are_refused() {
    if !common::have(&["rpmbuild"]) {
        return;
    }
    let work = tempfile::tempdir().unwrap();
    let (root, rpms) = fixture(work.path());
    add(&root, &rpms[0]);
    index(&root, &IndexOptions::default()).unwrap();
    let primary = std::fs::read_dir(root.join("repodata"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .find(|path| path.to_string_lossy().contains("primary"))
        .unwrap();
    let mut bytes = std::fs::read(&primary).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0xff;
    std::fs::write(&primary, &bytes).unwrap();
    let error = load(&LocalTransport::new(&root), &LoadOptions::default()).unwrap_err();
    assert!(
        matches!(error, LoadError::ChecksumMismatch { .. }),
        "{error}"
    );
    assert!(error.to_string().contains("primary.xml.zst"), "{error}");
}

#[test]
fn the_cache_serves_an_unchanged_repository() {
    if !common::have(&["rpmbuild"]) {
        return;
    }
    let work = tempfile::tempdir().unwrap();
    let (root, rpms) = fixture(work.path());
    for rpm in &rpms {
        add(&root, rpm);
    }
    index(&root, &IndexOptions::default()).unwrap();
    let options = || LoadOptions {
        filelists: true,
        cache_dir: Some(work.path().join("cache")),
        ..LoadOptions::default()
    };
    let first = load(&LocalTransport::new(&root), &options()).unwrap();
    let second = load(&LocalTransport::new(&root), &options()).unwrap();
    assert!(!first.from_cache && second.from_cache);
    assert_eq!(first.packages, second.packages);

    // Asking for more than the cache holds reads the XML again.
    let with_other = LoadOptions {
        other: true,
        ..options()
    };
    assert!(
        !load(&LocalTransport::new(&root), &with_other)
            .unwrap()
            .from_cache
    );

    // A new index is a new key: the cache is not consulted for it.
    add(&root, &rpms[0]);
    std::fs::remove_file(root.join("Packages").join(rpms[1].file_name().unwrap())).unwrap();
    index(&root, &IndexOptions::default()).unwrap();
    let third = load(&LocalTransport::new(&root), &options()).unwrap();
    assert!(!third.from_cache);
    assert_eq!(third.packages.len(), rpms.len() - 1);
}

#[test]
fn filelists_paths_stream_after_a_primary_only_load() {
    if !common::have(&["rpmbuild"]) {
        return;
    }
    let work = tempfile::tempdir().unwrap();
    let (root, rpms) = fixture(work.path());
    for rpm in &rpms {
        add(&root, rpm);
    }
    index(&root, &IndexOptions::default()).unwrap();
    let transport = LocalTransport::new(&root);
    let primary = load(&transport, &LoadOptions::default()).unwrap();
    assert!(!primary.complete_files);
    let mut streamed = Vec::new();
    load_filelists_paths(
        &transport,
        &primary,
        &cairn_repomd::Limits::default(),
        |pkgid, path| streamed.push((pkgid.to_owned(), path.to_owned())),
    )
    .unwrap();
    let mut expected: Vec<(String, String)> = full(&root)
        .iter()
        .flat_map(|package| {
            package
                .files
                .iter()
                .map(|file| (package.checksum.value.clone(), file.path.clone()))
        })
        .collect();
    streamed.sort();
    expected.sort();
    assert!(!expected.is_empty());
    assert_eq!(streamed, expected);
}

/// Serves `root` over http on a loopback port for `requests` requests.
fn serve(root: PathBuf, requests: usize) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(requests) {
            let Ok(mut stream) = stream else { continue };
            let mut line = String::new();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            reader.read_line(&mut line).unwrap();
            while let Ok(count) = reader.read_line(&mut String::new()) {
                if count <= 2 {
                    break;
                }
            }
            let path = line
                .split_whitespace()
                .nth(1)
                .unwrap_or("/")
                .trim_start_matches('/')
                .to_owned();
            match std::fs::read(root.join(&path)) {
                Ok(body) => {
                    write!(
                        stream,
                        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        body.len()
                    )
                    .unwrap();
                    stream.write_all(&body).unwrap();
                }
                Err(_) => write!(
                    stream,
                    "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                )
                .unwrap(),
            }
        }
    });
    format!("http://{address}/")
}

#[test]
fn repositories_load_over_http() {
    if !common::have(&["rpmbuild"]) {
        return;
    }
    let work = tempfile::tempdir().unwrap();
    let (root, rpms) = fixture(work.path());
    for rpm in &rpms {
        add(&root, rpm);
    }
    index(&root, &IndexOptions::default()).unwrap();
    let url = serve(root.clone(), 4);
    let options = LoadOptions {
        filelists: true,
        ..LoadOptions::default()
    };
    let remote = load(&HttpTransport::new(&url), &options).unwrap();
    let local = load(&LocalTransport::new(&root), &options).unwrap();
    assert_eq!(remote.packages, local.packages);
    assert!(remote.location.starts_with("http://127.0.0.1:"));

    let missing = serve(work.path().join("nothing"), 1);
    let error = load(&HttpTransport::new(&missing), &options).unwrap_err();
    assert!(matches!(error, LoadError::Fetch(_)), "{error}");
}

#[test]
fn gzip_metadata_for_old_clients_reads_the_same() {
    if !common::have(&["rpmbuild"]) {
        return;
    }
    let work = tempfile::tempdir().unwrap();
    let (root, rpms) = fixture(work.path());
    for rpm in &rpms {
        add(&root, rpm);
    }
    index(&root, &IndexOptions::default()).unwrap();
    let zstd = full(&root);
    let gzip = IndexOptions {
        compression: cairn_repo::Compression::Gzip,
        ..IndexOptions::default()
    };
    index(&root, &gzip).unwrap();
    let names: Vec<String> = std::fs::read_dir(root.join("repodata"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names
            .iter()
            .filter(|name| name.ends_with(".xml.gz"))
            .count(),
        3,
        "{names:?}"
    );
    assert_eq!(full(&root), zstd);
}
