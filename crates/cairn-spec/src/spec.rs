//! [`Spec`]: a spec's bytes and the tree over them.

use std::borrow::Cow;
use std::io::{self, Write};
use std::path::Path;

use serde::Serialize;

use crate::conditional::{Applied, BranchRef, Builder, Conditional, ConditionalId};
use crate::diagnostic::{Diagnostic, DiagnosticKind, Severity};
use crate::error::{ParseSpecError, ReadSpecError};
use crate::lex::Lexer;
use crate::line::{LineKind, classify};
use crate::section::{PackageForm, SectionHeader, SectionKind};
use crate::span::{Position, Span, column, to_u32};
use crate::tag::{Tag, TagKind};

/// The largest spec accepted: spans are 32-bit.
pub const MAX_SPEC_SIZE: usize = u32::MAX as usize;

/// Index of a line in [`Spec::lines`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct LineId(pub u32);

impl LineId {
    /// The index as `usize`.
    #[must_use]
    pub const fn index(self) -> usize {
        self.0 as usize
    }
}

/// Index of a section in [`Spec::sections`]; the preamble is always section 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct SectionId(pub u32);

impl SectionId {
    /// The preamble.
    pub const PREAMBLE: Self = Self(0);

    /// The index as `usize`.
    #[must_use]
    pub const fn index(self) -> usize {
        self.0 as usize
    }
}

/// A half-open range of lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct LineRange {
    /// First line.
    pub start: LineId,
    /// One past the last line.
    pub end: LineId,
}

impl LineRange {
    /// The line ids in order.
    pub fn iter(self) -> impl DoubleEndedIterator<Item = LineId> + ExactSizeIterator {
        (self.start.0..self.end.0).map(LineId)
    }

    /// Number of lines.
    #[must_use]
    pub const fn len(self) -> usize {
        self.end.0.saturating_sub(self.start.0) as usize
    }

    /// Whether the range holds no line.
    #[must_use]
    pub const fn is_empty(self) -> bool {
        self.end.0 <= self.start.0
    }

    /// Whether `line` is in the range.
    #[must_use]
    pub const fn contains(self, line: LineId) -> bool {
        self.start.0 <= line.0 && line.0 < self.end.0
    }
}

/// One logical line: usually one physical line; several when rpm joins them (a macro group
/// spanning lines, or a `%define`/`%global`/conditional continued with backslashes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Line {
    /// All bytes of the line, terminator included.
    pub span: Span,
    /// End of the content: the terminator (`\n` or `\r\n`, or nothing at the end of file)
    /// runs from here to `span.end`.
    pub content_end: u32,
    /// Where the line starts (column 1).
    pub position: Position,
    /// Number of physical lines.
    pub physical_lines: u32,
    /// What the line is.
    pub kind: LineKind,
    /// The section the line is in (a header line is in the section it starts).
    pub section: SectionId,
    /// The innermost conditional branch around the line. For a directive line this is the
    /// context of its conditional, not the conditional itself.
    pub branch: Option<BranchRef>,
}

impl Line {
    /// The content without the terminator.
    #[must_use]
    pub const fn content(&self) -> Span {
        Span::new(self.span.start, self.content_end)
    }

    /// The terminator: `\n`, `\r\n`, or empty for a last line without newline.
    #[must_use]
    pub const fn terminator(&self) -> Span {
        Span::new(self.content_end, self.span.end)
    }

    /// The tag on this line, if it is one.
    #[must_use]
    pub const fn tag(&self) -> Option<&Tag> {
        match &self.kind {
            LineKind::Tag(tag) => Some(tag),
            _ => None,
        }
    }
}

/// A section: the preamble, or a header line and the lines up to the next header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Section {
    /// What section it is.
    pub kind: SectionKind,
    /// The header line (`None` for the preamble).
    pub header: Option<LineId>,
    /// All lines of the section, header included.
    pub lines: LineRange,
    /// Where the section starts.
    pub position: Position,
}

#[derive(Debug, Clone)]
enum Source {
    Text(String),
    Bytes(Vec<u8>),
}

impl Source {
    fn bytes(&self) -> &[u8] {
        match self {
            Self::Text(text) => text.as_bytes(),
            Self::Bytes(bytes) => bytes,
        }
    }
}

/// A parsed spec file: it owns the bytes, and lines, sections and conditionals point into them
/// with spans. Writing it back gives the input byte for byte.
#[derive(Debug, Clone)]
pub struct Spec {
    source: Source,
    lines: Vec<Line>,
    sections: Vec<Section>,
    conditionals: Vec<Conditional>,
    diagnostics: Vec<Diagnostic>,
    physical_lines: u32,
}

impl Spec {
    /// Parses a spec. Content never makes this fail: what rpm would reject ends up in
    /// [`Spec::diagnostics`] and the text is kept verbatim.
    ///
    /// # Errors
    ///
    /// [`ParseSpecError::TooLarge`] if the source is over [`MAX_SPEC_SIZE`] bytes.
    pub fn parse(source: impl Into<Vec<u8>>) -> Result<Self, ParseSpecError> {
        let bytes = source.into();
        if bytes.len() > MAX_SPEC_SIZE {
            return Err(ParseSpecError::TooLarge { size: bytes.len() });
        }
        let (source, invalid_utf8) = match String::from_utf8(bytes) {
            Ok(text) => (Source::Text(text), None),
            Err(error) => {
                let offset = error.utf8_error().valid_up_to();
                (Source::Bytes(error.into_bytes()), Some(offset))
            }
        };
        let mut spec = Parser::new(source.bytes()).run();
        spec.source = source;
        spec.finish_diagnostics(invalid_utf8);
        Ok(spec)
    }

    /// Reads and parses a spec file.
    ///
    /// # Errors
    ///
    /// When the file cannot be read or is too large; the error names the file.
    pub fn read(path: &Path) -> Result<Self, ReadSpecError> {
        let bytes = std::fs::read(path).map_err(|source| ReadSpecError::Io {
            path: path.to_owned(),
            source,
        })?;
        Self::parse(bytes).map_err(|source| ReadSpecError::Parse {
            path: path.to_owned(),
            source,
        })
    }

    /// The source bytes.
    #[must_use]
    pub fn source(&self) -> &[u8] {
        self.source.bytes()
    }

    /// The source as text, when it is valid UTF-8.
    #[must_use]
    pub fn as_str(&self) -> Option<&str> {
        match &self.source {
            Source::Text(text) => Some(text),
            Source::Bytes(_) => None,
        }
    }

    /// The bytes of a span (empty if the span is out of range).
    #[must_use]
    pub fn bytes(&self, span: Span) -> &[u8] {
        self.source().get(span.range()).unwrap_or_default()
    }

    /// The text of a span: borrowed for UTF-8 sources, with replacement characters otherwise.
    #[must_use]
    pub fn text(&self, span: Span) -> Cow<'_, str> {
        match &self.source {
            Source::Text(text) => match text.get(span.range()) {
                Some(slice) => Cow::Borrowed(slice),
                None => String::from_utf8_lossy(self.bytes(span)),
            },
            Source::Bytes(_) => String::from_utf8_lossy(self.bytes(span)),
        }
    }

    /// Every logical line, in order; together they cover the source exactly.
    #[must_use]
    pub fn lines(&self) -> &[Line] {
        &self.lines
    }

    /// One line.
    ///
    /// # Panics
    ///
    /// If the id is not from this spec.
    #[must_use]
    pub fn line(&self, id: LineId) -> &Line {
        &self.lines[id.index()]
    }

    /// Number of physical lines.
    #[must_use]
    pub const fn physical_line_count(&self) -> u32 {
        self.physical_lines
    }

    /// Every section in order, the preamble first (possibly empty).
    #[must_use]
    pub fn sections(&self) -> &[Section] {
        &self.sections
    }

    /// One section.
    ///
    /// # Panics
    ///
    /// If the id is not from this spec.
    #[must_use]
    pub fn section(&self, id: SectionId) -> &Section {
        &self.sections[id.index()]
    }

    /// The parsed header of a section (`None` for the preamble).
    #[must_use]
    pub fn section_header(&self, id: SectionId) -> Option<&SectionHeader> {
        let header = self.section(id).header?;
        match &self.line(header).kind {
            LineKind::SectionHeader(header) => Some(header),
            _ => None,
        }
    }

    /// Section ids with their sections.
    pub fn section_ids(&self) -> impl Iterator<Item = (SectionId, &Section)> {
        self.sections
            .iter()
            .enumerate()
            .map(|(index, section)| (SectionId(to_u32(index)), section))
    }

    /// Every conditional, in order of their `%if`.
    #[must_use]
    pub fn conditionals(&self) -> &[Conditional] {
        &self.conditionals
    }

    /// One conditional.
    ///
    /// # Panics
    ///
    /// If the id is not from this spec.
    #[must_use]
    pub fn conditional(&self, id: ConditionalId) -> &Conditional {
        &self.conditionals[id.index()]
    }

    /// The branches around a line, innermost first.
    pub fn enclosing_branches(&self, line: LineId) -> impl Iterator<Item = BranchRef> + '_ {
        std::iter::successors(self.line(line).branch, |branch| {
            self.conditional(branch.conditional).parent
        })
    }

    /// What rpm would reject, and what looks wrong.
    #[must_use]
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// Whether any diagnostic is an error.
    #[must_use]
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|diagnostic| diagnostic.severity == Severity::Error)
    }

    /// Every tag line of the spec with its id.
    pub fn tags(&self) -> impl Iterator<Item = (LineId, &Tag)> {
        self.lines
            .iter()
            .enumerate()
            .filter_map(|(index, line)| Some((LineId(to_u32(index)), line.tag()?)))
    }

    /// The tags of one section.
    pub fn section_tags(&self, id: SectionId) -> impl Iterator<Item = (LineId, &Tag)> {
        self.section(id)
            .lines
            .iter()
            .filter_map(|line| Some((line, self.line(line).tag()?)))
    }

    /// The value of the preamble's first `Name:` tag, unexpanded.
    #[must_use]
    pub fn main_name(&self) -> Option<Cow<'_, str>> {
        let (_, tag) = self
            .section_tags(SectionId::PREAMBLE)
            .find(|(_, tag)| tag.kind == TagKind::Name)?;
        Some(self.text(tag.value))
    }

    /// The full name of the package a section belongs to, given the main package's name
    /// (rpm's `lookupPackage`): `main` for an unqualified section, `main-suffix` for a suffix,
    /// the name itself for `-n name`. `None` for sections that belong to no package.
    #[must_use]
    pub fn package_name(&self, id: SectionId, main: &str) -> Option<String> {
        let section = self.section(id);
        if section.kind == SectionKind::Preamble {
            return Some(main.to_owned());
        }
        if !section.kind.belongs_to_package() {
            return None;
        }
        let header = self.section_header(id)?;
        Some(match header.package {
            None => main.to_owned(),
            Some(package) => match package.form {
                PackageForm::Suffix => format!("{main}-{}", self.text(package.name)),
                PackageForm::Name => self.text(package.name).into_owned(),
            },
        })
    }

    /// The line ending the file mostly uses: that of its first line (`\n` if it has none).
    #[must_use]
    pub fn line_ending(&self) -> &'static str {
        match self.lines.first() {
            Some(line) if self.bytes(line.terminator()) == b"\r\n" => "\r\n",
            _ => "\n",
        }
    }

    /// The position of a byte offset (offsets past the end map to the end).
    #[must_use]
    pub fn position(&self, offset: u32) -> Position {
        let index = self.lines.partition_point(|line| line.span.end <= offset);
        // The end of the source belongs to the last line if it has no terminator, and
        // starts a new physical line otherwise.
        let line = match self.lines.get(index) {
            Some(line) => line,
            None => match self.lines.last() {
                Some(last) if last.terminator().is_empty() => last,
                _ => return Position::new(self.physical_lines + 1, 1),
            },
        };
        let bytes = self.source();
        let start = line.span.start as usize;
        let offset = (offset as usize).clamp(start, bytes.len());
        let inner = &bytes[start..offset];
        let newlines = inner.iter().filter(|&&b| b == b'\n').count();
        let physical_start = inner
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(start, |position| start + position + 1);
        Position::new(
            line.position.line + to_u32(newlines),
            column(bytes, physical_start, offset),
        )
    }

    /// Writes the spec back from its sections and lines.
    ///
    /// # Errors
    ///
    /// When the writer fails.
    pub fn write_to(&self, writer: &mut impl Write) -> io::Result<()> {
        for section in &self.sections {
            for id in section.lines.iter() {
                let line = self.line(id);
                match &line.kind {
                    LineKind::Tag(tag) => {
                        writer
                            .write_all(self.bytes(Span::new(line.span.start, tag.value.start)))?;
                        writer.write_all(self.bytes(tag.value))?;
                        writer.write_all(self.bytes(Span::new(tag.value.end, line.span.end)))?;
                    }
                    _ => writer.write_all(self.bytes(line.span))?,
                }
            }
        }
        Ok(())
    }

    /// The spec written back from its sections and lines.
    #[must_use]
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(self.source().len());
        // Writing to a Vec cannot fail.
        let _ = self.write_to(&mut bytes);
        bytes
    }

    /// Adds the diagnostics about the bytes themselves and places every diagnostic.
    fn finish_diagnostics(&mut self, invalid_utf8: Option<usize>) {
        let bytes = self.source.bytes();
        let mut found = Vec::new();
        if bytes.starts_with(&[0xed, 0xab, 0xee, 0xdb]) {
            found.push((0, DiagnosticKind::BinaryRpm));
        }
        if let Some(offset) = bytes.iter().position(|&b| b == 0) {
            found.push((offset, DiagnosticKind::NulBytes));
        }
        if let Some(offset) = invalid_utf8 {
            found.push((offset, DiagnosticKind::InvalidUtf8));
        }
        for (offset, kind) in found {
            self.diagnostics.push(Diagnostic::new(offset, kind));
        }
        let mut diagnostics = std::mem::take(&mut self.diagnostics);
        for diagnostic in &mut diagnostics {
            diagnostic.position = self.position(diagnostic.offset);
        }
        self.diagnostics = diagnostics;
        self.diagnostics.sort_by_key(|diagnostic| diagnostic.offset);
    }
}

/// Number of physical lines, from the last logical line.
fn physical_lines(lines: &[Line]) -> u32 {
    lines
        .last()
        .map_or(0, |line| line.position.line + line.physical_lines - 1)
}

/// Reads lines in order, building sections and the conditional tree as it goes.
struct Parser<'a> {
    bytes: &'a [u8],
    lines: Vec<Line>,
    sections: Vec<Section>,
    conditionals: Builder,
    diagnostics: Vec<Diagnostic>,
}

impl<'a> Parser<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        let preamble = Section {
            kind: SectionKind::Preamble,
            header: None,
            lines: LineRange {
                start: LineId(0),
                end: LineId(0),
            },
            position: Position::new(1, 1),
        };
        Self {
            bytes,
            lines: Vec::with_capacity(bytes.len() / 32),
            sections: vec![preamble],
            conditionals: Builder::default(),
            diagnostics: Vec::new(),
        }
    }

    fn run(mut self) -> Spec {
        let bytes = self.bytes;
        let mut lexer = Lexer::new(bytes);
        for unit in lexer.by_ref() {
            let id = LineId(to_u32(self.lines.len()));
            let tags = self
                .sections
                .last()
                .is_some_and(|section| section.kind.has_tags());
            let mut kind = classify(bytes, &unit, tags, &mut self.diagnostics);
            let mut branch = self.conditionals.current();
            let position = Position::new(unit.line, 1);
            match &mut kind {
                LineKind::SectionHeader(header) => {
                    self.close_section(id);
                    self.sections.push(Section {
                        kind: header.kind,
                        header: Some(id),
                        lines: LineRange { start: id, end: id },
                        position,
                    });
                }
                LineKind::Conditional(directive) => {
                    let applied = self.conditionals.apply(directive.kind, id);
                    let keyword =
                        || String::from_utf8_lossy(&bytes[directive.keyword.range()]).into_owned();
                    let attached = match applied {
                        Applied::Attached(conditional) => Some(conditional),
                        Applied::AfterElse(conditional) => {
                            let kind = DiagnosticKind::BranchAfterElse {
                                directive: keyword(),
                            };
                            self.diagnostics
                                .push(Diagnostic::new(directive.keyword.start as usize, kind));
                            Some(conditional)
                        }
                        Applied::Unmatched => {
                            let kind = DiagnosticKind::UnmatchedDirective {
                                directive: keyword(),
                            };
                            self.diagnostics
                                .push(Diagnostic::new(directive.keyword.start as usize, kind));
                            None
                        }
                    };
                    directive.conditional = attached;
                    if let Some(conditional) = attached.filter(|_| !directive.kind.opens()) {
                        branch = self.conditionals.conditionals[conditional.index()].parent;
                    }
                }
                _ => {}
            }
            let section = SectionId(to_u32(self.sections.len() - 1));
            self.lines.push(Line {
                span: Span::from_usize(unit.start, unit.end),
                content_end: to_u32(unit.content_end),
                position,
                physical_lines: unit.physical_lines,
                kind,
                section,
                branch,
            });
        }
        let line_count = LineId(to_u32(self.lines.len()));
        self.close_section(line_count);
        if let Some(offset) = lexer.unclosed_group {
            self.diagnostics
                .push(Diagnostic::new(offset, DiagnosticKind::UnclosedMacro));
        }
        for id in self.conditionals.finish(line_count.0) {
            let start = self.conditionals.conditionals[id.index()].start();
            let line = &self.lines[start.index()];
            let kind = DiagnosticKind::UnclosedConditional;
            let diagnostic = Diagnostic::new(line.span.start as usize, kind);
            self.diagnostics.push(diagnostic);
        }
        self.diagnostics.sort_by_key(|diagnostic| diagnostic.offset);
        let physical_lines = physical_lines(&self.lines);
        Spec {
            source: Source::Bytes(Vec::new()),
            lines: self.lines,
            sections: self.sections,
            conditionals: self.conditionals.conditionals,
            diagnostics: self.diagnostics,
            physical_lines,
        }
    }

    fn close_section(&mut self, end: LineId) {
        if let Some(section) = self.sections.last_mut() {
            section.lines.end = end;
        }
    }
}
