//! `--offline` opens no connection, end to end, and a lookaside file whose content does not
//! match its `sources` hash is refused by render.

mod render_fixture;

use std::fs;
use std::io::Write as _;
use std::net::TcpListener;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use render_fixture::{Fixture, HELLO_SPEC, OutputText, git, upstream_repo};

/// A TCP listener that counts every connection made to it.
struct Counter {
    port: u16,
    connections: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Counter {
    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let connections = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let (count, halt) = (connections.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            while !halt.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok((mut stream, _)) => {
                        count.fetch_add(1, Ordering::Relaxed);
                        let _ = stream.write_all(b"HTTP/1.1 500 no\r\ncontent-length: 0\r\n\r\n");
                    }
                    Err(_) => std::thread::sleep(std::time::Duration::from_millis(5)),
                }
            }
        });
        Self {
            port,
            connections,
            stop,
            thread: Some(thread),
        }
    }

    fn count(&self) -> usize {
        self.connections.load(Ordering::Relaxed)
    }
}

impl Drop for Counter {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

const TARBALL_SPEC: &str = "\
Name: tarball
Version: 1.0
Release: 1%{?dist}
Summary: Archive overlay
License: MIT
Source0: tarball-1.0.tar

%description
Archive.

%files
/usr/share/tarball
";

fn project_config(dist_git: &str, lookaside: &str) -> String {
    format!(
        r#"
[project]
rendered-specs-dir = "specs"
default-distro = {{ name = "mine" }}

[distros.up]
default-version = "1"
dist-git-base-uri = "{dist_git}"
lookaside-base-uri = "{lookaside}"

[distros.up.versions.'1']
release-ver = "1"
dist-git-branch = "f43"

[distros.mine]
default-version = "1"

[distros.mine.versions.'1']
release-ver = "1"

[distros.mine.versions.'1'.default-component-config]
spec = {{ type = "upstream", upstream-distro = {{ name = "up", version = "1" }} }}

[components.hello]

[components.tarball]

[[components.tarball.overlays]]
description = "Brand the README inside the archive"
type = "file-search-replace"
archive = "tarball-1.0.tar"
file = "README"
regex = 'upstream'
replacement = "cairn"
"#
    )
}

/// An uncompressed tarball with `tarball-1.0/README`.
fn tarball(dir: &Path) -> Vec<u8> {
    let work = dir.join("tar-work");
    fs::create_dir_all(work.join("tarball-1.0")).unwrap();
    fs::write(work.join("tarball-1.0/README"), "built upstream\n").unwrap();
    let status = std::process::Command::new("tar")
        .arg("-cf")
        .arg(work.join("out.tar"))
        .arg("-C")
        .arg(&work)
        .args([
            "--mtime=2026-01-01",
            "--owner=0",
            "--group=0",
            "tarball-1.0",
        ])
        .status()
        .unwrap();
    assert!(status.success());
    fs::read(work.join("out.tar")).unwrap()
}

fn sha512(data: &[u8]) -> String {
    cairn_source::HashType::Sha512.digest(data)
}

fn upstreams(fixture: &Fixture) -> String {
    let root = fixture.root();
    let archive = tarball(&root);
    let hash = sha512(&archive);
    upstream_repo(
        &root,
        "hello",
        &[(
            "2026-01-05T10:00:00Z",
            "Initial import",
            &[("hello.spec", HELLO_SPEC), ("fix.patch", "x")],
        )],
    );
    upstream_repo(
        &root,
        "tarball",
        &[(
            "2026-01-05T10:00:00Z",
            "Initial import",
            &[
                ("tarball.spec", TARBALL_SPEC),
                ("sources", &format!("SHA512 (tarball-1.0.tar) = {hash}\n")),
            ],
        )],
    );
    fs::write(root.join("archive.tar"), &archive).unwrap();
    hash
}

/// Fills the dist-git and lookaside caches as a previous online run would have.
fn warm_caches(fixture: &Fixture, dist_git_template: &str, hash: &str) {
    let cache = fixture.cache().join("cairn");
    let dist_git = cairn_source::DistGitCache::new(cache.join("dist-git"));
    for name in ["hello", "tarball"] {
        let url = dist_git_template.replace("$pkg", name);
        let mirror = dist_git.mirror_path(&url);
        let source = fixture.root().join("upstream").join(name);
        git(
            &fixture.root(),
            "2026-01-01T00:00:00Z",
            &[
                "clone",
                "-q",
                "--bare",
                &source.to_string_lossy(),
                &mirror.to_string_lossy(),
            ],
        );
        fs::write(mirror.join("cairn-fetched-at"), "2026-11-01T00:00:00Z\n").unwrap();
    }
    let lookaside = cairn_source::LookasideCache::new(cache.join("lookaside"));
    let path = lookaside.path_of(cairn_source::HashType::Sha512, hash);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::copy(fixture.root().join("archive.tar"), path).unwrap();
}

#[test]
fn offline_render_and_update_open_no_connection() {
    let counter = Counter::start();
    let fixture = Fixture::empty();
    let hash = upstreams(&fixture);
    let dist_git = format!("http://127.0.0.1:{}/rpms/$pkg.git", counter.port);
    let lookaside = format!(
        "http://127.0.0.1:{}/lookaside/$pkg/$filename/$hashtype/$hash/$filename",
        counter.port
    );
    fixture.write_config(&project_config(&dist_git, &lookaside));

    // Cold caches, offline: every component fails and names what is missing; no connection.
    let cold = fixture.cairn(&["--offline", "component", "render", "-a", "-O", "json"]);
    assert!(cold.status.success(), "{}", cold.stderr_text());
    let rows: serde_json::Value = serde_json::from_str(&cold.stdout_text()).unwrap();
    for row in rows.as_array().unwrap() {
        assert_eq!(row["status"], "error", "{row}");
        assert!(
            row["error"].as_str().unwrap().contains("--offline"),
            "{row}"
        );
    }
    assert_eq!(counter.count(), 0);

    // Warm caches, offline: render and update work and still connect to nothing.
    warm_caches(&fixture, &dist_git, &hash);
    let render = fixture.cairn(&["--offline", "component", "render", "-a", "-O", "json"]);
    assert!(render.status.success(), "{}", render.stderr_text());
    let rows: serde_json::Value = serde_json::from_str(&render.stdout_text()).unwrap();
    for row in rows.as_array().unwrap() {
        assert_eq!(row["status"], "ok", "{row}");
    }
    let update = fixture.cairn(&["--offline", "component", "update", "-a"]);
    assert!(update.status.success(), "{}", update.stderr_text());
    assert!(fixture.project().join("locks/tarball.lock").is_file());
    assert_eq!(counter.count(), 0, "--offline opened a connection");

    // The archive overlay ran: the rendered `sources` names the repacked archive.
    let sources = fs::read_to_string(fixture.specs().join("t/tarball/sources")).unwrap();
    assert!(
        sources.starts_with("SHA512 (tarball-1.0.tar) = "),
        "{sources}"
    );
    assert!(
        !sources.contains(&hash),
        "the archive was not repacked: {sources}"
    );
    assert!(!fixture.specs().join("t/tarball/tarball-1.0.tar").exists());

    // The counter does see connections when there are some.
    drop(std::net::TcpStream::connect(("127.0.0.1", counter.port)).unwrap());
    for _ in 0..200 {
        if counter.count() > 0 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert_eq!(counter.count(), 1);
}

#[test]
fn tampered_lookaside_file_is_refused() {
    let fixture = Fixture::empty();
    let hash = upstreams(&fixture);
    let root = fixture.root();
    let lookaside = root
        .join("lookaside/tarball/tarball-1.0.tar/sha512")
        .join(&hash);
    fs::create_dir_all(&lookaside).unwrap();
    let mut tampered = fs::read(root.join("archive.tar")).unwrap();
    tampered[600] ^= 0x20;
    fs::write(lookaside.join("tarball-1.0.tar"), &tampered).unwrap();
    fixture.write_config(&project_config(
        &format!("file://{}/upstream/$pkg", root.display()),
        &format!(
            "file://{}/lookaside/$pkg/$filename/$hashtype/$hash/$filename",
            root.display()
        ),
    ));

    let render = fixture.cairn(&["component", "render", "-p", "tarball", "-O", "json"]);
    assert!(render.status.success(), "{}", render.stderr_text());
    let rows: serde_json::Value = serde_json::from_str(&render.stdout_text()).unwrap();
    let error = rows[0]["error"].as_str().unwrap_or_default();
    assert_eq!(rows[0]["status"], "error");
    assert!(
        error.contains("tarball-1.0.tar") && error.contains("does not match its `sources` entry"),
        "{error}"
    );
    assert!(fixture.specs().join("t/tarball/RENDER_FAILED").is_file());
    let cached = cairn_source::LookasideCache::new(fixture.cache().join("cairn/lookaside"))
        .path_of(cairn_source::HashType::Sha512, &hash);
    assert!(!cached.exists(), "a mismatching download was cached");

    // With the genuine file, the same render succeeds.
    fs::copy(root.join("archive.tar"), lookaside.join("tarball-1.0.tar")).unwrap();
    let render = fixture.cairn(&["component", "render", "-p", "tarball"]);
    assert!(render.status.success());
    assert!(fixture.specs().join("t/tarball/tarball.spec").is_file());
    assert!(!fixture.specs().join("t/tarball/RENDER_FAILED").exists());
}
