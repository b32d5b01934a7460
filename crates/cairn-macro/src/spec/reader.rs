//! rpm's spec line reader (build/parseSpec.c `readLine`): continuation, expansion,
//! conditionals and `%include`.

use std::path::{Path, PathBuf};

use crate::context::MacroContext;
use crate::error::SpecError;
use crate::expression::evaluate_condition;

/// How the lines of the current section are treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Expansion {
    /// Expand every line (preamble, `%package`, section headers).
    Full,
    /// Expand only lines that can define macros; rpm expands them all, but the others cannot
    /// change what a query reports (script bodies, `%files`, `%description`).
    DefinitionsOnly,
    /// Expand nothing (`%changelog`); conditionals are still followed.
    None,
}

struct File {
    path: PathBuf,
    text: String,
    position: usize,
    line: usize,
}

#[derive(Debug, Clone, Copy)]
struct Conditional {
    /// Lines are read in this branch.
    reading: bool,
    /// The enclosing block was reading.
    parent_reading: bool,
    /// A branch of this block was taken.
    taken: bool,
    /// `%else` was seen.
    in_else: bool,
}

/// A logical line handed to the parser.
#[derive(Debug, Clone)]
pub(crate) struct Line {
    /// The text, without its newline.
    pub text: String,
    /// Line number in its file (of the first physical line).
    pub number: usize,
    /// Whether macros in it were expanded.
    pub expanded: bool,
}

/// Reads logical spec lines.
pub(crate) struct Reader {
    files: Vec<File>,
    conditionals: Vec<Conditional>,
    /// Lines left over from a buffer that expanded to several lines.
    pending: Vec<(String, bool)>,
    pending_line: usize,
    pub(crate) target_cpu: String,
    pub(crate) target_os: String,
    /// A line pushed back by the section that read it without using it.
    unread: Option<Line>,
    spec_path: PathBuf,
}

/// Words rpm treats as lines of their own (conditionals and `%include`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Directive {
    If,
    IfArch,
    IfNotArch,
    IfOs,
    IfNotOs,
    Elif,
    ElifArch,
    ElifOs,
    Else,
    Endif,
    Include,
}

fn directive(line: &str) -> Option<(Directive, &str)> {
    let trimmed = line.trim_start();
    if !trimmed.starts_with('%') {
        return None;
    }
    const TABLE: [(&str, Directive, bool); 11] = [
        ("%ifarch", Directive::IfArch, true),
        ("%ifnarch", Directive::IfNotArch, true),
        ("%ifos", Directive::IfOs, true),
        ("%ifnos", Directive::IfNotOs, true),
        ("%if", Directive::If, true),
        ("%elifarch", Directive::ElifArch, true),
        ("%elifos", Directive::ElifOs, true),
        ("%elif", Directive::Elif, true),
        ("%else", Directive::Else, false),
        ("%endif", Directive::Endif, false),
        ("%include", Directive::Include, true),
    ];
    for (word, kind, _takes_argument) in TABLE {
        if let Some(rest) = trimmed.strip_prefix(word) {
            let next = rest.chars().next();
            if next.is_none_or(|c| c.is_whitespace() || (kind == Directive::If && c == '(')) {
                return Some((kind, rest));
            }
        }
    }
    None
}

/// rpm's `matchTok`: whether `token` is one of the blank-separated words, ignoring case.
fn match_token(token: &str, line: &str) -> bool {
    line.split_ascii_whitespace()
        .any(|word| word.eq_ignore_ascii_case(token))
}

impl Reader {
    pub(crate) fn new(path: &Path, text: String, target_cpu: &str, target_os: &str) -> Self {
        Self {
            files: vec![File {
                path: path.to_owned(),
                text,
                position: 0,
                line: 0,
            }],
            conditionals: Vec::new(),
            pending: Vec::new(),
            pending_line: 0,
            target_cpu: target_cpu.to_owned(),
            target_os: target_os.to_owned(),
            unread: None,
            spec_path: path.to_owned(),
        }
    }

    fn reading(&self) -> bool {
        self.conditionals.last().is_none_or(|c| c.reading)
    }

    fn error(&self, line: usize, message: impl Into<String>) -> SpecError {
        SpecError::Line {
            path: self.current_path().to_owned(),
            line,
            message: message.into(),
        }
    }

    fn current_path(&self) -> &Path {
        self.files.last().map_or(&self.spec_path, |file| &file.path)
    }

    /// Makes `lines` (already expanded) the next ones read.
    pub(crate) fn push_expanded(&mut self, lines: Vec<String>, number: usize) {
        self.pending
            .extend(lines.into_iter().rev().map(|line| (line, true)));
        self.pending_line = number;
    }

    /// Reads one physical-line group: lines joined while a `\` ends them or a `%{`, `%(` or
    /// `%[` is open (rpm's `copyNextLineFromOFI`). Returns the text and its first line number.
    fn read_raw(&mut self) -> Option<(String, usize)> {
        loop {
            let file = self.files.last_mut()?;
            if file.position >= file.text.len() {
                self.files.pop();
                continue;
            }
            let first_line = file.line + 1;
            let mut buffer = String::new();
            let (mut parens, mut braces, mut brackets) = (0usize, 0usize, 0usize);
            loop {
                let rest = &file.text[file.position..];
                let end = rest.find('\n').map_or(rest.len(), |at| at + 1);
                let line = &rest[..end];
                file.position += end;
                file.line += 1;
                buffer.push_str(line);
                let mut continued = false;
                let bytes = line.as_bytes();
                let mut index = 0;
                while index < bytes.len() {
                    match bytes[index] {
                        b'\\' => match bytes.get(index + 1) {
                            Some(b'\n') => {
                                continued = true;
                                index += 1;
                            }
                            Some(_) => index += 1,
                            None => {}
                        },
                        b'\n' => continued = false,
                        b'%' => match bytes.get(index + 1) {
                            Some(b'{') => {
                                braces += 1;
                                index += 1;
                            }
                            Some(b'(') => {
                                parens += 1;
                                index += 1;
                            }
                            Some(b'[') => {
                                brackets += 1;
                                index += 1;
                            }
                            Some(b'%') => index += 1,
                            _ => {}
                        },
                        b'{' if braces > 0 => braces += 1,
                        b'}' if braces > 0 => braces -= 1,
                        b'(' if parens > 0 => parens += 1,
                        b')' if parens > 0 => parens -= 1,
                        b'[' if brackets > 0 => brackets += 1,
                        b']' if brackets > 0 => brackets -= 1,
                        _ => {}
                    }
                    index += 1;
                }
                let open = continued || braces > 0 || parens > 0 || brackets > 0;
                if !open || file.position >= file.text.len() {
                    break;
                }
            }
            return Some((buffer, first_line));
        }
    }

    /// The next line to parse (conditionals applied, `%include` followed), with its line
    /// number; `None` at the end of the spec.
    pub(crate) fn next_line(
        &mut self,
        context: &mut MacroContext,
        expansion: Expansion,
    ) -> Result<Option<Line>, SpecError> {
        if let Some(unread) = self.unread.take() {
            return Ok(Some(unread));
        }
        loop {
            let (line, number) = if self.pending.is_empty() {
                let Some((raw, number)) = self.read_raw() else {
                    if !self.conditionals.is_empty() {
                        return Err(SpecError::Spec {
                            path: self.spec_path.clone(),
                            message: "unclosed %if".to_owned(),
                        });
                    }
                    return Ok(None);
                };
                let expand = self.reading()
                    && match expansion {
                        Expansion::Full => true,
                        Expansion::DefinitionsOnly => {
                            may_define(&raw)
                                || directive(&raw).is_some()
                                || holds_section_header(&raw)
                        }
                        Expansion::None => directive(&raw).is_some(),
                    };
                let expanded = expand && raw.contains('%');
                let text = if expanded {
                    context
                        .expand(&raw)
                        .map_err(|error| self.error(number, error.to_string()))?
                } else {
                    raw
                };
                let mut lines: Vec<(String, bool)> = text
                    .split_inclusive('\n')
                    .map(|l| (l.to_owned(), expanded))
                    .collect();
                if lines.is_empty() {
                    lines.push((String::new(), expanded));
                }
                lines.reverse();
                self.pending = lines;
                self.pending_line = number;
                let first = self.pending.pop().unwrap_or_default();
                (first, number)
            } else {
                (self.pending.pop().unwrap_or_default(), self.pending_line)
            };
            let ((line, expanded), number) = (line, number);
            let line = line.trim_end_matches(['\n', '\r']).to_owned();
            if let Some((kind, argument)) = directive(&line) {
                self.apply_directive(context, kind, argument, number, expanded)?;
                continue;
            }
            if !self.reading() {
                continue;
            }
            return Ok(Some(Line {
                text: line,
                number,
                expanded,
            }));
        }
    }

    fn apply_directive(
        &mut self,
        context: &mut MacroContext,
        kind: Directive,
        argument: &str,
        number: usize,
        expanded: bool,
    ) -> Result<(), SpecError> {
        let reading = self.reading();
        match kind {
            Directive::If
            | Directive::IfArch
            | Directive::IfNotArch
            | Directive::IfOs
            | Directive::IfNotOs => {
                let matched = reading && self.test(context, kind, argument, number, !expanded)?;
                self.conditionals.push(Conditional {
                    reading: reading && matched,
                    parent_reading: reading,
                    taken: matched,
                    in_else: false,
                });
            }
            Directive::Elif | Directive::ElifArch | Directive::ElifOs => {
                let Some(top) = self.conditionals.last().copied() else {
                    return Err(self.error(number, "%elif without %if"));
                };
                if top.in_else {
                    return Err(self.error(number, "%elif after %else"));
                }
                let matched = top.parent_reading
                    && !top.taken
                    && self.test(context, kind, argument, number, true)?;
                if let Some(top) = self.conditionals.last_mut() {
                    top.reading = matched;
                    top.taken |= matched;
                }
            }
            Directive::Else => {
                let Some(top) = self.conditionals.last_mut() else {
                    return Err(self.error(number, "%else without %if"));
                };
                if top.in_else {
                    return Err(self.error(number, "%else after %else"));
                }
                top.reading = top.parent_reading && !top.taken;
                top.taken = true;
                top.in_else = true;
            }
            Directive::Endif => {
                if self.conditionals.pop().is_none() {
                    return Err(self.error(number, "%endif without %if"));
                }
            }
            Directive::Include => {
                if !reading {
                    return Ok(());
                }
                let file_name = if expanded {
                    argument.trim().to_owned()
                } else {
                    context
                        .expand(argument.trim())
                        .map_err(|error| self.error(number, error.to_string()))?
                };
                if context.config.sandbox {
                    return Err(self.error(
                        number,
                        format!("%include {file_name}: a sandboxed evaluation reads no files"),
                    ));
                }
                let path = PathBuf::from(file_name);
                let text = std::fs::read(&path).map_err(|source| SpecError::Read {
                    path: path.clone(),
                    source,
                })?;
                self.files.push(File {
                    path,
                    text: String::from_utf8_lossy(&text).into_owned(),
                    position: 0,
                    line: 0,
                });
            }
        }
        Ok(())
    }

    /// Evaluates the condition of an `%if`-family line. `%elif` lines sit in a branch that was
    /// not read, so they were not expanded yet.
    fn test(
        &self,
        context: &mut MacroContext,
        kind: Directive,
        argument: &str,
        number: usize,
        expand: bool,
    ) -> Result<bool, SpecError> {
        let expanded;
        let argument = if expand && argument.contains('%') {
            expanded = context
                .expand(argument)
                .map_err(|error| self.error(number, error.to_string()))?;
            expanded.as_str()
        } else {
            argument
        };
        Ok(match kind {
            Directive::If | Directive::Elif => {
                let expression = argument.trim();
                evaluate_condition(expression)
                    .map_err(|error| self.error(number, format!("bad %if condition: {error}")))?
            }
            Directive::IfArch | Directive::ElifArch => match_token(&self.target_cpu, argument),
            Directive::IfNotArch => !match_token(&self.target_cpu, argument),
            Directive::IfOs | Directive::ElifOs => match_token(&self.target_os, argument),
            Directive::IfNotOs => !match_token(&self.target_os, argument),
            _ => false,
        })
    }
}

/// Whether a group of lines joined by an open `%{` holds a section header after its first line
/// (`%{?with_server:` then `%package server`): its expansion decides whether the section
/// exists, so it is expanded even in a body.
fn holds_section_header(raw: &str) -> bool {
    raw.trim_end_matches('\n').contains('\n')
        && raw
            .lines()
            .skip(1)
            .any(|line| super::sections::part_of(line.trim_start()).is_some())
}

/// Whether expanding a body line could define or undefine a macro.
fn may_define(line: &str) -> bool {
    line.contains('%')
        && [
            "define", "global", "undefine", "lua", "expand", "load", "bcond",
        ]
        .iter()
        .any(|word| line.contains(word))
}
