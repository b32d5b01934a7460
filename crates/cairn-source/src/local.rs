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
pub fn local_identity(directory: &Path) -> Result<String, LocalIdentityError> {
    let error = |path: &Path| {
        let path = path.to_owned();
        move |source| LocalIdentityError { path, source }
    };
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(directory).follow_links(false) {
        let entry = entry.map_err(|walk| {
            let path = walk.path().unwrap_or(directory).to_owned();
            LocalIdentityError {
                path,
                source: walk.into(),
            }
        })?;
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
        let file = std::fs::File::open(&path).map_err(error(&path))?;
        let digest = HashType::Sha256.digest_reader(file).map_err(error(&path))?;
        let relative = path.strip_prefix(directory).unwrap_or(&path);
        writeln!(combined, "{}={digest}", relative.display()).map_err(error(&path))?;
    }
    Ok(format!("sha256:{}", hex::encode(combined.finalize())))
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
}
