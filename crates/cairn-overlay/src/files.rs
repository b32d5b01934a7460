//! File overlays on a [`Tree`]: `file-prepend-lines`, `file-search-replace`, `file-add`,
//! `file-remove`, `file-rename`, and the file halves of `patch-add` and `patch-remove`
//! (azldev's `applyNonSpecOverlay` and friends in
//! `internal/app/azldev/core/sources/overlays.go`).
//!
//! `file` is a glob for every type but `file-add` and `patch-add`; globs match files only
//! (not directories), never `.spec` files and never anything under `.git/`. Paths stay
//! inside the tree: absolute paths and `..` that climbs out are refused.

use std::path::{Path, PathBuf};

use cairn_config::overlay::{Overlay, OverlayType};
use regex::bytes::NoExpand;
use thiserror::Error;

use crate::edit::{field, patch_destination};
use crate::glob::Pattern;
use crate::tree::{Content, Node, Tree, clean_relative, parent};

/// A file overlay that could not be applied.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum FileOverlayError {
    /// The glob matched no file.
    #[error(
        "filename pattern `{pattern}` did not match any files (.spec files and .git/ are never matched)"
    )]
    NoMatch {
        /// The glob.
        pattern: String,
    },
    /// A single-file overlay type matched several files.
    #[error(
        "overlay type {kind} does not support multiple files, but filename pattern `{pattern}` matched {count} files"
    )]
    TooManyMatches {
        /// The overlay type.
        kind: &'static str,
        /// The glob.
        pattern: String,
        /// How many files matched.
        count: usize,
    },
    /// `file-search-replace` changed none of the matched files.
    #[error(
        "regex `{regex}` does not match content in any file matching `{pattern}`: overlay did not apply to any targets"
    )]
    DidNotApply {
        /// The glob.
        pattern: String,
        /// The regex.
        regex: String,
    },
    /// The overlay would touch a `.spec` file (spec overlays edit the spec).
    #[error("file overlays are not supported on .spec file `{path}`; use a spec overlay")]
    SpecFile {
        /// The spec path.
        path: String,
    },
    /// `file-add`/`patch-add` would overwrite a file.
    #[error("cannot add overlay file `{path}` because it already exists")]
    Exists {
        /// The destination.
        path: String,
    },
    /// The overlay's `source` file could not be read.
    #[error("failed to read overlay source {}: {source}", path.display())]
    Source {
        /// The source path, resolved against the defining file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// `source` is not set (or the defining file is unknown).
    #[error("overlay type {kind} requires \"source\" field")]
    MissingSource {
        /// The overlay type.
        kind: &'static str,
    },
    /// A file of the tree could not be read.
    #[error("failed to read {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A path would leave the tree.
    #[error("path `{path}` is absolute or leaves the sources directory")]
    UnsafePath {
        /// The path as written.
        path: String,
    },
    /// A symbolic link cannot be edited in place.
    #[error(
        "cannot edit `{path}`: it is a symbolic link to `{target}`, which is not a file in the same tree"
    )]
    Symlink {
        /// The link.
        path: String,
        /// Its target.
        target: String,
    },
    /// The regex does not compile.
    #[error("failed to compile regex `{regex}`: {source}")]
    InvalidRegex {
        /// The pattern.
        regex: String,
        /// The compiler's complaint.
        source: Box<regex::Error>,
    },
    /// The glob does not compile.
    #[error("failed to glob for overlay filename `{pattern}`: {reason}")]
    InvalidGlob {
        /// The pattern.
        pattern: String,
        /// What is wrong.
        reason: String,
    },
    /// The overlay type does not touch files.
    #[error("overlay type {kind} does not edit files")]
    NotAFileOverlay {
        /// The overlay type.
        kind: &'static str,
    },
}

/// Applies the file part of `overlay` to the files under `base` (`""` or `root/`) of `tree`;
/// `source` is the overlay's `source` resolved against its defining file.
pub(crate) fn apply(
    tree: &mut Tree,
    base: &str,
    overlay: &Overlay,
    source: Option<&Path>,
) -> Result<(), FileOverlayError> {
    let kind = overlay.kind;
    match kind {
        OverlayType::FileAdd => {
            let path = field(&overlay.file);
            if path.ends_with(".spec") {
                return Err(FileOverlayError::SpecFile {
                    path: path.to_owned(),
                });
            }
            add(tree, base, path, kind, source)
        }
        OverlayType::PatchAdd => add(tree, base, &patch_destination(overlay), kind, source),
        OverlayType::FilePrependLines
        | OverlayType::FileSearchReplace
        | OverlayType::FileRemove
        | OverlayType::FileRename
        | OverlayType::PatchRemove => {
            let pattern = field(&overlay.file);
            let matched = glob(tree, base, pattern)?;
            if matched.is_empty() {
                return Err(FileOverlayError::NoMatch {
                    pattern: pattern.to_owned(),
                });
            }
            if matched.len() > 1 && kind == OverlayType::FileRename {
                return Err(FileOverlayError::TooManyMatches {
                    kind: kind.as_str(),
                    pattern: pattern.to_owned(),
                    count: matched.len(),
                });
            }
            match kind {
                OverlayType::FilePrependLines => {
                    let mut header = overlay
                        .lines
                        .as_deref()
                        .unwrap_or_default()
                        .join("\n")
                        .into_bytes();
                    header.push(b'\n');
                    for path in &matched {
                        let mut data = header.clone();
                        data.extend(read(tree, &format!("{base}{path}"))?);
                        write(tree, &format!("{base}{path}"), data)?;
                    }
                    Ok(())
                }
                OverlayType::FileSearchReplace => search_replace(tree, base, &matched, overlay),
                OverlayType::FileRename => {
                    let from = format!("{base}{}", matched[0]);
                    let name = field(&overlay.replacement);
                    let to = match parent(&from) {
                        Some(directory) => format!("{directory}/{name}"),
                        None => name.to_owned(),
                    };
                    let to = clean_relative(&to).ok_or_else(|| FileOverlayError::UnsafePath {
                        path: name.to_owned(),
                    })?;
                    let node = tree.remove(&from).expect("matched files exist");
                    tree.insert(to, mark_changed(node));
                    Ok(())
                }
                _ => {
                    for path in &matched {
                        tree.remove(&format!("{base}{path}"));
                    }
                    Ok(())
                }
            }
        }
        _ => Err(FileOverlayError::NotAFileOverlay {
            kind: kind.as_str(),
        }),
    }
}

/// Matching files under `base`, relative to it, in walk order.
fn glob(tree: &Tree, base: &str, pattern: &str) -> Result<Vec<String>, FileOverlayError> {
    let compiled = Pattern::new(pattern).map_err(|reason| FileOverlayError::InvalidGlob {
        pattern: pattern.to_owned(),
        reason,
    })?;
    Ok(tree
        .files_under(base)
        .filter(|path| {
            !path.ends_with(".spec")
                && path.split('/').next() != Some(".git")
                && compiled.selects(path)
        })
        .map(str::to_owned)
        .collect())
}

fn search_replace(
    tree: &mut Tree,
    base: &str,
    matched: &[String],
    overlay: &Overlay,
) -> Result<(), FileOverlayError> {
    let regex = field(&overlay.regex);
    let compiled =
        crate::regex::compile(regex).map_err(|source| FileOverlayError::InvalidRegex {
            regex: regex.to_owned(),
            source: Box::new(source),
        })?;
    let replacement = field(&overlay.replacement).as_bytes();
    let mut applied = false;
    for path in matched {
        let full = format!("{base}{path}");
        let data = read(tree, &full)?;
        // The regex sees the whole file, so `(?m)`/`(?s)` and multi-line patterns work.
        let replaced = compiled.replace_all(&data, NoExpand(replacement));
        if replaced.as_ref() != data.as_slice() {
            let replaced = replaced.into_owned();
            write(tree, &full, replaced)?;
            applied = true;
        }
    }
    if applied {
        Ok(())
    } else {
        Err(FileOverlayError::DidNotApply {
            pattern: field(&overlay.file).to_owned(),
            regex: regex.to_owned(),
        })
    }
}

fn add(
    tree: &mut Tree,
    base: &str,
    path: &str,
    kind: OverlayType,
    source: Option<&Path>,
) -> Result<(), FileOverlayError> {
    let relative = clean_relative(path).ok_or_else(|| FileOverlayError::UnsafePath {
        path: path.to_owned(),
    })?;
    let full = format!("{base}{relative}");
    if tree.exists(&full) {
        return Err(FileOverlayError::Exists {
            path: path.to_owned(),
        });
    }
    let source = source.ok_or(FileOverlayError::MissingSource {
        kind: kind.as_str(),
    })?;
    let data = std::fs::read(source).map_err(|error| FileOverlayError::Source {
        path: source.to_owned(),
        source: error,
    })?;
    let mode = file_mode(source).unwrap_or(0o644);
    tree.insert(
        full,
        Node::File {
            content: Content::Memory(data),
            mode,
            changed: true,
        },
    );
    Ok(())
}

/// A file's bytes, following a symbolic link inside the tree.
pub(crate) fn read(tree: &mut Tree, path: &str) -> Result<Vec<u8>, FileOverlayError> {
    let target = resolve(tree, path)?;
    match tree.get(&target) {
        Some(Node::File {
            content: Content::Memory(data),
            ..
        }) => Ok(data.clone()),
        Some(Node::File {
            content: Content::Disk(location),
            ..
        }) => std::fs::read(location).map_err(|source| FileOverlayError::Read {
            path: location.clone(),
            source,
        }),
        _ => Err(FileOverlayError::Symlink {
            path: path.to_owned(),
            target,
        }),
    }
}

/// Replaces a file's bytes (through a link inside the tree), keeping its mode.
fn write(tree: &mut Tree, path: &str, data: Vec<u8>) -> Result<(), FileOverlayError> {
    let target = resolve(tree, path)?;
    match tree.get_mut(&target) {
        Some(Node::File {
            content, changed, ..
        }) => {
            *content = Content::Memory(data);
            *changed = true;
            Ok(())
        }
        _ => Err(FileOverlayError::Symlink {
            path: path.to_owned(),
            target,
        }),
    }
}

/// Follows links (at most 40, as the kernel does) while they stay inside the tree.
fn resolve(tree: &Tree, path: &str) -> Result<String, FileOverlayError> {
    let mut current = path.to_owned();
    for _ in 0..40 {
        match tree.get(&current) {
            Some(Node::Symlink { target, .. }) => {
                let joined = match parent(&current) {
                    Some(directory) => format!("{directory}/{target}"),
                    None => target.clone(),
                };
                current = clean_relative(&joined)
                    .filter(|_| !target.starts_with('/'))
                    .ok_or_else(|| FileOverlayError::Symlink {
                        path: path.to_owned(),
                        target: target.clone(),
                    })?;
            }
            _ => return Ok(current),
        }
    }
    Err(FileOverlayError::Symlink {
        path: path.to_owned(),
        target: current,
    })
}

fn mark_changed(node: Node) -> Node {
    match node {
        Node::File { content, mode, .. } => Node::File {
            content,
            mode,
            changed: true,
        },
        Node::Symlink { target, .. } => Node::Symlink {
            target,
            changed: true,
        },
        directory => directory,
    }
}

#[cfg(unix)]
fn file_mode(path: &Path) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .ok()
        .map(|metadata| metadata.permissions().mode() & 0o7777)
}

#[cfg(not(unix))]
fn file_mode(_: &Path) -> Option<u32> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(files: &[(&str, &str)]) -> Tree {
        let mut tree = Tree::default();
        for (path, text) in files {
            tree.insert(
                (*path).to_owned(),
                Node::File {
                    content: Content::Memory(text.as_bytes().to_vec()),
                    mode: 0o644,
                    changed: false,
                },
            );
        }
        tree
    }

    fn overlay(kind: OverlayType, file: &str) -> Overlay {
        let mut overlay = Overlay::new(kind);
        overlay.file = Some(file.to_owned());
        overlay
    }

    fn text(tree: &mut Tree, path: &str) -> String {
        String::from_utf8(read(tree, path).unwrap()).unwrap()
    }

    #[test]
    fn prepend_lines_to_every_match_but_specs_and_git() {
        let mut files = tree(&[
            ("a.txt", "a\n"),
            ("b.txt", "b"),
            ("x.spec", "s"),
            (".git/c.txt", "c"),
        ]);
        let mut prepend = overlay(OverlayType::FilePrependLines, "**/*");
        prepend.lines = Some(vec!["# one".into(), "# two".into()]);
        apply(&mut files, "", &prepend, None).unwrap();
        assert_eq!(text(&mut files, "a.txt"), "# one\n# two\na\n");
        assert_eq!(text(&mut files, "b.txt"), "# one\n# two\nb");
        assert_eq!(text(&mut files, "x.spec"), "s");
        assert_eq!(text(&mut files, ".git/c.txt"), "c");
    }

    #[test]
    fn search_replace_sees_the_whole_file_and_needs_one_change() {
        let mut files = tree(&[("a.conf", "x=1\ny=1\n"), ("b.conf", "z\n")]);
        let mut replace = overlay(OverlayType::FileSearchReplace, "*.conf");
        replace.regex = Some("(?m)^y=1\\n".to_owned());
        replace.replacement = Some("$0".to_owned());
        apply(&mut files, "", &replace, None).unwrap();
        assert_eq!(
            text(&mut files, "a.conf"),
            "x=1\n$0",
            "replacements are literal"
        );
        let error = apply(&mut files, "", &replace, None).unwrap_err();
        assert!(
            matches!(error, FileOverlayError::DidNotApply { .. }),
            "{error}"
        );
    }

    #[test]
    fn add_refuses_existing_spec_and_escaping_paths() {
        let source = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(source.path(), "new").unwrap();
        let mut files = tree(&[("a.txt", "a")]);
        let mut add = overlay(OverlayType::FileAdd, "sub/new.txt");
        apply(&mut files, "", &add, Some(source.path())).unwrap();
        assert_eq!(text(&mut files, "sub/new.txt"), "new");
        add.file = Some("a.txt".into());
        assert!(
            apply(&mut files, "", &add, Some(source.path()))
                .unwrap_err()
                .to_string()
                .contains("already exists")
        );
        add.file = Some("x.spec".into());
        assert!(matches!(
            apply(&mut files, "", &add, Some(source.path())),
            Err(FileOverlayError::SpecFile { .. })
        ));
        add.file = Some("../out.txt".into());
        assert!(matches!(
            apply(&mut files, "", &add, Some(source.path())),
            Err(FileOverlayError::UnsafePath { .. })
        ));
        add.file = Some("b.txt".into());
        let missing = Path::new("/nonexistent/cairn/source");
        assert!(matches!(
            apply(&mut files, "", &add, Some(missing)),
            Err(FileOverlayError::Source { .. })
        ));
    }

    #[test]
    fn remove_and_rename() {
        let mut files = tree(&[("a.bak", ""), ("b.bak", ""), ("d/c.txt", "c")]);
        apply(
            &mut files,
            "",
            &overlay(OverlayType::FileRemove, "*.bak"),
            None,
        )
        .unwrap();
        assert!(!files.exists("a.bak") && !files.exists("b.bak"));
        let mut rename = overlay(OverlayType::FileRename, "**/*.txt");
        rename.replacement = Some("e.txt".into());
        apply(&mut files, "", &rename, None).unwrap();
        assert_eq!(
            text(&mut files, "d/e.txt"),
            "c",
            "renamed in its own directory"
        );
        let mut files = tree(&[("a.txt", ""), ("b.txt", "")]);
        let error = apply(&mut files, "", &rename, None).unwrap_err();
        assert!(
            error
                .to_string()
                .contains("does not support multiple files"),
            "{error}"
        );
    }

    #[test]
    fn edits_follow_links_inside_the_tree_only() {
        let mut files = tree(&[("d/real.txt", "old")]);
        files.insert(
            "d/link.txt".into(),
            Node::Symlink {
                target: "real.txt".into(),
                changed: false,
            },
        );
        files.insert(
            "out.txt".into(),
            Node::Symlink {
                target: "../../etc/passwd".into(),
                changed: false,
            },
        );
        let mut replace = overlay(OverlayType::FileSearchReplace, "d/link.txt");
        replace.regex = Some("old".into());
        replace.replacement = Some("new".into());
        apply(&mut files, "", &replace, None).unwrap();
        assert_eq!(text(&mut files, "d/real.txt"), "new");
        replace.file = Some("out.txt".into());
        assert!(matches!(
            apply(&mut files, "", &replace, None),
            Err(FileOverlayError::Symlink { .. })
        ));
    }
}
