//! Glob expansion with azldev's (doublestar's) rules: `*` and `?` stay within one path
//! component, `**` crosses directories, and matches come in sorted depth-first order.

use std::path::{Path, PathBuf};

use globset::{GlobBuilder, GlobMatcher};

/// Whether `pattern` has wildcards; azldev's `containsPattern` looks for `*`, `?` and `[`.
pub(crate) fn has_wildcards(pattern: &str) -> bool {
    pattern.contains(['*', '?', '['])
}

/// Compiles a pattern with doublestar's semantics.
pub(crate) fn matcher(pattern: &str) -> Result<GlobMatcher, globset::Error> {
    Ok(GlobBuilder::new(pattern)
        .literal_separator(true)
        .backslash_escape(true)
        .build()?
        .compile_matcher())
}

/// Files matching the absolute `pattern`, sorted depth-first by name.
pub(crate) fn expand(pattern: &Path) -> Result<Vec<PathBuf>, String> {
    let text = pattern.to_string_lossy();
    if !has_wildcards(&text) && !text.contains('{') {
        return Ok(if pattern.is_file() {
            vec![pattern.to_path_buf()]
        } else {
            Vec::new()
        });
    }
    // Walk from the longest leading run of components without wildcards.
    let mut base = PathBuf::new();
    let mut rest = Vec::new();
    for component in pattern.components() {
        let part = component.as_os_str().to_string_lossy();
        if rest.is_empty() && !has_wildcards(&part) && !part.contains('{') {
            base.push(component.as_os_str());
        } else {
            rest.push(part.into_owned());
        }
    }
    if !base.is_dir() {
        return Ok(Vec::new());
    }
    let matcher = matcher(&text).map_err(|error| error.to_string())?;
    let mut walk = walkdir::WalkDir::new(&base)
        .follow_links(true)
        .sort_by_file_name()
        .min_depth(1);
    if !rest.iter().any(|part| part.contains("**")) {
        walk = walk.max_depth(rest.len());
    }
    let mut matches = Vec::new();
    for entry in walk {
        let entry = entry.map_err(|error| error.to_string())?;
        if entry.file_type().is_file() && matcher.is_match(entry.path()) {
            matches.push(entry.into_path());
        }
    }
    Ok(matches)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stars_stay_in_one_directory_and_double_stars_recurse() {
        let dir = tempfile::tempdir().unwrap();
        for file in [
            "a.comp.toml",
            "x/b.comp.toml",
            "x/y/c.comp.toml",
            "x/other.toml",
            "d.distro.toml",
        ] {
            let path = dir.path().join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "").unwrap();
        }
        let names = |pattern: &str| -> Vec<String> {
            expand(&dir.path().join(pattern))
                .unwrap()
                .iter()
                .map(|p| p.strip_prefix(dir.path()).unwrap().display().to_string())
                .collect()
        };
        assert_eq!(
            names("**/*.comp.toml"),
            ["a.comp.toml", "x/b.comp.toml", "x/y/c.comp.toml"]
        );
        assert_eq!(names("*.toml"), ["a.comp.toml", "d.distro.toml"]);
        assert_eq!(names("x/*.toml"), ["x/b.comp.toml", "x/other.toml"]);
        assert_eq!(names("missing/*.toml"), Vec::<String>::new());
        assert_eq!(names("d.distro.toml"), ["d.distro.toml"]);
    }
}
