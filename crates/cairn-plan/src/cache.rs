//! The evaluation cache: spec summaries keyed by the content they were computed from, and the
//! digests of rendered directories keyed by their files' metadata, so that an unchanged
//! distribution is planned without reading or evaluating a single spec.
//!
//! One JSON file in the project's cache directory, written through a temporary file and a
//! rename. An unreadable or foreign file is ignored (everything is evaluated again), never an
//! error: the cache only saves time.

use std::collections::{BTreeMap, HashMap};
use std::io::Write as _;
use std::os::unix::fs::MetadataExt as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use crate::summary::SpecSummary;

/// Bumped when the summary or the key derivation changes, so old entries are dropped.
const FORMAT: u32 = 1;

/// The files of a component's rendered directory and their SHA-256 digests.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirectoryDigest {
    /// Relative path (with `/`) to the hex SHA-256 of the file's content.
    pub files: BTreeMap<String, String>,
    /// The hex SHA-256 over every path and file digest: the directory's identity.
    pub digest: String,
}

impl DirectoryDigest {
    /// Reads and hashes every regular file under `dir` (symbolic links followed).
    ///
    /// # Errors
    ///
    /// When `dir` or a file in it cannot be read.
    pub fn compute(dir: &Path) -> std::io::Result<Self> {
        let mut files = BTreeMap::new();
        for (relative, path) in walk(dir)? {
            let bytes = std::fs::read(&path)?;
            files.insert(relative, hex::encode(Sha256::digest(&bytes)));
        }
        Ok(Self::from_files(files))
    }

    /// The digest of a file map.
    pub fn from_files(files: BTreeMap<String, String>) -> Self {
        let mut hasher = Sha256::new();
        for (path, digest) in &files {
            hasher.update((path.len() as u64).to_be_bytes());
            hasher.update(path.as_bytes());
            hasher.update(digest.as_bytes());
        }
        let digest = hex::encode(hasher.finalize());
        Self { files, digest }
    }
}

/// Regular files under `dir`, sorted, as (relative path, path). Hidden entries (`.git`,
/// editor droppings) are left out: they are not part of a rendered component.
fn walk(dir: &Path) -> std::io::Result<Vec<(String, PathBuf)>> {
    let mut found = Vec::new();
    for entry in walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| {
            entry.depth() == 0 || !entry.file_name().to_string_lossy().starts_with('.')
        })
    {
        let entry = entry.map_err(std::io::Error::other)?;
        if !entry.file_type().is_file() {
            continue;
        }
        let relative = entry
            .path()
            .strip_prefix(dir)
            .unwrap_or(entry.path())
            .to_string_lossy()
            .replace('\\', "/");
        found.push((relative, entry.into_path()));
    }
    Ok(found)
}

/// A digest of the metadata (name, size, modification time, inode) of every file under `dir`:
/// when it is unchanged the content digest is reused without reading the files.
fn signature(dir: &Path) -> std::io::Result<String> {
    let mut hasher = Sha256::new();
    for (relative, path) in walk(dir)? {
        let metadata = std::fs::metadata(&path)?;
        hasher.update(relative.as_bytes());
        hasher.update([0]);
        for number in [
            metadata.len(),
            metadata.mtime().cast_unsigned(),
            metadata.mtime_nsec().cast_unsigned(),
            metadata.ino(),
            metadata.ctime().cast_unsigned(),
        ] {
            hasher.update(number.to_be_bytes());
        }
    }
    Ok(hex::encode(hasher.finalize()))
}

/// One cached evaluation: the summary, or the evaluation error.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Evaluation {
    /// The spec evaluated.
    Summary(SpecSummary),
    /// It did not; the message.
    Error(String),
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct CachedDirectory {
    signature: String,
    digest: DirectoryDigest,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct CacheFile {
    format: u32,
    directories: HashMap<PathBuf, CachedDirectory>,
    evaluations: HashMap<String, Evaluation>,
}

/// The loaded cache; entries not used by a run are dropped when it is saved.
#[derive(Debug, Default)]
pub(crate) struct EvaluationCache {
    path: Option<PathBuf>,
    old: CacheFile,
    new: CacheFile,
    changed: bool,
}

impl EvaluationCache {
    /// Loads `path` (`None`: a cache that keeps nothing).
    pub(crate) fn load(path: Option<PathBuf>) -> Self {
        let old = path
            .as_deref()
            .and_then(|path| std::fs::read(path).ok())
            .and_then(|bytes| serde_json::from_slice::<CacheFile>(&bytes).ok())
            .filter(|file| file.format == FORMAT)
            .unwrap_or_default();
        Self {
            path,
            old,
            new: CacheFile {
                format: FORMAT,
                ..CacheFile::default()
            },
            changed: false,
        }
    }

    /// The content digest of `dir`, from the cache when its files' metadata is unchanged.
    pub(crate) fn directory(
        &self,
        dir: &Path,
    ) -> std::io::Result<(String, Option<DirectoryDigest>)> {
        let signature = signature(dir)?;
        let cached = self
            .old
            .directories
            .get(dir)
            .filter(|cached| cached.signature == signature)
            .map(|cached| cached.digest.clone());
        Ok((signature, cached))
    }

    /// Records the digest of `dir` for the next run.
    pub(crate) fn keep_directory(
        &mut self,
        dir: &Path,
        signature: String,
        digest: DirectoryDigest,
    ) {
        let entry = CachedDirectory { signature, digest };
        if self
            .old
            .directories
            .get(dir)
            .is_none_or(|old| old.signature != entry.signature)
        {
            self.changed = true;
        }
        self.new.directories.insert(dir.to_owned(), entry);
    }

    /// The evaluation stored under `key`.
    pub(crate) fn evaluation(&self, key: &str) -> Option<&Evaluation> {
        self.old.evaluations.get(key)
    }

    /// Records an evaluation for the next run.
    pub(crate) fn keep_evaluation(&mut self, key: &str, evaluation: Evaluation) {
        if !self.old.evaluations.contains_key(key) {
            self.changed = true;
        }
        self.new.evaluations.insert(key.to_owned(), evaluation);
    }

    /// Writes the entries this run used, when anything changed.
    pub(crate) fn save(mut self) {
        let Some(path) = self.path.take() else {
            return;
        };
        let dropped = self.old.evaluations.len() != self.new.evaluations.len()
            || self.old.directories.len() != self.new.directories.len();
        if !self.changed && !dropped {
            return;
        }
        if let Err(error) = write_atomically(&path, &self.new) {
            tracing::warn!("cannot write the plan cache {}: {error}", path.display());
        }
    }
}

fn write_atomically(path: &Path, file: &CacheFile) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut temporary = tempfile::NamedTempFile::new_in(dir)?;
    serde_json::to_writer(std::io::BufWriter::new(temporary.as_file_mut()), file)?;
    temporary.as_file_mut().flush()?;
    temporary.persist(path).map_err(|error| error.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_file_changes_the_digest_and_the_signature() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.spec"), "Name: a\n").unwrap();
        std::fs::create_dir(dir.path().join(".git")).unwrap();
        std::fs::write(dir.path().join(".git/HEAD"), "x").unwrap();
        let first = DirectoryDigest::compute(dir.path()).unwrap();
        assert_eq!(first.files.keys().collect::<Vec<_>>(), ["a.spec"]);
        let signature = super::signature(dir.path()).unwrap();
        std::fs::write(dir.path().join("a.spec"), "Name: b\n").unwrap();
        let second = DirectoryDigest::compute(dir.path()).unwrap();
        assert_ne!(first.digest, second.digest);
        assert_ne!(signature, super::signature(dir.path()).unwrap());
    }

    #[test]
    fn a_cache_round_trips_and_ignores_garbage() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("plan.json");
        std::fs::write(&path, "not json").unwrap();
        let mut cache = EvaluationCache::load(Some(path.clone()));
        assert!(cache.evaluation("k").is_none());
        cache.keep_evaluation("k", Evaluation::Error("broken".into()));
        cache.save();
        let cache = EvaluationCache::load(Some(path));
        assert!(
            matches!(cache.evaluation("k"), Some(Evaluation::Error(message)) if message == "broken")
        );
    }
}
