//! A component's sources directory held in memory: its spec and a lazy view of its files.
//!
//! [`Sources::load`] walks the directory (never `.git/`) without reading file contents;
//! overlays edit the in-memory state; [`Sources::commit`] writes the result back in place, or
//! [`Sources::commit_to`] writes a complete copy elsewhere. Each written file goes to a
//! temporary file in its directory and is renamed into place, so a reader sees either the old
//! or the new bytes; files that disappear are removed last.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use thiserror::Error;

use crate::spec::Spec;
use crate::tree::{Content, Node, Tree, parent};

/// Reading or writing a sources directory failed.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum SourcesError {
    /// A file or directory could not be read or written.
    #[error("{action} {}: {source}", path.display())]
    Io {
        /// What was being done (`reading`, `writing`...).
        action: &'static str,
        /// The path.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// More than one spec, and none chosen.
    #[error("{} holds several spec files ({names}); name the one to edit", directory.display())]
    AmbiguousSpec {
        /// The sources directory.
        directory: PathBuf,
        /// The spec names found.
        names: String,
    },
    /// The chosen spec does not exist.
    #[error("spec {} not found in {}", name, directory.display())]
    MissingSpec {
        /// The sources directory.
        directory: PathBuf,
        /// The spec name asked for.
        name: String,
    },
    /// Writing would go through a symbolic link out of the directory.
    #[error("refusing to write {}: a parent directory is a symbolic link", path.display())]
    SymlinkParent {
        /// The path that would be written.
        path: PathBuf,
    },
}

/// One file of a sources directory held in memory ([`Sources::from_memory`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MemoryEntry {
    /// A regular file and its permission bits.
    File {
        /// The contents.
        data: Vec<u8>,
        /// The permission bits (`0o644`, `0o755`).
        mode: u32,
    },
    /// A symbolic link.
    Symlink {
        /// The target as written.
        target: String,
    },
}

/// A component's sources directory, in memory.
#[derive(Debug, Clone)]
pub struct Sources {
    root: PathBuf,
    spec_name: Option<String>,
    spec: Option<Spec>,
    spec_changed: bool,
    pub(crate) tree: Tree,
}

impl Sources {
    /// Walks `directory`; `spec` names the spec file to edit (relative), `None` for a
    /// directory whose spec is not edited (see [`Sources::find_spec`] to pick it).
    pub fn load(directory: &Path, spec: Option<&str>) -> Result<Self, SourcesError> {
        let mut tree = Tree::default();
        let walker = walkdir::WalkDir::new(directory)
            .min_depth(1)
            .sort_by_file_name();
        let entries = walker
            .into_iter()
            .filter_entry(|entry| entry.depth() != 1 || entry.file_name() != ".git");
        for entry in entries {
            let entry = entry.map_err(|error| {
                let path = error.path().unwrap_or(directory).to_owned();
                SourcesError::Io {
                    action: "reading",
                    path,
                    source: error.into(),
                }
            })?;
            let relative = relative_name(directory, entry.path());
            let file_type = entry.file_type();
            let node = if file_type.is_symlink() {
                let target = fs::read_link(entry.path())
                    .map_err(|source| io("reading", entry.path(), source))?;
                Node::Symlink {
                    target: target.to_string_lossy().into_owned(),
                    changed: false,
                }
            } else if file_type.is_dir() {
                Node::Directory {
                    mode: mode_of(entry.path()).unwrap_or(0o755),
                }
            } else if file_type.is_file() {
                let mode = mode_of(entry.path()).unwrap_or(0o644);
                Node::File {
                    content: Content::Disk(entry.path().to_owned()),
                    mode,
                    changed: false,
                }
            } else {
                continue;
            };
            tree.insert(relative, node);
        }
        if let Some(name) = spec
            && !matches!(tree.get(name), Some(Node::File { .. }))
        {
            return Err(SourcesError::MissingSpec {
                directory: directory.to_owned(),
                name: name.to_owned(),
            });
        }
        Ok(Self {
            root: directory.to_owned(),
            spec_name: spec.map(str::to_owned),
            spec: None,
            spec_changed: false,
            tree,
        })
    }

    /// The only top-level `*.spec` file of `directory`; `None` when there is none, an error
    /// when there are several.
    pub fn find_spec(directory: &Path) -> Result<Option<String>, SourcesError> {
        let listing = fs::read_dir(directory).map_err(|source| io("reading", directory, source))?;
        let mut specs = Vec::new();
        for entry in listing {
            let entry = entry.map_err(|source| io("reading", directory, source))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.ends_with(".spec") && entry.file_type().is_ok_and(|kind| kind.is_file()) {
                specs.push(name);
            }
        }
        specs.sort();
        match specs.len() {
            0 | 1 => Ok(specs.pop()),
            _ => Err(SourcesError::AmbiguousSpec {
                directory: directory.to_owned(),
                names: specs.join(", "),
            }),
        }
    }

    /// The directory this was loaded from.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The spec's file name, relative to the directory.
    pub fn spec_name(&self) -> Option<&str> {
        self.spec_name.as_deref()
    }

    /// The spec, read on first use; `None` when the directory has no spec.
    pub fn spec_mut(&mut self) -> Result<Option<&mut Spec>, SourcesError> {
        if self.spec.is_none()
            && let Some(name) = &self.spec_name
        {
            let bytes = match self.tree.get(name) {
                Some(Node::File {
                    content: Content::Memory(data),
                    ..
                }) => data.clone(),
                _ => {
                    let path = self.root.join(name);
                    fs::read(&path).map_err(|source| io("reading", &path, source))?
                }
            };
            self.spec = Some(Spec::parse(&bytes));
        }
        Ok(self.spec.as_mut())
    }

    /// A sources directory that exists only in memory (the render pipeline builds it from a
    /// dist-git tree): `root` names it in messages and is never read; `spec` must be one of
    /// the files. Overlays still read their `source` files from disk.
    pub fn from_memory(
        root: &Path,
        spec: Option<&str>,
        entries: impl IntoIterator<Item = (String, MemoryEntry)>,
    ) -> Result<Self, SourcesError> {
        let mut tree = Tree::default();
        for (path, entry) in entries {
            let node = match entry {
                MemoryEntry::File { data, mode } => Node::File {
                    content: Content::Memory(data),
                    mode,
                    changed: false,
                },
                MemoryEntry::Symlink { target } => Node::Symlink {
                    target,
                    changed: false,
                },
            };
            tree.insert(path, node);
        }
        if let Some(name) = spec
            && !matches!(tree.get(name), Some(Node::File { .. }))
        {
            return Err(SourcesError::MissingSpec {
                directory: root.to_owned(),
                name: name.to_owned(),
            });
        }
        Ok(Self {
            root: root.to_owned(),
            spec_name: spec.map(str::to_owned),
            spec: None,
            spec_changed: false,
            tree,
        })
    }

    /// Every file and link as a commit would leave them, in walk order (directories are
    /// implied by the paths); the edited spec as it would be written.
    pub fn to_memory(&self) -> Result<Vec<(String, MemoryEntry)>, SourcesError> {
        let mut entries = Vec::new();
        for (path, node) in self.tree.entries() {
            let entry = match node {
                Node::Directory { .. } => continue,
                Node::Symlink { target, .. } => MemoryEntry::Symlink {
                    target: target.clone(),
                },
                Node::File { content, mode, .. } => {
                    let data = match (&self.spec, self.spec_changed) {
                        (Some(spec), true) if self.spec_name.as_deref() == Some(path) => {
                            spec.to_bytes()
                        }
                        _ => match content {
                            Content::Memory(data) => data.clone(),
                            Content::Disk(source) => {
                                fs::read(source).map_err(|error| io("reading", source, error))?
                            }
                        },
                    };
                    MemoryEntry::File { data, mode: *mode }
                }
            };
            entries.push((path.to_owned(), entry));
        }
        Ok(entries)
    }

    /// Marks the spec as edited, so it is written on commit.
    pub(crate) fn mark_spec_changed(&mut self) {
        self.spec_changed = true;
    }

    /// The spec as it would be written, when it was edited.
    pub fn edited_spec(&self) -> Option<&Spec> {
        self.spec.as_ref().filter(|_| self.spec_changed)
    }

    /// Relative paths of files that would be written or removed by a commit, in walk order.
    pub fn changed_paths(&self) -> Vec<String> {
        let mut paths: Vec<String> = self
            .tree
            .entries()
            .filter(|(_, node)| node.is_changed())
            .map(|(path, _)| path.to_owned())
            .collect();
        if self.spec_changed {
            paths.extend(self.spec_name.clone());
        }
        for removed in self.tree.removed() {
            if !self.tree.exists(removed) && !paths.contains(removed) {
                paths.push(removed.clone());
            }
        }
        paths
    }

    /// The current bytes of a file (`None` when it does not exist or is not a file).
    pub fn file(&mut self, path: &str) -> Option<Vec<u8>> {
        if self.spec_changed && self.spec_name.as_deref() == Some(path) {
            return self.spec.as_ref().map(Spec::to_bytes);
        }
        match self.tree.get(path)? {
            Node::File { .. } | Node::Symlink { .. } => {
                crate::files::read(&mut self.tree, path).ok()
            }
            Node::Directory { .. } => None,
        }
    }

    /// Writes every change back into the directory it was loaded from: every new file is
    /// staged first (so a rename chain reads the old bytes), then all are renamed into place,
    /// then files that disappeared are removed.
    pub fn commit(&self) -> Result<(), SourcesError> {
        let mut staged = Vec::new();
        let result = self.stage_changes(&mut staged);
        if let Err(error) = result {
            for (temporary, _) in &staged {
                let _ = fs::remove_file(temporary);
            }
            return Err(error);
        }
        for (temporary, target) in &staged {
            fs::rename(temporary, target).map_err(|source| io("writing", target, source))?;
        }
        for removed in self.tree.removed() {
            if self.tree.exists(removed) {
                continue;
            }
            let path = self.root.join(removed);
            match fs::remove_file(&path) {
                Err(error) if error.kind() != std::io::ErrorKind::NotFound => {
                    return Err(io("removing", &path, error));
                }
                _ => {}
            }
        }
        Ok(())
    }

    fn stage_changes(&self, staged: &mut Vec<(PathBuf, PathBuf)>) -> Result<(), SourcesError> {
        for (path, node) in self.tree.entries() {
            if node.is_changed() {
                staged.push(stage_node(&self.root, path, node)?);
            }
        }
        if let (true, Some(name), Some(spec)) = (self.spec_changed, &self.spec_name, &self.spec) {
            staged.push(stage(&self.root, name, &spec.to_bytes(), None)?);
        }
        Ok(())
    }

    /// Writes the whole resulting tree (changed or not) into `destination`, which must not
    /// be the source directory.
    pub fn commit_to(&self, destination: &Path) -> Result<(), SourcesError> {
        fs::create_dir_all(destination).map_err(|source| io("creating", destination, source))?;
        for (path, node) in self.tree.entries() {
            if self.spec_changed && self.spec_name.as_deref() == Some(path) {
                let spec = self.spec.as_ref().expect("an edited spec is loaded");
                write_atomically(
                    destination,
                    path,
                    &spec.to_bytes(),
                    mode_of(&self.root.join(path)),
                )?;
                continue;
            }
            match node {
                Node::Directory { .. } => {
                    let target = destination.join(path);
                    fs::create_dir_all(&target)
                        .map_err(|source| io("creating", &target, source))?;
                }
                _ => {
                    let (temporary, target) = stage_node(destination, path, node)?;
                    fs::rename(&temporary, &target)
                        .map_err(|source| io("writing", &target, source))?;
                }
            }
        }
        Ok(())
    }
}

/// Writes a node to a temporary file beside `destination/path`; returns (temporary, target).
fn stage_node(
    destination: &Path,
    path: &str,
    node: &Node,
) -> Result<(PathBuf, PathBuf), SourcesError> {
    match node {
        Node::File {
            content: Content::Memory(data),
            mode,
            ..
        } => stage(destination, path, data, Some(*mode)),
        Node::File {
            content: Content::Disk(source),
            mode,
            ..
        } => {
            let data = fs::read(source).map_err(|error| io("reading", source, error))?;
            stage(destination, path, &data, Some(*mode))
        }
        Node::Symlink { target, .. } => {
            let link = destination.join(path);
            ensure_parent(destination, path)?;
            let temporary = temporary_name(&link);
            let _ = fs::remove_file(&temporary);
            symlink(target, &temporary).map_err(|source| io("writing", &temporary, source))?;
            Ok((temporary, link))
        }
        Node::Directory { .. } => {
            let directory = destination.join(path);
            fs::create_dir_all(&directory).map_err(|source| io("creating", &directory, source))?;
            Ok((directory.clone(), directory))
        }
    }
}

/// Writes `data` to a temporary file beside `root/path`; returns (temporary, target).
fn stage(
    root: &Path,
    path: &str,
    data: &[u8],
    mode: Option<u32>,
) -> Result<(PathBuf, PathBuf), SourcesError> {
    let target = root.join(path);
    ensure_parent(root, path)?;
    let temporary = temporary_name(&target);
    let result = (|| {
        let mut file = fs::File::create(&temporary)?;
        file.write_all(data)?;
        file.sync_all()?;
        if let Some(mode) = mode {
            set_mode(&temporary, mode)?;
        }
        Ok(())
    })();
    match result {
        Ok(()) => Ok((temporary, target)),
        Err(source) => {
            let _ = fs::remove_file(&temporary);
            Err(io("writing", &target, source))
        }
    }
}

/// Writes `data` to `root/path` through a temporary file in the same directory.
fn write_atomically(
    root: &Path,
    path: &str,
    data: &[u8],
    mode: Option<u32>,
) -> Result<(), SourcesError> {
    let (temporary, target) = stage(root, path, data, mode)?;
    fs::rename(&temporary, &target).map_err(|source| io("writing", &target, source))
}

/// Creates the parents of `root/path`, refusing to go through a symbolic link.
fn ensure_parent(root: &Path, path: &str) -> Result<(), SourcesError> {
    let Some(directory) = parent(path) else {
        return Ok(());
    };
    let mut current = root.to_owned();
    for component in directory.split('/') {
        current.push(component);
        match fs::symlink_metadata(&current) {
            Ok(metadata) if metadata.file_type().is_symlink() => {
                return Err(SourcesError::SymlinkParent {
                    path: root.join(path),
                });
            }
            Ok(_) => {}
            Err(_) => {
                fs::create_dir(&current).map_err(|source| io("creating", &current, source))?
            }
        }
    }
    Ok(())
}

fn temporary_name(target: &Path) -> PathBuf {
    let name = target
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    target.with_file_name(format!(".{name}.cairn-{}", std::process::id()))
}

fn relative_name(root: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(root).unwrap_or(path);
    relative
        .components()
        .map(|component| component.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

fn io(action: &'static str, path: &Path, source: std::io::Error) -> SourcesError {
    SourcesError::Io {
        action,
        path: path.to_owned(),
        source,
    }
}

#[cfg(unix)]
fn mode_of(path: &Path) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    fs::symlink_metadata(path)
        .ok()
        .map(|metadata| metadata.permissions().mode() & 0o7777)
}

#[cfg(not(unix))]
fn mode_of(_: &Path) -> Option<u32> {
    None
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn set_mode(_: &Path, _: u32) -> std::io::Result<()> {
    Ok(())
}

#[cfg(unix)]
fn symlink(target: &str, link: &Path) -> std::io::Result<()> {
    std::os::unix::fs::symlink(target, link)
}

#[cfg(not(unix))]
fn symlink(_: &str, _: &Path) -> std::io::Result<()> {
    Err(std::io::Error::new(
        std::io::ErrorKind::Unsupported,
        "symbolic links need a unix system",
    ))
}

#[cfg(test)]
mod memory_tests {
    use super::*;
    use crate::{EditOptions, apply_to_spec};
    use cairn_config::overlay::{Overlay, OverlayType};

    #[test]
    fn in_memory_sources_round_trip_without_touching_disk() {
        let root = Path::new("/nonexistent/cairn-memory-sources");
        let entries = vec![
            (
                "a.spec".to_owned(),
                MemoryEntry::File {
                    data: b"Name: a\r\nRelease: 1\n".to_vec(),
                    mode: 0o644,
                },
            ),
            (
                "link".to_owned(),
                MemoryEntry::Symlink {
                    target: "run.sh".into(),
                },
            ),
            (
                "run.sh".to_owned(),
                MemoryEntry::File {
                    data: b"#!/bin/sh\n".to_vec(),
                    mode: 0o755,
                },
            ),
        ];
        let mut sources = Sources::from_memory(root, Some("a.spec"), entries.clone()).unwrap();
        // Unedited, every byte comes back in walk order (the spec's CRLF included).
        assert_eq!(sources.to_memory().unwrap(), entries);
        let mut overlay = Overlay::new(OverlayType::SpecAddTag);
        overlay.tag = Some("BuildRequires".into());
        overlay.value = Some("gcc".into());
        let spec = sources.spec_mut().unwrap().unwrap();
        apply_to_spec(spec, &overlay, &EditOptions::default()).unwrap();
        sources.mark_spec_changed();
        let after = sources.to_memory().unwrap();
        assert_eq!(
            after[0].1,
            MemoryEntry::File {
                data: b"Name: a\nRelease: 1\nBuildRequires: gcc\n".to_vec(),
                mode: 0o644
            }
        );
        assert_eq!(after[1..], entries[1..]);
        assert!(matches!(
            Sources::from_memory(root, Some("b.spec"), entries),
            Err(SourcesError::MissingSpec { .. })
        ));
    }
}
