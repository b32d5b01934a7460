//! Overlay regexes with Go RE2 semantics on top of the `regex` crate.
//!
//! azldev compiles overlay regexes with Go's `regexp` (RE2 syntax). The `regex` crate reads
//! the same syntax, with two differences that matter on real overlays. Go's Perl classes
//! `\d`, `\s`, `\w` and the word boundary `\b` are ASCII-only, while the crate's are
//! Unicode-aware; and Go reads a `{` that does not open a `{n}`, `{n,}` or `{n,m}` repetition
//! as a literal (Azure Linux's kernel overlays match `%{SOURCE1}` unescaped), while the crate
//! rejects it. [`compile`] escapes such braces and rewrites the Perl classes to ASCII forms
//! before compiling, so results match azldev's. Everything else (Unicode `.`, `\pL`, `(?i)`
//! folding, flags, named groups) already agrees.

use cairn_config::overlay::escape_literal_braces;
use regex::bytes::{Regex, RegexBuilder};

/// Compiles `pattern` the way Go's `regexp.Compile` reads it.
pub fn compile(pattern: &str) -> Result<Regex, regex::Error> {
    RegexBuilder::new(&go_ascii_classes(&escape_literal_braces(pattern))).build()
}

/// Rewrites `\d \D \s \S \w \W \b \B` into ASCII-only forms, inside and outside classes.
fn go_ascii_classes(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut chars = pattern.chars().peekable();
    // Depth of `[...]` nesting; inside a class, a class escape becomes a nested class.
    let mut class_depth = 0usize;
    // Set right after `[` or `[^`, where `]` is a literal member.
    let mut class_start = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let Some(next) = chars.next() else {
                    out.push('\\');
                    break;
                };
                class_start = false;
                let ascii = match next {
                    'd' => Some("[0-9]"),
                    'D' => Some("[^0-9]"),
                    's' => Some("[\\t\\n\\f\\r ]"),
                    'S' => Some("[^\\t\\n\\f\\r ]"),
                    'w' => Some("[0-9A-Za-z_]"),
                    'W' => Some("[^0-9A-Za-z_]"),
                    'b' if class_depth == 0 => Some("(?-u:\\b)"),
                    'B' if class_depth == 0 => Some("(?-u:\\B)"),
                    _ => None,
                };
                match ascii {
                    Some(replacement) => out.push_str(replacement),
                    None => {
                        out.push('\\');
                        out.push(next);
                    }
                }
            }
            '[' => {
                out.push('[');
                if class_depth > 0 && chars.peek() == Some(&':') {
                    // A POSIX class `[:alpha:]` inside a bracket expression: copy it whole.
                    for inner in chars.by_ref() {
                        out.push(inner);
                        if inner == ']' {
                            break;
                        }
                    }
                    continue;
                }
                class_depth += 1;
                class_start = true;
                if chars.peek() == Some(&'^') {
                    out.push('^');
                    chars.next();
                }
            }
            ']' if class_depth > 0 && !class_start => {
                out.push(']');
                class_depth -= 1;
            }
            _ => {
                class_start = false;
                out.push(c);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(pattern: &str, text: &str) -> bool {
        compile(pattern).unwrap().is_match(text.as_bytes())
    }

    #[test]
    fn perl_classes_are_ascii() {
        assert!(matches(r"^\d+$", "123"));
        assert!(!matches(r"^\d$", "\u{663}"));
        assert!(!matches(r"\s", "a\u{a0}b"));
        assert!(matches(r"[\s,]", "a,b"));
        assert!(!matches(r"^\w+$", "café"));
        assert!(matches(r"^[^\d]+$", "abc"));
        assert!(matches(r"\bfoo\b", "a foo b"));
        assert!(
            matches(r"\bfoo", "éfoo"),
            "é is not an ASCII word character"
        );
    }

    #[test]
    fn other_syntax_is_untouched() {
        assert_eq!(
            go_ascii_classes(r"[]a]\.\$\{x\}[[:alpha:]\d]"),
            r"[]a]\.\$\{x\}[[:alpha:][0-9]]"
        );
        assert!(matches(
            r"%\{_sysconfdir\}/\{sysconfig,logrotate.d\}",
            "%{_sysconfdir}/{sysconfig,logrotate.d}"
        ));
        assert!(matches(r"(?i)^RELEASE:", "release: 1"));
        assert!(compile("(?P<broken").is_err());
        assert!(matches("cp %{SOURCE1} .", "cp %{SOURCE1} ."));
        assert!(matches(r"^a{2}$", "aa"));
    }
}
