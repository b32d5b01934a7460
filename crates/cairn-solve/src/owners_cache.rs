//! A cache of the owners of the paths file dependencies name, per repository.
//!
//! filelists.xml is the largest rpm-md document (every file of every package), yet a pool
//! needs only the owners of the few paths that dependencies name and primary.xml omits
//! (`/usr/share/zoneinfo/UTC`). Streaming it cold keeps only those; this cache keeps the
//! result, keyed by the repository, the filelists.xml checksum repomd.xml records and the
//! paths asked for, so that a warm load never reads filelists.xml at all. A damaged file is
//! ignored and rewritten.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

const MAGIC: &[u8; 8] = b"CAIRNFO1";

/// `(pkgid, path)` pairs: which package owns which wanted path.
#[derive(Debug, Default)]
pub(crate) struct FileOwners {
    entries: Vec<(Box<str>, Box<str>)>,
}

impl FileOwners {
    pub fn push(&mut self, pkgid: &str, path: &str) {
        self.entries.push((pkgid.into(), path.into()));
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.entries
            .iter()
            .map(|(pkgid, path)| (pkgid.as_ref(), path.as_ref()))
    }
}

/// The cache file for `wanted` (sorted) in `repository`; `None` when repomd.xml has no
/// filelists record (loading then reports that).
pub(crate) fn path(
    directory: &Path,
    repository: &cairn_repo::Repository,
    wanted: &[&str],
) -> Option<PathBuf> {
    let record = repository.repomd.record("filelists")?;
    let mut hasher = Sha256::new();
    for part in [
        repository.location.as_str(),
        record.checksum.kind.as_str(),
        record.checksum.value.as_str(),
    ]
    .into_iter()
    .chain(wanted.iter().copied())
    {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    Some(directory.join(format!("{}.owners", hex::encode(hasher.finalize()))))
}

/// The cached owners, or `None` when the file is missing or damaged.
pub(crate) fn read(path: &Path) -> Option<FileOwners> {
    let bytes = std::fs::read(path).ok()?;
    let body = bytes.strip_prefix(MAGIC)?;
    let text = std::str::from_utf8(body).ok()?;
    // Every field ends with a NUL, which no XML text can contain.
    let body = text.strip_suffix('\0');
    let mut owners = FileOwners::default();
    if let Some(body) = body {
        let mut fields = body.split('\0');
        while let Some(pkgid) = fields.next() {
            owners.push(pkgid, fields.next()?);
        }
    } else if !text.is_empty() {
        return None;
    }
    tracing::debug!(cache = %path.display(), "file owners loaded from the cache");
    Some(owners)
}

/// Writes the cache atomically; a failure only costs the next load its speed.
pub(crate) fn write(path: &Path, owners: &FileOwners) {
    let mut bytes = MAGIC.to_vec();
    for (pkgid, file) in owners.iter() {
        for field in [pkgid, file] {
            bytes.extend_from_slice(field.as_bytes());
            bytes.push(0);
        }
    }
    let Some(directory) = path.parent() else {
        return;
    };
    let temporary = directory.join(format!(".tmp-{}-owners", std::process::id()));
    let result = std::fs::create_dir_all(directory)
        .and_then(|()| std::fs::write(&temporary, &bytes))
        .and_then(|()| std::fs::rename(&temporary, path));
    if let Err(error) = result {
        tracing::warn!(cache = %path.display(), %error, "could not write the file-owner cache");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owners_round_trip_and_damage_is_ignored() {
        let directory = tempfile::tempdir().unwrap();
        let path = directory.path().join("x.owners");
        let mut owners = FileOwners::default();
        owners.push("abc", "/usr/share/zoneinfo/UTC");
        owners.push("def", "/a path/with spaces");
        write(&path, &owners);
        let read_back = read(&path).unwrap();
        assert_eq!(
            read_back.iter().collect::<Vec<_>>(),
            owners.iter().collect::<Vec<_>>()
        );
        write(&path, &FileOwners::default());
        assert_eq!(read(&path).unwrap().iter().count(), 0);
        std::fs::write(&path, b"CAIRNFO1abc\0").unwrap();
        assert!(read(&path).is_none());
        std::fs::write(&path, b"CAIRNFO1abc").unwrap();
        assert!(read(&path).is_none());
        std::fs::write(&path, b"garbage").unwrap();
        assert!(read(&path).is_none());
    }
}
