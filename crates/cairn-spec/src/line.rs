//! What a logical line is: blank, comment, section header, tag, conditional, macro definition...

use serde::Serialize;

use crate::conditional::ConditionalId;
use crate::diagnostic::{Diagnostic, DiagnosticKind};
use crate::lex::{Unit, is_blank, is_space};
use crate::section::{SectionHeader, header_kind, parse_header};
use crate::span::{Position, Span, column};
use crate::tag::{Tag, TagKind, parse_tag};

/// What a logical line is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum LineKind {
    /// Only whitespace.
    Blank,
    /// A `#` comment or a `%dnl` line.
    Comment(CommentStyle),
    /// A section header (`%package`, `%files -f x`...).
    SectionHeader(Box<SectionHeader>),
    /// A tag in the preamble or a `%package` section.
    Tag(Tag),
    /// `%if`, `%ifarch`... `%elif`, `%else`, `%endif`.
    Conditional(Directive),
    /// `%define` or `%global`.
    Definition(Definition),
    /// `%undefine NAME`.
    Undefine(Undefine),
    /// `%include FILE`.
    Include(Include),
    /// A line that starts with a macro (`%autosetup -p1`, `%{?python_provide:...}`).
    MacroCall(MacroCall),
    /// Anything else: script lines, `%files` entries, descriptions, changelog text.
    Text,
}

/// The two kinds of comment line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CommentStyle {
    /// `# ...` (after optional whitespace).
    Hash,
    /// `%dnl ...`: rpm discards the rest of the line.
    Dnl,
}

/// A conditional directive, by rpm's `lineTypes` table (`build/rpmbuild_internal.h`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DirectiveKind {
    /// `%if EXPR`.
    If,
    /// `%ifarch ARCH...`.
    IfArch,
    /// `%ifnarch ARCH...`.
    IfNArch,
    /// `%ifos OS...`.
    IfOs,
    /// `%ifnos OS...`.
    IfNOs,
    /// `%elif EXPR`.
    Elif,
    /// `%elifarch ARCH...`.
    ElifArch,
    /// `%elifos OS...`.
    ElifOs,
    /// `%else`.
    Else,
    /// `%endif`.
    Endif,
}

impl DirectiveKind {
    /// Whether it opens a conditional.
    #[must_use]
    pub const fn opens(self) -> bool {
        matches!(
            self,
            Self::If | Self::IfArch | Self::IfNArch | Self::IfOs | Self::IfNOs
        )
    }

    /// Whether it starts another branch of an open conditional.
    #[must_use]
    pub const fn is_branch(self) -> bool {
        matches!(
            self,
            Self::Elif | Self::ElifArch | Self::ElifOs | Self::Else
        )
    }

    /// The keyword (`%ifarch`).
    #[must_use]
    pub const fn keyword(self) -> &'static str {
        match self {
            Self::If => "%if",
            Self::IfArch => "%ifarch",
            Self::IfNArch => "%ifnarch",
            Self::IfOs => "%ifos",
            Self::IfNOs => "%ifnos",
            Self::Elif => "%elif",
            Self::ElifArch => "%elifarch",
            Self::ElifOs => "%elifos",
            Self::Else => "%else",
            Self::Endif => "%endif",
        }
    }
}

/// A conditional directive line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Directive {
    /// Which directive.
    pub kind: DirectiveKind,
    /// The keyword as written.
    pub keyword: Span,
    /// The unevaluated expression or architecture list (trimmed); for `%else`/`%endif`, any
    /// text after the keyword (usually empty or a comment).
    pub argument: Span,
    /// The conditional it belongs to; `None` for an `%else`/`%elif`/`%endif` without `%if`.
    pub conditional: Option<ConditionalId>,
    /// Where the keyword starts (conditionals may be indented).
    pub position: Position,
}

/// Whether a macro definition is `%define` or `%global`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DefinitionScope {
    /// `%define`: lazily expanded, scoped.
    Define,
    /// `%global`: body expanded at definition, global.
    Global,
}

/// `%define NAME[(OPTS)] BODY` or `%global ...`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Definition {
    /// `%define` or `%global`.
    pub scope: DefinitionScope,
    /// The keyword as written.
    pub keyword: Span,
    /// The macro name.
    pub name: Span,
    /// For a parametric macro, the option string between the parentheses (`e:s:pb:n`).
    pub parameters: Option<Span>,
    /// The body as written: backslash-newlines and inner newlines included, trailing
    /// whitespace excluded.
    pub body: Span,
    /// Where the macro name starts.
    pub name_position: Position,
}

/// `%undefine NAME`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Undefine {
    /// The keyword as written.
    pub keyword: Span,
    /// The macro name.
    pub name: Span,
    /// Where the keyword starts.
    pub position: Position,
}

/// `%include FILE`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Include {
    /// The keyword as written.
    pub keyword: Span,
    /// The file name as written (often `%{SOURCE1}`).
    pub path: Span,
    /// Where the keyword starts.
    pub position: Position,
}

/// A line that starts with a macro.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MacroCall {
    /// The macro's name (`autosetup` in `%autosetup -p1`, `python_provide` in
    /// `%{?python_provide:...}`).
    pub name: Span,
    /// Where the name starts.
    pub position: Position,
}

/// A directive keyword at the start of `rest` (which runs to the end of the source) and its
/// length: `%endif`/`%else` must not be followed by a letter (`ISMACRO`), the others by a blank
/// or the end of the source (`ISMACROWITHARG`).
pub(crate) fn directive_keyword(rest: &[u8]) -> Option<(Option<DirectiveKind>, usize)> {
    const TABLE: [(&[u8], Option<DirectiveKind>, bool); 11] = [
        (b"%endif", Some(DirectiveKind::Endif), false),
        (b"%else", Some(DirectiveKind::Else), false),
        (b"%if", Some(DirectiveKind::If), true),
        (b"%ifarch", Some(DirectiveKind::IfArch), true),
        (b"%ifnarch", Some(DirectiveKind::IfNArch), true),
        (b"%ifos", Some(DirectiveKind::IfOs), true),
        (b"%ifnos", Some(DirectiveKind::IfNOs), true),
        (b"%include", None, true),
        (b"%elifarch", Some(DirectiveKind::ElifArch), true),
        (b"%elifos", Some(DirectiveKind::ElifOs), true),
        (b"%elif", Some(DirectiveKind::Elif), true),
    ];
    TABLE.iter().find_map(|&(keyword, kind, with_argument)| {
        if !rest.starts_with(keyword) {
            return None;
        }
        let next = rest.get(keyword.len()).copied();
        let matches = if with_argument {
            next.is_none_or(is_blank)
        } else {
            next.is_none_or(|b| !b.is_ascii_alphabetic())
        };
        matches.then_some((kind, keyword.len()))
    })
}

/// `%define`/`%global` followed by a blank at the start of `rest`.
pub(crate) fn definition_keyword(rest: &[u8]) -> Option<(DefinitionScope, usize)> {
    let followed_by_blank = |keyword: &[u8]| {
        rest.starts_with(keyword) && rest.get(keyword.len()).is_some_and(|&b| is_blank(b))
    };
    if followed_by_blank(b"%define") {
        Some((DefinitionScope::Define, 7))
    } else if followed_by_blank(b"%global") {
        Some((DefinitionScope::Global, 7))
    } else {
        None
    }
}

fn is_name_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_'
}

fn skip(bytes: &[u8], mut index: usize, end: usize, what: fn(u8) -> bool) -> usize {
    while index < end && what(bytes[index]) {
        index += 1;
    }
    index
}

fn trim_end(bytes: &[u8], start: usize, mut end: usize) -> usize {
    while end > start && (is_space(bytes[end - 1]) || bytes[end - 1] == b'\n') {
        end -= 1;
    }
    end
}

/// Classifies one logical line. `tags` says whether the line is in a section of tags.
pub(crate) fn classify(
    bytes: &[u8],
    unit: &Unit,
    tags: bool,
    diagnostics: &mut Vec<Diagnostic>,
) -> LineKind {
    let end = unit.content_end;
    let first = skip(bytes, unit.start, end, is_space);
    if first == end {
        return LineKind::Blank;
    }
    let diagnose = |offset: usize, kind: DiagnosticKind| Diagnostic::new(offset, kind);
    let position = Position::new(unit.line, column(bytes, unit.start, first));
    match bytes[first] {
        b'#' => return LineKind::Comment(CommentStyle::Hash),
        b'%' => {}
        _ if tags => return classify_tag(bytes, unit, first, diagnostics),
        _ => return LineKind::Text,
    }
    let rest = &bytes[first..];
    if let Some((kind, length)) = directive_keyword(rest) {
        let keyword = Span::from_usize(first, first + length);
        let argument_start = skip(bytes, first + length, end, is_space);
        let argument = Span::from_usize(argument_start, trim_end(bytes, argument_start, end));
        let Some(kind) = kind else {
            if argument.is_empty() {
                diagnostics.push(diagnose(first, DiagnosticKind::MalformedInclude));
            }
            return LineKind::Include(Include {
                keyword,
                path: argument,
                position,
            });
        };
        let directive = String::from_utf8_lossy(&bytes[keyword.range()]).into_owned();
        if matches!(kind, DirectiveKind::Else | DirectiveKind::Endif) {
            if !argument.is_empty() && bytes[argument.start as usize] != b'#' {
                diagnostics.push(diagnose(
                    argument.start as usize,
                    DiagnosticKind::TextAfterDirective { directive },
                ));
            }
        } else if argument.is_empty() {
            diagnostics.push(diagnose(
                first,
                DiagnosticKind::MissingConditionArgument { directive },
            ));
        }
        return LineKind::Conditional(Directive {
            kind,
            keyword,
            argument,
            conditional: None,
            position,
        });
    }
    if let Some((scope, length)) = definition_keyword(rest) {
        return classify_definition(bytes, unit, first, scope, length, diagnostics);
    }
    if rest.starts_with(b"%undefine") && rest.get(9).is_some_and(|&b| is_blank(b)) {
        let name_start = skip(bytes, first + 9, end, is_space);
        let name_end = skip(bytes, name_start, end, is_name_byte);
        if name_end == name_start {
            diagnostics.push(diagnose(first, DiagnosticKind::MalformedUndefine));
        }
        let keyword = Span::from_usize(first, first + 9);
        return LineKind::Undefine(Undefine {
            keyword,
            name: Span::from_usize(name_start, name_end),
            position,
        });
    }
    if rest.starts_with(b"%dnl") && rest.get(4).is_none_or(|&b| !is_name_byte(b)) {
        return LineKind::Comment(CommentStyle::Dnl);
    }
    if first == unit.start
        && let Some((kind, keyword_end)) = header_kind(bytes, first, end)
    {
        let header = parse_header(bytes, kind, unit.line, first, keyword_end, end, diagnostics);
        return LineKind::SectionHeader(Box::new(header));
    }
    // A macro: `%name`, `%{name`, `%{?name`, `%{!?name`, `%?name`, `%!?name`.
    let mut name_start = first + 1;
    name_start = skip(bytes, name_start, end, |b| matches!(b, b'{' | b'?' | b'!'));
    let name_end = skip(bytes, name_start, end, is_name_byte);
    if name_end > name_start {
        return LineKind::MacroCall(MacroCall {
            name: Span::from_usize(name_start, name_end),
            position: Position::new(unit.line, column(bytes, unit.start, name_start)),
        });
    }
    LineKind::Text
}

fn classify_tag(
    bytes: &[u8],
    unit: &Unit,
    first: usize,
    diagnostics: &mut Vec<Diagnostic>,
) -> LineKind {
    match parse_tag(bytes, unit.line, unit.start, unit.content_end) {
        Some(tag) => {
            if tag.kind == TagKind::Other {
                let name = String::from_utf8_lossy(&bytes[tag.name.range()]).into_owned();
                diagnostics.push(Diagnostic::new(first, DiagnosticKind::UnknownTag { name }));
            }
            LineKind::Tag(tag)
        }
        None => LineKind::Text,
    }
}

fn classify_definition(
    bytes: &[u8],
    unit: &Unit,
    first: usize,
    scope: DefinitionScope,
    length: usize,
    diagnostics: &mut Vec<Diagnostic>,
) -> LineKind {
    let end = unit.content_end;
    let keyword = Span::from_usize(first, first + length);
    let name_start = skip(bytes, first + length, end, is_blank);
    let name_end = skip(bytes, name_start, end, is_name_byte);
    let mut index = name_end;
    let mut parameters = None;
    if index < end
        && bytes[index] == b'('
        && let Some(close) = bytes[index..end].iter().position(|&b| b == b')')
    {
        parameters = Some(Span::from_usize(index + 1, index + close));
        index += close + 1;
    }
    let body_start = skip(bytes, index, end, is_blank);
    let body_end = trim_end(bytes, body_start, end);
    // rpm's validName: a letter, or `_` followed by more.
    let valid_name = match bytes.get(name_start..name_end) {
        Some([first_byte, ..]) if first_byte.is_ascii_alphabetic() => true,
        Some([b'_', _, ..]) => true,
        _ => false,
    };
    let open_parameters = bytes.get(name_end) == Some(&b'(') && parameters.is_none();
    if !valid_name || body_end == body_start || open_parameters {
        let directive = String::from_utf8_lossy(&bytes[keyword.range()]).into_owned();
        diagnostics.push(Diagnostic::new(
            first,
            DiagnosticKind::MalformedDefinition { directive },
        ));
    }
    LineKind::Definition(Definition {
        scope,
        keyword,
        name: Span::from_usize(name_start, name_end),
        parameters,
        body: Span::from_usize(body_start, body_end),
        name_position: Position::new(unit.line, column(bytes, unit.start, name_start)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lex::Lexer;

    fn kinds(text: &str, tags: bool) -> Vec<LineKind> {
        let mut diagnostics = Vec::new();
        Lexer::new(text.as_bytes())
            .map(|unit| classify(text.as_bytes(), &unit, tags, &mut diagnostics))
            .collect()
    }

    #[test]
    fn directive_matching_follows_rpm() {
        assert_eq!(
            directive_keyword(b"%if 1").map(|d| d.0),
            Some(Some(DirectiveKind::If))
        );
        assert_eq!(
            directive_keyword(b"%ifarch x86_64").map(|d| d.0),
            Some(Some(DirectiveKind::IfArch))
        );
        assert_eq!(directive_keyword(b"%if\n"), None);
        assert_eq!(directive_keyword(b"%ifdef x"), None);
        assert_eq!(
            directive_keyword(b"%endif\n").map(|d| d.0),
            Some(Some(DirectiveKind::Endif))
        );
        assert_eq!(
            directive_keyword(b"%endif # x").map(|d| d.0),
            Some(Some(DirectiveKind::Endif))
        );
        assert_eq!(directive_keyword(b"%elsewhere"), None);
        assert_eq!(
            directive_keyword(b"%elif 1").map(|d| d.0),
            Some(Some(DirectiveKind::Elif))
        );
        assert_eq!(directive_keyword(b"%include x").map(|d| d.0), Some(None));
    }

    #[test]
    fn line_kinds() {
        let text = "\n# c\n%dnl x\n%global foo(a:) bar \\\n  baz\n%undefine foo\n  %if 0%{?fedora}\n%endif\n%include %{SOURCE1}\n%files\n%autosetup -p1\n%{?python_provide:x}\nplain\n";
        let got = kinds(text, false);
        assert!(matches!(got[0], LineKind::Blank));
        assert!(matches!(got[1], LineKind::Comment(CommentStyle::Hash)));
        assert!(matches!(got[2], LineKind::Comment(CommentStyle::Dnl)));
        let LineKind::Definition(definition) = &got[3] else {
            panic!("{:?}", got[3])
        };
        assert_eq!(&text[definition.name.range()], "foo");
        assert_eq!(&text[definition.parameters.unwrap().range()], "a:");
        assert_eq!(&text[definition.body.range()], "bar \\\n  baz");
        assert!(matches!(got[4], LineKind::Undefine(_)));
        let LineKind::Conditional(directive) = &got[5] else {
            panic!()
        };
        assert_eq!(&text[directive.argument.range()], "0%{?fedora}");
        assert!(matches!(got[6], LineKind::Conditional(_)));
        let LineKind::Include(include) = &got[7] else {
            panic!()
        };
        assert_eq!(&text[include.path.range()], "%{SOURCE1}");
        assert!(matches!(got[8], LineKind::SectionHeader(_)));
        let LineKind::MacroCall(call) = &got[9] else {
            panic!()
        };
        assert_eq!(&text[call.name.range()], "autosetup");
        let LineKind::MacroCall(call) = &got[10] else {
            panic!()
        };
        assert_eq!(&text[call.name.range()], "python_provide");
        assert!(matches!(got[11], LineKind::Text));
    }

    #[test]
    fn tags_only_where_asked() {
        assert!(matches!(kinds("Name: x\n", true)[0], LineKind::Tag(_)));
        assert!(matches!(kinds("Name: x\n", false)[0], LineKind::Text));
    }

    #[test]
    fn directives_without_arguments_are_diagnosed() {
        for text in ["%if \n", "%ifarch\t\n", "%elif "] {
            let mut diagnostics = Vec::new();
            let unit = Lexer::new(text.as_bytes()).next().unwrap();
            assert!(matches!(
                classify(text.as_bytes(), &unit, false, &mut diagnostics),
                LineKind::Conditional(_)
            ));
            assert_eq!(diagnostics.len(), 1, "{text:?}");
        }
        let mut diagnostics = Vec::new();
        let text = "%endif junk\n";
        let unit = Lexer::new(text.as_bytes()).next().unwrap();
        classify(text.as_bytes(), &unit, false, &mut diagnostics);
        assert!(matches!(
            diagnostics[0].kind,
            DiagnosticKind::TextAfterDirective { .. }
        ));
    }

    #[test]
    fn malformed_definitions_are_diagnosed() {
        for text in ["%global 1x y\n", "%define foo\n", "%global foo(a body\n"] {
            let mut diagnostics = Vec::new();
            let unit = Lexer::new(text.as_bytes()).next().unwrap();
            let kind = classify(text.as_bytes(), &unit, false, &mut diagnostics);
            assert!(matches!(kind, LineKind::Definition(_)), "{text}");
            assert_eq!(diagnostics.len(), 1, "{text}");
        }
    }
}
