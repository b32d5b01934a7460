//! azldev's classification of one physical spec line.
//!
//! The rules are azldev's (`internal/rpm/spec/spec.go`): a line starting with `#` in column 0
//! reads as empty; the first whitespace-separated token, lower-cased, decides a section
//! header; inside the preamble or a `%package` section, `Name: value` is a tag; everything
//! else is raw text. Whitespace is Go's `unicode.IsSpace` (the same set as Rust's
//! `char::is_whitespace`) for trimming and tokens, and Go regexp's ASCII `\s` inside the tag
//! pattern.

use std::borrow::Cow;
use std::rc::Rc;

/// What kind of section a header opens (azldev's `SectionType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SectionKind {
    /// The preamble or a `%package` section: the only places tags are recognised.
    Package,
    /// Build and install scriptlets, `%pre`/`%post`, triggers, `%check`...
    Script,
    /// `%description`.
    Raw,
    /// `%files`.
    Files,
    /// `%changelog`.
    Changelog,
    /// `%patchlist` and `%sourcelist`.
    SourceFileList,
}

/// The section a line belongs to: its header keyword as written and its package qualifier.
/// Cloned for every line a walk classifies, so the strings are shared, not copied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Section {
    pub kind: SectionKind,
    /// The header keyword as written (`%files`, `%Build`...), `""` for the preamble.
    pub name: Rc<str>,
    /// The package qualifier as written on the header (`devel`, or the `-n` name), `""` for the main package.
    pub package: Rc<str>,
}

impl Section {
    /// The preamble: where parsing starts.
    pub fn preamble() -> Self {
        Self {
            kind: SectionKind::Package,
            name: Rc::from(""),
            package: Rc::from(""),
        }
    }

    pub fn is(&self, name: &str, package: &str) -> bool {
        &*self.name == name && &*self.package == package
    }
}

/// One classified line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum LineKind {
    /// A section header; the section it opens.
    SectionStart(Section),
    /// `Name: value` inside the preamble or a `%package` section.
    Tag { name: String, value: String },
    /// Anything else.
    Raw,
}

/// The kind of section a lower-cased header keyword opens (azldev's `sectionTypesByName`).
fn section_kind(keyword: &str) -> Option<SectionKind> {
    Some(match keyword {
        "%package" => SectionKind::Package,
        "%prep"
        | "%conf"
        | "%build"
        | "%install"
        | "%check"
        | "%clean"
        | "%generate_buildrequires"
        | "%pre"
        | "%post"
        | "%preun"
        | "%postun"
        | "%pretrans"
        | "%posttrans"
        | "%preuntrans"
        | "%postuntrans"
        | "%verify"
        | "%triggerin"
        | "%triggerun"
        | "%triggerprein"
        | "%triggerpostun"
        | "%filetriggerin"
        | "%filetriggerun"
        | "%filetriggerpostun"
        | "%transfiletriggerin"
        | "%transfiletriggerun"
        | "%transfiletriggerpostun" => SectionKind::Script,
        "%description" => SectionKind::Raw,
        "%files" => SectionKind::Files,
        "%changelog" => SectionKind::Changelog,
        "%patchlist" | "%sourcelist" => SectionKind::SourceFileList,
        _ => return None,
    })
}

/// The line as text; invalid UTF-8 is read lossily for classification only (the bytes of
/// the line itself are never rewritten by classification).
pub(crate) fn text(line: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(line) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(line),
    }
}

/// Classifies `line` given the section it follows, returning the line's kind and the
/// section in force after it.
pub(crate) fn classify(line: &[u8], current: &Section) -> (LineKind, Option<Section>) {
    let text = text(line);
    // A `#` in column 0 is a comment; an indented `#` is not (azldev's `newParsedLine`).
    let logical = if text.starts_with('#') {
        ""
    } else {
        text.trim()
    };
    let mut tokens = logical.split_whitespace();
    let Some(first) = tokens.next() else {
        return (LineKind::Raw, None);
    };
    if first.starts_with('%') {
        let lower = first.to_lowercase();
        if let Some(kind) = section_kind(&lower) {
            let rest: Vec<&str> = tokens.collect();
            let package = match kind {
                SectionKind::Changelog | SectionKind::SourceFileList => "",
                _ => package_from_header(&rest),
            };
            let section = Section {
                kind,
                name: Rc::from(first),
                package: Rc::from(package),
            };
            return (LineKind::SectionStart(section.clone()), Some(section));
        }
    }
    if current.kind == SectionKind::Package
        && let Some((name, value)) = parse_tag(logical)
    {
        return (
            LineKind::Tag {
                name: name.to_owned(),
                value: value.to_owned(),
            },
            None,
        );
    }
    (LineKind::Raw, None)
}

/// Go regexp's `\s`: ASCII whitespace without `\v`.
fn is_go_regex_space(character: char) -> bool {
    matches!(character, '\t' | '\n' | '\x0C' | '\r' | ' ')
}

/// azldev's tag pattern `^\s*([^\s:]+):\s*(.*?)\s*$` on an already trimmed line.
fn parse_tag(logical: &str) -> Option<(&str, &str)> {
    let start = logical.trim_start_matches(is_go_regex_space);
    let end = start.find(|c: char| c == ':' || is_go_regex_space(c))?;
    if end == 0 || !start[end..].starts_with(':') {
        return None;
    }
    let value = start[end + 1..].trim_matches(is_go_regex_space);
    // `.` does not cross a newline, and `$` is the end of the text.
    if value.contains('\n') {
        return None;
    }
    Some((&start[..end], value))
}

/// The package a section header names (azldev's `GetPackageNameFromSectionHeader`):
/// `-n NAME` wins; otherwise the first non-option token, kept as written (a suffix, never
/// expanded to `name-suffix`). `-f`, `-p`, `-l` and `-P` take an argument, other options do
/// not, and `--` ends the header (trigger conditions follow it).
fn package_from_header<'a>(tokens: &[&'a str]) -> &'a str {
    let mut full_name = None;
    let mut suffix = None;
    let mut index = 0;
    while index < tokens.len() {
        let token = tokens[index];
        match token {
            "--" => break,
            "-n" => {
                if let Some(name) = tokens.get(index + 1) {
                    full_name = Some(*name);
                }
                index += 2;
            }
            "-f" | "-p" | "-l" | "-P" => index += 2,
            _ if token.starts_with('-') => index += 1,
            _ => {
                suffix.get_or_insert(token);
                index += 1;
            }
        }
    }
    full_name.or(suffix).unwrap_or_default()
}

/// azldev's `conditionalDepthChange`: +1 for `%if`, `%ifarch`, `%ifnarch`, `%ifos`, `%ifnos`,
/// -1 for `%endif`, 0 otherwise. Here any line whose trimmed text starts with `#` is a comment.
pub(crate) fn conditional_depth_change(line: &[u8]) -> i64 {
    match directive(line).as_deref() {
        Some("%endif") => -1,
        Some("%if" | "%ifarch" | "%ifnarch" | "%ifos" | "%ifnos") => 1,
        _ => 0,
    }
}

/// azldev's `isConditionalBranchDirective`: `%else` and the `%elif` family.
pub(crate) fn is_branch_directive(line: &[u8]) -> bool {
    matches!(
        directive(line).as_deref(),
        Some("%else" | "%elif" | "%elifarch" | "%elifnarch" | "%elifos" | "%elifnos")
    )
}

/// The lower-cased first token of a line when it starts with `%` (conditional directives);
/// `None` for comments (any line whose trimmed text starts with `#`) and other lines.
fn directive(line: &[u8]) -> Option<String> {
    let text = text(line);
    let first = text.split_whitespace().next()?;
    first.starts_with('%').then(|| first.to_lowercase())
}

/// azldev's `isBlankOrComment`.
pub(crate) fn is_blank_or_comment(line: &[u8]) -> bool {
    let text = text(line);
    let trimmed = text.trim();
    trimmed.is_empty() || trimmed.starts_with('#')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(line: &str) -> LineKind {
        classify(line.as_bytes(), &Section::preamble()).0
    }

    fn header(line: &str) -> Section {
        match kind(line) {
            LineKind::SectionStart(section) => section,
            other => panic!("{line:?} is not a header: {other:?}"),
        }
    }

    #[test]
    fn tags_only_in_package_sections() {
        assert_eq!(
            kind("Name:   foo  "),
            LineKind::Tag {
                name: "Name".into(),
                value: "foo".into()
            }
        );
        assert_eq!(
            kind("Requires(post): systemd"),
            LineKind::Tag {
                name: "Requires(post)".into(),
                value: "systemd".into()
            }
        );
        assert_eq!(
            kind("URL: https://x.org/a:b"),
            LineKind::Tag {
                name: "URL".into(),
                value: "https://x.org/a:b".into()
            }
        );
        assert_eq!(kind("%global x a:b"), LineKind::Raw);
        assert_eq!(kind("Name :foo"), LineKind::Raw);
        assert_eq!(kind(":foo"), LineKind::Raw);
        let build = Section {
            kind: SectionKind::Script,
            name: "%build".into(),
            package: "".into(),
        };
        assert_eq!(classify(b"Name: foo", &build).0, LineKind::Raw);
    }

    #[test]
    fn comments_only_in_column_zero() {
        assert_eq!(kind("# Name: foo"), LineKind::Raw);
        assert_eq!(kind("#%files"), LineKind::Raw);
        assert_eq!(&*header("  %files").name, "%files");
    }

    #[test]
    fn headers_keep_spelling_and_qualifier() {
        assert_eq!(&*header("%Build").name, "%Build");
        assert_eq!(&*header("%package devel").package, "devel");
        assert_eq!(&*header("%package -n foo-devel").package, "foo-devel");
        assert_eq!(&*header("%files -f files.list devel").package, "devel");
        assert_eq!(&*header("%description -l de devel").package, "devel");
        assert_eq!(&*header("%post -p /sbin/ldconfig libs").package, "libs");
        assert_eq!(&*header("%triggerin -- foo").package, "");
        assert_eq!(&*header("%triggerin devel -- foo").package, "devel");
        assert_eq!(&*header("%files -n").package, "");
        assert_eq!(&*header("%changelog devel").package, "");
        assert_eq!(header("%patchlist").kind, SectionKind::SourceFileList);
        assert_eq!(kind("%packages"), LineKind::Raw);
        assert_eq!(kind("%prep_extra"), LineKind::Raw);
    }

    #[test]
    fn conditionals() {
        assert_eq!(conditional_depth_change(b"  %if 0%{?fedora}"), 1);
        assert_eq!(conditional_depth_change(b"%IfArch x86_64"), 1);
        assert_eq!(conditional_depth_change(b"%endif # done"), -1);
        assert_eq!(conditional_depth_change(b"  # %if 1"), 0);
        assert_eq!(conditional_depth_change(b"%else"), 0);
        assert!(is_branch_directive(b"%elifarch s390x"));
        assert!(!is_branch_directive(b"# %else"));
        assert!(is_blank_or_comment(b"   "));
        assert!(is_blank_or_comment(b"  # note"));
    }

    #[test]
    fn invalid_utf8_is_classified_lossily() {
        assert!(matches!(
            classify(b"Summary: caf\xe9", &Section::preamble()).0,
            LineKind::Tag { .. }
        ));
    }
}
