//! Where something is in a configuration file: path, line and column, and key paths.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Serialize;

/// A position in a configuration file (1-based line and column, columns in characters).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Location {
    /// The file.
    pub file: Arc<Path>,
    /// Line, from 1.
    pub line: u32,
    /// Column, from 1.
    pub column: u32,
}

impl Location {
    /// The start of `file` (for problems that concern the whole file).
    pub fn file_start(file: Arc<Path>) -> Self {
        Self {
            file,
            line: 1,
            column: 1,
        }
    }
}

impl Serialize for Location {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut location = serializer.serialize_struct("Location", 3)?;
        location.serialize_field("file", &*self.file)?;
        location.serialize_field("line", &self.line)?;
        location.serialize_field("column", &self.column)?;
        location.end()
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file.display(), self.line, self.column)
    }
}

/// Byte offsets of line starts, to turn spans into lines and columns.
pub(crate) struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        let starts = std::iter::once(0)
            .chain(
                text.bytes()
                    .enumerate()
                    .filter(|&(_, b)| b == b'\n')
                    .map(|(i, _)| i + 1),
            )
            .collect();
        Self { text, starts }
    }

    pub(crate) fn locate(&self, file: &Arc<Path>, offset: usize) -> Location {
        let offset = offset.min(self.text.len());
        let line = self
            .starts
            .partition_point(|&start| start <= offset)
            .saturating_sub(1);
        let start = self.starts[line];
        let column = self
            .text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count());
        Location {
            file: Arc::clone(file),
            line: u32::try_from(line + 1).unwrap_or(u32::MAX),
            column: u32::try_from(column + 1).unwrap_or(u32::MAX),
        }
    }
}

/// One step of a [`KeyPath`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Segment {
    Key(String),
    Index(usize),
}

/// A dotted key path such as `components.kernel.overlays[3].type`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct KeyPath(pub(crate) Vec<Segment>);

impl KeyPath {
    pub(crate) fn key(&self, key: &str) -> Self {
        let mut next = self.clone();
        next.0.push(Segment::Key(key.to_owned()));
        next
    }

    pub(crate) fn index(&self, index: usize) -> Self {
        let mut next = self.clone();
        next.0.push(Segment::Index(index));
        next
    }

    pub(crate) fn push_key(&mut self, key: &str) {
        self.0.push(Segment::Key(key.to_owned()));
    }

    pub(crate) fn push_index(&mut self, index: usize) {
        self.0.push(Segment::Index(index));
    }

    pub(crate) fn pop(&mut self) {
        self.0.pop();
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for KeyPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, segment) in self.0.iter().enumerate() {
            match segment {
                Segment::Key(key) => {
                    if i > 0 {
                        f.write_str(".")?;
                    }
                    let bare = !key.is_empty()
                        && key
                            .bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
                    if bare {
                        f.write_str(key)?
                    } else {
                        write!(f, "'{key}'")?
                    }
                }
                Segment::Index(index) => write!(f, "[{index}]")?,
            }
        }
        Ok(())
    }
}

/// Joins `path` to `dir` unless absolute, then removes `.` and `..` lexically, like Go's
/// `path.Join` does for azldev's `makeAbsolute`.
pub(crate) fn absolute_against(dir: &Path, path: &Path) -> PathBuf {
    if path.as_os_str().is_empty() {
        return PathBuf::new();
    }
    clean(&dir.join(path))
}

/// Lexical normalization (no symlink resolution).
pub(crate) fn clean(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns_are_one_based_and_count_characters() {
        let text = "a = 1\n[x]\nkéy = 2\n";
        let index = LineIndex::new(text);
        let file: Arc<Path> = Arc::from(Path::new("f.toml"));
        assert_eq!(index.locate(&file, 0).to_string(), "f.toml:1:1");
        assert_eq!(index.locate(&file, 6).to_string(), "f.toml:2:1");
        let after_accent = text.find("y =").unwrap();
        assert_eq!(index.locate(&file, after_accent).to_string(), "f.toml:3:3");
    }

    #[test]
    fn key_paths_quote_keys_that_are_not_bare() {
        let path = KeyPath::default()
            .key("components")
            .key("python3.13")
            .key("overlays")
            .index(2);
        assert_eq!(path.to_string(), "components.'python3.13'.overlays[2]");
    }

    #[test]
    fn paths_are_joined_and_cleaned() {
        let joined = absolute_against(Path::new("/p/base"), Path::new("../specs"));
        assert_eq!(joined, Path::new("/p/specs"));
        assert_eq!(
            absolute_against(Path::new("/p"), Path::new("/abs/x")),
            Path::new("/abs/x")
        );
        assert_eq!(
            absolute_against(Path::new("/p"), Path::new("./a/./b")),
            Path::new("/p/a/b")
        );
    }
}
