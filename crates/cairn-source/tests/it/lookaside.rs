//! The lookaside cache: verification, tampering, retries, and offline without network.

use std::io::Read;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use cairn_source::{
    DefaultTransport, HashType, LookasideCache, LookasideError, LookasideFile, Network,
    SourcesFile, Transport, TransportError,
};

use crate::fixtures::{Server, Tripwire};

const CONTENT: &[u8] = b"the real tarball\n";
const TEMPLATE: &str = "$pkg/$filename/$hashtype/$hash/$filename";

/// Counts every URL opened, then delegates to the real transport.
#[derive(Default)]
struct Counting {
    opened: AtomicUsize,
    inner: DefaultTransport,
}

impl Transport for Counting {
    fn open(&self, url: &str) -> Result<Box<dyn Read + Send>, TransportError> {
        self.opened.fetch_add(1, Ordering::SeqCst);
        self.inner.open(url)
    }
}

fn file(url_base: &str, filename: &str, content: &[u8]) -> LookasideFile {
    let sources = format!(
        "SHA512 ({filename}) = {}\n",
        HashType::Sha512.digest(content)
    );
    let entry = SourcesFile::parse(&sources)
        .unwrap()
        .entries()
        .next()
        .unwrap()
        .clone();
    LookasideFile::from_entry("bash", "bash", &format!("{url_base}/{TEMPLATE}"), &entry).unwrap()
}

/// Publishes `content` under the lookaside layout of `file` in `root`.
fn publish(root: &Path, file: &LookasideFile, content: &[u8]) {
    let path = root
        .join("bash")
        .join(&file.filename)
        .join("sha512")
        .join(&file.hash)
        .join(&file.filename);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, content).unwrap();
}

fn cache_files(root: &Path) -> Vec<String> {
    walkdir_files(root)
}

fn walkdir_files(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(root) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                out.extend(walkdir_files(&path));
            } else {
                out.push(path.display().to_string());
            }
        }
    }
    out
}

#[test]
fn file_urls_are_verified_cached_and_not_fetched_twice() {
    let server = tempfile::tempdir().unwrap();
    let cache_root = tempfile::tempdir().unwrap();
    let wanted = file(
        &format!("file://{}", server.path().display()),
        "bash 5.2.tar.gz",
        CONTENT,
    );
    assert!(wanted.url.contains("bash%205.2.tar.gz"), "{}", wanted.url);
    publish(server.path(), &wanted, CONTENT);
    let counting = Arc::new(Counting::default());
    let cache = LookasideCache::new(cache_root.path())
        .transport(counting.clone())
        .retries(0, Duration::ZERO);
    let path = cache.fetch(&wanted).unwrap();
    assert_eq!(path, cache.path_of(HashType::Sha512, &wanted.hash));
    assert_eq!(std::fs::read(&path).unwrap(), CONTENT);
    cache.fetch(&wanted).unwrap();
    assert_eq!(counting.opened.load(Ordering::SeqCst), 1);
    let out = tempfile::tempdir().unwrap();
    let installed = cache.install(&wanted, out.path()).unwrap();
    assert_eq!(installed, out.path().join("bash 5.2.tar.gz"));
    assert_eq!(std::fs::read(installed).unwrap(), CONTENT);
}

#[test]
fn a_tampered_file_url_is_refused_and_nothing_is_kept() {
    let server = tempfile::tempdir().unwrap();
    let cache_root = tempfile::tempdir().unwrap();
    let wanted = file(
        &format!("file://{}", server.path().display()),
        "bash-5.2.tar.gz",
        CONTENT,
    );
    publish(
        server.path(),
        &wanted,
        b"the real tarball, with a backdoor\n",
    );
    let cache = LookasideCache::new(cache_root.path()).retries(3, Duration::ZERO);
    let error = cache.fetch(&wanted).unwrap_err();
    let LookasideError::HashMismatch {
        expected, actual, ..
    } = &error
    else {
        panic!("{error}")
    };
    assert_eq!(expected, &wanted.hash);
    assert_eq!(
        actual,
        &HashType::Sha512.digest(b"the real tarball, with a backdoor\n")
    );
    let text = error.to_string();
    assert!(
        text.contains("bash-5.2.tar.gz") && text.contains(&wanted.hash) && text.contains(actual),
        "{text}"
    );
    assert_eq!(
        cache_files(cache_root.path()),
        Vec::<String>::new(),
        "a refused download left files behind"
    );
    assert!(!cache.contains(&wanted));
}

#[test]
fn a_tampered_http_download_is_refused_and_nothing_is_kept() {
    let server = Server::start(vec![(200, b"tampered".to_vec())]);
    let cache_root = tempfile::tempdir().unwrap();
    let wanted = file(&server.base, "bash-5.2.tar.gz", CONTENT);
    let cache = LookasideCache::new(cache_root.path()).retries(3, Duration::ZERO);
    let error = cache.fetch(&wanted).unwrap_err();
    assert!(
        matches!(error, LookasideError::HashMismatch { .. }),
        "{error}"
    );
    assert_eq!(server.count(), 1, "a hash mismatch is not retried");
    assert_eq!(cache_files(cache_root.path()), Vec::<String>::new());
}

#[test]
fn transient_http_failures_are_retried() {
    let server = Server::start(vec![
        (503, Vec::new()),
        (500, Vec::new()),
        (200, CONTENT.to_vec()),
    ]);
    let cache_root = tempfile::tempdir().unwrap();
    let wanted = file(&server.base, "bash-5.2.tar.gz", CONTENT);
    let cache = LookasideCache::new(cache_root.path()).retries(3, Duration::ZERO);
    let path = cache.fetch(&wanted).unwrap();
    assert_eq!(std::fs::read(path).unwrap(), CONTENT);
    assert_eq!(server.count(), 3);

    let server = Server::start(vec![(503, Vec::new()), (503, Vec::new())]);
    let cache_root = tempfile::tempdir().unwrap();
    let wanted = file(&server.base, "bash-5.2.tar.gz", CONTENT);
    let cache = LookasideCache::new(cache_root.path()).retries(1, Duration::ZERO);
    let error = cache.fetch(&wanted).unwrap_err();
    assert!(
        matches!(error, LookasideError::Download { attempts: 2, .. }),
        "{error}"
    );
    assert_eq!(server.count(), 2);

    let server = Server::start(vec![(404, Vec::new()), (200, CONTENT.to_vec())]);
    let wanted = file(&server.base, "bash-5.2.tar.gz", CONTENT);
    let error = cache.fetch(&wanted).unwrap_err();
    assert!(
        matches!(error, LookasideError::Download { attempts: 1, .. }),
        "{error}"
    );
    assert!(error.to_string().contains("bash-5.2.tar.gz"), "{error}");
    assert_eq!(server.count(), 1, "a 404 is not retried");
}

#[test]
fn offline_names_every_missing_file_and_opens_no_connection() {
    let tripwire = Tripwire::new();
    let base = format!("http://127.0.0.1:{}", tripwire.port);
    let cache_root = tempfile::tempdir().unwrap();
    let present_source = tempfile::tempdir().unwrap();
    let present = file(
        &format!("file://{}", present_source.path().display()),
        "present.tar",
        b"here",
    );
    publish(present_source.path(), &present, b"here");
    LookasideCache::new(cache_root.path())
        .fetch(&present)
        .unwrap();

    let counting = Arc::new(Counting::default());
    let cache = LookasideCache::new(cache_root.path())
        .transport(counting.clone())
        .network(Network::Offline);
    let missing = [file(&base, "a.tar.gz", b"a"), file(&base, "b.tar.gz", b"b")];
    let error = cache
        .fetch_all(&[present.clone(), missing[0].clone(), missing[1].clone()])
        .unwrap_err();
    let LookasideError::Offline { missing: named } = &error else {
        panic!("{error}")
    };
    assert_eq!(named.as_slice(), &missing);
    let text = error.to_string();
    for item in &missing {
        assert!(
            text.contains(&item.filename)
                && text.contains(&item.url)
                && text.contains("component `bash`"),
            "{text}"
        );
    }
    assert!(matches!(
        cache.fetch(&missing[0]),
        Err(LookasideError::Offline { .. })
    ));
    assert_eq!(
        cache
            .fetch_all(std::slice::from_ref(&present))
            .unwrap()
            .len(),
        1,
        "cache hits work offline"
    );
    assert_eq!(
        counting.opened.load(Ordering::SeqCst),
        0,
        "offline opened a URL"
    );
    assert!(!tripwire.was_contacted(), "offline opened a connection");
}

#[test]
fn malformed_hashes_are_refused_before_any_download() {
    let counting = Arc::new(Counting::default());
    let cache_root = tempfile::tempdir().unwrap();
    let cache = LookasideCache::new(cache_root.path()).transport(counting.clone());
    let mut wanted = file("http://127.0.0.1:9", "x.tar", b"x");
    wanted.hash = "../../etc".into();
    assert!(matches!(
        cache.fetch(&wanted),
        Err(LookasideError::InvalidHash { .. })
    ));
    assert_eq!(counting.opened.load(Ordering::SeqCst), 0);
}
