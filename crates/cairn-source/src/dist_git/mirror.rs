//! Reading a bare dist-git mirror in-process with `gix`: refs, commits, trees, first-parent history.

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use gix::ObjectId;
use gix::objs::tree::EntryKind;

use super::error::ReadError;

/// A git object id (SHA-1), shown as 40 lower-case hex digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GitId(ObjectId);

impl GitId {
    /// The 20 raw bytes.
    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

impl From<ObjectId> for GitId {
    fn from(id: ObjectId) -> Self {
        Self(id)
    }
}

impl fmt::Display for GitId {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{}", self.0)
    }
}

impl FromStr for GitId {
    type Err = String;

    /// Parses 40 hex digits (any case).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        if text.len() != 40 || !text.bytes().all(|byte| byte.is_ascii_hexdigit()) {
            return Err(format!("`{text}` is not a 40-digit hex commit id"));
        }
        ObjectId::from_hex(text.to_ascii_lowercase().as_bytes())
            .map(Self)
            .map_err(|error| error.to_string())
    }
}

/// Who made a commit, and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    /// The name as recorded.
    pub name: String,
    /// The email as recorded (without angle brackets).
    pub email: String,
    /// Seconds since the Unix epoch.
    pub seconds: i64,
    /// The recorded UTC offset in seconds (east positive), e.g. `-28800` for `-0800`.
    pub offset_seconds: i32,
}

impl Signature {
    /// The instant as a [`jiff::Timestamp`].
    pub fn timestamp(&self) -> jiff::Timestamp {
        jiff::Timestamp::from_second(self.seconds).unwrap_or(jiff::Timestamp::UNIX_EPOCH)
    }
}

/// One commit of a first-parent history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryCommit {
    /// The commit id (for the first entry of a pinned history: the pin as requested).
    pub id: GitId,
    /// The parent ids, first parent first.
    pub parents: Vec<GitId>,
    /// The author.
    pub author: Signature,
    /// The committer (its time is what `git rev-list --before` compares).
    pub committer: Signature,
    /// The full message, lossily decoded as UTF-8.
    pub message: String,
    /// For each path asked for, the blob id at this commit (`None` where absent). Equal ids mean
    /// unchanged content, so a caller reads each distinct blob once ([`Mirror::read_blob`]).
    pub files: Vec<Option<GitId>>,
}

/// What a tree entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileKind {
    /// A regular file (mode 100644).
    Regular,
    /// An executable file (mode 100755).
    Executable,
    /// A symbolic link; the data is the target.
    Symlink,
}

/// One file of a commit's tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeFile {
    /// The path relative to the repository root, `/`-separated.
    pub path: String,
    /// What it is.
    pub kind: FileKind,
    /// The contents (for a symlink, its target).
    pub data: Vec<u8>,
}

/// The files of one commit, sorted by path; submodules are left out (azldev scrubs them, #137).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SourceTree {
    /// The files.
    pub files: Vec<TreeFile>,
}

impl SourceTree {
    /// The file at `path`, if any.
    pub fn get(&self, path: &str) -> Option<&TreeFile> {
        self.files.iter().find(|file| file.path == path)
    }

    /// Renames the top-level file `from` to `to`, as azldev renames `<upstream-name>.spec` to
    /// `<component>.spec`; returns whether `from` existed. An existing `to` is replaced.
    pub fn rename(&mut self, from: &str, to: &str) -> bool {
        if from == to {
            return self.get(from).is_some();
        }
        let Some(index) = self.files.iter().position(|file| file.path == from) else {
            return false;
        };
        let mut file = self.files.remove(index);
        self.files.retain(|other| other.path != to);
        file.path = to.to_owned();
        self.files.push(file);
        self.files.sort_by(|left, right| left.path.cmp(&right.path));
        true
    }

    /// Writes the files under `directory` (created if needed): executables get mode 755, symlinks
    /// are recreated as symlinks. Existing files of the same name are replaced.
    pub fn write_to(&self, directory: &Path) -> Result<(), ReadError> {
        let io = |path: &Path| {
            let path = path.to_owned();
            move |source| ReadError::Io { path, source }
        };
        for file in &self.files {
            let path = directory.join(&file.path);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(io(parent))?;
            }
            if std::fs::symlink_metadata(&path).is_ok() {
                std::fs::remove_file(&path).map_err(io(&path))?;
            }
            match file.kind {
                FileKind::Symlink => {
                    let target = String::from_utf8_lossy(&file.data).into_owned();
                    std::os::unix::fs::symlink(target, &path).map_err(io(&path))?;
                }
                FileKind::Regular | FileKind::Executable => {
                    std::fs::write(&path, &file.data).map_err(io(&path))?;
                    if file.kind == FileKind::Executable {
                        use std::os::unix::fs::PermissionsExt as _;
                        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))
                            .map_err(io(&path))?;
                    }
                }
            }
        }
        Ok(())
    }
}

/// An open bare mirror. Cheap to open; not shared between threads (open one per thread).
pub struct Mirror {
    path: PathBuf,
    repo: gix::Repository,
}

impl fmt::Debug for Mirror {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("Mirror")
            .field("path", &self.path)
            .finish()
    }
}

impl Mirror {
    /// Opens the bare repository at `path`, ignoring user and system git configuration so that
    /// reads do not depend on the machine. Replace refs (`refs/replace/*`) are honoured, as git does.
    pub fn open(path: &Path) -> Result<Self, ReadError> {
        let repo = gix::open_opts(path, gix::open::Options::isolated()).map_err(|error| {
            ReadError::Open {
                path: path.to_owned(),
                message: error.to_string(),
            }
        })?;
        Ok(Self {
            path: path.to_owned(),
            repo,
        })
    }

    /// Where the mirror lives.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn error(&self, what: impl fmt::Display, error: impl fmt::Display) -> ReadError {
        ReadError::Object {
            path: self.path.clone(),
            message: format!("{what}: {error}"),
        }
    }

    /// The tip of `refs/heads/<branch>`, if the branch exists.
    pub fn branch_tip(&self, branch: &str) -> Result<Option<GitId>, ReadError> {
        let name = format!("refs/heads/{branch}");
        let reference = self
            .repo
            .try_find_reference(name.as_str())
            .map_err(|error| self.error(&name, error))?;
        let Some(mut reference) = reference else {
            return Ok(None);
        };
        let id = reference
            .peel_to_id()
            .map_err(|error| self.error(&name, error))?;
        Ok(Some(GitId(id.detach())))
    }

    /// The full id of the commit `pin` (7-40 hex digits) names, if the mirror has it.
    ///
    /// A full id resolves when the object, or a replace ref for it, exists. An abbreviation must be
    /// unambiguous among the objects and the replace refs.
    pub fn find_commit_id(&self, pin: &str) -> Result<Option<GitId>, ReadError> {
        let pin = pin.to_ascii_lowercase();
        if pin.len() == 40 {
            let id: GitId = pin
                .parse()
                .map_err(|error: String| self.error(&pin, error))?;
            return Ok(self.is_commit(id).then_some(id));
        }
        let prefix = gix::hash::Prefix::from_hex(&pin).map_err(|error| self.error(&pin, error))?;
        let mut found = match self.repo.objects.lookup_prefix(prefix, None) {
            Ok(Some(Ok(id))) => vec![GitId(id)],
            Ok(Some(Err(()))) => return Err(self.error(&pin, "the abbreviation is ambiguous")),
            Ok(None) => Vec::new(),
            Err(error) => return Err(self.error(&pin, error)),
        };
        found.extend(
            self.replaced_ids()?
                .into_iter()
                .filter(|id| id.to_string().starts_with(&pin)),
        );
        found.sort();
        found.dedup();
        match found.as_slice() {
            [] => Ok(None),
            [id] => Ok(self.is_commit(*id).then_some(*id)),
            _ => Err(self.error(&pin, "the abbreviation is ambiguous")),
        }
    }

    fn replaced_ids(&self) -> Result<Vec<GitId>, ReadError> {
        let references = self
            .repo
            .references()
            .map_err(|error| self.error("refs/replace/", error))?;
        let iter = references
            .prefixed("refs/replace/")
            .map_err(|error| self.error("refs/replace/", error))?;
        Ok(iter
            .filter_map(Result::ok)
            .filter_map(|reference| {
                let name = reference.name().as_bstr().to_string();
                name.strip_prefix("refs/replace/")
                    .and_then(|hex| hex.parse().ok())
            })
            .collect())
    }

    fn is_commit(&self, id: GitId) -> bool {
        self.repo.find_commit(id.0).is_ok()
    }

    fn commit(&self, id: GitId) -> Result<gix::Commit<'_>, ReadError> {
        self.repo
            .find_commit(id.0)
            .map_err(|error| ReadError::MissingCommit {
                path: self.path.clone(),
                commit: id.to_string(),
                message: error.to_string(),
            })
    }

    /// The first commit on the first-parent chain from `tip` whose committer time is at or before
    /// `snapshot`: what `git rev-list -1 --first-parent --before=<snapshot> <tip>` prints (git's
    /// `--before` compares the committer date and keeps equal times, revision.c `min_age`).
    pub fn commit_before(
        &self,
        tip: GitId,
        snapshot: jiff::Timestamp,
    ) -> Result<Option<GitId>, ReadError> {
        let limit = snapshot.as_second();
        let mut next = Some(tip);
        while let Some(id) = next {
            let commit = self.commit(id)?;
            let decoded = commit.decode().map_err(|error| self.error(id, error))?;
            let time = decoded
                .committer()
                .map_err(|error| self.error(id, error))?
                .time()
                .map_err(|error| self.error(id, error))?;
            if time.seconds <= limit {
                return Ok(Some(id));
            }
            next = decoded.parents().next().map(GitId);
        }
        Ok(None)
    }

    /// The first-parent history from `start`, newest first, with the blob ids of `paths` at each
    /// commit. Lazy: stop iterating when you have enough.
    pub fn history<'a>(&'a self, start: GitId, paths: &'a [&'a str]) -> History<'a> {
        History {
            mirror: self,
            next: Some(start),
            paths,
        }
    }

    fn history_commit(&self, id: GitId, paths: &[&str]) -> Result<HistoryCommit, ReadError> {
        let commit = self.commit(id)?;
        let decoded = commit.decode().map_err(|error| self.error(id, error))?;
        let signature = |actor: gix::actor::SignatureRef<'_>| -> Result<Signature, ReadError> {
            let time = actor.time().map_err(|error| self.error(id, error))?;
            Ok(Signature {
                name: actor.name.to_string(),
                email: actor.email.to_string(),
                seconds: time.seconds,
                offset_seconds: time.offset,
            })
        };
        let author = signature(decoded.author().map_err(|error| self.error(id, error))?)?;
        let committer = signature(decoded.committer().map_err(|error| self.error(id, error))?)?;
        let message = String::from_utf8_lossy(decoded.message).into_owned();
        let parents = decoded.parents().map(GitId).collect();
        let tree = commit.tree().map_err(|error| self.error(id, error))?;
        let mut files = Vec::with_capacity(paths.len());
        for path in paths {
            let entry = tree
                .lookup_entry_by_path(path)
                .map_err(|error| self.error(id, error))?;
            files.push(
                entry
                    .filter(|entry| entry.mode().is_blob())
                    .map(|entry| GitId(entry.object_id())),
            );
        }
        Ok(HistoryCommit {
            id,
            parents,
            author,
            committer,
            message,
            files,
        })
    }

    /// The bytes of blob `id`.
    pub fn read_blob(&self, id: GitId) -> Result<Vec<u8>, ReadError> {
        let blob = self
            .repo
            .find_blob(id.0)
            .map_err(|error| self.error(id, error))?;
        Ok(blob.data.clone())
    }

    /// The contents of the regular file (or symlink target) at `path` in `commit`, if present.
    pub fn read_file(&self, commit: GitId, path: &str) -> Result<Option<Vec<u8>>, ReadError> {
        let tree = self
            .commit(commit)?
            .tree()
            .map_err(|error| self.error(commit, error))?;
        let Some(entry) = tree
            .lookup_entry_by_path(path)
            .map_err(|error| self.error(commit, error))?
        else {
            return Ok(None);
        };
        if !(entry.mode().is_blob() || entry.mode().is_link()) {
            return Ok(None);
        }
        self.read_blob(GitId(entry.object_id())).map(Some)
    }

    /// Every file of `commit`'s tree, in memory.
    pub fn read_tree(&self, commit: GitId) -> Result<SourceTree, ReadError> {
        let tree_id = self
            .commit(commit)?
            .tree_id()
            .map_err(|error| self.error(commit, error))?
            .detach();
        let mut files = Vec::new();
        self.collect_tree(commit, tree_id, "", &mut files)?;
        files.sort_by(|left, right| left.path.cmp(&right.path));
        Ok(SourceTree { files })
    }

    fn collect_tree(
        &self,
        commit: GitId,
        tree_id: ObjectId,
        prefix: &str,
        out: &mut Vec<TreeFile>,
    ) -> Result<(), ReadError> {
        let tree = self
            .repo
            .find_tree(tree_id)
            .map_err(|error| self.error(commit, error))?;
        let decoded = tree.decode().map_err(|error| self.error(commit, error))?;
        let entries: Vec<(EntryKind, String, ObjectId)> = decoded
            .entries
            .iter()
            .map(|entry| {
                (
                    entry.mode.kind(),
                    entry.filename.to_string(),
                    entry.oid.to_owned(),
                )
            })
            .collect();
        for (kind, name, id) in entries {
            if name.is_empty()
                || name == "."
                || name == ".."
                || name.contains(['/', '\\', '\0'])
                || name == ".git"
            {
                return Err(ReadError::UnsafePath {
                    path: self.path.clone(),
                    commit: commit.to_string(),
                    name,
                });
            }
            let path = if prefix.is_empty() {
                name
            } else {
                format!("{prefix}/{name}")
            };
            let kind = match kind {
                EntryKind::Tree => {
                    self.collect_tree(commit, id, &path, out)?;
                    continue;
                }
                EntryKind::Commit => continue,
                EntryKind::Blob => FileKind::Regular,
                EntryKind::BlobExecutable => FileKind::Executable,
                EntryKind::Link => FileKind::Symlink,
            };
            let data = self.read_blob(GitId(id))?;
            out.push(TreeFile { path, kind, data });
        }
        Ok(())
    }
}

/// The lazy first-parent walk of [`Mirror::history`].
pub struct History<'a> {
    mirror: &'a Mirror,
    next: Option<GitId>,
    paths: &'a [&'a str],
}

impl Iterator for History<'_> {
    type Item = Result<HistoryCommit, ReadError>;

    fn next(&mut self) -> Option<Self::Item> {
        let id = self.next.take()?;
        let result = self.mirror.history_commit(id, self.paths);
        if let Ok(commit) = &result {
            self.next = commit.parents.first().copied();
        }
        Some(result)
    }
}
