//! A thin layer over quick-xml's pull parser that enforces rpm-md's rules for untrusted input:
//! no DTD, no entities beyond XML's predefined ones, bounded text and depth, and positions in
//! every error.

use std::borrow::Cow;
use std::io::BufRead;

use quick_xml::XmlVersion;
use quick_xml::events::{BytesRef, Event};

use crate::error::{Position, ReadError};
use crate::limits::Limits;

/// Counts lines in the bytes the parser consumes, so errors can say where they are.
pub(crate) struct LineCounter<R> {
    inner: R,
    offset: u64,
    line: u64,
    line_start: u64,
}

impl<R: BufRead> std::io::Read for LineCounter<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let available = self.fill_buf()?;
        let count = available.len().min(out.len());
        out[..count].copy_from_slice(&available[..count]);
        self.consume(count);
        Ok(count)
    }
}

impl<R: BufRead> BufRead for LineCounter<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amount: usize) {
        if let Ok(buffer) = self.inner.fill_buf() {
            let consumed = &buffer[..amount.min(buffer.len())];
            // A counting pass the compiler vectorizes, then one search for the last line's start:
            // this runs over every byte of the document.
            let lines = consumed.iter().filter(|&&byte| byte == b'\n').count();
            if lines > 0 {
                self.line += lines as u64;
                if let Some(index) = consumed.iter().rposition(|&byte| byte == b'\n') {
                    self.line_start = self.offset + index as u64 + 1;
                }
            }
        }
        self.offset += amount as u64;
        self.inner.consume(amount);
    }
}

/// Element names rpm-md uses (local names, without the `rpm:` prefix).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Element {
    Metadata,
    Filelists,
    Otherdata,
    Package,
    Name,
    Arch,
    Version,
    Checksum,
    Summary,
    Description,
    Packager,
    Url,
    Time,
    Size,
    Location,
    Format,
    License,
    Vendor,
    Group,
    Buildhost,
    Sourcerpm,
    HeaderRange,
    Dependencies(crate::DependencyKind),
    Entry,
    File,
    Changelog,
    Repomd,
    Revision,
    Data,
    OpenChecksum,
    Timestamp,
    OpenSize,
    Other,
}

impl Element {
    fn from_local_name(name: &[u8]) -> Self {
        match name {
            b"metadata" => Self::Metadata,
            b"filelists" => Self::Filelists,
            b"otherdata" => Self::Otherdata,
            b"package" => Self::Package,
            b"name" => Self::Name,
            b"arch" => Self::Arch,
            b"version" => Self::Version,
            b"checksum" => Self::Checksum,
            b"summary" => Self::Summary,
            b"description" => Self::Description,
            b"packager" => Self::Packager,
            b"url" => Self::Url,
            b"time" => Self::Time,
            b"size" => Self::Size,
            b"location" => Self::Location,
            b"format" => Self::Format,
            b"license" => Self::License,
            b"vendor" => Self::Vendor,
            b"group" => Self::Group,
            b"buildhost" => Self::Buildhost,
            b"sourcerpm" => Self::Sourcerpm,
            b"header-range" => Self::HeaderRange,
            b"entry" => Self::Entry,
            b"file" => Self::File,
            b"changelog" => Self::Changelog,
            b"repomd" => Self::Repomd,
            b"revision" => Self::Revision,
            b"data" => Self::Data,
            b"open-checksum" => Self::OpenChecksum,
            b"timestamp" => Self::Timestamp,
            b"open-size" => Self::OpenSize,
            other => std::str::from_utf8(other)
                .ok()
                .and_then(crate::DependencyKind::from_element)
                .map_or(Self::Other, Self::Dependencies),
        }
    }
}

/// What the structural loop sees next.
pub(crate) enum Step {
    /// An element starts (empty elements are expanded into a start and an end); its
    /// attributes are in [`XmlReader::attribute`].
    Start(Element),
    /// The current element ends.
    End,
    /// The input is exhausted.
    Eof,
}

pub(crate) struct XmlReader<R> {
    reader: quick_xml::Reader<LineCounter<R>>,
    buffer: Vec<u8>,
    attributes: Vec<(Vec<u8>, String)>,
    attribute_count: usize,
    pub(crate) document: &'static str,
    pub(crate) limits: Limits,
    depth: u32,
}

fn position_of<R>(reader: &quick_xml::Reader<LineCounter<R>>) -> Position {
    let counter = reader.get_ref();
    Position {
        offset: counter.offset,
        line: counter.line,
        column: counter.offset - counter.line_start + 1,
    }
}

impl<R: BufRead> XmlReader<R> {
    pub(crate) fn new(input: R, document: &'static str, limits: Limits) -> Self {
        let counter = LineCounter {
            inner: input,
            offset: 0,
            line: 1,
            line_start: 0,
        };
        let mut reader = quick_xml::Reader::from_reader(counter);
        let config = reader.config_mut();
        config.expand_empty_elements = true;
        config.check_end_names = true;
        config.trim_text(false);
        Self {
            reader,
            buffer: Vec::with_capacity(4096),
            attributes: Vec::new(),
            attribute_count: 0,
            document,
            limits,
            depth: 0,
        }
    }

    pub(crate) fn position(&self) -> Position {
        position_of(&self.reader)
    }

    pub(crate) fn invalid(&self, message: impl Into<String>) -> ReadError {
        ReadError::Invalid {
            document: self.document,
            position: self.position(),
            message: message.into(),
        }
    }

    pub(crate) fn limit(&self, what: &'static str, limit: u64) -> ReadError {
        ReadError::LimitExceeded {
            document: self.document,
            position: self.position(),
            what,
            limit,
        }
    }

    pub(crate) fn truncated(&self) -> ReadError {
        ReadError::Truncated {
            document: self.document,
            position: self.position(),
        }
    }

    fn forbidden(&self, what: String) -> ReadError {
        ReadError::Forbidden {
            document: self.document,
            position: self.position(),
            what,
        }
    }

    /// The value of attribute `name` (local name) of the element last started, taken out.
    pub(crate) fn attribute(&mut self, name: &str) -> Option<String> {
        self.attributes[..self.attribute_count]
            .iter_mut()
            .find(|(key, _)| key == name.as_bytes())
            .map(|(_, value)| std::mem::take(value))
    }

    /// Like [`attribute`](Self::attribute), but missing is an error.
    pub(crate) fn required(&mut self, element: &str, name: &str) -> Result<String, ReadError> {
        self.attribute(name)
            .ok_or_else(|| self.invalid(format!("<{element}> has no `{name}` attribute")))
    }

    /// A required attribute parsed as a number.
    pub(crate) fn number(&mut self, element: &str, name: &str) -> Result<u64, ReadError> {
        let text = self.required(element, name)?;
        text.trim().parse().map_err(|_| {
            self.invalid(format!(
                "<{element} {name}=\"{text}\"> is not a non-negative integer"
            ))
        })
    }

    /// The next start or end tag, skipping declarations, comments, processing instructions and
    /// character data between elements.
    pub(crate) fn step(&mut self) -> Result<Step, ReadError> {
        loop {
            self.buffer.clear();
            let event = match self.reader.read_event_into(&mut self.buffer) {
                Ok(event) => event,
                Err(error) => {
                    return Err(syntax_error(
                        self.document,
                        position_of(&self.reader),
                        error,
                    ));
                }
            };
            match event {
                Event::Start(start) => {
                    self.depth += 1;
                    if self.depth > self.limits.max_depth {
                        return Err(ReadError::LimitExceeded {
                            document: self.document,
                            position: position_of(&self.reader),
                            what: "element nesting depth",
                            limit: u64::from(self.limits.max_depth),
                        });
                    }
                    let element =
                        Element::from_local_name(start.local_name().into_inner().as_bytes());
                    self.attribute_count = 0;
                    for attribute in start.attributes() {
                        let position = position_of(&self.reader);
                        let attribute = attribute.map_err(|error| ReadError::Syntax {
                            document: self.document,
                            position,
                            message: error.to_string(),
                        })?;
                        let value = attribute
                            .normalized_value(XmlVersion::Implicit1_0)
                            .map_err(|error| syntax_error(self.document, position, error))?;
                        if value.len() as u64 > self.limits.max_text_bytes {
                            return Err(ReadError::LimitExceeded {
                                document: self.document,
                                position,
                                what: "an attribute value's length in bytes",
                                limit: self.limits.max_text_bytes,
                            });
                        }
                        let key = attribute.key.local_name().into_inner();
                        if self.attribute_count == self.attributes.len() {
                            self.attributes.push((Vec::new(), String::new()));
                        }
                        let slot = &mut self.attributes[self.attribute_count];
                        slot.0.clear();
                        slot.0.extend_from_slice(key.as_bytes());
                        slot.1 = value.into_owned();
                        self.attribute_count += 1;
                    }
                    return Ok(Step::Start(element));
                }
                Event::End(_) => {
                    self.depth = self.depth.saturating_sub(1);
                    return Ok(Step::End);
                }
                Event::Eof => return Ok(Step::Eof),
                Event::DocType(_) => {
                    return Err(ReadError::Forbidden {
                        document: self.document,
                        position: position_of(&self.reader),
                        what: "a DOCTYPE declaration".to_owned(),
                    });
                }
                Event::GeneralRef(reference) => {
                    if let Err(what) = resolve_reference(&reference) {
                        return Err(ReadError::Forbidden {
                            document: self.document,
                            position: position_of(&self.reader),
                            what,
                        });
                    }
                }
                Event::Empty(_)
                | Event::Text(_)
                | Event::CData(_)
                | Event::Comment(_)
                | Event::Decl(_)
                | Event::PI(_) => {}
            }
        }
    }

    /// Reads the character content of the element just started, up to and including its end tag.
    pub(crate) fn text(&mut self) -> Result<String, ReadError> {
        let mut text = String::new();
        self.text_into(&mut text)?;
        Ok(text)
    }

    /// Like [`text`](Self::text), into a buffer the caller reuses (cleared first).
    pub(crate) fn text_into(&mut self, text: &mut String) -> Result<(), ReadError> {
        text.clear();
        loop {
            self.buffer.clear();
            let event = match self.reader.read_event_into(&mut self.buffer) {
                Ok(event) => event,
                Err(error) => {
                    return Err(syntax_error(
                        self.document,
                        position_of(&self.reader),
                        error,
                    ));
                }
            };
            match event {
                Event::Text(content) => text.push_str(&content.xml10_content()),
                Event::CData(content) => text.push_str(&content.xml10_content()),
                Event::GeneralRef(reference) => match resolve_reference(&reference) {
                    Ok(resolved) => text.push_str(&resolved),
                    Err(what) => return Err(self.forbidden(what)),
                },
                Event::End(_) => {
                    self.depth = self.depth.saturating_sub(1);
                    return Ok(());
                }
                Event::Start(_) | Event::Empty(_) => {
                    return Err(self.invalid("an element appears where only text is allowed"));
                }
                Event::Eof => return Err(self.truncated()),
                Event::DocType(_) => return Err(self.forbidden("a DOCTYPE declaration".to_owned())),
                Event::Comment(_) | Event::Decl(_) | Event::PI(_) => {}
            }
            if text.len() as u64 > self.limits.max_text_bytes {
                return Err(
                    self.limit("a text value's length in bytes", self.limits.max_text_bytes)
                );
            }
        }
    }

    /// Skips the element just started, with everything inside it.
    pub(crate) fn skip(&mut self) -> Result<(), ReadError> {
        let mut open = 1u32;
        while open > 0 {
            match self.step()? {
                Step::Start(_) => open += 1,
                Step::End => open -= 1,
                Step::Eof => return Err(self.truncated()),
            }
        }
        Ok(())
    }

    /// Reads up to the root element and checks that it is `expected`.
    pub(crate) fn root(&mut self, expected: Element, name: &str) -> Result<(), ReadError> {
        match self.step()? {
            Step::Start(element) if element == expected => Ok(()),
            Step::Start(_) | Step::End => {
                Err(self.invalid(format!("the root element is not <{name}>")))
            }
            Step::Eof => Err(self.invalid(format!("the document is empty (expected <{name}>)"))),
        }
    }

    /// After the root element closed: only trailing whitespace, comments or instructions may follow.
    pub(crate) fn finish(&mut self) -> Result<(), ReadError> {
        match self.step()? {
            Step::Eof => Ok(()),
            Step::Start(_) | Step::End => Err(self.invalid("content after the root element")),
        }
    }
}

fn syntax_error(document: &'static str, position: Position, error: quick_xml::Error) -> ReadError {
    use quick_xml::errors::{IllFormedError, SyntaxError};
    match error {
        quick_xml::Error::Io(source) => ReadError::Io {
            document,
            source: std::io::Error::new(source.kind(), source.to_string()),
        },
        quick_xml::Error::Escape(escape) => ReadError::Forbidden {
            document,
            position,
            what: escape.to_string(),
        },
        quick_xml::Error::Syntax(
            SyntaxError::UnclosedTag
            | SyntaxError::UnclosedComment
            | SyntaxError::UnclosedCData
            | SyntaxError::UnclosedDoctype
            | SyntaxError::UnclosedPI
            | SyntaxError::UnclosedXmlDecl
            | SyntaxError::UnclosedSingleQuotedAttributeValue
            | SyntaxError::UnclosedDoubleQuotedAttributeValue,
        )
        | quick_xml::Error::IllFormed(IllFormedError::MissingEndTag(_)) => {
            ReadError::Truncated { document, position }
        }
        other => ReadError::Syntax {
            document,
            position,
            message: other.to_string(),
        },
    }
}

/// Resolves `&name;` to its text: the five predefined entities and character references only.
fn resolve_reference(reference: &BytesRef<'_>) -> Result<Cow<'static, str>, String> {
    if reference.is_char_ref() {
        return match reference.resolve_char_ref() {
            Ok(Some(character)) if is_xml_char(character) => Ok(Cow::Owned(character.to_string())),
            _ => Err(format!(
                "the character reference `&{};`",
                reference.xml10_content()
            )),
        };
    }
    let name = reference.xml10_content();
    quick_xml::escape::resolve_predefined_entity(&name)
        .map(Cow::Borrowed)
        .ok_or_else(|| format!("the entity reference `&{name};`"))
}

fn is_xml_char(character: char) -> bool {
    matches!(character, '\t' | '\n' | '\r') || character >= ' '
}
