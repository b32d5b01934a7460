//! Span-based edits: splice new text at spans and keep every other byte as it was.

use crate::error::EditError;
use crate::span::{Span, to_u32};
use crate::spec::{LineId, LineRange, Spec};

/// Edits to one [`Spec`], collected and then applied together. Spans always refer to the
/// original source, so edits do not shift each other.
///
/// ```
/// # use cairn_spec::Spec;
/// let spec = Spec::parse("Name:    foo\nVersion: 1.0\n").unwrap();
/// let (line, _) = spec.tags().nth(1).unwrap();
/// let mut edits = spec.edit();
/// edits.set_tag_value(line, "2.0").unwrap();
/// assert_eq!(edits.apply_to_bytes().unwrap(), b"Name:    foo\nVersion: 2.0\n");
/// ```
#[derive(Debug)]
pub struct Edits<'a> {
    spec: &'a Spec,
    splices: Vec<Splice>,
}

#[derive(Debug)]
struct Splice {
    span: Span,
    text: String,
}

impl Spec {
    /// Starts a set of edits.
    #[must_use]
    pub fn edit(&self) -> Edits<'_> {
        Edits {
            spec: self,
            splices: Vec::new(),
        }
    }
}

impl<'a> Edits<'a> {
    /// Replaces the bytes of `span` with `text`.
    pub fn replace(&mut self, span: Span, text: impl Into<String>) -> &mut Self {
        self.splices.push(Splice {
            span,
            text: text.into(),
        });
        self
    }

    /// Inserts `text` at `offset`. Several inserts at one offset keep their order.
    pub fn insert(&mut self, offset: u32, text: impl Into<String>) -> &mut Self {
        self.replace(Span::empty(offset), text)
    }

    /// Removes the bytes of `span`.
    pub fn remove(&mut self, span: Span) -> &mut Self {
        self.replace(span, String::new())
    }

    /// Replaces the value of the tag on `line`, keeping its spelling and alignment.
    ///
    /// # Errors
    ///
    /// [`EditError::NotATag`] if the line is not a tag.
    pub fn set_tag_value(&mut self, line: LineId, value: &str) -> Result<&mut Self, EditError> {
        let target = self.spec.line(line);
        let tag = target.tag().ok_or(EditError::NotATag {
            line: target.position.line,
        })?;
        let span = tag.value;
        Ok(self.replace(span, value))
    }

    /// Inserts whole lines before `line`, each ended with the file's line ending.
    pub fn insert_lines_before(&mut self, line: LineId, lines: &[&str]) -> &mut Self {
        let ending = self.spec.line_ending();
        let text: String = lines.iter().flat_map(|line| [*line, ending]).collect();
        let offset = self.spec.line(line).span.start;
        self.insert(offset, text)
    }

    /// Inserts whole lines after `line`. After a last line without newline, the new lines are
    /// separated from it by a line ending and the file still ends without one.
    pub fn insert_lines_after(&mut self, line: LineId, lines: &[&str]) -> &mut Self {
        let ending = self.spec.line_ending();
        let anchor = self.spec.line(line);
        let text = if anchor.terminator().is_empty() {
            lines.iter().flat_map(|line| [ending, *line]).collect()
        } else {
            lines
                .iter()
                .flat_map(|line| [*line, ending])
                .collect::<String>()
        };
        self.insert(anchor.span.end, text)
    }

    /// Removes whole lines, terminators included.
    pub fn remove_lines(&mut self, lines: LineRange) -> &mut Self {
        if lines.is_empty() {
            return self;
        }
        let start = self.spec.line(lines.start).span.start;
        let end = self.spec.line(LineId(lines.end.0 - 1)).span.end;
        self.remove(Span::new(start, end))
    }

    /// The edited source.
    ///
    /// # Errors
    ///
    /// When an edit lies outside the source or two edits overlap.
    pub fn apply_to_bytes(&self) -> Result<Vec<u8>, EditError> {
        let source = self.spec.source();
        let length = to_u32(source.len());
        let mut order: Vec<&Splice> = self.splices.iter().collect();
        // Stable: inserts at the same offset keep the order they were made in.
        order.sort_by_key(|splice| (splice.span.start, splice.span.end));
        let mut output = Vec::with_capacity(
            source.len() + order.iter().map(|splice| splice.text.len()).sum::<usize>(),
        );
        let mut copied = 0u32;
        let mut previous: Option<Span> = None;
        for splice in order {
            let span = splice.span;
            if span.start > span.end || span.end > length {
                return Err(EditError::OutOfRange { span, length });
            }
            if let Some(first) = previous
                && span.start < first.end
            {
                return Err(EditError::Overlap {
                    first,
                    second: span,
                });
            }
            output.extend_from_slice(&source[copied as usize..span.start as usize]);
            output.extend_from_slice(splice.text.as_bytes());
            copied = span.end;
            previous = Some(span);
        }
        output.extend_from_slice(&source[copied as usize..]);
        Ok(output)
    }

    /// Applies the edits and parses the result.
    ///
    /// # Errors
    ///
    /// When the edits cannot be applied, or the result is too large to parse.
    pub fn apply(&self) -> Result<Spec, EditError> {
        Ok(Spec::parse(self.apply_to_bytes()?)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(bytes: Vec<u8>) -> String {
        String::from_utf8(bytes).unwrap()
    }

    #[test]
    fn tag_value_keeps_alignment_and_other_bytes() {
        let spec = Spec::parse("Name:\tfoo\r\nVersion:\t1.0   \r\n# c\r\n").unwrap();
        let (line, _) = spec.tags().nth(1).unwrap();
        let mut edits = spec.edit();
        edits.set_tag_value(line, "2.0").unwrap();
        assert_eq!(
            text(edits.apply_to_bytes().unwrap()),
            "Name:\tfoo\r\nVersion:\t2.0   \r\n# c\r\n"
        );
        let mut edits = spec.edit();
        assert!(matches!(
            edits.set_tag_value(LineId(2), "x"),
            Err(EditError::NotATag { line: 3 })
        ));
    }

    #[test]
    fn line_inserts_follow_line_endings_and_missing_final_newline() {
        let spec = Spec::parse("a\r\nb").unwrap();
        let mut edits = spec.edit();
        edits
            .insert_lines_after(LineId(1), &["c", "d"])
            .insert_lines_before(LineId(0), &["z"]);
        assert_eq!(
            text(edits.apply_to_bytes().unwrap()),
            "z\r\na\r\nb\r\nc\r\nd"
        );
        let mut edits = spec.edit();
        edits.insert_lines_after(LineId(0), &["x"]);
        assert_eq!(text(edits.apply_to_bytes().unwrap()), "a\r\nx\r\nb");
    }

    #[test]
    fn remove_lines_and_overlaps() {
        let spec = Spec::parse("a\nb\nc\n").unwrap();
        let mut edits = spec.edit();
        edits.remove_lines(LineRange {
            start: LineId(1),
            end: LineId(3),
        });
        assert_eq!(text(edits.apply_to_bytes().unwrap()), "a\n");
        let mut edits = spec.edit();
        edits
            .replace(Span::new(0, 3), "x")
            .replace(Span::new(2, 4), "y");
        assert!(matches!(
            edits.apply_to_bytes(),
            Err(EditError::Overlap { .. })
        ));
        let mut edits = spec.edit();
        edits.replace(Span::new(0, 99), "x");
        assert!(matches!(
            edits.apply_to_bytes(),
            Err(EditError::OutOfRange { .. })
        ));
    }

    #[test]
    fn inserts_at_one_offset_keep_order() {
        let spec = Spec::parse("ab").unwrap();
        let mut edits = spec.edit();
        edits
            .insert(1, "1")
            .insert(1, "2")
            .replace(Span::new(1, 2), "B");
        assert_eq!(text(edits.apply_to_bytes().unwrap()), "a12B");
        let reparsed = edits.apply().unwrap();
        assert_eq!(reparsed.source(), b"a12B");
    }
}
