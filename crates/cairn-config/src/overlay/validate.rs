//! Load-time validation of overlays and overlay metadata.
//!
//! The rules and their order are azldev's (`ComponentOverlay.Validate` in
//! `internal/projectconfig/overlay.go`, `OverlayMetadata.Validate` in `overlay_metadata.go`);
//! the first failing rule is reported. Messages keep azldev's wording (`requires "tag" field`)
//! and quote the overlay's description, or `(no description)`, so a user can find it.
//! cairn adds two rules azldev enforces later or not at all: `archive` must carry an
//! extension cairn can repack, and `lines` entries are checked only for presence.

use std::path::Path;

use thiserror::Error;

use super::{Overlay, OverlayMetadata, OverlayType, non_empty};

/// Overlay categories azldev accepts in `metadata.category`.
pub const OVERLAY_CATEGORIES: &[&str] = &[
    "upstream-backport",
    "azl-pruning",
    "azl-compatibility",
    "azl-temp-workaround",
    "azl-branding-policy",
    "azl-disable-flaky-tests",
    "azl-disable-unsupported-tests",
    "azl-security-compliance",
    "azl-release-management",
    "azl-platform-adaptation",
];

/// Values azldev accepts in `metadata.upstream-status`.
pub const UPSTREAM_STATUSES: &[&str] = &[
    "upstreamed",
    "upstreamable",
    "needs-upstream-hook",
    "inapplicable",
    "unknown",
];

/// Archive name endings an `archive` overlay accepts: azldev's tar family, plus `.tar.bz2`
/// and `.zip`, which cairn adds.
pub const ARCHIVE_EXTENSIONS: &[&str] = &[
    ".tar", ".tar.gz", ".tgz", ".tar.xz", ".txz", ".tar.zst", ".tzst", ".tar.bz2", ".tbz2", ".zip",
];

/// The recognised archive extension that `name` ends with (case-insensitively), if any.
pub fn archive_extension(name: &str) -> Option<&'static str> {
    let lower = name.to_ascii_lowercase();
    // The longest match wins, so `x.tar.gz` reports `.tar.gz`.
    let mut best: Option<&'static str> = None;
    for extension in ARCHIVE_EXTENSIONS {
        if lower.ends_with(extension) && best.is_none_or(|found| found.len() < extension.len()) {
            best = Some(extension);
        }
    }
    best
}

/// Why an overlay was rejected at load time.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum OverlayError {
    /// A key the overlay type needs is missing or empty.
    #[error("overlay type `{kind}` requires \"{field}\" field: {description}")]
    MissingField {
        /// The overlay type.
        kind: &'static str,
        /// The missing key.
        field: &'static str,
        /// The overlay's description.
        description: String,
    },
    /// A key the overlay type does not take is set.
    #[error(
        "overlay type `{kind}` does not accept \"{field}\" field: {description} (remove the key)"
    )]
    UnexpectedField {
        /// The overlay type.
        kind: &'static str,
        /// The key that must go.
        field: &'static str,
        /// The overlay's description.
        description: String,
    },
    /// `package` without `section` on an overlay that can target the whole spec.
    #[error(
        "overlay type `{kind}` requires \"section\" field when \"package\" is set: {description} \
         (a package always qualifies a section, e.g. section = \"%files\")"
    )]
    PackageWithoutSection {
        /// The overlay type.
        kind: &'static str,
        /// The overlay's description.
        description: String,
    },
    /// A path that must stay inside the sources directory is absolute.
    #[error(
        "overlay type `{kind}` requires \"{field}\" to be a relative path; found `{value}`: {description}"
    )]
    AbsolutePath {
        /// The overlay type.
        kind: &'static str,
        /// The key holding the path.
        field: &'static str,
        /// The path as written.
        value: String,
        /// The overlay's description.
        description: String,
    },
    /// A value that must be a bare file name contains a directory.
    #[error(
        "overlay type `{kind}` requires \"{field}\" to be a filename only (not a path); found `{value}`: {description}"
    )]
    NotBasename {
        /// The overlay type.
        kind: &'static str,
        /// The key holding the name.
        field: &'static str,
        /// The value as written.
        value: String,
        /// The overlay's description.
        description: String,
    },
    /// `regex` does not compile.
    #[error("invalid regex `{regex}` in overlay \"{description}\": {source}")]
    InvalidRegex {
        /// The pattern as written.
        regex: String,
        /// The overlay's description.
        description: String,
        /// The compiler's complaint.
        source: Box<regex::Error>,
    },
    /// `file` is not a valid glob pattern.
    #[error("invalid glob pattern `{pattern}` in overlay \"{description}\": {reason}")]
    InvalidGlob {
        /// The pattern as written.
        pattern: String,
        /// The overlay's description.
        description: String,
        /// What is wrong with it.
        reason: String,
    },
    /// `archive` names a format cairn cannot repack.
    #[error(
        "overlay type `{kind}` has unsupported archive `{archive}`: {description} \
         (supported: .tar, .tar.gz/.tgz, .tar.xz/.txz, .tar.zst/.tzst, .tar.bz2/.tbz2, .zip)"
    )]
    UnsupportedArchive {
        /// The overlay type.
        kind: &'static str,
        /// The archive name as written.
        archive: String,
        /// The overlay's description.
        description: String,
    },
    /// The overlay's `metadata` table breaks a metadata rule.
    #[error("invalid metadata for overlay \"{description}\": {source}")]
    Metadata {
        /// The overlay's description.
        description: String,
        /// The broken rule.
        source: MetadataError,
    },
}

/// Why an overlay `metadata` table (or an overlay file's `[metadata]`) was rejected.
#[derive(Debug, Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum MetadataError {
    /// `category` is missing.
    #[error("'metadata' requires 'category' (one of: {})", OVERLAY_CATEGORIES.join(", "))]
    MissingCategory,
    /// `category` is not one of azldev's categories.
    #[error("unknown overlay category `{0}` (expected one of: {list})", list = OVERLAY_CATEGORIES.join(", "))]
    UnknownCategory(String),
    /// `upstream-backport` without a commit link.
    #[error("overlay category `upstream-backport` requires at least one entry in 'commits'")]
    BackportWithoutCommits,
    /// `upstream-status` is missing.
    #[error("'metadata' requires 'upstream-status' (one of: {})", UPSTREAM_STATUSES.join(", "))]
    MissingUpstreamStatus,
    /// `upstream-status` is not one of azldev's statuses.
    #[error("unknown overlay upstream-status `{0}` (expected one of: {list})", list = UPSTREAM_STATUSES.join(", "))]
    UnknownUpstreamStatus(String),
    /// `upstream-backport` with a status other than upstreamed/upstreamable.
    #[error(
        "overlay category `upstream-backport` implies the change is already upstream or upstreamable; \
         'upstream-status' value `{0}` is contradictory (allowed: `upstreamed` or `upstreamable`)"
    )]
    ContradictoryStatus(String),
    /// A `commits` or `bugs` entry is not an http(s) URL.
    #[error("invalid overlay metadata: {field} entry `{url}` is not an http(s) URL")]
    InvalidUrl {
        /// `commits` or `bugs`.
        field: &'static str,
        /// The URL as written.
        url: String,
    },
}

impl Overlay {
    /// Checks the overlay the way azldev does when it loads a config: required keys per type,
    /// path and name shapes, regex and glob syntax, archive rules, then metadata.
    pub fn validate(&self) -> Result<(), OverlayError> {
        self.validate_fields()?;
        if let Some(metadata) = &self.metadata {
            metadata
                .validate()
                .map_err(|source| OverlayError::Metadata {
                    description: self.description_or_placeholder().to_owned(),
                    source,
                })?;
        }
        Ok(())
    }

    fn validate_fields(&self) -> Result<(), OverlayError> {
        if let Some(archive) = non_empty(&self.archive) {
            if !matches!(
                self.kind,
                OverlayType::FileRemove | OverlayType::FileSearchReplace
            ) {
                return Err(self.unexpected("archive"));
            }
            self.require_basename("archive", Some(archive))?;
            if archive_extension(archive).is_none() {
                return Err(OverlayError::UnsupportedArchive {
                    kind: self.kind.as_str(),
                    archive: archive.to_owned(),
                    description: self.description(),
                });
            }
        }
        match self.kind {
            OverlayType::SpecAddTag
            | OverlayType::SpecInsertTag
            | OverlayType::SpecSetTag
            | OverlayType::SpecUpdateTag => {
                self.require("tag", &self.tag)?;
                self.require("value", &self.value)
            }
            OverlayType::SpecRemoveTag => self.require("tag", &self.tag),
            OverlayType::SpecPrependLines | OverlayType::SpecAppendLines => {
                if self.lines.as_ref().is_none_or(Vec::is_empty) {
                    return Err(self.missing("lines"));
                }
                self.require_section_if_package()
            }
            OverlayType::SpecSearchReplace => {
                self.require("regex", &self.regex)?;
                self.require_regex()?;
                self.require_section_if_package()
            }
            OverlayType::FilePrependLines => {
                self.require_relative("file")?;
                if self.lines.as_ref().is_none_or(Vec::is_empty) {
                    return Err(self.missing("lines"));
                }
                Ok(())
            }
            OverlayType::FileSearchReplace => {
                self.require_relative("file")?;
                self.require("regex", &self.regex)?;
                self.require_regex()
            }
            OverlayType::FileAdd => {
                self.require_relative("file")?;
                self.require("source", &self.source)
            }
            OverlayType::FileRemove => self.require_relative("file"),
            OverlayType::FileRename => {
                self.require_relative("file")?;
                self.require_basename("replacement", non_empty(&self.replacement))
            }
            OverlayType::SpecRemoveSection => self.require("section", &self.section),
            OverlayType::SpecRemoveSubpackage => {
                self.require("package", &self.package)?;
                if non_empty(&self.section).is_some() {
                    return Err(self.unexpected("section"));
                }
                Ok(())
            }
            OverlayType::PatchAdd => {
                self.require("source", &self.source)?;
                if non_empty(&self.file).is_some() {
                    self.require_relative("file")?;
                }
                Ok(())
            }
            OverlayType::PatchRemove => {
                self.require_relative("file")?;
                let pattern = non_empty(&self.file).unwrap_or_default();
                check_glob(pattern).map_err(|reason| OverlayError::InvalidGlob {
                    pattern: pattern.to_owned(),
                    description: self.description(),
                    reason,
                })
            }
        }
    }

    fn description(&self) -> String {
        self.description_or_placeholder().to_owned()
    }

    fn missing(&self, field: &'static str) -> OverlayError {
        OverlayError::MissingField {
            kind: self.kind.as_str(),
            field,
            description: self.description(),
        }
    }

    fn unexpected(&self, field: &'static str) -> OverlayError {
        OverlayError::UnexpectedField {
            kind: self.kind.as_str(),
            field,
            description: self.description(),
        }
    }

    fn require(&self, field: &'static str, value: &Option<String>) -> Result<(), OverlayError> {
        match non_empty(value) {
            Some(_) => Ok(()),
            None => Err(self.missing(field)),
        }
    }

    fn require_relative(&self, field: &'static str) -> Result<(), OverlayError> {
        let value = non_empty(&self.file).ok_or_else(|| self.missing(field))?;
        if Path::new(value).is_absolute() {
            return Err(OverlayError::AbsolutePath {
                kind: self.kind.as_str(),
                field,
                value: value.to_owned(),
                description: self.description(),
            });
        }
        Ok(())
    }

    fn require_basename(
        &self,
        field: &'static str,
        value: Option<&str>,
    ) -> Result<(), OverlayError> {
        let value = value.ok_or_else(|| self.missing(field))?;
        if !is_basename(value) {
            return Err(OverlayError::NotBasename {
                kind: self.kind.as_str(),
                field,
                value: value.to_owned(),
                description: self.description(),
            });
        }
        Ok(())
    }

    fn require_regex(&self) -> Result<(), OverlayError> {
        let pattern = non_empty(&self.regex).unwrap_or_default();
        regex::Regex::new(&escape_literal_braces(pattern))
            .map(drop)
            .map_err(|source| OverlayError::InvalidRegex {
                regex: pattern.to_owned(),
                description: self.description(),
                source: Box::new(source),
            })
    }

    fn require_section_if_package(&self) -> Result<(), OverlayError> {
        if non_empty(&self.section).is_none() && non_empty(&self.package).is_some() {
            return Err(OverlayError::PackageWithoutSection {
                kind: self.kind.as_str(),
                description: self.description(),
            });
        }
        Ok(())
    }
}

impl OverlayMetadata {
    /// Checks the metadata rules in azldev's order: category, backport commits, status,
    /// status/category consistency, then the URLs.
    pub fn validate(&self) -> Result<(), MetadataError> {
        let category = non_empty(&self.category).ok_or(MetadataError::MissingCategory)?;
        if !OVERLAY_CATEGORIES.contains(&category) {
            return Err(MetadataError::UnknownCategory(category.to_owned()));
        }
        let backport = category == "upstream-backport";
        if backport && self.commits.is_empty() {
            return Err(MetadataError::BackportWithoutCommits);
        }
        let status =
            non_empty(&self.upstream_status).ok_or(MetadataError::MissingUpstreamStatus)?;
        if !UPSTREAM_STATUSES.contains(&status) {
            return Err(MetadataError::UnknownUpstreamStatus(status.to_owned()));
        }
        if backport && !matches!(status, "upstreamed" | "upstreamable") {
            return Err(MetadataError::ContradictoryStatus(status.to_owned()));
        }
        for (field, links) in [("commits", &self.commits), ("bugs", &self.bugs)] {
            if let Some(bad) = links.iter().find(|link| !is_http_url(&link.url)) {
                return Err(MetadataError::InvalidUrl {
                    field,
                    url: bad.url.clone(),
                });
            }
        }
        Ok(())
    }
}

/// Go's `filepath.Base(value) == value`: no separator, and not empty.
fn is_basename(value: &str) -> bool {
    !value.contains('/') && value != "." && value != ".."
}

/// go-playground's `http_url`: an http or https scheme and a non-empty host, no spaces.
fn is_http_url(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"));
    match rest {
        Some(rest) => {
            let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
            !host.is_empty() && !url.chars().any(char::is_whitespace)
        }
        None => false,
    }
}

/// Checks a doublestar-style glob (azldev validates `patch-remove` patterns with
/// `doublestar.ValidatePattern`); the reason names what is wrong.
pub(crate) fn check_glob(pattern: &str) -> Result<(), String> {
    globset::GlobBuilder::new(pattern)
        .literal_separator(true)
        .backslash_escape(true)
        .build()
        .map(drop)
        .map_err(|error| error.kind().to_string())
}

/// Go's RE2 reads a `{` that does not start a `{n}`, `{n,}` or `{n,m}` repetition as a
/// literal (kernel's overlays match `%{SOURCE1}`); the regex crate rejects it, so such braces
/// are escaped before compiling.
pub fn escape_literal_braces(pattern: &str) -> std::borrow::Cow<'_, str> {
    if !pattern.contains('{') {
        return std::borrow::Cow::Borrowed(pattern);
    }
    let is_repetition = |rest: &str| {
        let Some(end) = rest.find('}') else {
            return false;
        };
        let (min, max) = rest[1..end].split_once(',').unwrap_or((&rest[1..end], "0"));
        !min.is_empty()
            && min.bytes().all(|b| b.is_ascii_digit())
            && max.bytes().all(|b| b.is_ascii_digit())
    };
    let mut out = String::with_capacity(pattern.len() + 4);
    let mut in_class = false;
    let mut chars = pattern.char_indices().peekable();
    while let Some((index, c)) = chars.next() {
        match c {
            '\\' => {
                out.push(c);
                if let Some((_, next)) = chars.next() {
                    out.push(next);
                }
            }
            '[' if !in_class => {
                in_class = true;
                out.push(c);
                if let Some(&(_, '^')) = chars.peek() {
                    out.push('^');
                    chars.next();
                }
                if let Some(&(_, ']')) = chars.peek() {
                    out.push(']');
                    chars.next();
                }
            }
            ']' if in_class => {
                in_class = false;
                out.push(c);
            }
            '{' if !in_class && !is_repetition(&pattern[index..]) => out.push_str("\\{"),
            _ => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
#[path = "validate_tests.rs"]
mod tests;
