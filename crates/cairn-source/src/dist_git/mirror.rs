//! Reading a bare dist-git mirror in-process with `gix`: refs, commits, trees, first-parent history.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use gix::ObjectId;
use gix::objs::tree::EntryKind;

use super::error::ReadError;
use super::objects::Objects;

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

/// An open bare mirror. Cheap to open (no configuration is read); not shared between threads
/// (open one per thread).
///
/// Objects are read straight from the object database with gix-odb and refs from the `refs/`
/// files and `packed-refs`, which is what makes a warm read cost microseconds: `gix::open`
/// parses configuration and sets up machinery a read-only mirror does not need. Replace refs
/// (`refs/replace/<id>`) are applied to every object read, as git does unless told otherwise.
pub struct Mirror {
    path: PathBuf,
    objects: Objects,
    packed_refs: Option<String>,
    replacements: HashMap<ObjectId, ObjectId>,
}

impl fmt::Debug for Mirror {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("Mirror")
            .field("path", &self.path)
            .finish()
    }
}

/// How many replace refs git follows for one object before it gives up (`MAXREPLACEDEPTH`).
const MAX_REPLACE_DEPTH: usize = 5;

impl Mirror {
    /// Opens the bare repository at `path`.
    pub fn open(path: &Path) -> Result<Self, ReadError> {
        let open_error = |message: String| ReadError::Open {
            path: path.to_owned(),
            message,
        };
        if !path.join("HEAD").is_file() {
            return Err(open_error("not a bare git repository (no HEAD)".into()));
        }
        let objects =
            Objects::open(&path.join("objects")).map_err(|error| open_error(error.to_string()))?;
        let packed_refs = match std::fs::read_to_string(path.join("packed-refs")) {
            Ok(text) => Some(text),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => None,
            Err(error) => return Err(open_error(format!("packed-refs: {error}"))),
        };
        let mut mirror = Self {
            path: path.to_owned(),
            objects,
            packed_refs,
            replacements: HashMap::new(),
        };
        mirror.replacements = mirror.read_replacements()?;
        Ok(mirror)
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

    fn packed(&self) -> impl Iterator<Item = (&str, &str)> {
        self.packed_refs
            .as_deref()
            .unwrap_or_default()
            .lines()
            .filter(|line| !line.starts_with('#') && !line.starts_with('^'))
            .filter_map(|line| line.split_once(' '))
            .map(|(id, name)| (name, id))
    }

    /// The id a ref names: the loose file first (following one symbolic level), then `packed-refs`.
    fn read_ref(&self, name: &str) -> Result<Option<ObjectId>, ReadError> {
        let parse = |text: &str| {
            ObjectId::from_hex(text.trim().as_bytes()).map_err(|error| self.error(name, error))
        };
        match std::fs::read_to_string(self.path.join(name)) {
            Ok(text) => {
                if let Some(target) = text.trim().strip_prefix("ref: ") {
                    return if target == name {
                        Ok(None)
                    } else {
                        self.read_ref(target)
                    };
                }
                return parse(&text).map(Some);
            }
            Err(error)
                if matches!(
                    error.kind(),
                    std::io::ErrorKind::NotFound | std::io::ErrorKind::IsADirectory
                ) => {}
            Err(error) => return Err(self.error(name, error)),
        }
        self.packed()
            .find(|(packed, _)| *packed == name)
            .map(|(_, id)| parse(id))
            .transpose()
    }

    fn read_replacements(&self) -> Result<HashMap<ObjectId, ObjectId>, ReadError> {
        let mut names: Vec<String> = self
            .packed()
            .filter_map(|(name, _)| name.strip_prefix("refs/replace/"))
            .map(str::to_owned)
            .collect();
        match std::fs::read_dir(self.path.join("refs/replace")) {
            Ok(entries) => {
                names.extend(entries.filter_map(|entry| entry.ok()?.file_name().into_string().ok()))
            }
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => return Err(self.error("refs/replace", error)),
        }
        let mut replacements = HashMap::new();
        for name in names {
            let Ok(original) = ObjectId::from_hex(name.as_bytes()) else {
                continue;
            };
            if let Some(replacement) = self.read_ref(&format!("refs/replace/{name}"))? {
                replacements.insert(original, replacement);
            }
        }
        Ok(replacements)
    }

    /// The object actually stored for `id` once replace refs are applied.
    fn replaced(&self, mut id: ObjectId) -> ObjectId {
        for _ in 0..MAX_REPLACE_DEPTH {
            match self.replacements.get(&id) {
                Some(replacement) => id = *replacement,
                None => break,
            }
        }
        id
    }

    fn find<'buffer>(
        &self,
        id: ObjectId,
        buffer: &'buffer mut Vec<u8>,
    ) -> Result<Option<gix::objs::Data<'buffer>>, ReadError> {
        let stored = self.replaced(id);
        self.objects
            .find(&stored, buffer)
            .map_err(|error| self.error(id, error))
    }

    /// The tip of `refs/heads/<branch>`, if the branch exists.
    pub fn branch_tip(&self, branch: &str) -> Result<Option<GitId>, ReadError> {
        Ok(self.read_ref(&format!("refs/heads/{branch}"))?.map(GitId))
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
            return Ok(self.is_commit(id.0)?.then_some(id));
        }
        let prefix = gix::hash::Prefix::from_hex(&pin).map_err(|error| self.error(&pin, error))?;
        let mut found = self
            .objects
            .with_prefix(prefix)
            .map_err(|error| self.error(&pin, error))?;
        found.extend(
            self.replacements
                .keys()
                .filter(|id| id.to_string().starts_with(&pin)),
        );
        found.sort();
        found.dedup();
        match found.as_slice() {
            [] => Ok(None),
            [id] => Ok(self.is_commit(*id)?.then_some(GitId(*id))),
            _ => Err(self.error(&pin, "the abbreviation is ambiguous")),
        }
    }

    fn is_commit(&self, id: ObjectId) -> Result<bool, ReadError> {
        let mut buffer = Vec::new();
        Ok(self
            .find(id, &mut buffer)?
            .is_some_and(|data| data.kind == gix::objs::Kind::Commit))
    }

    fn commit<'buffer>(
        &self,
        id: GitId,
        buffer: &'buffer mut Vec<u8>,
    ) -> Result<gix::objs::CommitRef<'buffer>, ReadError> {
        let missing = |message: String| ReadError::MissingCommit {
            path: self.path.clone(),
            commit: id.to_string(),
            message,
        };
        let data = self
            .find(id.0, buffer)?
            .ok_or_else(|| missing("no such object".into()))?;
        if data.kind != gix::objs::Kind::Commit {
            return Err(missing(format!("it is a {}, not a commit", data.kind)));
        }
        gix::objs::CommitRef::from_bytes(data.data, gix::hash::Kind::Sha1)
            .map_err(|error| self.error(id, error))
    }

    fn tree_entries(
        &self,
        commit: GitId,
        tree: ObjectId,
    ) -> Result<Vec<(EntryKind, String, ObjectId)>, ReadError> {
        let mut buffer = Vec::new();
        let data = self
            .find(tree, &mut buffer)?
            .ok_or_else(|| self.error(commit, format!("tree {tree} is missing")))?;
        if data.kind != gix::objs::Kind::Tree {
            return Err(self.error(commit, format!("{tree} is a {}, not a tree", data.kind)));
        }
        let decoded = gix::objs::TreeRef::from_bytes(data.data, gix::hash::Kind::Sha1)
            .map_err(|error| self.error(commit, error))?;
        Ok(decoded
            .entries
            .iter()
            .map(|entry| {
                (
                    entry.mode.kind(),
                    entry.filename.to_string(),
                    entry.oid.to_owned(),
                )
            })
            .collect())
    }

    /// The tree entry at `path` (`/`-separated) under `tree`.
    fn lookup(
        &self,
        commit: GitId,
        tree: ObjectId,
        path: &str,
    ) -> Result<Option<(EntryKind, ObjectId)>, ReadError> {
        let mut current = tree;
        let mut components = path
            .split('/')
            .filter(|component| !component.is_empty())
            .peekable();
        while let Some(component) = components.next() {
            let entries = self.tree_entries(commit, current)?;
            let Some((kind, _, id)) = entries.into_iter().find(|(_, name, _)| name == component)
            else {
                return Ok(None);
            };
            if components.peek().is_none() {
                return Ok(Some((kind, id)));
            }
            if kind != EntryKind::Tree {
                return Ok(None);
            }
            current = id;
        }
        Ok(None)
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
        let mut buffer = Vec::new();
        let mut next = Some(tip);
        while let Some(id) = next {
            let commit = self.commit(id, &mut buffer)?;
            let committer = commit.committer().map_err(|error| self.error(id, error))?;
            if committer
                .time()
                .map_err(|error| self.error(id, error))?
                .seconds
                <= limit
            {
                return Ok(Some(id));
            }
            next = commit.parents().next().map(GitId);
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
        let mut buffer = Vec::new();
        let commit = self.commit(id, &mut buffer)?;
        let signature = |actor: gix::actor::SignatureRef<'_>| -> Result<Signature, ReadError> {
            let time = actor.time().map_err(|error| self.error(id, error))?;
            Ok(Signature {
                name: actor.name.to_string(),
                email: actor.email.to_string(),
                seconds: time.seconds,
                offset_seconds: time.offset,
            })
        };
        let author = signature(commit.author().map_err(|error| self.error(id, error))?)?;
        let committer = signature(commit.committer().map_err(|error| self.error(id, error))?)?;
        let message = String::from_utf8_lossy(commit.message).into_owned();
        let parents = commit.parents().map(GitId).collect();
        let tree = commit.tree();
        let mut files = Vec::with_capacity(paths.len());
        for path in paths {
            files.push(match self.lookup(id, tree, path)? {
                Some((EntryKind::Blob | EntryKind::BlobExecutable, blob)) => Some(GitId(blob)),
                _ => None,
            });
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
        let mut buffer = Vec::new();
        match self.find(id.0, &mut buffer)? {
            Some(data) if data.kind == gix::objs::Kind::Blob => Ok(data.data.to_vec()),
            Some(data) => Err(self.error(id, format!("it is a {}, not a blob", data.kind))),
            None => Err(self.error(id, "the blob is missing")),
        }
    }

    /// The contents of the regular file (or symlink target) at `path` in `commit`, if present.
    pub fn read_file(&self, commit: GitId, path: &str) -> Result<Option<Vec<u8>>, ReadError> {
        let mut buffer = Vec::new();
        let tree = self.commit(commit, &mut buffer)?.tree();
        match self.lookup(commit, tree, path)? {
            Some((EntryKind::Blob | EntryKind::BlobExecutable | EntryKind::Link, blob)) => {
                self.read_blob(GitId(blob)).map(Some)
            }
            _ => Ok(None),
        }
    }

    /// Every file of `commit`'s tree, in memory.
    pub fn read_tree(&self, commit: GitId) -> Result<SourceTree, ReadError> {
        let mut buffer = Vec::new();
        let tree = self.commit(commit, &mut buffer)?.tree();
        let mut files = Vec::new();
        self.collect_tree(commit, tree, "", &mut files)?;
        files.sort_by(|left, right| left.path.cmp(&right.path));
        Ok(SourceTree { files })
    }

    fn collect_tree(
        &self,
        commit: GitId,
        tree: ObjectId,
        prefix: &str,
        out: &mut Vec<TreeFile>,
    ) -> Result<(), ReadError> {
        for (kind, name, id) in self.tree_entries(commit, tree)? {
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
