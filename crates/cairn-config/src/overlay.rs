//! Overlay definitions: the `[[components.<name>.overlays]]` tables and overlay files.
//!
//! The keys and the 17 `type` values are azldev's (`internal/projectconfig/overlay.go`).
//! [`Overlay::validate`] applies azldev's load-time rules, [`OverlayMetadata::validate`] its
//! metadata rules (`overlay_metadata.go`), and [`parse_overlay_file`] reads an overlay file
//! (`overlay_file.go`: one `[metadata]` table stamped onto every `[[overlays]]` entry).

mod file;
mod validate;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub use file::{OverlayFile, OverlayFileError, load_overlay_file, parse_overlay_file};
pub use validate::{
    ARCHIVE_EXTENSIONS, MetadataError, OVERLAY_CATEGORIES, OverlayError, UPSTREAM_STATUSES,
    archive_extension, escape_literal_braces,
};

/// The kind of change an overlay makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OverlayType {
    /// Append `Tag: value` at the end of a package section.
    SpecAddTag,
    /// Insert `Tag: value` after the last tag of the same family.
    SpecInsertTag,
    /// Update the tag if present, otherwise add it.
    SpecSetTag,
    /// Replace every occurrence of an existing tag.
    SpecUpdateTag,
    /// Remove a tag (optionally only with a given value).
    SpecRemoveTag,
    /// Insert lines at the top of the spec or of a section.
    SpecPrependLines,
    /// Insert lines at the end of the spec or of a section.
    SpecAppendLines,
    /// Regex replacement, line by line.
    SpecSearchReplace,
    /// Remove whole sections.
    SpecRemoveSection,
    /// Remove every section of a sub-package.
    SpecRemoveSubpackage,
    /// Add a patch file and its `PatchN` tag (or `%patchlist` line).
    PatchAdd,
    /// Remove patch tags and files matching a glob.
    PatchRemove,
    /// Prepend lines to loose source files.
    FilePrependLines,
    /// Regex replacement over whole loose files (or files inside an archive).
    FileSearchReplace,
    /// Add a file to the sources directory.
    FileAdd,
    /// Remove files (or files inside an archive).
    FileRemove,
    /// Rename one file.
    FileRename,
}

impl OverlayType {
    /// The TOML spelling, e.g. `spec-add-tag`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SpecAddTag => "spec-add-tag",
            Self::SpecInsertTag => "spec-insert-tag",
            Self::SpecSetTag => "spec-set-tag",
            Self::SpecUpdateTag => "spec-update-tag",
            Self::SpecRemoveTag => "spec-remove-tag",
            Self::SpecPrependLines => "spec-prepend-lines",
            Self::SpecAppendLines => "spec-append-lines",
            Self::SpecSearchReplace => "spec-search-replace",
            Self::SpecRemoveSection => "spec-remove-section",
            Self::SpecRemoveSubpackage => "spec-remove-subpackage",
            Self::PatchAdd => "patch-add",
            Self::PatchRemove => "patch-remove",
            Self::FilePrependLines => "file-prepend-lines",
            Self::FileSearchReplace => "file-search-replace",
            Self::FileAdd => "file-add",
            Self::FileRemove => "file-remove",
            Self::FileRename => "file-rename",
        }
    }
}

/// One overlay, as written in TOML.
///
/// Empty strings are treated as unset, as azldev does; `replacement` is the exception
/// (`replacement = ""` deletes the match).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Overlay {
    /// What the overlay does.
    #[serde(rename = "type")]
    pub kind: OverlayType,
    /// Why; quoted in every error about this overlay.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Tag name for tag overlays (`BuildRequires`, `Source9999`...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    /// Tag value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// Sub-package qualifier as written in the section header (`devel`, or the `-n` name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package: Option<String>,
    /// Section name as written (`%build`, `%files`...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
    /// RE2-syntax regular expression.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regex: Option<String>,
    /// Literal replacement text (no `$1` expansion).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replacement: Option<String>,
    /// Lines to insert.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lines: Option<Vec<String>>,
    /// Target file (a glob for most file overlays), relative to the sources directory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// Source file to copy in, relative to the file that defines the overlay.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Archive (a file in the sources directory) whose contents the overlay edits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archive: Option<String>,
    /// Documentation of the deviation (not fingerprinted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<OverlayMetadata>,
}

/// Why an overlay exists and where it stands upstream.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct OverlayMetadata {
    /// One of azldev's categories (`upstream-backport`, `azl-pruning`...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// Upstream commits, `[{ url = "https://..." }]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub commits: Vec<Link>,
    /// Bug reports, `[{ url = "https://..." }]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bugs: Vec<Link>,
    /// `upstreamed`, `upstreamable`, `needs-upstream-hook`, `inapplicable` or `unknown`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upstream_status: Option<String>,
}

/// A URL reference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Link {
    /// An http(s) URL.
    pub url: String,
}

impl Overlay {
    /// An overlay of the given type with every other field unset.
    pub fn new(kind: OverlayType) -> Self {
        Self {
            kind,
            description: None,
            tag: None,
            value: None,
            package: None,
            section: None,
            regex: None,
            replacement: None,
            lines: None,
            file: None,
            source: None,
            archive: None,
            metadata: None,
        }
    }

    /// The description, or azldev's placeholder `(no description)` when it is unset or empty.
    pub fn description_or_placeholder(&self) -> &str {
        match self.description.as_deref() {
            Some(text) if !text.is_empty() => text,
            _ => "(no description)",
        }
    }

    /// Whether this overlay edits files inside an archive rather than loose files
    /// (azldev's `ModifiesArchive`: only `file-remove` and `file-search-replace` honour `archive`).
    pub fn modifies_archive(&self) -> bool {
        non_empty(&self.archive).is_some()
            && matches!(
                self.kind,
                OverlayType::FileRemove | OverlayType::FileSearchReplace
            )
    }
}

/// Where an overlay was written: the file that defines it and the line of its table.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct OverlayOrigin {
    /// The component config or overlay file that defines the overlay.
    pub file: PathBuf,
    /// 1-based line of the overlay's table in that file, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
}

impl std::fmt::Display for OverlayOrigin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}", self.file.display()),
            None => write!(f, "{}", self.file.display()),
        }
    }
}

/// An overlay together with where it was defined, which is what `source` paths resolve against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DefinedOverlay {
    /// The overlay itself.
    pub overlay: Overlay,
    /// Where it was written.
    pub origin: OverlayOrigin,
}

impl DefinedOverlay {
    /// The overlay's `source` resolved against the directory of the defining file
    /// (azldev's `WithAbsolutePaths`); `None` when `source` is unset or empty.
    pub fn source_path(&self) -> Option<PathBuf> {
        let source = non_empty(&self.overlay.source)?;
        let base = self.origin.file.parent().unwrap_or(Path::new(""));
        Some(base.join(source))
    }
}

/// azldev treats an empty string like an unset key; this reads an optional field that way.
pub(crate) fn non_empty(value: &Option<String>) -> Option<&str> {
    value.as_deref().filter(|text| !text.is_empty())
}
