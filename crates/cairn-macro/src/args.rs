//! Arguments of parametric macros: rpm's `splitQuoted` and `grabArgs` (rpmio/macro.c).

use crate::context::MacroContext;
use crate::error::MacroError;

/// `%{quote:...}` wraps its text in this character so it stays one argument.
pub(crate) const QUOTE: char = '\u{1f}';

/// Splits expanded arguments on blanks, keeping `%{quote:}`d runs (even empty ones) whole.
pub(crate) fn split_quoted(text: &str, arguments: &mut Vec<String>) {
    let mut current = String::new();
    let mut had_quote = false;
    let mut quoted = false;
    for c in text.chars() {
        if c == QUOTE {
            quoted = !quoted;
            had_quote = true;
            continue;
        }
        if !quoted && (c == ' ' || c == '\t') {
            if !current.is_empty() || had_quote {
                arguments.push(std::mem::take(&mut current));
            }
            had_quote = false;
            continue;
        }
        current.push(c);
    }
    if !current.is_empty() || had_quote {
        arguments.push(current);
    }
}

/// The options and operands of one parametric macro call: Lua code in the macro's body sees
/// them as `opt` and `arg` (rpm's `rpmluaRunScript`).
#[derive(Debug, Clone, Default)]
pub(crate) struct Call {
    /// Options in command-line order, with their value for options that take one.
    pub options: Vec<(char, Option<String>)>,
    /// The operands, after getopt(3) moved the options out of the way.
    pub operands: Vec<String>,
}

/// Defines the automatic macros of a call to `name` with getopt string `options`:
/// `%0`, `%**`, `%-f`/`%-f*` per option, `%#`, `%1`..., `%*`.
///
/// Options are parsed like glibc's getopt(3), which rpm uses: options may follow operands
/// (argv is permuted) unless the option string starts with `+`; `--` ends the options.
pub(crate) fn call_arguments(
    context: &mut MacroContext,
    name: &str,
    options: &str,
    arguments: &[String],
    level: i32,
) -> Result<Call, MacroError> {
    let table = &mut context.table;
    let mut call = Call::default();
    table.push_automatic("0", name, level);
    table.push_automatic("**", &arguments.join(" "), level);
    let posix = options.starts_with('+');
    let spec = options.trim_start_matches(['+', '-']);
    let mut operands: Vec<&str> = Vec::new();
    let mut index = 0;
    let mut options_done = false;
    while index < arguments.len() {
        let argument = arguments[index].as_str();
        index += 1;
        if options_done || argument.len() < 2 || !argument.starts_with('-') {
            operands.push(argument);
            if posix {
                options_done = true;
            }
            continue;
        }
        if argument == "--" {
            options_done = true;
            continue;
        }
        let letters: Vec<char> = argument[1..].chars().collect();
        let mut position = 0;
        while position < letters.len() {
            let letter = letters[position];
            position += 1;
            let declared = letter != ':' && spec.contains(letter);
            if !declared {
                return Err(MacroError::UnknownOption {
                    option: letter,
                    name: name.to_owned(),
                    options: options.to_owned(),
                });
            }
            let takes_value = spec
                .char_indices()
                .find(|&(_, c)| c == letter)
                .is_some_and(|(at, _)| spec[at + letter.len_utf8()..].starts_with(':'));
            if takes_value {
                let value: String = if position < letters.len() {
                    let value = letters[position..].iter().collect();
                    position = letters.len();
                    value
                } else if index < arguments.len() {
                    index += 1;
                    arguments[index - 1].clone()
                } else {
                    return Err(MacroError::UnknownOption {
                        option: letter,
                        name: name.to_owned(),
                        options: options.to_owned(),
                    });
                };
                table.push_automatic(&format!("-{letter}"), &format!("-{letter} {value}"), level);
                table.push_automatic(&format!("-{letter}*"), &value, level);
                call.options.push((letter, Some(value)));
            } else {
                table.push_automatic(&format!("-{letter}"), &format!("-{letter}"), level);
                call.options.push((letter, None));
            }
        }
    }
    table.push_automatic("#", &operands.len().to_string(), level);
    for (number, operand) in operands.iter().enumerate() {
        table.push_automatic(&(number + 1).to_string(), operand, level);
    }
    table.push_automatic("*", &operands.join(" "), level);
    call.operands = operands.into_iter().map(str::to_owned).collect();
    Ok(call)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_on_blanks_and_keeps_quoted_runs() {
        let mut arguments = Vec::new();
        split_quoted("a  b\t\u{1f}c d\u{1f} \u{1f}\u{1f}", &mut arguments);
        assert_eq!(arguments, ["a", "b", "c d", ""]);
    }
}
