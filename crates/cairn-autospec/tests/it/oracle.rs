//! The real `rpmautospec process-distgit` as an oracle: a model history is written into a real
//! git repository (one `git fast-import` stream), the tool runs on it, and its output is
//! compared byte for byte with ours on the same history.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use cairn_autospec::{Commit, FileState, History, Options, PreambleEvaluator, process};
use cairn_tool::Tool;

/// The spec file name used in generated repositories.
pub const SPEC_NAME: &str = "pkg.spec";

/// Where the oracle is: `$CAIRN_AUTOSPEC_ORACLE`, the venv `scripts/setup-autospec-oracle`
/// makes, or `rpmautospec` on `PATH`.
pub fn oracle() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("CAIRN_AUTOSPEC_ORACLE") {
        return Some(PathBuf::from(path));
    }
    let venv = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../target/oracle/autospec-venv/bin/rpmautospec");
    if venv.is_file() {
        return Some(venv);
    }
    Tool::exists("rpmautospec").then(|| PathBuf::from("rpmautospec"))
}

/// Skips the calling test (returns `None`) with a clear message when the oracle is missing.
pub fn oracle_or_skip() -> Option<PathBuf> {
    let found = oracle();
    if found.is_none() {
        eprintln!(
            "skipping: rpmautospec is not installed; run scripts/setup-autospec-oracle (or set CAIRN_AUTOSPEC_ORACLE)"
        );
    }
    found
}

/// The oracle's own version, for the `## (rpmautospec version X)` line.
pub fn oracle_version(oracle: &Path) -> String {
    let python = oracle.with_file_name("python3");
    let python = if python.is_file() {
        python
    } else {
        PathBuf::from("python3")
    };
    Tool::new(python)
        .args([
            "-c",
            "import importlib.metadata as m; print(m.version('rpmautospec'))",
        ])
        .read_stdout()
        .expect("rpmautospec's Python can report its version")
        .trim()
        .to_owned()
}

/// A commit of a generated history, with the extra file that makes trees differ.
pub struct GitCommit {
    pub commit: Commit,
    /// Content of an unrelated file (`sources`), `None` to keep the parent's.
    pub other: Option<String>,
}

/// Writes `commits` (parents before children, head last) into a new repository in `dir` and
/// returns the model history with tree ids filled in from git.
pub fn write_repository(dir: &Path, commits: &[GitCommit]) -> History {
    git(dir, &["init", "-q", "-b", "main", "."]);
    let marks: HashMap<&str, usize> = commits
        .iter()
        .enumerate()
        .map(|(index, commit)| (commit.commit.id.as_str(), index + 1))
        .collect();
    let mut stream: Vec<u8> = Vec::new();
    for (index, GitCommit { commit, other }) in commits.iter().enumerate() {
        let mut header = format!("commit refs/heads/main\nmark :{}\n", index + 1);
        for (role, signature) in [("author", &commit.author), ("committer", &commit.committer)] {
            let offset = signature.offset_minutes;
            let sign = if offset < 0 { '-' } else { '+' };
            let _ = writeln!(
                header,
                "{role} {} <{}> {} {sign}{:02}{:02}",
                signature.name,
                signature.email,
                signature.time,
                offset.unsigned_abs() / 60,
                offset.unsigned_abs() % 60
            );
        }
        let _ = writeln!(header, "data {}", commit.message.len());
        stream.extend_from_slice(header.as_bytes());
        stream.extend_from_slice(commit.message.as_bytes());
        stream.push(b'\n');
        let mut parents = commit.parents.iter();
        match parents.next() {
            Some(first) => {
                let _ = writeln!(stream, "from :{}", marks[first.as_str()]);
            }
            None => stream.extend_from_slice(b"deleteall\n"),
        }
        for parent in parents {
            let _ = writeln!(stream, "merge :{}", marks[parent.as_str()]);
        }
        // A merge starts from its first parent's tree; state every file explicitly for merges.
        let explicit = commit.parents.len() > 1;
        for (path, state) in [(SPEC_NAME, &commit.spec), ("changelog", &commit.changelog)] {
            file_command(&mut stream, path, state, explicit);
        }
        if let Some(other) = other {
            file_command(&mut stream, "sources", &FileState::text(other), explicit);
        }
    }
    let marks_file = dir.join(".git/cairn-marks");
    let stream_file = dir.join(".git/cairn-stream");
    std::fs::write(&stream_file, &stream).expect("stream written");
    // fast-import reads its stream from standard input only.
    Tool::new("sh")
        .current_dir(dir)
        .args([
            "-c",
            "exec git fast-import --quiet --date-format=raw --export-marks=\"$1\" < \"$2\"",
            "sh",
        ])
        .arg(&marks_file)
        .arg(&stream_file)
        .output()
        .expect("git fast-import accepts the generated stream");
    git(dir, &["read-tree", "-u", "--reset", "HEAD"]);

    let mark_to_hash: HashMap<usize, String> = std::fs::read_to_string(&marks_file)
        .expect("marks were exported")
        .lines()
        .filter_map(|line| {
            let (mark, hash) = line.split_once(' ')?;
            Some((mark.trim_start_matches(':').parse().ok()?, hash.to_owned()))
        })
        .collect();
    let trees: HashMap<String, String> = git(dir, &["log", "--all", "--format=%H %T"])
        .lines()
        .filter_map(|line| {
            line.split_once(' ')
                .map(|(c, t)| (c.to_owned(), t.to_owned()))
        })
        .collect();
    let mut model: Vec<Commit> = Vec::with_capacity(commits.len());
    for (index, GitCommit { commit, .. }) in commits.iter().enumerate() {
        let mut commit = commit.clone();
        commit.tree = Some(trees[&mark_to_hash[&(index + 1)]].clone());
        model.push(commit);
    }
    let head = commits
        .last()
        .expect("a history has commits")
        .commit
        .id
        .clone();
    History::new(model, &head).expect("generated histories are well formed")
}

fn file_command(stream: &mut Vec<u8>, path: &str, state: &FileState, explicit: bool) {
    match state {
        FileState::Present(bytes) => {
            let _ = writeln!(stream, "M 100644 inline {path}\ndata {}", bytes.len());
            stream.extend_from_slice(bytes);
            stream.push(b'\n');
        }
        FileState::Absent => {
            let _ = writeln!(stream, "D {path}");
        }
        FileState::Unchanged => assert!(!explicit, "merge commits state their files explicitly"),
    }
}

fn git(dir: &Path, args: &[&str]) -> String {
    Tool::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .read_stdout()
        .expect("git runs")
}

/// What the oracle made of a repository: the processed spec, or its error text.
pub fn run_oracle(oracle: &Path, dir: &Path) -> Result<Option<Vec<u8>>, String> {
    let target = dir.join("out.spec");
    let output = Tool::new(oracle)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("LC_ALL", "C.UTF-8")
        .args(["--no-pager", "process-distgit"])
        .arg(dir.join(SPEC_NAME))
        .arg(&target)
        .output_unchecked()
        .map_err(|error| error.to_string())?;
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).into_owned());
    }
    Ok(std::fs::read(&target).ok())
}

/// How one comparison went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Comparison {
    /// Both wrote the same processed spec.
    SameOutput,
    /// Both left the spec alone.
    BothUnchanged,
    /// Both refused the history.
    BothFailed,
    /// They differ; the text shows where.
    Different(String),
}

/// Runs one history through both and describes any difference (`None`: identical).
pub fn compare(oracle: &Path, version: &str, commits: &[GitCommit]) -> Option<String> {
    match compare_in_detail(oracle, version, commits) {
        Comparison::Different(difference) => Some(difference),
        _ => None,
    }
}

/// Runs one history through both.
pub fn compare_in_detail(oracle: &Path, version: &str, commits: &[GitCommit]) -> Comparison {
    let dir = tempfile::tempdir().expect("temporary directory");
    let history = write_repository(dir.path(), commits);
    let expected = run_oracle(oracle, dir.path());
    let options = Options {
        claimed_version: version.to_owned(),
    };
    let ours = process(&history, &PreambleEvaluator::new(), &options);
    match (expected, ours) {
        (Ok(Some(expected)), Ok(ours)) if ours.changed && ours.spec == expected => {
            Comparison::SameOutput
        }
        (Ok(None), Ok(ours)) if !ours.changed => Comparison::BothUnchanged,
        (Err(_), Err(_)) => Comparison::BothFailed,
        (expected, ours) => {
            let expected = match expected {
                Ok(Some(bytes)) => String::from_utf8_lossy(&bytes).into_owned(),
                Ok(None) => String::from("<left unchanged>"),
                Err(error) => format!("<error> {error}"),
            };
            let ours = match ours {
                Ok(processed) if processed.changed => {
                    String::from_utf8_lossy(&processed.spec).into_owned()
                }
                Ok(_) => String::from("<left unchanged>"),
                Err(error) => format!("<error> {error}"),
            };
            Comparison::Different(first_difference(&expected, &ours))
        }
    }
}

fn first_difference(expected: &str, ours: &str) -> String {
    let expected_lines: Vec<&str> = expected.lines().collect();
    let our_lines: Vec<&str> = ours.lines().collect();
    let index = expected_lines
        .iter()
        .zip(&our_lines)
        .position(|(a, b)| a != b)
        .unwrap_or(expected_lines.len().min(our_lines.len()));
    let window =
        |lines: &[&str]| lines[index.saturating_sub(3)..(index + 4).min(lines.len())].join("\n");
    format!(
        "first difference at line {}:\n--- rpmautospec\n{}\n--- cairn-autospec\n{}",
        index + 1,
        window(&expected_lines),
        window(&our_lines)
    )
}
