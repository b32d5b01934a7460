//! The lock file: azldev's `locks/<name>.lock` (`internal/lockfile/lockfile.go`).
//!
//! azldev writes it with go-toml v2: a comment line, then the keys in struct order, strings as
//! literal (single-quoted) strings, empty strings and a zero `manual-bump` left out. cairn writes
//! the same bytes and adds an `[inputs]` table of per-input digests after a blank line; azldev's
//! decoder ignores unknown keys, so both tools read each other's locks.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::LockError;

/// The lock format version (`version = 1`).
pub const LOCK_VERSION: u32 = 1;
/// The file name extension of lock files.
pub const LOCK_EXTENSION: &str = ".lock";
/// The comment line azldev writes above the keys.
pub const LOCK_HEADER: &str = "# Managed by azldev component update. Do not edit manually.";

/// One component's locked state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lock {
    /// Where the fork from upstream history starts; written once, on the first update.
    pub import_commit: Option<String>,
    /// The upstream commit the component is rendered from (`None` for local components).
    pub upstream_commit: Option<String>,
    /// Extra rebuild counter (`component update --bump`).
    pub manual_bump: u64,
    /// The input fingerprint (`v1:sha256:...`; azldev's own locks hold `sha256:...`).
    pub input_fingerprint: Option<String>,
    /// The hash of the upstream resolution inputs.
    pub resolution_input_hash: Option<String>,
    /// Per-input digests of the fingerprint, by input label (cairn's extension).
    pub inputs: BTreeMap<String, String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
struct Raw {
    version: Option<i64>,
    import_commit: Option<String>,
    upstream_commit: Option<String>,
    manual_bump: Option<u64>,
    input_fingerprint: Option<String>,
    resolution_input_hash: Option<String>,
    #[serde(default)]
    inputs: BTreeMap<String, String>,
}

fn non_empty(value: Option<String>) -> Option<String> {
    value.filter(|text| !text.is_empty())
}

impl Lock {
    /// Parses lock text; `origin` names it in errors (a path, or `<commit>:<path>`).
    pub fn parse(text: &str, origin: &Path) -> Result<Self, LockError> {
        let raw: Raw = toml::from_str(text).map_err(|error| LockError::Syntax {
            path: origin.to_owned(),
            message: error.to_string().trim_end().to_owned(),
        })?;
        let version = raw.version.unwrap_or(0);
        if version != i64::from(LOCK_VERSION) {
            return Err(LockError::Version {
                path: origin.to_owned(),
                found: version,
                expected: LOCK_VERSION,
            });
        }
        Ok(Self {
            import_commit: non_empty(raw.import_commit),
            upstream_commit: non_empty(raw.upstream_commit),
            manual_bump: raw.manual_bump.unwrap_or(0),
            input_fingerprint: non_empty(raw.input_fingerprint),
            resolution_input_hash: non_empty(raw.resolution_input_hash),
            inputs: raw.inputs,
        })
    }

    /// The file text, byte for byte what azldev writes for the azldev keys.
    pub fn to_text(&self) -> String {
        let mut text = format!("{LOCK_HEADER}\nversion = {LOCK_VERSION}\n");
        let mut field = |key: &str, value: &Option<String>| {
            if let Some(value) = value.as_deref().filter(|value| !value.is_empty()) {
                text.push_str(&format!("{key} = {}\n", toml_string(value)));
            }
        };
        field("import-commit", &self.import_commit);
        field("upstream-commit", &self.upstream_commit);
        if self.manual_bump != 0 {
            text.push_str(&format!("manual-bump = {}\n", self.manual_bump));
        }
        let mut field = |key: &str, value: &Option<String>| {
            if let Some(value) = value.as_deref().filter(|value| !value.is_empty()) {
                text.push_str(&format!("{key} = {}\n", toml_string(value)));
            }
        };
        field("input-fingerprint", &self.input_fingerprint);
        field("resolution-input-hash", &self.resolution_input_hash);
        if !self.inputs.is_empty() {
            text.push_str(
                "\n# Digest of each fingerprint input, so `cairn component changed --explain` can name what changed.\n[inputs]\n",
            );
            for (label, digest) in &self.inputs {
                text.push_str(&format!("{} = {}\n", toml_key(label), toml_string(digest)));
            }
        }
        text
    }
}

/// A TOML string as go-toml v2 writes it: a literal string when it can be one.
fn toml_string(value: &str) -> String {
    if value.contains(['\'', '\n', '\r']) || value.chars().any(char::is_control) {
        toml::Value::String(value.to_owned()).to_string()
    } else {
        format!("'{value}'")
    }
}

/// A TOML key: bare when it may be, quoted otherwise.
fn toml_key(key: &str) -> String {
    if !key.is_empty()
        && key
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_')
    {
        key.to_owned()
    } else {
        toml_string(key)
    }
}

/// The lock files of a project: `<lock-dir>/<name>.lock`.
#[derive(Debug, Clone)]
pub struct LockStore {
    dir: PathBuf,
}

impl LockStore {
    /// The store in `dir` (need not exist yet).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// The lock directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The lock file of `name` (azldev's `LockPath`: the name must be a plain file name).
    pub fn path(&self, name: &str) -> Result<PathBuf, LockError> {
        if name.is_empty() || name.starts_with('.') || name.contains(['/', '\\', '\0']) {
            return Err(LockError::BadName {
                name: name.to_owned(),
            });
        }
        Ok(self.dir.join(format!("{name}{LOCK_EXTENSION}")))
    }

    /// The lock of `name`, `None` when it has none.
    pub fn load(&self, name: &str) -> Result<Option<Lock>, LockError> {
        let path = self.path(name)?;
        match std::fs::read_to_string(&path) {
            Ok(text) => Lock::parse(&text, &path).map(Some),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(LockError::Io {
                action: "reading",
                path,
                source,
            }),
        }
    }

    /// Writes the lock of `name` through a temporary file renamed into place.
    pub fn save(&self, name: &str, lock: &Lock) -> Result<PathBuf, LockError> {
        let path = self.path(name)?;
        let io = |action, path: &Path| {
            let path = path.to_owned();
            move |source| LockError::Io {
                action,
                path,
                source,
            }
        };
        std::fs::create_dir_all(&self.dir).map_err(io("creating", &self.dir))?;
        let mut temporary = tempfile::Builder::new()
            .prefix(".cairn-lock-")
            .tempfile_in(&self.dir)
            .map_err(io("writing", &path))?;
        temporary
            .write_all(lock.to_text().as_bytes())
            .map_err(io("writing", &path))?;
        temporary
            .persist(&path)
            .map_err(|error| io("writing", &path)(error.error))?;
        Ok(path)
    }

    /// Removes the lock of `name` (no error when it has none).
    pub fn remove(&self, name: &str) -> Result<(), LockError> {
        let path = self.path(name)?;
        match std::fs::remove_file(&path) {
            Err(error) if error.kind() != std::io::ErrorKind::NotFound => Err(LockError::Io {
                action: "removing",
                path,
                source: error,
            }),
            _ => Ok(()),
        }
    }

    /// Every component with a lock file, sorted (hidden files skipped, as azldev does).
    pub fn names(&self) -> Result<Vec<String>, LockError> {
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(source) => {
                return Err(LockError::Io {
                    action: "reading",
                    path: self.dir.clone(),
                    source,
                });
            }
        };
        let mut names = Vec::new();
        for entry in entries.flatten() {
            let file_name = entry.file_name().to_string_lossy().into_owned();
            if file_name.starts_with('.') || !entry.file_type().is_ok_and(|kind| kind.is_file()) {
                continue;
            }
            if let Some(name) = file_name.strip_suffix(LOCK_EXTENSION) {
                names.push(name.to_owned());
            }
        }
        names.sort();
        Ok(names)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const AZLDEV_LOCK: &str = "# Managed by azldev component update. Do not edit manually.\n\
        version = 1\n\
        import-commit = '1f0c9d2a7b4e5c6d8a9b0c1d2e3f405162738495'\n\
        upstream-commit = 'c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7'\n\
        manual-bump = 2\n\
        input-fingerprint = 'sha256:0a1b'\n\
        resolution-input-hash = 'sha256:2c3d'\n";

    #[test]
    fn azldev_layout_round_trips() {
        let lock = Lock::parse(AZLDEV_LOCK, Path::new("curl.lock")).unwrap();
        assert_eq!(lock.manual_bump, 2);
        assert_eq!(lock.input_fingerprint.as_deref(), Some("sha256:0a1b"));
        assert_eq!(lock.to_text(), AZLDEV_LOCK);
    }

    #[test]
    fn empty_fields_are_left_out_and_inputs_follow() {
        let mut lock = Lock {
            input_fingerprint: Some("v1:sha256:ff".into()),
            import_commit: Some(String::new()),
            ..Lock::default()
        };
        lock.inputs
            .insert("config.build.with".into(), "abcd".into());
        lock.inputs.insert("source".into(), "it's".into());
        let text = lock.to_text();
        assert_eq!(
            text,
            "# Managed by azldev component update. Do not edit manually.\nversion = 1\n\
             input-fingerprint = 'v1:sha256:ff'\n\n\
             # Digest of each fingerprint input, so `cairn component changed --explain` can name what changed.\n\
             [inputs]\n'config.build.with' = 'abcd'\nsource = \"it's\"\n"
        );
        let back = Lock::parse(&text, Path::new("x.lock")).unwrap();
        assert_eq!(back.inputs, lock.inputs);
        assert_eq!(back.import_commit, None);
    }

    #[test]
    fn bad_locks_are_named() {
        let error = Lock::parse("version = 2\n", Path::new("locks/a.lock")).unwrap_err();
        assert!(
            error
                .to_string()
                .contains("locks/a.lock: unsupported lock file version 2")
        );
        let error = Lock::parse("version = \n", Path::new("locks/b.lock")).unwrap_err();
        assert!(error.to_string().starts_with("locks/b.lock: "), "{error}");
        assert!(matches!(
            LockStore::new("locks").path("../x"),
            Err(LockError::BadName { .. })
        ));
    }

    #[test]
    fn store_saves_atomically_and_lists() {
        let dir = tempfile::tempdir().unwrap();
        let store = LockStore::new(dir.path().join("locks"));
        assert_eq!(store.load("curl").unwrap(), None);
        assert!(store.names().unwrap().is_empty());
        let lock = Lock {
            upstream_commit: Some("abc".into()),
            ..Lock::default()
        };
        store.save("curl", &lock).unwrap();
        store.save("bash", &lock).unwrap();
        std::fs::write(store.dir().join(".hidden.lock"), "x").unwrap();
        assert_eq!(store.names().unwrap(), ["bash", "curl"]);
        assert_eq!(store.load("curl").unwrap(), Some(lock));
        store.remove("curl").unwrap();
        store.remove("curl").unwrap();
        assert_eq!(store.names().unwrap(), ["bash"]);
    }
}
