//! The project repository's history of lock files, read in-process with gix.
//!
//! azldev runs `git log -- locks/<name>.lock` once per component and reads the lock at every
//! listed commit (`synthistory.go` `FindFingerprintChanges`). cairn walks the history once for
//! all components: along first parents from HEAD, it compares the lock directory's tree with the
//! parent's (equal tree ids are skipped without reading them) and records, per lock file, the
//! commits whose blob differs. The first-parent walk matches `git log` for histories merged by
//! squash or rebase; a change made on a merged side branch is attributed to its merge commit.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use gix::ObjectId;

use crate::error::HistoryError;
use crate::lock::{LOCK_EXTENSION, Lock};

/// A project commit that changed a lock's `input-fingerprint` (azldev's `FingerprintChange`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FingerprintChange {
    /// The project commit (40 hex digits).
    pub commit: String,
    /// Its author name.
    pub author_name: String,
    /// Its author email.
    pub author_email: String,
    /// Its author time, seconds since the epoch.
    pub time: i64,
    /// Its subject (`git log %s`: the first paragraph, lines joined by spaces).
    pub subject: String,
    /// The lock's `upstream-commit` at that commit.
    pub upstream_commit: Option<String>,
    /// The lock's `input-fingerprint` at that commit.
    pub fingerprint: Option<String>,
}

/// Every lock's fingerprint changes and the locks at HEAD.
#[derive(Debug, Clone, Default)]
pub struct LockHistory {
    changes: BTreeMap<String, Vec<FingerprintChange>>,
    head: BTreeMap<String, Lock>,
}

impl LockHistory {
    /// The fingerprint changes of `component`, oldest first.
    pub fn changes(&self, component: &str) -> &[FingerprintChange] {
        self.changes.get(component).map_or(&[], Vec::as_slice)
    }

    /// The lock of `component` as committed at HEAD.
    pub fn head_lock(&self, component: &str) -> Option<&Lock> {
        self.head.get(component)
    }

    /// How many components have a lock at HEAD.
    pub fn len(&self) -> usize {
        self.head.len()
    }

    /// Whether no lock is committed at HEAD.
    pub fn is_empty(&self) -> bool {
        self.head.is_empty()
    }
}

/// The git repository that holds a project.
pub struct ProjectRepository {
    repo: gix::Repository,
    workdir: PathBuf,
}

impl std::fmt::Debug for ProjectRepository {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("ProjectRepository")
            .field("workdir", &self.workdir)
            .finish()
    }
}

/// A lock file's name and blob in a lock directory tree.
type LockBlobs = BTreeMap<String, ObjectId>;

impl ProjectRepository {
    /// The repository containing `dir`; `None` when `dir` is not inside a git work tree.
    pub fn discover(dir: &Path) -> Option<Self> {
        let repo = match gix::discover(dir) {
            Ok(repo) => repo,
            Err(error) => {
                tracing::debug!("{} is not in a git repository: {error}", dir.display());
                return None;
            }
        };
        let workdir = repo.workdir()?.to_owned();
        let workdir = std::fs::canonicalize(&workdir).unwrap_or(workdir);
        Some(Self { repo, workdir })
    }

    /// The work tree's root.
    pub fn workdir(&self) -> &Path {
        &self.workdir
    }

    /// `path` relative to the work tree, `/`-separated; `None` when it is outside.
    pub fn relative(&self, path: &Path) -> Option<String> {
        let absolute = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned());
        let relative = absolute.strip_prefix(&self.workdir).ok()?;
        Some(
            relative
                .components()
                .map(|component| component.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/"),
        )
    }

    fn read_error(&self, what: String, error: impl std::fmt::Display) -> HistoryError {
        HistoryError::Read {
            what,
            repository: self.workdir.clone(),
            message: error.to_string(),
        }
    }

    /// The commit a revision names (`HEAD`, `main`, `origin/main`, `HEAD~2`, a hash).
    pub fn resolve(&self, revision: &str) -> Result<String, HistoryError> {
        let id = self
            .repo
            .rev_parse_single(revision)
            .map_err(|error| HistoryError::Revision {
                revision: revision.to_owned(),
                repository: self.workdir.clone(),
                message: error.to_string(),
            })?;
        let commit = id
            .object()
            .and_then(|object| object.peel_to_commit())
            .map_err(|error| HistoryError::Revision {
                revision: revision.to_owned(),
                repository: self.workdir.clone(),
                message: error.to_string(),
            })?;
        Ok(commit.id.to_string())
    }

    /// The HEAD commit, `None` in a repository without commits.
    pub fn head(&self) -> Option<String> {
        self.repo.head_id().ok().map(|id| id.to_string())
    }

    fn commit_id(&self, commit: &str) -> Result<ObjectId, HistoryError> {
        ObjectId::from_hex(commit.as_bytes())
            .map_err(|error| self.read_error(format!("commit {commit}"), error))
    }

    /// The lock files (name to blob) in directory `dir` of `commit`'s tree, and the directory's
    /// tree id (`None` when it does not exist).
    fn lock_blobs(
        &self,
        commit: ObjectId,
        dir: &str,
    ) -> Result<(Option<ObjectId>, LockBlobs), HistoryError> {
        let what = || format!("the tree of commit {commit}");
        let commit_object = self
            .repo
            .find_commit(commit)
            .map_err(|error| self.read_error(format!("commit {commit}"), error))?;
        let tree = commit_object
            .tree()
            .map_err(|error| self.read_error(what(), error))?;
        let tree_id = if dir.is_empty() {
            Some(tree.id)
        } else {
            match tree
                .lookup_entry_by_path(dir)
                .map_err(|error| self.read_error(what(), error))?
            {
                Some(entry) if entry.mode().is_tree() => Some(entry.object_id()),
                _ => None,
            }
        };
        let Some(tree_id) = tree_id else {
            return Ok((None, LockBlobs::new()));
        };
        Ok((Some(tree_id), self.blobs_of(tree_id)?))
    }

    fn blobs_of(&self, tree_id: ObjectId) -> Result<LockBlobs, HistoryError> {
        let tree = self
            .repo
            .find_tree(tree_id)
            .map_err(|error| self.read_error(format!("tree {tree_id}"), error))?;
        let decoded = tree
            .decode()
            .map_err(|error| self.read_error(format!("tree {tree_id}"), error))?;
        let mut blobs = LockBlobs::new();
        for entry in &decoded.entries {
            let name = entry.filename.to_string();
            if !entry.mode.is_blob() || name.starts_with('.') {
                continue;
            }
            if let Some(component) = name.strip_suffix(LOCK_EXTENSION) {
                blobs.insert(component.to_owned(), entry.oid.to_owned());
            }
        }
        Ok(blobs)
    }

    fn read_lock(&self, blob: ObjectId, origin: &Path) -> Result<Lock, HistoryError> {
        let data = self
            .repo
            .find_blob(blob)
            .map_err(|error| self.read_error(format!("blob {blob}"), error))?;
        Ok(Lock::parse(&String::from_utf8_lossy(&data.data), origin)?)
    }

    /// Every lock in directory `lock_dir` (relative to the work tree) at `commit`, in one tree
    /// walk (azldev's `ReadAllAtCommit`).
    pub fn locks_at(
        &self,
        commit: &str,
        lock_dir: &str,
    ) -> Result<BTreeMap<String, Lock>, HistoryError> {
        let id = self.commit_id(commit)?;
        let (_, blobs) = self.lock_blobs(id, lock_dir)?;
        let mut locks = BTreeMap::new();
        for (name, blob) in blobs {
            let origin = PathBuf::from(format!("{commit}:{lock_dir}/{name}{LOCK_EXTENSION}"));
            locks.insert(name, self.read_lock(blob, &origin)?);
        }
        Ok(locks)
    }

    /// The bytes of `path` (relative to the work tree) at `commit`, `None` when absent.
    pub fn read_file_at(&self, commit: &str, path: &str) -> Result<Option<Vec<u8>>, HistoryError> {
        let id = self.commit_id(commit)?;
        let what = || format!("{path} at {commit}");
        let tree = self
            .repo
            .find_commit(id)
            .and_then(|commit| commit.tree())
            .map_err(|error| self.read_error(what(), error))?;
        let Some(entry) = tree
            .lookup_entry_by_path(path)
            .map_err(|error| self.read_error(what(), error))?
        else {
            return Ok(None);
        };
        if !entry.mode().is_blob() {
            return Ok(None);
        }
        let blob = self
            .repo
            .find_blob(entry.object_id())
            .map_err(|error| self.read_error(what(), error))?;
        Ok(Some(blob.data.clone()))
    }

    /// Walks the first-parent history from HEAD once and collects every lock's fingerprint
    /// changes. An empty repository or a missing lock directory give an empty history; a
    /// shallow clone is an error, as in azldev (the changes would be incomplete).
    pub fn lock_history(&self, lock_dir: &str) -> Result<LockHistory, HistoryError> {
        let Ok(head) = self.repo.head_id() else {
            return Ok(LockHistory::default());
        };
        let head = head.detach();
        let (mut current_tree, mut current_blobs) = self.lock_blobs(head, lock_dir)?;
        let mut history = LockHistory::default();
        for (name, blob) in &current_blobs {
            let origin = PathBuf::from(format!("HEAD:{lock_dir}/{name}{LOCK_EXTENSION}"));
            history
                .head
                .insert(name.clone(), self.read_lock(*blob, &origin)?);
        }
        if current_tree.is_none() {
            return Ok(history);
        }
        if self.repo.is_shallow().unwrap_or(false) {
            return Err(HistoryError::Shallow {
                repository: self.workdir.clone(),
            });
        }
        // (component, commit, blob), newest first.
        let mut touched: Vec<(String, ObjectId, ObjectId)> = Vec::new();
        let mut current = head;
        loop {
            let commit = self
                .repo
                .find_commit(current)
                .map_err(|error| self.read_error(format!("commit {current}"), error))?;
            let parent = commit.parent_ids().next().map(gix::Id::detach);
            let (parent_tree, parent_blobs) = match parent {
                Some(parent) => self.lock_blobs(parent, lock_dir)?,
                None => (None, LockBlobs::new()),
            };
            if parent_tree != current_tree {
                for (name, blob) in &current_blobs {
                    if parent_blobs.get(name) != Some(blob) {
                        touched.push((name.clone(), current, *blob));
                    }
                }
            }
            match parent {
                Some(parent) if parent_tree.is_some() => {
                    current = parent;
                    current_tree = parent_tree;
                    current_blobs = parent_blobs;
                }
                _ => break,
            }
        }
        let mut metadata: HashMap<ObjectId, (String, String, i64, String)> = HashMap::new();
        let mut locks: HashMap<ObjectId, Lock> = HashMap::new();
        for (name, commit, blob) in touched.into_iter().rev() {
            if let std::collections::hash_map::Entry::Vacant(slot) = locks.entry(blob) {
                let origin = PathBuf::from(format!("{commit}:{lock_dir}/{name}{LOCK_EXTENSION}"));
                slot.insert(self.read_lock(blob, &origin)?);
            }
            let lock = &locks[&blob];
            let changes = history.changes.entry(name).or_default();
            let previous = changes.last().and_then(|change| change.fingerprint.clone());
            if changes.is_empty() && lock.input_fingerprint.is_none() {
                continue;
            }
            if !changes.is_empty() && previous == lock.input_fingerprint {
                continue;
            }
            if let std::collections::hash_map::Entry::Vacant(slot) = metadata.entry(commit) {
                slot.insert(self.commit_metadata(commit)?);
            }
            let (author_name, author_email, time, subject) = metadata[&commit].clone();
            changes.push(FingerprintChange {
                commit: commit.to_string(),
                author_name,
                author_email,
                time,
                subject,
                upstream_commit: lock.upstream_commit.clone(),
                fingerprint: lock.input_fingerprint.clone(),
            });
        }
        history.changes.retain(|_, changes| !changes.is_empty());
        Ok(history)
    }

    fn commit_metadata(&self, id: ObjectId) -> Result<(String, String, i64, String), HistoryError> {
        let what = || format!("commit {id}");
        let commit = self
            .repo
            .find_commit(id)
            .map_err(|error| self.read_error(what(), error))?;
        let author = commit
            .author()
            .map_err(|error| self.read_error(what(), error))?;
        let time = author
            .time()
            .map_err(|error| self.read_error(what(), error))?
            .seconds;
        let message = commit
            .message_raw()
            .map_err(|error| self.read_error(what(), error))?;
        Ok((
            author.name.to_string(),
            author.email.to_string(),
            time,
            subject(&String::from_utf8_lossy(message)),
        ))
    }
}

/// `git log %s`: the first paragraph of a message, its lines joined by single spaces.
fn subject(message: &str) -> String {
    message
        .trim_start_matches(['\n', '\r'])
        .lines()
        .take_while(|line| !line.trim().is_empty())
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
#[path = "history_tests.rs"]
mod tests;
