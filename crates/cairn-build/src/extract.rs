//! Unpacking RPM payloads into a directory that stands for a root file system, without rpm,
//! root privileges or scriptlets: a build sysroot only has to hold headers, libraries and
//! tools to compile against.
//!
//! Every path is resolved inside the root, following the root's own symbolic links as a
//! `chroot` would (`/lib` may link to `usr/lib`), so that no entry, link or `..` can write
//! outside it.

use std::collections::HashMap;
use std::io::Write as _;
use std::os::unix::fs::PermissionsExt as _;
use std::path::{Component, Path, PathBuf};

use rpm::{FileFlags, FileType};

/// How many links one lookup may follow (Linux's `MAXSYMLINKS`).
const MAX_LINKS: usize = 40;

/// An unpacking failure.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExtractError {
    /// The package could not be read.
    #[error("{}: cannot read the package: {message}", package.display())]
    Package {
        /// The package file.
        package: PathBuf,
        /// What the reader said.
        message: String,
    },
    /// A file could not be written.
    #[error("{}: cannot write {}: {source}", package.display(), path.display())]
    Write {
        /// The package file.
        package: PathBuf,
        /// The path in the root.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// An entry's path leaves the root (too many links, or a link loop).
    #[error("{}: {} cannot be resolved inside the root ({reason})", package.display(), path.display())]
    Path {
        /// The package file.
        package: PathBuf,
        /// The entry's path.
        path: PathBuf,
        /// Why.
        reason: &'static str,
    },
}

/// Resolves `path` (absolute in the root) to a host path inside `root`, following the root's
/// links for every component but the last; `..` never climbs above the root.
pub fn resolve(root: &Path, path: &Path) -> Result<PathBuf, &'static str> {
    let mut pending: Vec<std::ffi::OsString> = reversed_names(path).collect();
    let mut resolved: Vec<std::ffi::OsString> = Vec::new();
    let mut links = 0;
    while let Some(name) = pending.pop() {
        if name == ".." {
            resolved.pop();
            continue;
        }
        let is_last = pending.is_empty();
        let candidate: PathBuf = std::iter::once(root.as_os_str().to_owned())
            .chain(resolved.iter().cloned())
            .chain(std::iter::once(name.clone()))
            .collect();
        match std::fs::read_link(&candidate) {
            Ok(target) if !is_last => {
                links += 1;
                if links > MAX_LINKS {
                    return Err("too many levels of symbolic links");
                }
                if target.is_absolute() {
                    resolved.clear();
                }
                pending.extend(reversed_names(&target));
            }
            _ => resolved.push(name),
        }
    }
    Ok(std::iter::once(root.as_os_str().to_owned())
        .chain(resolved)
        .collect())
}

/// The names and `..` of `path`, last first (root and `.` dropped).
fn reversed_names(path: &Path) -> impl Iterator<Item = std::ffi::OsString> + '_ {
    path.components()
        .rev()
        .filter_map(|component| match component {
            Component::Normal(name) => Some(name.to_owned()),
            Component::ParentDir => Some("..".into()),
            _ => None,
        })
}

/// Unpacks `package` into `root`. Existing files are replaced; ownership, device nodes and
/// ghost entries are skipped, and set-id bits dropped.
pub fn unpack(package: &Path, root: &Path) -> Result<(), ExtractError> {
    let read_error = |message: String| ExtractError::Package {
        package: package.to_owned(),
        message,
    };
    let opened = rpm::Package::open(package).map_err(|error| read_error(error.to_string()))?;
    let files = opened
        .files()
        .map_err(|error| read_error(error.to_string()))?;
    let mut written: HashMap<String, PathBuf> = HashMap::new();
    let mut hardlinks: Vec<(PathBuf, String, u32)> = Vec::new();
    for file in files {
        let file = file.map_err(|error| read_error(error.to_string()))?;
        let entry = &file.metadata;
        if entry.flags().contains(FileFlags::GHOST) {
            continue;
        }
        let inside = entry.path();
        let target = resolve(root, &inside).map_err(|reason| ExtractError::Path {
            package: package.to_owned(),
            path: inside.clone(),
            reason,
        })?;
        let write_error = |source| ExtractError::Write {
            package: package.to_owned(),
            path: inside.clone(),
            source,
        };
        let mode = u32::from(entry.permissions()) & 0o1777;
        match entry.file_type() {
            FileType::Dir => {
                std::fs::create_dir_all(&target).map_err(write_error)?;
                std::fs::set_permissions(&target, std::fs::Permissions::from_mode(mode | 0o700))
                    .map_err(write_error)?;
            }
            FileType::Regular => {
                let digest = entry
                    .digest()
                    .map(|digest| digest.to_string())
                    .unwrap_or_default();
                let Some(content) = file.content() else {
                    // A hard link whose data another member of its set carries.
                    hardlinks.push((target, digest, mode));
                    continue;
                };
                write_file(&target, content, mode).map_err(write_error)?;
                written.insert(digest, target);
            }
            FileType::SymbolicLink => {
                if let Some(parent) = target.parent() {
                    std::fs::create_dir_all(parent).map_err(write_error)?;
                }
                if target.symlink_metadata().is_ok() {
                    std::fs::remove_file(&target).map_err(write_error)?;
                }
                std::os::unix::fs::symlink(entry.linkto().unwrap_or_default(), &target)
                    .map_err(write_error)?;
            }
            _ => {}
        }
    }
    for (target, digest, mode) in hardlinks {
        let Some(source) = written.get(&digest) else {
            tracing::warn!(
                "{}: {} has no content in the payload; skipped",
                package.display(),
                target.display()
            );
            continue;
        };
        let content = std::fs::read(source).map_err(|source| ExtractError::Write {
            package: package.to_owned(),
            path: target.clone(),
            source,
        })?;
        write_file(&target, &content, mode).map_err(|source| ExtractError::Write {
            package: package.to_owned(),
            path: target.clone(),
            source,
        })?;
    }
    Ok(())
}

fn write_file(target: &Path, content: &[u8], mode: u32) -> std::io::Result<()> {
    if let Some(parent) = target.parent() {
        std::fs::create_dir_all(parent)?;
    }
    if target.symlink_metadata().is_ok() {
        std::fs::remove_file(target)?;
    }
    let mut file = std::fs::File::create(target)?;
    file.write_all(content)?;
    file.set_permissions(std::fs::Permissions::from_mode(mode))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_resolve_through_the_roots_links_and_never_leave_it() {
        let root = tempfile::tempdir().unwrap();
        let root = root.path();
        std::fs::create_dir_all(root.join("usr/lib")).unwrap();
        std::os::unix::fs::symlink("usr/lib", root.join("lib")).unwrap();
        std::os::unix::fs::symlink("/usr", root.join("abs")).unwrap();
        std::os::unix::fs::symlink("../../../../../etc", root.join("usr/escape")).unwrap();
        assert_eq!(
            resolve(root, Path::new("/lib/ld.so")).unwrap(),
            root.join("usr/lib/ld.so")
        );
        assert_eq!(
            resolve(root, Path::new("/abs/lib/x")).unwrap(),
            root.join("usr/lib/x")
        );
        assert_eq!(
            resolve(root, Path::new("/usr/escape/passwd")).unwrap(),
            root.join("etc/passwd")
        );
        assert_eq!(
            resolve(root, Path::new("/../../x")).unwrap(),
            root.join("x")
        );
        // The last component is never followed: a link is replaced, not written through.
        assert_eq!(resolve(root, Path::new("/lib")).unwrap(), root.join("lib"));
        std::os::unix::fs::symlink("loop", root.join("loop")).unwrap();
        assert!(resolve(root, Path::new("/loop/x")).is_err());
    }
}
