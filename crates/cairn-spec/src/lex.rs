//! Splitting a spec into logical lines the way rpm's reader joins physical lines.
//!
//! rpm (`build/parseSpec.c`, `copyNextLineFromOFI`) keeps reading physical lines into one
//! buffer while a line ends in a backslash or a `%{`, `%(` or `%[` group is still open, then
//! expands macros over the whole buffer and hands the result back one line at a time. So:
//!
//! - newlines inside an open macro group never end a logical line (a `%{lua:` block, a
//!   multi-line `%{expand:}`);
//! - a trailing backslash joins lines only for constructs that consume the joined text: macro
//!   definitions (`%define`/`%global` bodies) and conditionals or `%include` (whose backslash
//!   newlines rpm turns into spaces in `copyNextLineFinish`). Anywhere else rpm splits the
//!   expanded buffer back at each newline, so `Requires: a \` followed by `b` is two lines.

/// One logical line: one or more physical lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Unit {
    /// First byte.
    pub start: usize,
    /// End of the content, before the last physical line's terminator (`\n` or `\r\n`).
    pub content_end: usize,
    /// End including the terminator.
    pub end: usize,
    /// End of the first physical line's content.
    pub first_content_end: usize,
    /// 1-based number of the first physical line.
    pub line: u32,
    /// Number of physical lines.
    pub physical_lines: u32,
}

/// Open-group counters and the pending backslash, exactly as rpm tracks them.
#[derive(Debug, Default)]
struct Scan {
    parens: u32,
    braces: u32,
    brackets: u32,
    backslash_newline: bool,
}

impl Scan {
    fn open_group(&self) -> bool {
        self.parens > 0 || self.braces > 0 || self.brackets > 0
    }
}

/// The end of one physical line: content end and end after the terminator.
struct PhysicalLine {
    content_end: usize,
    end: usize,
}

/// Scans one physical line from `start`, updating `scan` as rpm's `copyNextLineFromOFI` does.
fn scan_physical_line(bytes: &[u8], start: usize, scan: &mut Scan) -> PhysicalLine {
    let mut index = start;
    while index < bytes.len() {
        match bytes[index] {
            b'\n' => {
                scan.backslash_newline = false;
                let content_end = if index > start && bytes[index - 1] == b'\r' {
                    index - 1
                } else {
                    index
                };
                return PhysicalLine {
                    content_end,
                    end: index + 1,
                };
            }
            b'\\' => match bytes.get(index + 1) {
                Some(b'\n') => {
                    scan.backslash_newline = true;
                    return PhysicalLine {
                        content_end: index + 1,
                        end: index + 2,
                    };
                }
                Some(_) => index += 2,
                None => index += 1,
            },
            b'%' => {
                match bytes.get(index + 1) {
                    Some(b'{') => scan.braces += 1,
                    Some(b'(') => scan.parens += 1,
                    Some(b'[') => scan.brackets += 1,
                    Some(b'%') => {}
                    _ => {
                        index += 1;
                        continue;
                    }
                }
                index += 2;
            }
            b'{' if scan.braces > 0 => {
                scan.braces += 1;
                index += 1;
            }
            b'}' if scan.braces > 0 => {
                scan.braces -= 1;
                index += 1;
            }
            b'(' if scan.parens > 0 => {
                scan.parens += 1;
                index += 1;
            }
            b')' if scan.parens > 0 => {
                scan.parens -= 1;
                index += 1;
            }
            b'[' if scan.brackets > 0 => {
                scan.brackets += 1;
                index += 1;
            }
            b']' if scan.brackets > 0 => {
                scan.brackets -= 1;
                index += 1;
            }
            _ => index += 1,
        }
    }
    PhysicalLine {
        content_end: bytes.len(),
        end: bytes.len(),
    }
}

/// rpm's `risspace` without the newline: the blanks skipped before a directive.
pub(crate) fn is_space(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\r' | 0x0b | 0x0c)
}

/// rpm's `risblank`: what must follow a directive that takes arguments.
pub(crate) fn is_blank(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t')
}

/// Whether a logical line starting at `start` absorbs backslash continuations: macro
/// definitions, conditionals and `%include` (after leading spaces).
fn absorbs_backslash_continuations(bytes: &[u8], start: usize) -> bool {
    let mut index = start;
    while index < bytes.len() && is_space(bytes[index]) {
        index += 1;
    }
    let rest = &bytes[index..];
    if rest.first() != Some(&b'%') {
        return false;
    }
    crate::line::directive_keyword(rest).is_some()
        || crate::line::definition_keyword(rest).is_some()
}

/// Iterator over the logical lines of a source.
pub(crate) struct Lexer<'a> {
    bytes: &'a [u8],
    position: usize,
    line: u32,
    join_groups: bool,
    /// Set when a macro group opened at this line never closes: rpm rejects such a spec
    /// ("unclosed macro or bad line continuation"); from there on lines are not joined on groups.
    pub unclosed_group: Option<usize>,
}

impl<'a> Lexer<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Self {
            bytes,
            position: 0,
            line: 1,
            join_groups: true,
            unclosed_group: None,
        }
    }
}

impl Iterator for Lexer<'_> {
    type Item = Unit;

    fn next(&mut self) -> Option<Unit> {
        let bytes = self.bytes;
        let start = self.position;
        if start >= bytes.len() {
            return None;
        }
        let absorbs = absorbs_backslash_continuations(bytes, start);
        let mut scan = Scan::default();
        let mut position = start;
        let mut physical_lines = 0u32;
        let mut first: Option<PhysicalLine> = None;
        loop {
            let physical = scan_physical_line(bytes, position, &mut scan);
            physical_lines += 1;
            position = physical.end;
            let at_end = physical.end >= bytes.len();
            let first_line = first.get_or_insert(PhysicalLine {
                content_end: physical.content_end,
                end: physical.end,
            });
            let continues =
                (self.join_groups && scan.open_group()) || (absorbs && scan.backslash_newline);
            if at_end && self.join_groups && scan.open_group() {
                // Fall back to the first physical line so one typo does not swallow the file.
                self.unclosed_group = Some(start);
                self.join_groups = false;
                let unit = Unit {
                    start,
                    content_end: first_line.content_end,
                    end: first_line.end,
                    first_content_end: first_line.content_end,
                    line: self.line,
                    physical_lines: 1,
                };
                self.position = first_line.end;
                self.line += 1;
                return Some(unit);
            }
            if at_end || !continues {
                let unit = Unit {
                    start,
                    content_end: physical.content_end,
                    end: physical.end,
                    first_content_end: first_line.content_end,
                    line: self.line,
                    physical_lines,
                };
                self.position = physical.end;
                self.line = self.line.saturating_add(physical_lines);
                return Some(unit);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn units(text: &str) -> Vec<(u32, u32, String)> {
        Lexer::new(text.as_bytes())
            .map(|unit| {
                (
                    unit.line,
                    unit.physical_lines,
                    text[unit.start..unit.content_end].to_owned(),
                )
            })
            .collect()
    }

    #[test]
    fn backslash_joins_definitions_and_conditionals_only() {
        let text = "%global a 1 \\\n  2\nRequires: x \\\n  y\n%if 1 \\\n || 0\n# c \\\nz\n";
        assert_eq!(
            units(text),
            vec![
                (1, 2, "%global a 1 \\\n  2".to_owned()),
                (3, 1, "Requires: x \\".to_owned()),
                (4, 1, "  y".to_owned()),
                (5, 2, "%if 1 \\\n || 0".to_owned()),
                (7, 1, "# c \\".to_owned()),
                (8, 1, "z".to_owned()),
            ]
        );
    }

    #[test]
    fn open_macro_groups_join_lines() {
        let text = "%{lua:\nprint(1)\n}\nnext\n%(echo\n)\n%[1 +\n2]\n";
        let got = units(text);
        assert_eq!(got[0], (1, 3, "%{lua:\nprint(1)\n}".to_owned()));
        assert_eq!(got[1], (4, 1, "next".to_owned()));
        assert_eq!(got[2], (5, 2, "%(echo\n)".to_owned()));
        assert_eq!(got[3], (7, 2, "%[1 +\n2]".to_owned()));
    }

    #[test]
    fn escaped_and_doubled_percent_do_not_open_groups() {
        assert_eq!(units("%%{a\n\\%{b\nc\n").len(), 3);
    }

    #[test]
    fn crlf_terminators_stay_out_of_content() {
        let text = "a\r\nb\r\n";
        let lexed: Vec<Unit> = Lexer::new(text.as_bytes()).collect();
        assert_eq!(lexed[0].content_end, 1);
        assert_eq!(lexed[0].end, 3);
        assert_eq!(lexed[1].start, 3);
    }

    #[test]
    fn unclosed_group_falls_back_to_single_lines() {
        let text = "a %{b\nc\nd\n";
        let mut lexer = Lexer::new(text.as_bytes());
        let all: Vec<Unit> = lexer.by_ref().collect();
        assert_eq!(all.len(), 3);
        assert_eq!(lexer.unclosed_group, Some(0));
        assert_eq!(all[2].line, 3);
    }

    #[test]
    fn no_final_newline() {
        let got = units("a\nb");
        assert_eq!(got, vec![(1, 1, "a".to_owned()), (2, 1, "b".to_owned())]);
    }
}
