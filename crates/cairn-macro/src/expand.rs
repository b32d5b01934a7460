//! The expansion loop: a port of `expandMacro` from rpm 4.18's rpmio/macro.c.
//!
//! Behaviour follows rpm, including its quirks: an undefined `%foo` or `%{foo}` is kept
//! verbatim, `%%` becomes `%` (kept as `%%` while arguments of a parametric call are
//! gathered), `%name args` of a parametric macro takes the rest of the line, expansion depth
//! is capped at 64 ("Too many levels of recursion").

use std::sync::Arc;

use crate::args::{call_arguments, split_quoted};
use crate::builtins::{self, Builtin};
use crate::context::MacroContext;
use crate::error::MacroError;
use crate::table::MacroDefinition;

/// rpm's `_MAX_MACRO_DEPTH`.
pub(crate) const MAX_DEPTH: usize = 64;

/// State of one expansion (rpm's `MacroBuf` minus the buffer).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Frame {
    pub depth: usize,
    pub level: i32,
    /// Keep `%%` as `%%` (while gathering parametric macro arguments).
    pub escape: bool,
    /// The parametric call whose body is being expanded (an index into
    /// `MacroContext::calls`); `None` at the top level and in plain macros' bodies.
    pub call: Option<usize>,
}

/// Index of the character closing the group opened at `start` (`bytes[start] == open`),
/// skipping backslash-escaped characters, as rpm's `matchchar`.
pub(crate) fn match_close(bytes: &[u8], start: usize, open: u8, close: u8) -> Option<usize> {
    let mut level = 0usize;
    let mut index = start;
    while index < bytes.len() {
        let c = bytes[index];
        if c == b'\\' {
            index += 2;
            continue;
        }
        if c == close {
            level = level.saturating_sub(1);
            if level == 0 {
                return Some(index);
            }
        } else if c == open {
            level += 1;
        }
        index += 1;
    }
    None
}

fn is_name_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

fn shorten(text: &str) -> String {
    let mut end = text.len().min(60);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_owned()
}

/// What follows a `%`: the parsed macro reference.
struct Reference<'a> {
    /// The name (may start with `-` for option macros).
    name: &'a str,
    negate: bool,
    check_exists: bool,
    /// Text after `:` in `%{name:arg}`.
    argument: Option<&'a str>,
    /// Arguments of `%name args` (to end of line) or `%{name args}`: start and end offsets.
    line_arguments: Option<(usize, usize)>,
    /// Whether the reference used braces.
    braced: bool,
    /// Offset just past the reference (past `}` or past the name).
    end: usize,
    /// Offset just past the `%`.
    start: usize,
}

impl MacroContext {
    /// Expands `source` at the top level.
    pub fn expand(&mut self, source: &str) -> Result<String, MacroError> {
        if !source.contains('%') {
            return Ok(source.to_owned());
        }
        let mut out = String::with_capacity(source.len() + 16);
        let frame = Frame {
            depth: self.depth,
            level: self.level,
            escape: false,
            call: None,
        };
        self.expand_into(source, &mut out, frame)?;
        // The loop checks the size before each `%`; the last macro's output comes after it.
        if out.len() > self.config.output_limit {
            return Err(MacroError::OutputTooLarge {
                limit: self.config.output_limit,
            });
        }
        Ok(out)
    }

    /// Expands `source` into a new string with the state of `frame` (rpm's `expandThis`).
    pub(crate) fn expand_this(&mut self, source: &str, frame: Frame) -> Result<String, MacroError> {
        let mut out = String::with_capacity(source.len());
        self.expand_into(source, &mut out, frame)?;
        Ok(out)
    }

    pub(crate) fn expand_into(
        &mut self,
        source: &str,
        out: &mut String,
        mut frame: Frame,
    ) -> Result<(), MacroError> {
        frame.depth += 1;
        if frame.depth > MAX_DEPTH {
            return Err(MacroError::Recursion);
        }
        let bytes = source.as_bytes();
        let mut index = 0;
        while index < bytes.len() {
            let Some(offset) = source[index..].find('%') else {
                out.push_str(&source[index..]);
                break;
            };
            out.push_str(&source[index..index + offset]);
            index += offset + 1;
            if out.len() > self.config.output_limit {
                return Err(MacroError::OutputTooLarge {
                    limit: self.config.output_limit,
                });
            }
            match bytes.get(index) {
                None => {
                    out.push('%');
                    break;
                }
                Some(b'%') => {
                    index += 1;
                    out.push('%');
                    if frame.escape {
                        out.push('%');
                    }
                    continue;
                }
                Some(b'(') => {
                    let close = match_close(bytes, index, b'(', b')').ok_or_else(|| {
                        MacroError::Unterminated {
                            opening: "%(",
                            text: shorten(&source[index..]),
                        }
                    })?;
                    let command = self.expand_this(&source[index + 1..close], frame)?;
                    let output = self.run_shell(&command)?;
                    out.push_str(&output);
                    index = close + 1;
                    continue;
                }
                Some(b'[') => {
                    let close = match_close(bytes, index, b'[', b']').ok_or_else(|| {
                        MacroError::Unterminated {
                            opening: "%[",
                            text: shorten(&source[index..]),
                        }
                    })?;
                    let value = crate::expression::evaluate_expanding(
                        self,
                        &source[index + 1..close],
                        frame,
                    )?;
                    out.push_str(&value.to_string());
                    index = close + 1;
                    continue;
                }
                Some(_) => {}
            }
            let reference = match parse_reference(source, index)? {
                Some(reference) => reference,
                None => {
                    // rpm keeps a `%` that starts no macro name and goes on after it.
                    out.push('%');
                    continue;
                }
            };
            index = self.expand_reference(source, &reference, out, frame)?;
        }
        Ok(())
    }

    /// Expands one parsed reference, returning where scanning continues.
    fn expand_reference(
        &mut self,
        source: &str,
        reference: &Reference<'_>,
        out: &mut String,
        frame: Frame,
    ) -> Result<usize, MacroError> {
        let name = reference.name;
        if let Some(builtin) = builtins::lookup(name, &self.config) {
            return self.expand_builtin(builtin, source, reference, out, frame);
        }
        let definition: Option<MacroDefinition> = self
            .table
            .get(name)
            .filter(|d| !(d.automatic && frame.level > d.level))
            .cloned();
        let conditional = name.starts_with('-') || reference.check_exists;
        if conditional {
            let present = definition.is_some();
            if present == reference.negate {
                return Ok(reference.end);
            }
            if let Some(argument) = reference.argument {
                self.expand_into(argument, out, frame)?;
            } else if let Some(definition) = &definition
                && !definition.body.is_empty()
            {
                self.expand_into(&definition.body, out, frame)?;
            }
            return Ok(reference.end);
        }
        let Some(definition) = definition else {
            // Unknown macros are left as they are; scanning resumes right after the `%`.
            out.push('%');
            return Ok(reference.start);
        };
        let Some(options) = &definition.options else {
            if !definition.body.is_empty() {
                self.expand_into(
                    &definition.body,
                    out,
                    Frame {
                        call: None,
                        ..frame
                    },
                )?;
            }
            return Ok(reference.end);
        };
        // Parametric call: gather arguments, push the automatic macros one level down.
        let mut arguments = Vec::new();
        let mut end = reference.end;
        if let Some(argument) = reference.argument {
            let expanded = self.expand_this(
                argument,
                Frame {
                    escape: true,
                    ..frame
                },
            )?;
            arguments.push(expanded);
        } else if let Some((start, stop)) = reference.line_arguments {
            let expanded = self.expand_this(
                &source[start..stop],
                Frame {
                    escape: true,
                    ..frame
                },
            )?;
            split_quoted(&expanded, &mut arguments);
            if !reference.braced {
                let bytes = source.as_bytes();
                let at_line_end = stop >= bytes.len() || bytes[stop] == b'\n';
                let escaped = stop > 0 && bytes[stop - 1] == b'\\';
                end = if at_line_end && !escaped {
                    stop
                } else {
                    (stop + 1).min(bytes.len())
                };
            }
        }
        let options = Arc::clone(options);
        self.call_body(name, &options, &arguments, &definition.body, out, frame)?;
        Ok(end)
    }

    /// Expands `body` as the body of parametric macro `name` called with `arguments`, one
    /// level below `frame` (rpm's `grabArgs`, body expansion and `freeArgs`).
    pub(crate) fn call_body(
        &mut self,
        name: &str,
        options: &str,
        arguments: &[String],
        body: &str,
        out: &mut String,
        frame: Frame,
    ) -> Result<(), MacroError> {
        let level = frame.level + 1;
        let calls = self.calls.len();
        let result = call_arguments(self, name, options, arguments, level).and_then(|call| {
            self.calls.push(call);
            let inner = Frame {
                level,
                call: Some(calls),
                ..frame
            };
            if body.is_empty() {
                Ok(())
            } else {
                self.expand_into(body, out, inner)
            }
        });
        self.calls.truncate(calls);
        self.table.drop_scope(level);
        result
    }

    fn expand_builtin(
        &mut self,
        builtin: Builtin,
        source: &str,
        reference: &Reference<'_>,
        out: &mut String,
        frame: Frame,
    ) -> Result<usize, MacroError> {
        if builtin.parses_rest() && reference.argument.is_none() && !reference.braced {
            // `%define name body` and friends read on from the name themselves.
            let rest = &source[reference.end..];
            let consumed = builtins::run_parsing(self, builtin, rest, frame)?;
            return Ok(reference.end + consumed);
        }
        let (raw, end) = match (reference.argument, reference.line_arguments) {
            (Some(argument), _) => (Some(argument), reference.end),
            (None, Some((start, stop))) => {
                let end = if reference.braced {
                    reference.end
                } else {
                    stop
                };
                (Some(&source[start..stop]), end)
            }
            (None, None) => (None, reference.end),
        };
        // rpm expands builtin arguments without the argument-gathering `%%` escape
        // (`%foo %{expand:%%{bar}}` passes the value of bar).
        builtins::run(
            self,
            builtin,
            reference.negate,
            raw,
            out,
            Frame {
                escape: false,
                ..frame
            },
        )?;
        Ok(end)
    }
}

/// Parses the reference that starts at `index` (just after the `%`); `None` when no name
/// follows.
fn parse_reference(source: &str, index: usize) -> Result<Option<Reference<'_>>, MacroError> {
    let bytes = source.as_bytes();
    let mut negate = false;
    let mut check_exists = false;
    if bytes[index] == b'{' {
        let close =
            match_close(bytes, index, b'{', b'}').ok_or_else(|| MacroError::Unterminated {
                opening: "%{",
                text: shorten(&source[index..]),
            })?;
        let mut name_start = index + 1;
        while name_start < close && matches!(bytes[name_start], b'!' | b'?') {
            if bytes[name_start] == b'!' {
                negate = !negate;
            } else {
                check_exists = true;
            }
            name_start += 1;
        }
        let mut name_end = name_start;
        while name_end < close && !matches!(bytes[name_end], b' ' | b':') {
            name_end += 1;
        }
        if name_end == name_start {
            return Ok(None);
        }
        let (argument, line_arguments) = match bytes.get(name_end) {
            Some(b':') if name_end < close => (Some(&source[name_end + 1..close]), None),
            Some(b' ') if name_end < close => (None, Some((name_end + 1, close))),
            _ => (None, None),
        };
        return Ok(Some(Reference {
            name: &source[name_start..name_end],
            negate,
            check_exists,
            argument,
            line_arguments,
            braced: true,
            end: close + 1,
            start: index,
        }));
    }
    let mut name_start = index;
    while name_start < bytes.len() && matches!(bytes[name_start], b'!' | b'?') {
        if bytes[name_start] == b'!' {
            negate = !negate;
        } else {
            check_exists = true;
        }
        name_start += 1;
    }
    let mut name_end = name_start;
    if bytes.get(name_end) == Some(&b'-') {
        name_end += 1;
    }
    while name_end < bytes.len() && is_name_byte(bytes[name_end]) {
        name_end += 1;
    }
    match bytes.get(name_end) {
        Some(b'*') => {
            name_end += 1;
            if bytes.get(name_end) == Some(&b'*') {
                name_end += 1;
            }
        }
        Some(b'#') => name_end += 1,
        _ => {}
    }
    if name_end == name_start || &source[name_start..name_end] == "-" {
        return Ok(None);
    }
    let line_arguments = match bytes.get(name_end) {
        Some(b' ' | b'\t') => {
            let stop = source[name_end..]
                .find('\n')
                .map_or(bytes.len(), |offset| name_end + offset);
            Some((name_end + 1, stop))
        }
        _ => None,
    };
    Ok(Some(Reference {
        name: &source[name_start..name_end],
        negate,
        check_exists,
        argument: None,
        line_arguments,
        braced: false,
        end: name_end,
        start: index,
    }))
}
