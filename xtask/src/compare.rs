//! Comparing results with expectations and describing the first difference.

use std::path::Path;

/// `Ok` when equal, otherwise the first differing line of `actual` against `expected`.
pub fn same_text(what: &str, expected: &[u8], actual: &[u8]) -> Result<(), String> {
    if expected == actual {
        return Ok(());
    }
    let expected_lines: Vec<&[u8]> = expected.split(|&byte| byte == b'\n').collect();
    let actual_lines: Vec<&[u8]> = actual.split(|&byte| byte == b'\n').collect();
    let count = expected_lines.len().max(actual_lines.len());
    for index in 0..count {
        let (want, got) = (expected_lines.get(index), actual_lines.get(index));
        if want != got {
            return Err(format!(
                "{what} line {}: expected {} got {}",
                index + 1,
                show(want),
                show(got)
            ));
        }
    }
    Err(format!("{what}: differs (line endings)"))
}

fn show(line: Option<&&[u8]>) -> String {
    match line {
        None => "<end of file>".to_owned(),
        Some(line) => {
            let text = String::from_utf8_lossy(line);
            let cut: String = text.chars().take(100).collect();
            format!("{cut:?}")
        }
    }
}

/// Reads a file for comparison; a missing file is described, not an error of the runner.
pub fn read(path: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|error| format!("{}: {error}", path.display()))
}

/// Copies a directory tree.
pub fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    for entry in walkdir::WalkDir::new(from).min_depth(1) {
        let entry = entry?;
        let relative = entry
            .path()
            .strip_prefix(from)
            .expect("walk stays below its root");
        let target = to.join(relative);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target)?;
        } else {
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

/// Every file below `root`, relative, sorted.
pub fn files_below(root: &Path) -> Vec<String> {
    let mut files: Vec<String> = walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_file())
        .filter_map(|entry| {
            entry
                .path()
                .strip_prefix(root)
                .ok()
                .map(|path| path.to_string_lossy().into_owned())
        })
        .collect();
    files.sort();
    files
}
