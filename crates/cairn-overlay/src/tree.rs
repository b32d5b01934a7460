//! An in-memory file tree: a component's loose sources, or the contents of an archive.
//!
//! Files are read from disk only when an overlay needs their bytes, so a sources directory
//! with large tarballs costs a directory walk until an overlay touches them. Paths are
//! relative and `/`-separated, and order is a walk order (component by component, each
//! directory's entries by name), which is Go's `filepath.WalkDir` and doublestar's order.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// A relative path ordered component by component (`a/b` before `a-c`, as a walk visits them).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct TreePath(pub String);

impl Ord for TreePath {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.split('/').cmp(other.0.split('/'))
    }
}

impl PartialOrd for TreePath {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Where a file's bytes are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Content {
    /// Unchanged, still on disk at this path.
    Disk(PathBuf),
    /// Read or rewritten.
    Memory(Vec<u8>),
}

/// One entry of the tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Node {
    /// A regular file with its permission bits.
    File {
        content: Content,
        mode: u32,
        changed: bool,
    },
    /// A symbolic link and its target as written.
    Symlink { target: String, changed: bool },
    /// A directory with its permission bits.
    Directory { mode: u32 },
}

impl Node {
    pub fn is_changed(&self) -> bool {
        matches!(
            self,
            Node::File { changed: true, .. } | Node::Symlink { changed: true, .. }
        )
    }
}

/// A file tree, in memory.
#[derive(Debug, Clone, Default)]
pub(crate) struct Tree {
    entries: BTreeMap<TreePath, Node>,
    /// Paths that existed when the tree was loaded and are gone now.
    removed: Vec<String>,
}

impl Tree {
    pub fn insert(&mut self, path: String, node: Node) {
        if let Some(parent) = parent(&path) {
            self.ensure_directory(parent);
        }
        self.entries.insert(TreePath(path), node);
    }

    /// Records `path` and its parents as directories (mode 0755) unless present.
    pub fn ensure_directory(&mut self, path: &str) {
        let mut end = 0;
        for component in path.split('/') {
            end += component.len();
            let prefix = &path[..end];
            self.entries
                .entry(TreePath(prefix.to_owned()))
                .or_insert(Node::Directory { mode: 0o755 });
            end += 1;
        }
    }

    pub fn get(&self, path: &str) -> Option<&Node> {
        self.entries.get(&TreePath(path.to_owned()))
    }

    pub fn get_mut(&mut self, path: &str) -> Option<&mut Node> {
        self.entries.get_mut(&TreePath(path.to_owned()))
    }

    /// Whether anything (file, link, or directory) exists at `path`.
    pub fn exists(&self, path: &str) -> bool {
        self.get(path).is_some()
    }

    /// Removes a file or link.
    pub fn remove(&mut self, path: &str) -> Option<Node> {
        let node = self.entries.remove(&TreePath(path.to_owned()))?;
        self.removed.push(path.to_owned());
        Some(node)
    }

    /// Files and links (not directories) under `base` (`""` or `dir/`), relative to it.
    pub fn files_under<'a>(&'a self, base: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.entries
            .iter()
            .filter_map(move |(path, node)| match node {
                Node::Directory { .. } => None,
                _ => path.0.strip_prefix(base),
            })
    }

    /// Every entry in walk order.
    pub fn entries(&self) -> impl Iterator<Item = (&str, &Node)> {
        self.entries
            .iter()
            .map(|(path, node)| (path.0.as_str(), node))
    }

    /// The top-level names.
    pub fn top_level(&self) -> impl Iterator<Item = (&str, &Node)> {
        self.entries().filter(|(path, _)| !path.contains('/'))
    }

    /// Paths removed since loading.
    pub fn removed(&self) -> &[String] {
        &self.removed
    }
}

/// The parent directory of a relative path, if it has one.
pub(crate) fn parent(path: &str) -> Option<&str> {
    path.rfind('/').map(|end| &path[..end])
}

/// Normalises a relative path lexically (`.` dropped, `..` applied); `None` when it is
/// absolute, empty, or climbs out of the root.
pub(crate) fn clean_relative(path: &str) -> Option<String> {
    if path.starts_with('/') {
        return None;
    }
    let mut parts: Vec<&str> = Vec::new();
    for component in path.split('/') {
        match component {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    if parts.is_empty() {
        None
    } else {
        Some(parts.join("/"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walk_order_is_component_wise() {
        let mut tree = Tree::default();
        for path in ["a-c", "a/b", "a/a", "B"] {
            tree.insert(
                path.to_owned(),
                Node::Symlink {
                    target: String::new(),
                    changed: false,
                },
            );
        }
        let order: Vec<&str> = tree.entries().map(|(path, _)| path).collect();
        assert_eq!(order, ["B", "a", "a/a", "a/b", "a-c"]);
    }

    #[test]
    fn cleaning() {
        assert_eq!(clean_relative("./a//b/../c").as_deref(), Some("a/c"));
        assert_eq!(clean_relative("../x"), None);
        assert_eq!(clean_relative("/etc/passwd"), None);
        assert_eq!(clean_relative("."), None);
    }
}
