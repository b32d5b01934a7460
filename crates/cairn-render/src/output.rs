//! Writing rendered directories so that a crash never leaves one half-written.
//!
//! azldev removes a component's output directory and copies the new one in (`render.go`
//! `copyRenderedOutput`), so an interrupted render leaves it partial or missing. cairn writes
//! the new directory next to the old one (`.<name>.cairn-staging-*`), then swaps the two with
//! one `renameat2(RENAME_EXCHANGE)` and removes the old one: at every instant the directory is
//! entirely old or entirely new. On filesystems without the exchange it renames the old one
//! aside first; [`cleanup_leftovers`] puts it back if the run died between the two renames.

use std::collections::BTreeSet;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use cairn_overlay::MemoryEntry;

/// The marker file of a component that failed to render (azldev's `renderErrorMarkerFile`).
pub const MARKER_NAME: &str = "RENDER_FAILED";
/// Its fixed text: deterministic, so it can be checked in (azldev's `renderErrorMarkerContent`).
pub const MARKER_TEXT: &str = "Rendering failed. See azldev logs for details.\n";

const STAGING: &str = ".cairn-staging-";
const ASIDE: &str = ".cairn-old-";
const LINK: &str = ".cairn-link-";

/// A rendered directory: paths relative to it, in walk order; directories are implied.
pub type Tree = Vec<(String, MemoryEntry)>;

/// The tree of a failed component: the marker alone.
pub fn marker_tree() -> Tree {
    vec![(
        MARKER_NAME.to_owned(),
        MemoryEntry::File {
            data: MARKER_TEXT.as_bytes().to_vec(),
            mode: 0o644,
        },
    )]
}

/// `<output>/<first character, lower case>/<name>` (azldev's `RenderedSpecDir`).
pub fn component_dir(output: &Path, name: &str) -> PathBuf {
    let first: String = name
        .chars()
        .next()
        .map(|c| c.to_lowercase().collect())
        .unwrap_or_default();
    output.join(first).join(name)
}

/// Go's `url.QueryEscape`: everything but ASCII letters, digits and `-_.~` is percent-encoded
/// (space as `+`).
fn query_escape(name: &str) -> String {
    let mut escaped = String::with_capacity(name.len());
    for byte in name.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                escaped.push(char::from(byte));
            }
            b' ' => escaped.push('+'),
            _ => escaped.push_str(&format!("%{byte:02X}")),
        }
    }
    escaped
}

/// The sibling alias azldev links to a component whose name changes under URL escaping
/// (`libxml++` → `libxml%2B%2B`, for Koji's SCM fragments); `None` when it does not change.
pub fn alias_name(name: &str) -> Option<String> {
    let escaped = query_escape(name);
    (escaped != name).then_some(escaped)
}

fn unique_suffix() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    format!(
        "{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// Writes `tree` under `dir` (created if needed).
pub(crate) fn write_tree(dir: &Path, tree: &[(String, MemoryEntry)]) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::create_dir_all(dir)?;
    for (path, entry) in tree {
        if path
            .split('/')
            .any(|part| part.is_empty() || part == "." || part == "..")
        {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("refusing to write `{path}`: not a plain relative path"),
            ));
        }
        let target = dir.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)?;
        }
        match entry {
            MemoryEntry::File { data, mode } => {
                std::fs::write(&target, data)?;
                std::fs::set_permissions(&target, std::fs::Permissions::from_mode(*mode))?;
            }
            MemoryEntry::Symlink { target: link } => std::os::unix::fs::symlink(link, &target)?,
        }
    }
    Ok(())
}

/// Whether the directory `dir` holds something other than `tree` (a missing directory
/// differs; modes compare by their executable bit, links by target).
pub(crate) fn differs(dir: &Path, tree: &[(String, MemoryEntry)]) -> io::Result<bool> {
    use std::os::unix::fs::PermissionsExt as _;
    if !dir.is_dir() {
        return Ok(true);
    }
    let mut expected_dirs: BTreeSet<String> = BTreeSet::new();
    for (path, _) in tree {
        let mut end = 0;
        while let Some(slash) = path[end..].find('/') {
            end += slash;
            expected_dirs.insert(path[..end].to_owned());
            end += 1;
        }
    }
    let mut seen = 0;
    for entry in walkdir::WalkDir::new(dir).min_depth(1).sort_by_file_name() {
        let entry = entry.map_err(io::Error::other)?;
        let relative = entry
            .path()
            .strip_prefix(dir)
            .unwrap_or(entry.path())
            .to_string_lossy()
            .into_owned();
        let kind = entry.file_type();
        if kind.is_dir() {
            if !expected_dirs.contains(&relative) {
                return Ok(true);
            }
            continue;
        }
        seen += 1;
        let Some((_, expected)) = tree.iter().find(|(path, _)| *path == relative) else {
            return Ok(true);
        };
        match expected {
            MemoryEntry::Symlink { target } => {
                if !kind.is_symlink()
                    || std::fs::read_link(entry.path())?.to_string_lossy() != target.as_str()
                {
                    return Ok(true);
                }
            }
            MemoryEntry::File { data, mode } => {
                if !kind.is_file() {
                    return Ok(true);
                }
                let metadata = entry.metadata().map_err(io::Error::other)?;
                let executable = metadata.permissions().mode() & 0o111 != 0;
                if metadata.len() != data.len() as u64
                    || executable != (mode & 0o111 != 0)
                    || std::fs::read(entry.path())? != *data
                {
                    return Ok(true);
                }
            }
        }
    }
    Ok(seen != tree.len())
}

/// Replaces the directory `target` with `tree`, atomically (see the module documentation).
pub(crate) fn replace_dir(target: &Path, tree: &[(String, MemoryEntry)]) -> io::Result<()> {
    let parent = target.parent().unwrap_or(Path::new("."));
    let name = target
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    std::fs::create_dir_all(parent)?;
    let staging = parent.join(format!(".{name}{STAGING}{}", unique_suffix()));
    if let Err(error) = write_tree(&staging, tree) {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(error);
    }
    if std::fs::symlink_metadata(target).is_err() {
        return std::fs::rename(&staging, target);
    }
    match rustix::fs::renameat_with(
        rustix::fs::CWD,
        &staging,
        rustix::fs::CWD,
        target,
        rustix::fs::RenameFlags::EXCHANGE,
    ) {
        Ok(()) => remove_any(&staging),
        Err(error) if error == rustix::io::Errno::INVAL || error == rustix::io::Errno::NOSYS => {
            let aside = parent.join(format!(".{name}{ASIDE}{}", unique_suffix()));
            std::fs::rename(target, &aside)?;
            std::fs::rename(&staging, target)?;
            remove_any(&aside)
        }
        Err(error) => {
            let _ = std::fs::remove_dir_all(&staging);
            Err(error.into())
        }
    }
}

fn remove_any(path: &Path) -> io::Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(metadata) if metadata.is_dir() => std::fs::remove_dir_all(path),
        Ok(_) => std::fs::remove_file(path),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(error) => Err(error),
    }
}

/// Removes a directory so that it disappears at once (renamed aside, then deleted).
pub(crate) fn remove_dir(target: &Path) -> io::Result<()> {
    let parent = target.parent().unwrap_or(Path::new("."));
    let name = target
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let staging = parent.join(format!(".{name}{STAGING}{}", unique_suffix()));
    std::fs::rename(target, &staging)?;
    remove_any(&staging)
}

/// Points the alias of `name` (if it needs one) at its directory with a relative link,
/// replacing a previous alias link but never a real directory (azldev's `writeAliasSymlink`).
pub(crate) fn write_alias(component_dir: &Path, name: &str) -> io::Result<()> {
    let Some(alias) = alias_name(name) else {
        return Ok(());
    };
    let parent = component_dir.parent().unwrap_or(Path::new("."));
    let alias_path = parent.join(&alias);
    match std::fs::symlink_metadata(&alias_path) {
        Ok(metadata) if !metadata.file_type().is_symlink() => {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                format!(
                    "alias path {} is occupied by a non-symlink entry; refusing to overwrite",
                    alias_path.display()
                ),
            ));
        }
        Ok(_) if std::fs::read_link(&alias_path)?.as_os_str() == name => return Ok(()),
        _ => {}
    }
    let temporary = parent.join(format!(".{alias}{LINK}{}", unique_suffix()));
    std::os::unix::fs::symlink(name, &temporary)?;
    std::fs::rename(&temporary, &alias_path)
}

/// Finishes or undoes what an interrupted run left in `output`'s letter directories; returns
/// how many entries it cleaned.
pub(crate) fn cleanup_leftovers(output: &Path) -> io::Result<usize> {
    let Ok(letters) = std::fs::read_dir(output) else {
        return Ok(0);
    };
    let mut cleaned = 0;
    for letter in letters.flatten() {
        if !letter.file_type().is_ok_and(|kind| kind.is_dir()) {
            continue;
        }
        let letter_path = letter.path();
        for entry in std::fs::read_dir(&letter_path)?.flatten() {
            let file_name = entry.file_name().to_string_lossy().into_owned();
            if !file_name.starts_with('.') {
                continue;
            }
            let path = entry.path();
            if let Some(index) = file_name.find(ASIDE) {
                let original = letter_path.join(&file_name[1..index]);
                if std::fs::symlink_metadata(&original).is_err() {
                    std::fs::rename(&path, &original)?;
                } else {
                    remove_any(&path)?;
                }
                cleaned += 1;
            } else if file_name.contains(STAGING) || file_name.contains(LINK) {
                remove_any(&path)?;
                cleaned += 1;
            }
        }
    }
    Ok(cleaned)
}

/// Component directories under `output` whose names are not in `names` (nor an alias of
/// one), as `<letter>/<name>`, sorted; only single-character letter directories are looked in
/// and only directories count (azldev's `findOrphanRenderedDirs`).
pub fn orphans(output: &Path, names: &BTreeSet<String>) -> io::Result<Vec<String>> {
    let Ok(letters) = std::fs::read_dir(output) else {
        return Ok(Vec::new());
    };
    let aliases: BTreeSet<String> = names.iter().filter_map(|name| alias_name(name)).collect();
    let mut found = Vec::new();
    for letter in letters.flatten() {
        let letter_name = letter.file_name().to_string_lossy().into_owned();
        if letter_name.chars().count() != 1 || !letter.file_type().is_ok_and(|kind| kind.is_dir()) {
            continue;
        }
        for entry in std::fs::read_dir(letter.path())?.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') || !entry.file_type().is_ok_and(|kind| kind.is_dir()) {
                continue;
            }
            if !names.contains(&name) && !aliases.contains(&name) {
                found.push(format!("{letter_name}/{name}"));
            }
        }
    }
    found.sort();
    Ok(found)
}

#[cfg(test)]
#[path = "output_tests.rs"]
mod tests;
