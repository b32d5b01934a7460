//! [`Spec::check_structure`]: the invariants that make the model lossless, checked on demand
//! (round-trip checks, fuzzing, tests).

use crate::error::StructureError;
use crate::line::LineKind;
use crate::span::{Position, Span, to_u32};
use crate::spec::{LineId, SectionId, Spec};

impl Spec {
    /// Checks that the tree describes the source exactly: lines tile it without gap or
    /// overlap, positions match, every span of a line lies inside it in order, sections tile
    /// the lines and start at header lines, and conditionals point at matching directives.
    ///
    /// # Errors
    ///
    /// The first invariant that does not hold.
    pub fn check_structure(&self) -> Result<(), StructureError> {
        self.check_lines()?;
        if let Some(diagnostic) = self
            .diagnostics()
            .iter()
            .find(|d| self.position(d.offset) != d.position)
        {
            return Err(StructureError::new(format!(
                "diagnostic at byte {} has a wrong position",
                diagnostic.offset
            )));
        }
        self.check_sections()?;
        self.check_conditionals()
    }

    fn check_lines(&self) -> Result<(), StructureError> {
        let source = self.source();
        let mut offset = 0u32;
        let mut physical_line = 1u32;
        for (index, line) in self.lines().iter().enumerate() {
            let fail = |what: &str| {
                Err(StructureError::new(format!(
                    "line #{index} ({}): {what}",
                    line.span
                )))
            };
            if line.span.start != offset {
                return fail("does not start where the previous line ends");
            }
            if line.span.is_empty()
                || line.content_end < line.span.start
                || line.content_end > line.span.end
            {
                return fail("has an empty span or a content end outside it");
            }
            let terminator = self.bytes(line.terminator());
            let at_end = line.span.end as usize == source.len();
            if !(terminator == b"\n" || terminator == b"\r\n" || terminator.is_empty() && at_end) {
                return fail("does not end with a line terminator");
            }
            if line.position.line != physical_line || line.position.column != 1 {
                return fail("has a wrong position");
            }
            let newlines = to_u32(
                self.bytes(line.content())
                    .iter()
                    .filter(|&&b| b == b'\n')
                    .count(),
            );
            if newlines + 1 != line.physical_lines {
                return fail("has a physical line count that does not match its content");
            }
            if anchored_positions(&line.kind)
                .into_iter()
                .any(|(offset, position)| self.position(offset) != position)
            {
                return fail("has a node whose position does not match its offset");
            }
            let spans = inner_spans(&line.kind);
            if spans.iter().any(|span| !line.content().contains(*span))
                || spans.windows(2).any(|pair| pair[1].start < pair[0].end)
            {
                return fail("has spans outside its content or out of order");
            }
            offset = line.span.end;
            physical_line += line.physical_lines;
        }
        if offset as usize != source.len() {
            return Err(StructureError::new(format!(
                "lines end at byte {offset}, the source at {}",
                source.len()
            )));
        }
        Ok(())
    }

    fn check_sections(&self) -> Result<(), StructureError> {
        let mut next = LineId(0);
        for (id, section) in self.section_ids() {
            let fail = |what: &str| {
                Err(StructureError::new(format!(
                    "section #{} ({:?}): {what}",
                    id.0, section.kind
                )))
            };
            if section.lines.start != next || section.lines.end < section.lines.start {
                return fail("does not start where the previous section ends");
            }
            let header_matches = match (id, section.header) {
                (SectionId::PREAMBLE, None) => true,
                (_, Some(header)) if header == section.lines.start => self
                    .section_header(id)
                    .is_some_and(|parsed| parsed.kind == section.kind),
                _ => false,
            };
            if !header_matches {
                return fail("has no header line of its kind at its start");
            }
            for line in section.lines.iter() {
                let is_header = matches!(self.line(line).kind, LineKind::SectionHeader(_));
                if self.line(line).section != id || is_header != (Some(line) == section.header) {
                    return fail(
                        "holds a line that names another section, or a header not at its start",
                    );
                }
            }
            next = section.lines.end;
        }
        if next.index() != self.lines().len() {
            return Err(StructureError::new(
                "sections do not cover every line".to_owned(),
            ));
        }
        Ok(())
    }

    fn check_conditionals(&self) -> Result<(), StructureError> {
        for (index, conditional) in self.conditionals().iter().enumerate() {
            let fail =
                |what: &str| Err(StructureError::new(format!("conditional #{index}: {what}")));
            let mut previous: Option<LineId> = None;
            let directives = conditional
                .branches
                .iter()
                .map(|branch| (branch.directive, Some(branch.kind)));
            for (line, kind) in directives.chain(conditional.end.map(|end| (end, None))) {
                let LineKind::Conditional(directive) = &self.line(line).kind else {
                    return fail("points at a line that is not a directive");
                };
                if directive.conditional.map(|id| id.index()) != Some(index)
                    || kind.is_some_and(|kind| kind != directive.kind)
                    || previous.is_some_and(|previous| previous >= line)
                {
                    return fail("points at a directive of another conditional or out of order");
                }
                previous = Some(line);
            }
            if let Some(parent) = conditional.parent
                && self.conditional(parent.conditional).depth + 1 != conditional.depth
            {
                return fail("has a depth that does not match its parent");
            }
        }
        Ok(())
    }
}

/// The positions nodes of a line carry, with the offsets they must correspond to.
fn anchored_positions(kind: &LineKind) -> Vec<(u32, Position)> {
    match kind {
        LineKind::Tag(tag) => vec![
            (tag.name.start, tag.position),
            (tag.value.start, tag.value_position),
        ],
        LineKind::SectionHeader(header) => vec![(header.keyword.start, header.position)],
        LineKind::Conditional(directive) => vec![(directive.keyword.start, directive.position)],
        LineKind::Definition(definition) => vec![(definition.name.start, definition.name_position)],
        LineKind::Undefine(undefine) => vec![(undefine.keyword.start, undefine.position)],
        LineKind::Include(include) => vec![(include.keyword.start, include.position)],
        LineKind::MacroCall(call) => vec![(call.name.start, call.position)],
        _ => Vec::new(),
    }
}

/// The spans inside a line, in source order.
fn inner_spans(kind: &LineKind) -> Vec<Span> {
    match kind {
        LineKind::Tag(tag) => {
            let mut spans = vec![tag.name];
            spans.extend(tag.number);
            spans.extend(tag.qualifier);
            spans.push(Span::new(tag.colon, tag.colon + 1));
            spans.push(tag.value);
            spans
        }
        LineKind::SectionHeader(header) => {
            let mut spans = vec![header.keyword];
            spans.extend(
                header
                    .package
                    .iter()
                    .flat_map(|package| package.flag.into_iter().chain([package.name])),
            );
            spans.extend(
                header
                    .options
                    .iter()
                    .flat_map(|option| [option.flag].into_iter().chain(option.value)),
            );
            spans.extend(header.extra_arguments.iter().copied());
            spans.sort_by_key(|span| span.start);
            spans.dedup();
            spans.extend(header.trigger_condition);
            spans
        }
        LineKind::Conditional(directive) => vec![directive.keyword, directive.argument],
        LineKind::Definition(definition) => {
            let mut spans = vec![definition.keyword, definition.name];
            spans.extend(definition.parameters);
            spans.push(definition.body);
            spans
        }
        LineKind::Undefine(undefine) => vec![undefine.keyword, undefine.name],
        LineKind::Include(include) => vec![include.keyword, include.path],
        LineKind::MacroCall(call) => vec![call.name],
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parsed_specs_hold_their_invariants() {
        for text in [
            "",
            "\n",
            "Name: a\n%package -n b\nSummary: x\n%if 1\n%files\n%else\n%endif\n",
            "%endif\n%else\n%if 1\n",
            "a\r\nb",
            "%files -f x -n y -- z\n%triggerin -n a -- b\n",
        ] {
            let spec = Spec::parse(text).unwrap();
            spec.check_structure()
                .unwrap_or_else(|error| panic!("{text:?}: {error}"));
        }
    }
}
