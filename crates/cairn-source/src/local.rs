//! The source identity of a `local` spec component (its spec lives in the project).

use std::io::Write as _;
use std::path::{Path, PathBuf};

use sha2::Digest as _;

use crate::hash::HashType;

/// Hashing a local spec directory failed.
#[derive(Debug, thiserror::Error)]
#[error("cannot hash the local spec directory {}: {source}", path.display())]
pub struct LocalIdentityError {
    /// The file or directory that could not be read.
    pub path: PathBuf,
    /// The I/O error.
    pub source: std::io::Error,
}

/// azldev's identity of a local component (`ResolveLocalSourceIdentity`): `sha256:` and the
/// SHA-256 of one `relpath=sha256(file)\n` line per file under `directory`, sorted by path.
/// Symlinks count as files (their target's content is hashed), directories are walked. An empty
/// directory has the empty identity `""`, as in azldev.
///
/// When the spec directory holds the project's own outputs (a spec in the project root), a
/// parallel render is writing beside the walk: cairn's transient entries (`.NAME.cairn-staging-*`
/// and the like, which exist only while cairn writes) are not part of the identity, and a file
/// removed while the walk runs counts as absent rather than failing the render.
pub fn local_identity(directory: &Path) -> Result<String, LocalIdentityError> {
    let error = |path: &Path| {
        let path = path.to_owned();
        move |source| LocalIdentityError { path, source }
    };
    let mut files = Vec::new();
    let walk = walkdir::WalkDir::new(directory)
        .follow_links(false)
        .into_iter()
        .filter_entry(|entry| entry.depth() == 0 || !is_transient(entry.file_name()));
    for entry in walk {
        let entry = match entry {
            Ok(entry) => entry,
            Err(walk) if is_not_found(walk.io_error()) => continue,
            Err(walk) => {
                let path = walk.path().unwrap_or(directory).to_owned();
                return Err(LocalIdentityError {
                    path,
                    source: walk.into(),
                });
            }
        };
        if !entry.file_type().is_dir() {
            files.push(entry.into_path());
        }
    }
    if files.is_empty() {
        return Ok(String::new());
    }
    // Go's sort.Strings compares bytes.
    files.sort_by(|left, right| {
        left.as_os_str()
            .as_encoded_bytes()
            .cmp(right.as_os_str().as_encoded_bytes())
    });
    let mut combined = sha2::Sha256::new();
    for path in files {
        let file = match std::fs::File::open(&path) {
            Ok(file) => file,
            Err(open) if open.kind() == std::io::ErrorKind::NotFound => continue,
            Err(open) => return Err(error(&path)(open)),
        };
        let digest = HashType::Sha256.digest_reader(file).map_err(error(&path))?;
        let relative = path.strip_prefix(directory).unwrap_or(&path);
        writeln!(combined, "{}={digest}", relative.display()).map_err(error(&path))?;
    }
    Ok(format!("sha256:{}", hex::encode(combined.finalize())))
}

/// An entry cairn writes and removes while it works: hidden, with `.cairn-` in its name
/// (render staging and swap directories, lock and source temporaries).
fn is_transient(name: &std::ffi::OsStr) -> bool {
    let name = name.as_encoded_bytes();
    name.starts_with(b".") && name.windows(7).any(|window| window == b".cairn-")
}

fn is_not_found(error: Option<&std::io::Error>) -> bool {
    error.is_some_and(|error| error.kind() == std::io::ErrorKind::NotFound)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_covers_names_and_contents() {
        let directory = tempfile::tempdir().unwrap();
        assert_eq!(local_identity(directory.path()).unwrap(), "");
        std::fs::write(directory.path().join("a.spec"), "Name: a\n").unwrap();
        std::fs::create_dir(directory.path().join("sub")).unwrap();
        std::fs::write(directory.path().join("sub/p.patch"), "x").unwrap();
        let lines = format!(
            "a.spec={}\nsub/p.patch={}\n",
            HashType::Sha256.digest(b"Name: a\n"),
            HashType::Sha256.digest(b"x")
        );
        let expected = format!("sha256:{}", HashType::Sha256.digest(lines.as_bytes()));
        assert_eq!(local_identity(directory.path()).unwrap(), expected);
        std::fs::write(directory.path().join("sub/p.patch"), "y").unwrap();
        assert_ne!(local_identity(directory.path()).unwrap(), expected);
    }

    #[test]
    fn cairns_transient_entries_are_not_part_of_the_identity() {
        let directory = tempfile::tempdir().unwrap();
        std::fs::write(directory.path().join("a.spec"), "Name: a\n").unwrap();
        let alone = local_identity(directory.path()).unwrap();
        let staging = directory.path().join("specs/b/.b.cairn-staging-1-0");
        std::fs::create_dir_all(&staging).unwrap();
        std::fs::write(staging.join("b.spec"), "Name: b\n").unwrap();
        std::fs::write(directory.path().join(".a.cairn-4242"), "partial").unwrap();
        assert_eq!(local_identity(directory.path()).unwrap(), alone);
        // A user's hidden file is part of it.
        std::fs::write(directory.path().join(".hidden"), "x").unwrap();
        assert_ne!(local_identity(directory.path()).unwrap(), alone);
    }
}
