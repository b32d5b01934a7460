//! Incremental render: what each component was last rendered from, and what it wrote.
//!
//! azldev re-renders every selected component on every run (azldev-reference §5). cairn keeps,
//! per output directory, the key of each component's inputs (fingerprint, upstream commit via
//! the fingerprint, cairn's version, the synthetic history, the macro environment) and the
//! `lstat` of every entry it wrote. A component whose key is unchanged and whose directory still
//! has exactly those entries (same size, modification time and inode) is not rendered again.
//! The state lives in the cache directory, never in the output: nothing extra is checked in.

use std::collections::BTreeMap;
use std::io;
use std::os::unix::fs::MetadataExt as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

const STATE_VERSION: u32 = 1;

/// One entry of a rendered directory as `lstat` saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct StatEntry {
    pub path: String,
    pub kind: char,
    pub size: u64,
    pub mtime: i64,
    pub mtime_nanos: i64,
    pub inode: u64,
}

/// What one component was rendered from and what it wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct ComponentState {
    pub key: String,
    pub entries: Vec<StatEntry>,
    /// The upstream commit and what decided it, so that a no-op run skips the component
    /// without opening its dist-git mirror.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<SourceMemo>,
}

/// An upstream commit with the key of the request and mirror state that resolved it
/// (`inputs::request_key`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct SourceMemo {
    pub request: String,
    pub commit: String,
}

/// The state of one output directory.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct RenderState {
    version: u32,
    output: PathBuf,
    pub components: BTreeMap<String, ComponentState>,
}

impl RenderState {
    /// Where the state of `output` is kept.
    pub fn path(cache: &Path, output: &Path) -> PathBuf {
        let canonical = std::fs::canonicalize(output).unwrap_or_else(|_| output.to_owned());
        let digest = hex::encode(Sha256::digest(canonical.as_os_str().as_encoded_bytes()));
        cache
            .join("render-state")
            .join(format!("{}.json", &digest[..16]))
    }

    /// The saved state, or an empty one (missing, unreadable or of another version).
    pub fn load(path: &Path, output: &Path) -> Self {
        let empty = || Self {
            version: STATE_VERSION,
            output: output.to_owned(),
            components: BTreeMap::new(),
        };
        let Ok(bytes) = std::fs::read(path) else {
            return empty();
        };
        match serde_json::from_slice::<Self>(&bytes) {
            Ok(state) if state.version == STATE_VERSION => state,
            _ => empty(),
        }
    }

    /// Saves through a temporary file renamed into place.
    pub fn save(&self, path: &Path) -> io::Result<()> {
        use std::io::Write as _;
        let dir = path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir)?;
        let mut temporary = tempfile::Builder::new()
            .prefix(".render-state-")
            .tempfile_in(dir)?;
        temporary.write_all(&serde_json::to_vec(self).map_err(io::Error::other)?)?;
        temporary.persist(path).map_err(|error| error.error)?;
        Ok(())
    }
}

/// The `lstat` of every entry under `dir`, in walk order; `None` when `dir` is missing.
pub(crate) fn stat_tree(dir: &Path) -> io::Result<Option<Vec<StatEntry>>> {
    if !dir.is_dir() {
        return Ok(None);
    }
    let mut entries = Vec::new();
    for entry in walkdir::WalkDir::new(dir).min_depth(1).sort_by_file_name() {
        let entry = entry.map_err(io::Error::other)?;
        let metadata = entry.metadata().map_err(io::Error::other)?;
        let kind = if metadata.is_dir() {
            'd'
        } else if metadata.file_type().is_symlink() {
            'l'
        } else {
            'f'
        };
        entries.push(StatEntry {
            path: entry
                .path()
                .strip_prefix(dir)
                .unwrap_or(entry.path())
                .to_string_lossy()
                .into_owned(),
            kind,
            size: if kind == 'd' { 0 } else { metadata.len() },
            mtime: metadata.mtime(),
            mtime_nanos: metadata.mtime_nsec(),
            inode: metadata.ino(),
        });
    }
    Ok(Some(entries))
}

/// The key of a component's inputs.
pub(crate) fn component_key(parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part.as_bytes());
    }
    hex::encode(hasher.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_round_trips_and_stats_see_changes() {
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("out");
        let component = output.join("c/curl");
        std::fs::create_dir_all(&component).unwrap();
        std::fs::write(component.join("curl.spec"), "a").unwrap();
        let before = stat_tree(&component).unwrap().unwrap();
        assert_eq!(before.len(), 1);
        let path = RenderState::path(&dir.path().join("cache"), &output);
        let mut state = RenderState::load(&path, &output);
        state.components.insert(
            "curl".into(),
            ComponentState {
                key: component_key(&["x", "y"]),
                entries: before.clone(),
                source: None,
            },
        );
        state.save(&path).unwrap();
        let loaded = RenderState::load(&path, &output);
        assert_eq!(loaded.components["curl"].entries, before);
        std::fs::write(component.join("curl.spec"), "ab").unwrap();
        assert_ne!(stat_tree(&component).unwrap().unwrap(), before);
        assert_eq!(stat_tree(&output.join("missing")).unwrap(), None);
        assert_ne!(component_key(&["ab", "c"]), component_key(&["a", "bc"]));
    }
}
