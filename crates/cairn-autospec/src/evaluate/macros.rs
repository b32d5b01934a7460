//! Macro expansion for [`super::preamble`]: `%name`, `%{...}` with `?`/`!` conditionals,
//! builtins (`expand`, `lower`, `with`, `defined`, ...), `%define`/`%global`/`%undefine`,
//! `%bcond*`, and parametric macros called with `getopt` options (rpm 4.18 `rpmio/macro.c`).

use super::expression::evaluate_condition;
use super::preamble::{Macro, State, invalid};
use crate::error::EvaluationError;

/// rpm stops expanding after this many nested levels.
const MAX_DEPTH: usize = 64;

impl State<'_> {
    /// Expands macros in `text` (rpm `expandMacro`).
    pub(super) fn expand(&mut self, text: &str, depth: usize) -> Result<String, EvaluationError> {
        if depth > MAX_DEPTH {
            return Err(invalid(
                self.line,
                "too many levels of recursion in macro expansion",
            ));
        }
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(percent) = rest.find('%') {
            out.push_str(&rest[..percent]);
            let after = &rest[percent + 1..];
            let (expansion, consumed) = self.expand_one(after, depth)?;
            out.push_str(&expansion);
            rest = &after[consumed..];
        }
        out.push_str(rest);
        Ok(out)
    }

    /// Expands the construct after a `%`; returns its expansion and how many bytes it used.
    fn expand_one(
        &mut self,
        after: &str,
        depth: usize,
    ) -> Result<(String, usize), EvaluationError> {
        let line = self.line;
        let unsupported = |construct: &str| EvaluationError::Unsupported {
            line,
            construct: construct.to_owned(),
        };
        match after.chars().next() {
            Some('%') => Ok((String::from("%"), 1)),
            Some('(') => Err(unsupported("shell expansion %(...)")),
            Some('[') => Err(unsupported("expression expansion %[...]")),
            Some('{') => {
                let close =
                    matching_brace(after).ok_or_else(|| invalid(line, "unterminated %{"))?;
                let inner = &after[1..close];
                let expansion = self.braced(inner, depth)?;
                Ok((expansion, close + 1))
            }
            Some(_) => {
                let flags = after.len() - after.trim_start_matches(['!', '?']).len();
                let (negate, conditional) =
                    (after[..flags].contains('!'), after[..flags].contains('?'));
                let name_part = &after[flags..];
                let name_length = macro_name_length(name_part);
                if name_length == 0 {
                    return Ok((String::from("%"), 0));
                }
                let name = &name_part[..name_length];
                let consumed = flags + name_length;
                if !conditional
                    && !negate
                    && let Some(result) =
                        self.bare_builtin(name, &name_part[name_length..], depth)?
                {
                    return Ok((result, name_part.len() + flags));
                }
                if conditional {
                    return Ok((self.conditional_value(name, negate, None, depth)?, consumed));
                }
                match self.lookup(name).cloned() {
                    Some(Macro {
                        options: Some(_), ..
                    }) => {
                        let line_end = name_part[name_length..]
                            .find('\n')
                            .map_or(name_part.len(), |i| i + name_length);
                        let arguments =
                            self.expand(&name_part[name_length..line_end], depth + 1)?;
                        let value = self.call(name, &arguments, depth)?;
                        Ok((value, flags + line_end))
                    }
                    Some(Macro { body, .. }) => Ok((self.expand(&body, depth + 1)?, consumed)),
                    None => Ok((format!("%{}", &after[..consumed]), consumed)),
                }
            }
            None => Ok((String::from("%"), 0)),
        }
    }

    /// `%define`, `%global`, `%undefine` and `%bcond*` written without braces: they take the
    /// rest of the line.
    fn bare_builtin(
        &mut self,
        name: &str,
        rest: &str,
        depth: usize,
    ) -> Result<Option<String>, EvaluationError> {
        match name {
            "define" | "global" => {
                self.define(rest, name == "global", depth)?;
                Ok(Some(String::new()))
            }
            "undefine" => {
                if let Some(stack) = self.macros.get_mut(rest.trim()) {
                    stack.pop();
                }
                Ok(Some(String::new()))
            }
            "bcond_with" | "bcond_without" | "bcond" => {
                let arguments = self.expand(rest, depth + 1)?;
                let mut words = arguments.split_whitespace();
                let Some(option) = words.next() else {
                    return Ok(Some(String::new()));
                };
                let default_on = match name {
                    "bcond_with" => false,
                    "bcond_without" => true,
                    _ => words
                        .next()
                        .is_some_and(|value| evaluate_condition(value).unwrap_or(false)),
                };
                let enabled = if default_on {
                    self.lookup(&format!("_without_{option}")).is_none()
                } else {
                    self.lookup(&format!("_with_{option}")).is_some()
                };
                if enabled {
                    self.push(&format!("with_{option}"), None, "1");
                }
                Ok(Some(String::new()))
            }
            _ => Ok(None),
        }
    }

    fn define(&mut self, text: &str, global: bool, depth: usize) -> Result<(), EvaluationError> {
        let line = self.line;
        let text = text.trim_start();
        let name_length = text
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
            .count();
        let name = &text[..name_length];
        let mut rest = &text[name_length..];
        let mut options = None;
        if let Some(after) = rest.strip_prefix('(') {
            let close = after
                .find(')')
                .ok_or_else(|| invalid(line, format!("macro %{name} has unterminated opts")))?;
            options = Some(after[..close].to_owned());
            rest = &after[close + 1..];
        }
        if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
            return Err(invalid(line, format!("macro %{name} has illegal name")));
        }
        let body = rest.trim().replace("\\\n", "\n");
        if body.is_empty() {
            return Err(invalid(line, format!("macro %{name} has empty body")));
        }
        let body = if global {
            self.expand(&body, depth + 1)?
        } else {
            body
        };
        self.push(name, options.as_deref(), &body);
        Ok(())
    }

    /// The inside of `%{...}`.
    fn braced(&mut self, inner: &str, depth: usize) -> Result<String, EvaluationError> {
        let flags = inner.len() - inner.trim_start_matches(['!', '?']).len();
        let (negate, conditional) = (inner[..flags].contains('!'), inner[..flags].contains('?'));
        let body = &inner[flags..];
        let name_end = body
            .find(|c: char| c == ':' || c.is_whitespace())
            .unwrap_or(body.len());
        let name = &body[..name_end];
        let separator = body[name_end..].chars().next();
        let argument = separator.map(|c| &body[name_end + c.len_utf8()..]);
        if conditional {
            let alternative = if separator == Some(':') {
                argument
            } else {
                None
            };
            return self.conditional_value(name, negate, alternative, depth);
        }
        let line = self.line;
        match (name, separator) {
            ("lua", Some(':')) => Err(EvaluationError::Unsupported {
                line,
                construct: String::from("%{lua:...}"),
            }),
            ("load", Some(':')) | ("nil", None) | ("echo" | "warn" | "verbose", Some(':')) => {
                Ok(String::new())
            }
            ("error", Some(':')) => Err(invalid(
                line,
                self.expand(argument.unwrap_or(""), depth + 1)?,
            )),
            ("expand", Some(':')) => {
                let once = self.expand(argument.unwrap_or(""), depth + 1)?;
                self.expand(&once, depth + 1)
            }
            ("lower" | "upper" | "len" | "quote" | "shrink", Some(':')) => {
                let value = self.expand(argument.unwrap_or(""), depth + 1)?;
                Ok(match name {
                    "lower" => value.to_lowercase(),
                    "upper" => value.to_uppercase(),
                    "len" => value.chars().count().to_string(),
                    "shrink" => value.split_whitespace().collect::<Vec<_>>().join(" "),
                    _ => value,
                })
            }
            ("with" | "without" | "defined" | "undefined", Some(_)) => {
                let target = self.expand(argument.unwrap_or(""), depth + 1)?;
                let target = target.trim();
                let defined = match name {
                    "with" | "without" => self.lookup(&format!("with_{target}")).is_some(),
                    _ => self.lookup(target).is_some(),
                };
                Ok(String::from(
                    if defined == matches!(name, "with" | "defined") {
                        "1"
                    } else {
                        "0"
                    },
                ))
            }
            ("define" | "global", Some(_)) => {
                self.define(argument.unwrap_or(""), name == "global", depth)?;
                Ok(String::new())
            }
            (_, Some(c)) if c.is_whitespace() => {
                let arguments = self.expand(argument.unwrap_or(""), depth + 1)?;
                match self.lookup(name) {
                    Some(_) => self.call(name, &arguments, depth),
                    None => Ok(format!("%{{{inner}}}")),
                }
            }
            _ => match self.lookup(name).cloned() {
                Some(Macro {
                    options: Some(_), ..
                }) => self.call(name, "", depth),
                Some(Macro { body, .. }) => self.expand(&body, depth + 1),
                None if name.is_empty() || separator == Some(':') => {
                    Err(EvaluationError::Unsupported {
                        line,
                        construct: format!("%{{{inner}}}"),
                    })
                }
                None => Ok(format!("%{{{inner}}}")),
            },
        }
    }

    /// `%{?name}`, `%{?name:text}`, `%{!?name:text}` (rpm: skip when undefined and not negated,
    /// or defined and negated).
    fn conditional_value(
        &mut self,
        name: &str,
        negate: bool,
        alternative: Option<&str>,
        depth: usize,
    ) -> Result<String, EvaluationError> {
        let definition = self.lookup(name).cloned();
        if definition.is_some() == negate {
            return Ok(String::new());
        }
        match (alternative, definition) {
            (Some(text), _) => self.expand(text, depth + 1),
            (
                None,
                Some(Macro {
                    options: Some(_), ..
                }),
            ) => self.call(name, "", depth),
            (None, Some(Macro { body, .. })) => self.expand(&body, depth + 1),
            (None, None) => Ok(String::new()),
        }
    }

    /// Calls a parametric macro: `getopt` over its options, then `%1`.., `%*`, `%**`, `%#`,
    /// `%0`, `%{-x}` and `%{-x*}` while its body expands.
    fn call(
        &mut self,
        name: &str,
        arguments: &str,
        depth: usize,
    ) -> Result<String, EvaluationError> {
        let line = self.line;
        let definition = self.lookup(name).cloned().expect("caller checked");
        let options = definition.options.unwrap_or_default();
        let words: Vec<&str> = arguments.split_whitespace().collect();
        let mut locals: Vec<(String, String)> = vec![(String::from("0"), name.to_owned())];
        let mut index = 0;
        while index < words.len() {
            let word = words[index];
            if word == "--" {
                index += 1;
                break;
            }
            if !word.starts_with('-') || word == "-" {
                break;
            }
            let letters = word[1..].char_indices();
            for (offset, letter) in letters {
                let position = options.find(letter).filter(|_| letter != ':');
                let Some(position) = position else {
                    return Err(invalid(
                        line,
                        format!("Unknown option {letter} in {name}({options})"),
                    ));
                };
                if options[position + 1..].starts_with(':') {
                    let inline = &word[1 + offset + letter.len_utf8()..];
                    let value = if inline.is_empty() {
                        index += 1;
                        (*words.get(index).ok_or_else(|| {
                            invalid(line, format!("option -{letter} of %{name} needs a value"))
                        })?)
                        .to_owned()
                    } else {
                        inline.to_owned()
                    };
                    locals.push((format!("-{letter}"), format!("-{letter} {value}")));
                    locals.push((format!("-{letter}*"), value));
                    break;
                }
                locals.push((format!("-{letter}"), format!("-{letter}")));
            }
            index += 1;
        }
        let positional = &words[index.min(words.len())..];
        for (number, word) in positional.iter().enumerate() {
            locals.push(((number + 1).to_string(), (*word).to_owned()));
        }
        locals.push((String::from("*"), positional.join(" ")));
        locals.push((String::from("**"), arguments.trim().to_owned()));
        locals.push((String::from("#"), positional.len().to_string()));
        for (local, value) in &locals {
            self.push(local, None, value);
        }
        let result = self.expand(&definition.body, depth + 1);
        for (local, _) in &locals {
            if let Some(stack) = self.macros.get_mut(local) {
                stack.pop();
            }
        }
        result
    }
}

/// The index of the `}` closing the `{` at index 0.
fn matching_brace(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    let bytes = text.as_bytes();
    let mut index = 0;
    while index < bytes.len() {
        match bytes[index] {
            b'\\' => index += 1,
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(index);
                }
            }
            _ => {}
        }
        index += 1;
    }
    None
}

/// The length of a macro name at the start of `text`: `[A-Za-z_][A-Za-z0-9_]*`, or the
/// parameter names `-x`, `-x*`, `*`, `**`, `#` and digits.
fn macro_name_length(text: &str) -> usize {
    let bytes = text.as_bytes();
    match bytes.first() {
        Some(b) if b.is_ascii_alphabetic() || *b == b'_' => bytes
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
            .count(),
        Some(b'-') if bytes.get(1).is_some_and(u8::is_ascii_alphanumeric) => {
            if bytes.get(2) == Some(&b'*') { 3 } else { 2 }
        }
        Some(b'*') => {
            if bytes.get(1) == Some(&b'*') {
                2
            } else {
                1
            }
        }
        Some(b'#') => 1,
        Some(b) if b.is_ascii_digit() => bytes.iter().take_while(|b| b.is_ascii_digit()).count(),
        _ => 0,
    }
}
