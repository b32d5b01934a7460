//! Preamble tags: `Name:`, `Source12:`, `Requires(post):`, with their spelling and alignment.

use serde::Serialize;

use crate::lex::is_space;
use crate::span::{Position, Span, column};

/// One `Tag: value` line of a preamble or `%package` section.
///
/// The spans split the line so that the spelling of the tag, the whitespace around the colon
/// (alignment) and the value can each be read or replaced without touching the rest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tag {
    /// Which tag this is, by rpm's table (case-insensitive).
    pub kind: TagKind,
    /// The tag name as written, without number or qualifier (`BuildRequires`, `source`).
    pub name: Span,
    /// The number of a `Source12`/`Patch3` tag, as written.
    pub number: Option<Span>,
    /// The text inside parentheses: `post` in `Requires(post)`, `de` in `Summary(de)`.
    pub qualifier: Option<Span>,
    /// The offset of the colon.
    pub colon: u32,
    /// The value, from its first non-blank byte to its last non-blank byte; empty when there is
    /// none. It may span several physical lines when an open macro group joins them.
    pub value: Span,
    /// Where the tag name starts.
    pub position: Position,
    /// Where the value starts.
    pub value_position: Position,
}

impl Tag {
    /// The separator between name (with number and qualifier) and value: blanks, colon, blanks.
    #[must_use]
    pub fn separator(&self) -> Span {
        let head_end = self
            .qualifier
            .map(|qualifier| qualifier.end + 1)
            .or(self.number.map(|number| number.end))
            .unwrap_or(self.name.end);
        Span::new(head_end, self.value.start)
    }
}

/// The tags rpm knows (`build/parsePreamble.c`, `preambleList`), plus [`TagKind::Other`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
#[expect(missing_docs, reason = "each variant is the rpm tag of the same name")]
pub enum TagKind {
    Name,
    Version,
    Release,
    Epoch,
    Summary,
    License,
    SourceLicense,
    Distribution,
    DistUrl,
    Vendor,
    Group,
    Packager,
    Url,
    Vcs,
    Source,
    Patch,
    NoSource,
    NoPatch,
    ExcludeArch,
    ExclusiveArch,
    ExcludeOs,
    ExclusiveOs,
    Icon,
    Provides,
    Requires,
    Recommends,
    Suggests,
    Supplements,
    Enhances,
    PreReq,
    Conflicts,
    Obsoletes,
    Prefixes,
    BuildRoot,
    BuildArch,
    BuildConflicts,
    BuildOption,
    BuildPrereq,
    BuildRequires,
    BuildSystem,
    AutoReqProv,
    AutoReq,
    AutoProv,
    DocDir,
    DistTag,
    BugUrl,
    TranslationUrl,
    UpstreamReleases,
    OrderWithRequires,
    RemovePathPostfixes,
    ModularityLabel,
    /// A `Word:` line whose word is not an rpm tag (rpm rejects it as "Unknown tag").
    Other,
}

impl TagKind {
    /// Looks a tag name up case-insensitively, as rpm does; `Prefix` and `Prefixes`,
    /// `BuildArch` and `BuildArchitectures` are the same tag.
    #[must_use]
    pub fn from_name(name: &[u8]) -> Self {
        let mut lower = [0u8; 24];
        if name.len() > lower.len() {
            return Self::Other;
        }
        for (slot, byte) in lower.iter_mut().zip(name) {
            *slot = byte.to_ascii_lowercase();
        }
        match &lower[..name.len()] {
            b"name" => Self::Name,
            b"version" => Self::Version,
            b"release" => Self::Release,
            b"epoch" => Self::Epoch,
            b"summary" => Self::Summary,
            b"license" => Self::License,
            b"sourcelicense" => Self::SourceLicense,
            b"distribution" => Self::Distribution,
            b"disturl" => Self::DistUrl,
            b"vendor" => Self::Vendor,
            b"group" => Self::Group,
            b"packager" => Self::Packager,
            b"url" => Self::Url,
            b"vcs" => Self::Vcs,
            b"source" => Self::Source,
            b"patch" => Self::Patch,
            b"nosource" => Self::NoSource,
            b"nopatch" => Self::NoPatch,
            b"excludearch" => Self::ExcludeArch,
            b"exclusivearch" => Self::ExclusiveArch,
            b"excludeos" => Self::ExcludeOs,
            b"exclusiveos" => Self::ExclusiveOs,
            b"icon" => Self::Icon,
            b"provides" => Self::Provides,
            b"requires" => Self::Requires,
            b"recommends" => Self::Recommends,
            b"suggests" => Self::Suggests,
            b"supplements" => Self::Supplements,
            b"enhances" => Self::Enhances,
            b"prereq" => Self::PreReq,
            b"conflicts" => Self::Conflicts,
            b"obsoletes" => Self::Obsoletes,
            b"prefixes" | b"prefix" => Self::Prefixes,
            b"buildroot" => Self::BuildRoot,
            b"buildarchitectures" | b"buildarch" => Self::BuildArch,
            b"buildconflicts" => Self::BuildConflicts,
            b"buildoption" => Self::BuildOption,
            b"buildprereq" => Self::BuildPrereq,
            b"buildrequires" => Self::BuildRequires,
            b"buildsystem" => Self::BuildSystem,
            b"autoreqprov" => Self::AutoReqProv,
            b"autoreq" => Self::AutoReq,
            b"autoprov" => Self::AutoProv,
            b"docdir" => Self::DocDir,
            b"disttag" => Self::DistTag,
            b"bugurl" => Self::BugUrl,
            b"translationurl" => Self::TranslationUrl,
            b"upstreamreleases" => Self::UpstreamReleases,
            b"orderwithrequires" => Self::OrderWithRequires,
            b"removepathpostfixes" => Self::RemovePathPostfixes,
            b"modularitylabel" => Self::ModularityLabel,
            _ => Self::Other,
        }
    }

    /// Whether the tag carries a number (`Source0`, `Patch12`).
    #[must_use]
    pub const fn is_numbered(self) -> bool {
        matches!(self, Self::Source | Self::Patch)
    }

    /// Whether the tag is a dependency (`Requires`, `BuildRequires`, `Provides`...).
    #[must_use]
    pub const fn is_dependency(self) -> bool {
        matches!(
            self,
            Self::Provides
                | Self::Requires
                | Self::Recommends
                | Self::Suggests
                | Self::Supplements
                | Self::Enhances
                | Self::PreReq
                | Self::Conflicts
                | Self::Obsoletes
                | Self::BuildConflicts
                | Self::BuildPrereq
                | Self::BuildRequires
                | Self::OrderWithRequires
        )
    }
}

/// Recognises a tag in the logical line `line_start..content_end` of a preamble: optional
/// blanks, a name of ASCII letters, digits (kept as the number of `Source`/`Patch`), an
/// optional `(qualifier)`, blanks, and a colon (`findPreambleTag`). Returns `None` for
/// anything else.
pub(crate) fn parse_tag(
    bytes: &[u8],
    line: u32,
    line_start: usize,
    content_end: usize,
) -> Option<Tag> {
    let start = line_start;
    let at = |index: usize| {
        if index < content_end {
            Some(bytes[index])
        } else {
            None
        }
    };
    let mut index = start;
    while at(index).is_some_and(is_space) {
        index += 1;
    }
    let name_start = index;
    while at(index).is_some_and(|b| b.is_ascii_alphabetic()) {
        index += 1;
    }
    if index == name_start {
        return None;
    }
    let mut name_end = index;
    let mut kind = TagKind::from_name(&bytes[name_start..name_end]);
    let digits_start = index;
    while at(index).is_some_and(|b| b.is_ascii_digit()) {
        index += 1;
    }
    let mut number = None;
    if index > digits_start {
        if kind.is_numbered() {
            number = Some(Span::from_usize(digits_start, index));
        } else {
            kind = TagKind::Other;
            name_end = index;
        }
    }
    while at(index).is_some_and(is_space) {
        index += 1;
    }
    let mut qualifier = None;
    if at(index) == Some(b'(') {
        let open = index;
        let close = bytes[open..content_end].iter().position(|&b| b == b')')? + open;
        qualifier = Some(Span::from_usize(open + 1, close));
        index = close + 1;
        while at(index).is_some_and(is_space) {
            index += 1;
        }
    }
    if at(index) != Some(b':') {
        // rpm takes a Source or Patch line up to its first colon whatever comes between, and
        // auto-numbers it when the name is not directly followed by digits (`Patch 0:`,
        // `parseTagNumber` in `build/parsePreamble.c`).
        if !kind.is_numbered() || qualifier.is_some() || number.is_some() {
            return None;
        }
        index += bytes[index..content_end].iter().position(|&b| b == b':')?;
    }
    let colon = index;
    index += 1;
    while at(index).is_some_and(is_space) {
        index += 1;
    }
    let mut value_end = content_end;
    while value_end > index && is_space(bytes[value_end - 1]) {
        value_end -= 1;
    }
    let value_start = index.min(value_end);
    Some(Tag {
        kind,
        name: Span::from_usize(name_start, name_end),
        number,
        qualifier,
        colon: crate::span::to_u32(colon),
        value: Span::from_usize(value_start, value_end),
        position: Position::new(line, column(bytes, line_start, name_start)),
        value_position: Position::new(line, column(bytes, line_start, value_start)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Kind, name, number, qualifier and value.
    type Parts = (TagKind, String, Option<String>, Option<String>, String);

    fn tag(text: &str) -> Option<Parts> {
        let bytes = text.as_bytes();
        parse_tag(bytes, 1, 0, bytes.len()).map(|tag| {
            let slice = |span: Span| text[span.range()].to_owned();
            (
                tag.kind,
                slice(tag.name),
                tag.number.map(slice),
                tag.qualifier.map(slice),
                slice(tag.value),
            )
        })
    }

    #[test]
    fn tags_keep_spelling_number_and_qualifier() {
        assert_eq!(
            tag("BuildRequires:\tgcc >= 4  "),
            Some((
                TagKind::BuildRequires,
                "BuildRequires".into(),
                None,
                None,
                "gcc >= 4".into()
            ))
        );
        assert_eq!(
            tag("source12 : https://x/y.tar.gz#/z.tgz"),
            Some((
                TagKind::Source,
                "source".into(),
                Some("12".into()),
                None,
                "https://x/y.tar.gz#/z.tgz".into()
            ))
        );
        assert_eq!(
            tag("Requires(post): /bin/sh"),
            Some((
                TagKind::Requires,
                "Requires".into(),
                None,
                Some("post".into()),
                "/bin/sh".into()
            ))
        );
        assert_eq!(
            tag("Summary(de):x"),
            Some((
                TagKind::Summary,
                "Summary".into(),
                None,
                Some("de".into()),
                "x".into()
            ))
        );
        assert_eq!(
            tag("BuildArchitectures: noarch").map(|t| t.0),
            Some(TagKind::BuildArch)
        );
        assert_eq!(tag("Foo: bar").map(|t| t.0), Some(TagKind::Other));
        assert_eq!(
            tag("Name1: x").map(|t| (t.0, t.1)),
            Some((TagKind::Other, "Name1".into()))
        );
        assert_eq!(tag("Epoch:").map(|t| t.4), Some(String::new()));
        assert_eq!(
            tag("Patch 0:\tfix.patch"),
            Some((
                TagKind::Patch,
                "Patch".into(),
                None,
                None,
                "fix.patch".into()
            ))
        );
        assert_eq!(tag("Patch1 x: y"), None);
    }

    #[test]
    fn non_tags() {
        assert_eq!(tag("%global foo 1"), None);
        assert_eq!(tag("just words"), None);
        assert_eq!(tag("Requires(post: x"), None);
        assert_eq!(tag("X-Foo: y"), None);
        assert_eq!(tag(""), None);
    }

    #[test]
    fn separator_covers_alignment() {
        let text = "Version:   1.0";
        let parsed = parse_tag(text.as_bytes(), 1, 0, text.len()).unwrap();
        assert_eq!(&text[parsed.separator().range()], ":   ");
        let text = "Requires(pre)\t: x";
        let parsed = parse_tag(text.as_bytes(), 1, 0, text.len()).unwrap();
        assert_eq!(&text[parsed.separator().range()], "\t: ");
        let text = "Patch3: a.patch";
        let parsed = parse_tag(text.as_bytes(), 1, 0, text.len()).unwrap();
        assert_eq!(&text[parsed.separator().range()], ": ");
    }
}
