use super::*;
use crate::lock::LockStore;
use cairn_tool::Tool;

fn git(dir: &Path, args: &[&str]) -> String {
    Tool::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "commit.gpgsign=false"])
        .args(args)
        .env("GIT_AUTHOR_NAME", "Ada")
        .env("GIT_AUTHOR_EMAIL", "ada@example.org")
        .env("GIT_COMMITTER_NAME", "Ada")
        .env("GIT_COMMITTER_EMAIL", "ada@example.org")
        .env("GIT_AUTHOR_DATE", "2026-04-01T10:00:00Z")
        .env("GIT_COMMITTER_DATE", "2026-04-01T10:00:00Z")
        .read_stdout()
        .unwrap()
        .trim()
        .to_owned()
}

fn lock(fingerprint: &str, upstream: &str) -> Lock {
    Lock {
        upstream_commit: Some(upstream.into()),
        input_fingerprint: Some(fingerprint.into()),
        ..Lock::default()
    }
}

fn commit_all(dir: &Path, message: &str) -> String {
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "--allow-empty", "-m", message]);
    git(dir, &["rev-parse", "HEAD"])
}

#[test]
fn one_walk_finds_every_fingerprint_change() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    git(root, &["init", "-q", "-b", "main"]);
    assert!(
        ProjectRepository::discover(root)
            .unwrap()
            .lock_history("locks")
            .unwrap()
            .is_empty()
    );
    let store = LockStore::new(root.join("locks"));
    store.save("curl", &lock("fp1", "u1")).unwrap();
    store.save("bash", &lock("b1", "u9")).unwrap();
    let first = commit_all(root, "test: add initial lock files\n\nbody text");
    // Only the upstream commit moves: the fingerprint did not change, no new entry.
    std::fs::write(root.join("README"), "x").unwrap();
    store.save("curl", &lock("fp1", "u2")).unwrap();
    commit_all(root, "curl: same inputs");
    store.save("curl", &lock("fp2", "u2")).unwrap();
    let third = commit_all(root, "curl: new\noverlay");
    commit_all(root, "unrelated");

    let repository = ProjectRepository::discover(&root.join("locks")).unwrap();
    assert_eq!(
        repository.relative(&root.join("locks")).as_deref(),
        Some("locks")
    );
    let history = repository.lock_history("locks").unwrap();
    let curl = history.changes("curl");
    assert_eq!(curl.len(), 2, "{curl:#?}");
    assert_eq!(curl[0].commit, first);
    assert_eq!(curl[0].subject, "test: add initial lock files");
    assert_eq!(curl[0].author_email, "ada@example.org");
    assert_eq!(curl[0].upstream_commit.as_deref(), Some("u1"));
    assert_eq!(curl[1].commit, third);
    assert_eq!(curl[1].subject, "curl: new overlay");
    assert_eq!(curl[1].upstream_commit.as_deref(), Some("u2"));
    assert_eq!(history.changes("bash").len(), 1);
    assert!(history.changes("zsh").is_empty());
    assert_eq!(
        history
            .head_lock("curl")
            .unwrap()
            .input_fingerprint
            .as_deref(),
        Some("fp2")
    );

    // Every lock at a revision, in one tree walk.
    let at_first = repository
        .locks_at(&repository.resolve("HEAD~3").unwrap(), "locks")
        .unwrap();
    assert_eq!(at_first.keys().collect::<Vec<_>>(), ["bash", "curl"]);
    assert_eq!(at_first["curl"].upstream_commit.as_deref(), Some("u1"));
    assert_eq!(
        repository.read_file_at(&first, "locks/curl.lock").unwrap(),
        Some(lock("fp1", "u1").to_text().into_bytes())
    );
    assert_eq!(repository.read_file_at(&first, "missing").unwrap(), None);
    let error = repository.resolve("no-such-branch").unwrap_err();
    assert!(error.to_string().contains("no-such-branch"), "{error}");
}

#[test]
fn not_a_repository() {
    let dir = tempfile::tempdir().unwrap();
    assert!(ProjectRepository::discover(dir.path()).is_none());
}

#[test]
fn subjects_are_first_paragraphs() {
    assert_eq!(subject("a\nb  \n\nc"), "a b");
    assert_eq!(subject("\none"), "one");
}
