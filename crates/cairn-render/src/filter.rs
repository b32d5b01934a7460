//! The file filter: a rendered directory keeps only the files its spec names.
//!
//! azldev runs `spectool --define "_sourcedir <dir>" -l -a` in the mock chroot and parses its
//! `SourceN: value` lines (`spectool.go` `parseSpectoolOutput`): a URL gives the base name of
//! its decoded path (query and fragment dropped), a local value its cleaned relative path
//! (absolute and `..` paths skipped). It then removes every top-level entry except the spec,
//! `sources` and the first path component of each name; it filters nothing when a name still
//! holds `%{` (an unexpanded macro) or when `render.skip-file-filter` is set (`render.go`).
//! cairn lists the Source and Patch values with its own rpm macro engine.

use std::collections::BTreeSet;
use std::path::Path;

use cairn_macro::spec::{EvaluateOptions, evaluate_text};
use cairn_macro::{ContextConfig, MacroContext, MacroSet, ShellCache};
use cairn_overlay::MemoryEntry;
use std::sync::Arc;

/// The file name spectool's value gives azldev.
pub fn listed_name(value: &str) -> Option<String> {
    let value = value.trim();
    if let Some(scheme_end) = value.find("://") {
        let after = &value[scheme_end + 3..];
        let path_start = after.find('/').map_or(after.len(), |index| index);
        let path = &after[path_start..];
        let path = path.split(['?', '#']).next().unwrap_or_default();
        let decoded = percent_decode(path);
        // Go's path.Base: trailing slashes dropped, "." for an empty path.
        let trimmed = decoded.trim_end_matches('/');
        let base = trimmed.rsplit('/').next().unwrap_or_default();
        let name = if trimmed.is_empty() {
            if decoded.is_empty() { "." } else { "/" }
        } else {
            base
        };
        return (name != "." && !name.is_empty()).then(|| name.to_owned());
    }
    let cleaned = clean(value)?;
    (cleaned != "." && !cleaned.is_empty()).then_some(cleaned)
}

/// Go's `filepath.Clean` for relative paths; `None` for absolute paths and paths above `.`.
fn clean(path: &str) -> Option<String> {
    if path.starts_with('/') {
        return None;
    }
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(if parts.is_empty() {
        ".".to_owned()
    } else {
        parts.join("/")
    })
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'%'
            && index + 2 < bytes.len()
            && let (Some(high), Some(low)) =
                (hex_value(bytes[index + 1]), hex_value(bytes[index + 2]))
        {
            out.push(high * 16 + low);
            index += 3;
            continue;
        }
        out.push(bytes[index]);
        index += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex_value(byte: u8) -> Option<u8> {
    char::from(byte)
        .to_digit(16)
        .and_then(|digit| u8::try_from(digit).ok())
}

/// What the file filter decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FilterOutcome {
    /// These top-level entries were removed.
    Filtered(Vec<String>),
    /// Nothing to filter: the tree holds only what is always kept.
    NothingToFilter,
    /// `render.skip-file-filter` is set.
    SkippedByConfig,
    /// A listed name holds an unexpanded macro (azldev's `%{` bail-out); the example name.
    UnexpandedMacro(String),
    /// The spec could not be evaluated; every file is kept.
    EvaluationFailed(String),
}

/// The macro environment specs are evaluated in.
pub(crate) struct SpecEnvironment {
    pub macros: Arc<MacroSet>,
    pub config: Arc<ContextConfig>,
    pub shell: Arc<ShellCache>,
}

/// Whether evaluating `spec` reads files beside it (`%include`, `%{load:}`, shell, Lua), so
/// the tree must exist on disk while it is evaluated.
pub(crate) fn reads_sidecars(spec: &str) -> bool {
    ["%include", "%{load:", "%(", "%{lua:"]
        .iter()
        .any(|needle| spec.contains(needle))
}

/// The names the spec's Source and Patch tags give, as spectool lists them.
fn listed_names(
    spec_name: &str,
    spec: &str,
    files: &[(String, MemoryEntry)],
    environment: &SpecEnvironment,
) -> Result<Vec<String>, String> {
    let mut context = MacroContext::new(
        &environment.macros,
        environment.config.clone(),
        environment.shell.clone(),
    );
    let scratch;
    let source_dir = if reads_sidecars(spec) {
        scratch = tempfile::Builder::new()
            .prefix("cairn-render-filter-")
            .tempdir()
            .map_err(|error| format!("cannot create a scratch directory: {error}"))?;
        crate::output::write_tree(scratch.path(), files)
            .map_err(|error| format!("cannot write the sources for evaluation: {error}"))?;
        scratch.path().to_string_lossy().into_owned()
    } else {
        // Nothing reads the directory; rpm's value only shows in names that use it.
        format!("/cairn-render/{spec_name}.sources")
    };
    let options = EvaluateOptions {
        source_dir: Some(source_dir.clone()),
        ..EvaluateOptions::default()
    };
    let path = Path::new(&source_dir).join(spec_name);
    let evaluated =
        evaluate_text(&path, spec, &mut context, &options).map_err(|error| error.to_string())?;
    Ok(evaluated
        .source
        .sources
        .iter()
        .chain(&evaluated.source.patches)
        .filter_map(|file| listed_name(&file.location))
        .collect())
}

/// Removes the top-level entries of `files` that the spec does not name.
pub(crate) fn filter(
    files: &mut Vec<(String, MemoryEntry)>,
    spec_name: &str,
    skip_by_config: bool,
    environment: &SpecEnvironment,
) -> FilterOutcome {
    if skip_by_config {
        return FilterOutcome::SkippedByConfig;
    }
    let always = |top: &str| top == spec_name || top == "sources";
    let top_level: BTreeSet<&str> = files
        .iter()
        .map(|(path, _)| path.split('/').next().unwrap_or_default())
        .collect();
    if top_level.iter().all(|top| always(top)) {
        return FilterOutcome::NothingToFilter;
    }
    let Some(MemoryEntry::File { data, .. }) = files
        .iter()
        .find(|(path, _)| path == spec_name)
        .map(|(_, entry)| entry)
    else {
        return FilterOutcome::EvaluationFailed(format!("no {spec_name}"));
    };
    let spec = String::from_utf8_lossy(data).into_owned();
    let names = match listed_names(spec_name, &spec, files, environment) {
        Ok(names) => names,
        Err(error) => return FilterOutcome::EvaluationFailed(error),
    };
    if let Some(name) = names.iter().find(|name| name.contains("%{")) {
        return FilterOutcome::UnexpandedMacro(name.clone());
    }
    let keep: BTreeSet<&str> = names
        .iter()
        .map(|name| name.split('/').next().unwrap_or_default())
        .collect();
    let mut removed: BTreeSet<String> = BTreeSet::new();
    files.retain(|(path, _)| {
        let top = path.split('/').next().unwrap_or_default();
        let kept = always(top) || keep.contains(top);
        if !kept {
            removed.insert(top.to_owned());
        }
        kept
    });
    FilterOutcome::Filtered(removed.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_as_azldev_parses_spectool() {
        let cases = [
            (
                "ftp://ftp.gnu.org/pub/gnu/sed/sed-4.9.tar.xz",
                Some("sed-4.9.tar.xz"),
            ),
            (
                "https://github.com/o/r/archive/v1.0/r-1.0.tar.gz#/r-1.0.tar.gz",
                Some("r-1.0.tar.gz"),
            ),
            ("https://x.org/get?file=a.tar.gz", Some("get")),
            (
                "https://x.org/libxml%2B%2B-2.tar.xz",
                Some("libxml++-2.tar.xz"),
            ),
            // Go's path.Base("/") is "/".
            ("https://x.org/", Some("/")),
            ("sed-b-flag.patch", Some("sed-b-flag.patch")),
            ("./patches//fix.patch", Some("patches/fix.patch")),
            ("/usr/share/x", None),
            ("../outside", None),
            ("57-%{fontpkgname1}.xml", Some("57-%{fontpkgname1}.xml")),
        ];
        for (value, expected) in cases {
            assert_eq!(listed_name(value).as_deref(), expected, "{value}");
        }
    }

    fn file(path: &str, text: &str) -> (String, MemoryEntry) {
        (
            path.to_owned(),
            MemoryEntry::File {
                data: text.as_bytes().to_vec(),
                mode: 0o644,
            },
        )
    }

    fn environment() -> SpecEnvironment {
        SpecEnvironment {
            macros: Arc::new(MacroSet::default()),
            config: Arc::new(ContextConfig::default()),
            shell: Arc::new(ShellCache::default()),
        }
    }

    #[test]
    fn keeps_what_the_spec_names() {
        let spec = "Name: a\nVersion: 1\nRelease: 1\nSummary: s\nLicense: MIT\n\
                    Source0: https://example.org/a-%{version}.tar.gz\n\
                    Source1: a.conf\nPatch0: patches/fix.patch\n\
                    %description\nd\n";
        let mut files = vec![
            file("a.conf", "x"),
            file("a.spec", spec),
            file("old.patch", "x"),
            file("patches/fix.patch", "x"),
            file("patches/unused.patch", "x"),
            file("sources", "x"),
        ];
        let outcome = filter(&mut files, "a.spec", false, &environment());
        assert_eq!(outcome, FilterOutcome::Filtered(vec!["old.patch".into()]));
        let kept: Vec<&str> = files.iter().map(|(path, _)| path.as_str()).collect();
        assert_eq!(
            kept,
            [
                "a.conf",
                "a.spec",
                "patches/fix.patch",
                "patches/unused.patch",
                "sources"
            ]
        );
    }

    #[test]
    fn bails_out_and_skips() {
        let spec = "Name: a\nVersion: 1\nRelease: 1\nSummary: s\nLicense: MIT\n\
                    Source0: %{undefined_macro}-x.tar.gz\nSource1: 57-%{fontname}.xml\n%description\nd\n";
        let mut files = vec![file("a.spec", spec), file("extra", "x")];
        let outcome = filter(&mut files, "a.spec", false, &environment());
        assert!(
            matches!(outcome, FilterOutcome::UnexpandedMacro(_)),
            "{outcome:?}"
        );
        assert_eq!(files.len(), 2);
        assert_eq!(
            filter(&mut files, "a.spec", true, &environment()),
            FilterOutcome::SkippedByConfig
        );
        let mut bare = vec![file("a.spec", "Name: a\n"), file("sources", "")];
        assert_eq!(
            filter(&mut bare, "a.spec", false, &environment()),
            FilterOutcome::NothingToFilter
        );
    }
}
