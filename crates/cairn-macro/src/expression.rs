//! `%[...]`, `%{expr:...}` and `%if` expressions: a port of rpm 4.18's rpmio/expression.c.
//!
//! Values are integers, strings (`"..."`) and versions (`v"..."`, compared with rpmvercmp).
//! Precedence, loosest first: `?:`, then `&&` and `||` (one level, left to right, as in rpm),
//! then all comparisons (one level), `+ -`, `* /`, unary `! -`. `&&`/`||` return an operand,
//! not a boolean. Both sides of a binary operator must have the same type. Inside `%[...]`
//! a macro is expanded where it stands (unless short-circuiting skips it) and must expand to
//! a number or a quoted string.

use std::cmp::Ordering;
use std::fmt;

use crate::context::MacroContext;
use crate::error::MacroError;
use crate::expand::{Frame, match_close};
use cairn_rpm_types::{EvrParts, compare_epochs, rpmvercmp};

/// The value of an expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// An integer.
    Integer(i64),
    /// A string.
    String(String),
    /// A version (`v"1.2"`).
    Version(String),
    /// The value of a macro skipped by short-circuiting: compatible with every type.
    Skipped,
}

impl Value {
    /// rpm's truth: non-zero integers, non-empty strings and versions.
    pub fn is_true(&self) -> bool {
        match self {
            Self::Integer(value) => *value != 0,
            Self::String(text) => !text.is_empty(),
            Self::Version(_) => false,
            Self::Skipped => false,
        }
    }

    fn same_type(&self, other: &Self) -> bool {
        matches!(
            (self, other),
            (Self::Integer(_), Self::Integer(_))
                | (Self::String(_), Self::String(_))
                | (Self::Version(_), Self::Version(_))
                | (Self::Skipped, _)
                | (_, Self::Skipped)
        )
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Integer(value) => write!(f, "{value}"),
            Self::String(text) | Self::Version(text) => f.write_str(text),
            Self::Skipped => Ok(()),
        }
    }
}

/// Evaluates an `%if` condition (already macro-expanded, as rpm expands the line first).
pub fn evaluate_condition(expression: &str) -> Result<bool, MacroError> {
    let mut parser = Parser {
        text: expression,
        position: 0,
        context: None,
    };
    Ok(parser.run()?.is_true())
}

/// Evaluates `%[...]` content, expanding macros where they stand.
pub(crate) fn evaluate_expanding(
    context: &mut MacroContext,
    expression: &str,
    frame: Frame,
) -> Result<Value, MacroError> {
    let mut parser = Parser {
        text: expression,
        position: 0,
        context: Some((context, frame)),
    };
    parser.run()
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Value(Value),
    /// A macro reference (text of it), expanded lazily.
    Macro(String),
    Operator(&'static str),
    Open,
    Close,
    End,
}

struct Parser<'a, 'c> {
    text: &'a str,
    position: usize,
    context: Option<(&'c mut MacroContext, Frame)>,
}

const OPERATORS: [&str; 16] = [
    "&&", "||", "==", "!=", "<=", ">=", "<", ">", "+", "-", "*", "/", "!", "?", ":", "=",
];

impl Parser<'_, '_> {
    fn error(&self, message: &str) -> MacroError {
        MacroError::Expression {
            message: message.to_owned(),
            expression: self.text.to_owned(),
        }
    }

    fn run(&mut self) -> Result<Value, MacroError> {
        let value = self.ternary(false)?;
        match self.next_token()? {
            Token::End => Ok(value),
            _ => Err(self.error("syntax error in expression")),
        }
    }

    fn skip_blanks(&mut self) {
        let bytes = self.text.as_bytes();
        while self.position < bytes.len() && bytes[self.position].is_ascii_whitespace() {
            self.position += 1;
        }
    }

    fn peek_token(&mut self) -> Result<Token, MacroError> {
        let saved = self.position;
        let token = self.next_token();
        self.position = saved;
        token
    }

    /// A `"..."` string: rpm has no escapes in it; when expanding, a macro inside is skipped
    /// whole (`"%{?x:"q"}"` is one string).
    fn read_quoted(&mut self) -> Result<String, MacroError> {
        let bytes = self.text.as_bytes();
        let start = self.position + 1;
        let mut end = start;
        while end < bytes.len() && bytes[end] != b'"' {
            if bytes[end] == b'%' && self.context.is_some() {
                end = skip_macro(bytes, end + 1)
                    .ok_or_else(|| self.error("unterminated macro in expression"))?;
            } else {
                end += 1;
            }
        }
        if end >= bytes.len() {
            return Err(self.error("unterminated string in expression"));
        }
        self.position = end + 1;
        Ok(self.text[start..end].to_owned())
    }

    fn next_token(&mut self) -> Result<Token, MacroError> {
        self.skip_blanks();
        let bytes = self.text.as_bytes();
        let Some(&c) = bytes.get(self.position) else {
            return Ok(Token::End);
        };
        match c {
            b'(' => {
                self.position += 1;
                return Ok(Token::Open);
            }
            b')' => {
                self.position += 1;
                return Ok(Token::Close);
            }
            b'"' => return Ok(Token::Value(Value::String(self.read_quoted()?))),
            b'v' if bytes.get(self.position + 1) == Some(&b'"') => {
                self.position += 1;
                return Ok(Token::Value(Value::Version(self.read_quoted()?)));
            }
            b'%' if self.context.is_none() => {
                return Err(self.error("parse error in expression"));
            }
            b'0'..=b'9' | b'%' => {
                let word = self.read_word()?;
                if word.contains('%') {
                    return Ok(Token::Macro(word));
                }
                let value = word
                    .parse::<i64>()
                    .map_err(|_| self.error("integer out of range"))?;
                return Ok(Token::Value(Value::Integer(value)));
            }
            _ => {}
        }
        for operator in OPERATORS {
            if self.text[self.position..].starts_with(operator) {
                self.position += operator.len();
                return Ok(Token::Operator(operator));
            }
        }
        if c.is_ascii_alphabetic() || c == b'_' || c == b'%' {
            return Err(self.error("bare words are no longer supported, please use \"...\""));
        }
        Err(self.error("syntax error in expression"))
    }

    /// A run of digits and (when expanding) macro references, as rpm's `rdToken` reads an
    /// integer token: `0%{?fedora}` is one token, `%{?x}?` stops before the `?`.
    fn read_word(&mut self) -> Result<String, MacroError> {
        let bytes = self.text.as_bytes();
        let start = self.position;
        let expand = self.context.is_some();
        while self.position < bytes.len() {
            let c = bytes[self.position];
            if c == b'%' && expand {
                self.position = skip_macro(bytes, self.position + 1)
                    .ok_or_else(|| self.error("unterminated macro in expression"))?;
            } else if c.is_ascii_digit() {
                self.position += 1;
            } else {
                break;
            }
        }
        Ok(self.text[start..self.position].to_owned())
    }

    /// The value of an integer token with macros: rpm expands it and requires an optional `-`
    /// and digits only (the empty string is 0).
    fn macro_value(&mut self, word: &str, skip: bool) -> Result<Value, MacroError> {
        if skip {
            return Ok(Value::Skipped);
        }
        let Some((context, frame)) = self.context.as_mut() else {
            return Err(self.error("syntax error in expression"));
        };
        let expanded = context.expand_this(word, *frame)?;
        let digits = expanded.strip_prefix('-').unwrap_or(&expanded);
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            let message = if expanded.starts_with(|c: char| c.is_ascii_alphabetic()) {
                "macro expansion returned a bare word, please use \"...\""
            } else {
                "macro expansion did not return an integer"
            };
            return Err(MacroError::Expression {
                message: format!("{message} (expanded to {expanded:?})"),
                expression: self.text.to_owned(),
            });
        }
        Ok(Value::Integer(atoi(&expanded)))
    }

    fn expand_literal(&mut self, text: &str) -> Result<String, MacroError> {
        match self.context.as_mut() {
            Some((context, frame)) => context.expand_this(text, *frame),
            None => Ok(text.to_owned()),
        }
    }

    fn ternary(&mut self, skip: bool) -> Result<Value, MacroError> {
        let condition = self.logical(skip)?;
        if self.peek_token()? != Token::Operator("?") {
            return Ok(condition);
        }
        self.next_token()?;
        let truth = condition.is_true();
        let when_true = self.ternary(skip || !truth)?;
        if self.next_token()? != Token::Operator(":") {
            return Err(self.error("syntax error in expression"));
        }
        let when_false = self.ternary(skip || truth)?;
        if !when_true.same_type(&when_false) {
            return Err(self.error("types must match"));
        }
        Ok(if skip {
            Value::Skipped
        } else if truth {
            when_true
        } else {
            when_false
        })
    }

    fn logical(&mut self, skip: bool) -> Result<Value, MacroError> {
        let mut left = self.relational(skip)?;
        loop {
            let operator = match self.peek_token()? {
                Token::Operator(operator @ ("&&" | "||")) => operator,
                _ => return Ok(left),
            };
            self.next_token()?;
            let decided = match operator {
                "&&" => !left.is_true(),
                _ => left.is_true(),
            };
            let right = self.relational(skip || decided)?;
            if !left.same_type(&right) {
                return Err(self.error("types must match"));
            }
            if !decided && !skip {
                left = right;
            }
        }
    }

    fn relational(&mut self, skip: bool) -> Result<Value, MacroError> {
        let mut left = self.additive(skip)?;
        loop {
            let operator = match self.peek_token()? {
                Token::Operator(operator @ ("==" | "!=" | "<" | ">" | "<=" | ">=")) => operator,
                _ => return Ok(left),
            };
            self.next_token()?;
            let right = self.additive(skip)?;
            if !left.same_type(&right) {
                return Err(self.error("types must match"));
            }
            let ordering = match (&left, &right) {
                (Value::Integer(a), Value::Integer(b)) => a.cmp(b),
                (Value::String(a), Value::String(b)) => a.cmp(b),
                (Value::Version(a), Value::Version(b)) => compare_versions(a, b),
                _ => Ordering::Equal,
            };
            let result = match operator {
                "==" => ordering == Ordering::Equal,
                "!=" => ordering != Ordering::Equal,
                "<" => ordering == Ordering::Less,
                ">" => ordering == Ordering::Greater,
                "<=" => ordering != Ordering::Greater,
                _ => ordering != Ordering::Less,
            };
            left = Value::Integer(i64::from(result));
        }
    }

    fn additive(&mut self, skip: bool) -> Result<Value, MacroError> {
        let mut left = self.multiplicative(skip)?;
        loop {
            let operator = match self.peek_token()? {
                Token::Operator(operator @ ("+" | "-")) => operator,
                _ => return Ok(left),
            };
            self.next_token()?;
            let right = self.multiplicative(skip)?;
            if !left.same_type(&right) {
                return Err(self.error("types must match"));
            }
            left = match (left, right, operator) {
                (Value::Integer(a), Value::Integer(b), "+") => Value::Integer(a.wrapping_add(b)),
                (Value::Integer(a), Value::Integer(b), _) => Value::Integer(a.wrapping_sub(b)),
                (Value::String(a), Value::String(b), "+") => Value::String(a + &b),
                (Value::Skipped, _, _) | (_, Value::Skipped, _) => Value::Skipped,
                _ => return Err(self.error("- only on numbers")),
            };
        }
    }

    fn multiplicative(&mut self, skip: bool) -> Result<Value, MacroError> {
        let mut left = self.unary(skip)?;
        loop {
            let operator = match self.peek_token()? {
                Token::Operator(operator @ ("*" | "/")) => operator,
                _ => return Ok(left),
            };
            self.next_token()?;
            let right = self.unary(skip)?;
            left = match (left, right) {
                (Value::Integer(a), Value::Integer(b)) => {
                    if operator == "*" {
                        Value::Integer(a.wrapping_mul(b))
                    } else if b == 0 {
                        return Err(self.error("division by zero"));
                    } else {
                        Value::Integer(a.wrapping_div(b))
                    }
                }
                (Value::Skipped, _) | (_, Value::Skipped) => Value::Skipped,
                _ => return Err(self.error("* and / only on numbers")),
            };
        }
    }

    fn unary(&mut self, skip: bool) -> Result<Value, MacroError> {
        match self.next_token()? {
            Token::Operator("!") => {
                let value = self.unary(skip)?;
                Ok(match value {
                    Value::Skipped => Value::Skipped,
                    Value::Version(_) => Value::Integer(1),
                    other => Value::Integer(i64::from(!other.is_true())),
                })
            }
            Token::Operator("-") => match self.unary(skip)? {
                Value::Integer(value) => Ok(Value::Integer(value.wrapping_neg())),
                Value::Skipped => Ok(Value::Skipped),
                _ => Err(self.error("- only on numbers")),
            },
            Token::Open => {
                let value = self.ternary(skip)?;
                if self.next_token()? != Token::Close {
                    return Err(self.error("unmatched ("));
                }
                Ok(value)
            }
            Token::Value(Value::String(text)) if !skip && text.contains('%') => {
                Ok(Value::String(self.expand_literal(&text)?))
            }
            Token::Value(Value::Version(text)) if !skip && text.contains('%') => {
                Ok(Value::Version(self.expand_literal(&text)?))
            }
            Token::Value(value) => Ok(value),
            Token::Macro(word) => self.macro_value(&word, skip),
            Token::End => Err(self.error("unexpected end of expression")),
            _ => Err(self.error("syntax error in expression")),
        }
    }
}

/// Compares `[epoch:]version[-release]` strings as rpm 4.18's `rpmverCmp` (`v"..."` in
/// expressions, Lua's `rpm.vercmp`): epochs (missing is 0), versions, then releases, where a
/// release, even an empty one, sorts after no release (`v"1.0-" > v"1.0"`, checked with rpm).
pub fn compare_versions(a: &str, b: &str) -> Ordering {
    let (a, b) = (EvrParts::split(a), EvrParts::split(b));
    compare_epochs(a.epoch, b.epoch)
        .then_with(|| rpmvercmp(a.version, b.version))
        .then_with(|| match (a.release, b.release) {
            (Some(a), Some(b)) => rpmvercmp(a, b),
            (Some(_), None) => Ordering::Greater,
            (None, Some(_)) => Ordering::Less,
            (None, None) => Ordering::Equal,
        })
}

/// Offset just past the macro whose text starts at `start` (just after its `%`), as rpm's
/// `skipMacro`/`findMacroEnd`: `%%`, a bracketed group, or `[?!]*[-]name[*|**|#]`.
fn skip_macro(bytes: &[u8], start: usize) -> Option<usize> {
    match bytes.get(start) {
        Some(b'%') => Some(start + 1),
        Some(b'(') => match_close(bytes, start, b'(', b')').map(|end| end + 1),
        Some(b'{') => match_close(bytes, start, b'{', b'}').map(|end| end + 1),
        Some(b'[') => match_close(bytes, start, b'[', b']').map(|end| end + 1),
        _ => {
            let mut index = start;
            while matches!(bytes.get(index), Some(b'?' | b'!')) {
                index += 1;
            }
            if bytes.get(index) == Some(&b'-') {
                index += 1;
            }
            while bytes
                .get(index)
                .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
            {
                index += 1;
            }
            match (bytes.get(index), bytes.get(index + 1)) {
                (Some(b'*'), Some(b'*')) => index += 2,
                (Some(b'*' | b'#'), _) => index += 1,
                _ => {}
            }
            Some(index)
        }
    }
}

/// C's `atoi` on text already checked to be `-?[0-9]*`: the empty string and `-` are 0;
/// values past `i64` wrap like rpm's `int` does not, so they saturate instead.
fn atoi(text: &str) -> i64 {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let magnitude = digits.bytes().fold(0i64, |value, digit| {
        value
            .saturating_mul(10)
            .saturating_add(i64::from(digit - b'0'))
    });
    if negative { -magnitude } else { magnitude }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eval(text: &str) -> Result<String, MacroError> {
        let mut context = MacroContext::empty();
        context.push("two", "2", 0);
        context.push("str", "abc", 0);
        let frame = Frame {
            depth: 0,
            level: 0,
            escape: false,
            call: None,
        };
        evaluate_expanding(&mut context, text, frame).map(|v| v.to_string())
    }

    #[test]
    fn matches_rpm_4_18() {
        // Each expected value was produced by `rpm --eval` (rpm 4.18.0, Debian 12).
        let cases = [
            ("%{two} + 1", "3"),
            ("1 && 5", "5"),
            ("0 || 7", "7"),
            ("\"\" || \"b\"", "b"),
            ("!\"a\"", "0"),
            ("\"a\" + \"b\"", "ab"),
            ("v\"1.2\" == v\"1.2.0\"", "0"),
            ("v\"1.0\" < v\"1.0-1\"", "1"),
            ("v\"1.0-\" == v\"1.0\"", "0"),
            ("v\"0:1.0\" == v\"1.0\"", "1"),
            ("v\"1:1\" > v\"2\"", "1"),
            ("1 ? 2 : 3", "2"),
            ("(1+2)*3", "9"),
            ("10/3", "3"),
            ("-%{two}", "-2"),
            ("v\"1.0\"", "1.0"),
            ("\"%{str}\" == \"abc\"", "1"),
            ("0 && %{error:x}", "0"),
            ("007", "7"),
            ("%{?nope}1", "1"),
            ("1 == 1 && 2", "2"),
            (" 3 > 2 > 1", "0"),
            ("1 || 0 && 0", "0"),
            ("1 == 2 == 0", "1"),
            ("!1 + 1", "1"),
            ("1 ? 0 ? 3 : 4 : 5", "4"),
            ("0 && 1 ? 5 : 6", "6"),
            ("%{two}%{two}", "22"),
            ("%{?two}?\"a\":\"b\"", "a"),
            (" %{?nothing} ", "0"),
            ("%two+1", "3"),
            ("\"%{?x:\"q\"}\" + \"z\"", "z"),
        ];
        for (expression, expected) in cases {
            assert_eq!(eval(expression).as_deref(), Ok(expected), "{expression}");
        }
        for failing in [
            "1 < \"a\"",
            "0x10",
            " 1 +  ",
            "  ",
            "%{str} == \"abc\"",
            "\"a\" \"b\"",
            "\"a\\\"b\"",
            "%%",
        ] {
            assert!(eval(failing).is_err(), "{failing}");
        }
    }
}
