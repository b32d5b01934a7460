//! Helpers: git repositories with chosen dates, and a scripted local HTTP server.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use cairn_tool::Tool;

/// Runs git in `dir` with a fixed identity and no user or system configuration.
pub fn git(dir: &Path, args: &[&str], date: Option<&str>) -> String {
    let mut tool = Tool::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Ada Lovelace")
        .env("GIT_AUTHOR_EMAIL", "ada@example.org")
        .env("GIT_COMMITTER_NAME", "Charles Babbage")
        .env("GIT_COMMITTER_EMAIL", "charles@example.org");
    if let Some(date) = date {
        tool = tool
            .env("GIT_AUTHOR_DATE", date)
            .env("GIT_COMMITTER_DATE", date);
    }
    tool.read_stdout()
        .unwrap_or_else(|error| panic!("{error}"))
        .trim()
        .to_owned()
}

/// A working repository whose commits are pushed to a bare "upstream" repository.
pub struct Upstream {
    pub _temp: tempfile::TempDir,
    pub work: PathBuf,
    pub bare: PathBuf,
}

impl Upstream {
    pub fn new(branch: &str) -> Self {
        let temp = tempfile::tempdir().unwrap();
        let work = temp.path().join("work");
        let bare = temp.path().join("upstream.git");
        std::fs::create_dir(&work).unwrap();
        git(
            temp.path(),
            &["init", "-q", "--bare", bare.to_str().unwrap()],
            None,
        );
        git(&work, &["init", "-q", "-b", branch], None);
        Self {
            _temp: temp,
            work,
            bare,
        }
    }

    pub fn url(&self) -> String {
        format!("file://{}", self.bare.display())
    }

    /// Writes `files`, commits everything at `date` and returns the commit id.
    pub fn commit(&self, files: &[(&str, &str)], date: &str, message: &str) -> String {
        for (path, content) in files {
            let path = self.work.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, content).unwrap();
        }
        git(&self.work, &["add", "-A"], None);
        git(
            &self.work,
            &["commit", "-q", "--allow-empty", "-m", message],
            Some(date),
        );
        git(&self.work, &["rev-parse", "HEAD"], None)
    }

    pub fn push(&self, branch: &str) {
        git(
            &self.work,
            &[
                "push",
                "-q",
                "--force",
                self.bare.to_str().unwrap(),
                &format!("HEAD:refs/heads/{branch}"),
            ],
            None,
        );
    }

    /// What git itself answers for `rev-list -1 --first-parent --before=<date> <branch>`.
    pub fn git_before(&self, branch: &str, date: &str) -> String {
        git(
            &self.bare,
            &[
                "rev-list",
                "-1",
                "--first-parent",
                &format!("--before={date}"),
                branch,
            ],
            None,
        )
    }
}

/// A listener on a local port that records whether anything connected to it.
pub struct Tripwire {
    listener: TcpListener,
    pub port: u16,
}

impl Tripwire {
    pub fn new() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        Self { listener, port }
    }

    pub fn was_contacted(&self) -> bool {
        self.listener.accept().is_ok()
    }
}

/// A local HTTP server that answers requests in order from a script, then stops.
pub struct Server {
    pub base: String,
    pub requests: Arc<AtomicUsize>,
}

impl Server {
    pub fn start(script: Vec<(u16, Vec<u8>)>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&requests);
        std::thread::spawn(move || {
            for (status, body) in script {
                let Ok((stream, _)) = listener.accept() else {
                    return;
                };
                counter.fetch_add(1, Ordering::SeqCst);
                answer(stream, status, &body);
            }
        });
        Self { base, requests }
    }

    pub fn count(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

fn answer(stream: TcpStream, status: u16, body: &[u8]) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    while reader.read_line(&mut line).is_ok_and(|read| read > 0) {
        if line == "\r\n" {
            break;
        }
        line.clear();
    }
    let mut stream = stream;
    let head = format!(
        "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(body);
}
