//! rpm's builtin macros (the `builtinmacros` table of rpm 4.18's rpmio/macro.c).

use crate::context::{ContextConfig, MacroContext, Message};
use crate::error::MacroError;
use crate::expand::{Frame, match_close};
use crate::table::level;

/// A builtin macro.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Builtin {
    Basename,
    Define,
    Dirname,
    Dnl,
    Dump,
    Echo,
    Error,
    Exists,
    Expand,
    Expr,
    GetConfDir,
    GetEnv,
    GetNcpus,
    Global,
    Load,
    Lua,
    MacroBody,
    Quote,
    ShellEscape,
    Shrink,
    Suffix,
    Trace,
    UrlToPath,
    Uncompress,
    Undefine,
    Verbose,
    Warn,
    Source,
    Patch,
    File,
    Length,
    Upper,
    Lower,
    Substring,
    GlobalSubstitute,
    RpmVersion,
}

impl Builtin {
    /// Builtins that parse the text after their name themselves (`%define name body`).
    pub(crate) fn parses_rest(self) -> bool {
        matches!(
            self,
            Self::Define | Self::Global | Self::Undefine | Self::Dnl | Self::Lua
        )
    }
}

pub(crate) fn lookup(name: &str, config: &ContextConfig) -> Option<Builtin> {
    use Builtin::*;
    let builtin = match name {
        "basename" => Basename,
        "define" => Define,
        "dirname" => Dirname,
        "dnl" => Dnl,
        "dump" => Dump,
        "echo" => Echo,
        "error" => Error,
        "exists" => Exists,
        "expand" => Expand,
        "expr" => Expr,
        "getconfdir" => GetConfDir,
        "getenv" => GetEnv,
        "getncpus" => GetNcpus,
        "global" => Global,
        "load" => Load,
        "lua" => Lua,
        "macrobody" => MacroBody,
        "quote" => Quote,
        "shescape" => ShellEscape,
        "shrink" => Shrink,
        "suffix" => Suffix,
        "trace" => Trace,
        "u2p" | "url2path" => UrlToPath,
        "uncompress" => Uncompress,
        "undefine" => Undefine,
        "verbose" => Verbose,
        "warn" => Warn,
        "S" => Source,
        "P" => Patch,
        "F" => File,
        "len" if config.newer_builtins => Length,
        "upper" if config.newer_builtins => Upper,
        "lower" if config.newer_builtins => Lower,
        "sub" if config.newer_builtins => Substring,
        "gsub" if config.newer_builtins => GlobalSubstitute,
        "rpmversion" if config.newer_builtins => RpmVersion,
        _ => return None,
    };
    Some(builtin)
}

/// Runs a builtin that reads on from its name (`%define ...` without braces); returns how
/// many bytes of `rest` it consumed.
pub(crate) fn run_parsing(
    context: &mut MacroContext,
    builtin: Builtin,
    rest: &str,
    frame: Frame,
) -> Result<usize, MacroError> {
    match builtin {
        Builtin::Define => define(context, rest, frame.level, false, frame),
        Builtin::Global => define(context, rest, level::GLOBAL, true, frame),
        Builtin::Undefine => undefine(context, rest),
        Builtin::Dnl => Ok(rest.find('\n').map_or(rest.len(), |at| at + 1)),
        _ => Ok(0),
    }
}

fn is_blank(c: u8) -> bool {
    c == b' ' || c == b'\t'
}

fn is_eol(c: u8) -> bool {
    c == b'\n' || c == b'\r'
}

/// Reads `[blanks]name` as rpm's `COPYNAME`; returns the name and the offset after it.
fn copy_name(text: &str) -> (&str, usize) {
    let bytes = text.as_bytes();
    let mut start = 0;
    while start < bytes.len() && is_blank(bytes[start]) {
        start += 1;
    }
    let mut end = start;
    while end < bytes.len() && (bytes[end].is_ascii_alphanumeric() || bytes[end] == b'_') {
        end += 1;
    }
    (&text[start..end], end)
}

/// rpm 4.18 accepts any name that starts with a letter or `_` (older rpm wanted 3 characters).
fn valid_name(name: &str) -> bool {
    name.as_bytes()
        .first()
        .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_')
}

/// Parses and applies `name[(opts)] body` (rpm's `doDefine`); returns the bytes consumed.
pub(crate) fn define(
    context: &mut MacroContext,
    text: &str,
    at_level: i32,
    expand_body: bool,
    frame: Frame,
) -> Result<usize, MacroError> {
    let bytes = text.as_bytes();
    let (name, mut index) = copy_name(text);
    let mut options = None;
    if bytes.get(index) == Some(&b'(') {
        let Some(close) = text[index..].find(')') else {
            return Err(MacroError::BadDefinition {
                name: name.to_owned(),
                problem: "has unterminated opts",
            });
        };
        options = Some(&text[index + 1..index + close]);
        index += close + 1;
    }
    while index < bytes.len() && is_blank(bytes[index]) {
        index += 1;
    }
    let mut body = String::new();
    if bytes.get(index) == Some(&b'{') {
        let close = match_close(bytes, index, b'{', b'}').ok_or(MacroError::BadDefinition {
            name: name.to_owned(),
            problem: "has unterminated body",
        })?;
        body.push_str(&text[index + 1..close]);
        index = close + 1;
    } else {
        let (mut braces, mut parens) = (0usize, 0usize);
        while index < bytes.len() && (braces > 0 || parens > 0 || !is_eol(bytes[index])) {
            let c = bytes[index];
            match c {
                b'\\' if index + 1 < bytes.len() => {
                    index += 1;
                }
                b'%' => match bytes.get(index + 1) {
                    Some(b'{') => {
                        body.push('%');
                        index += 1;
                        braces += 1;
                    }
                    Some(b'(') => {
                        body.push('%');
                        index += 1;
                        parens += 1;
                    }
                    Some(b'%') => {
                        body.push('%');
                        index += 1;
                    }
                    _ => {}
                },
                b'{' if braces > 0 => braces += 1,
                b'}' if braces > 0 => braces -= 1,
                b'(' if parens > 0 => parens += 1,
                b')' if parens > 0 => parens -= 1,
                _ => {}
            }
            // Copy one whole character (the text is UTF-8).
            let width = text[index..].chars().next().map_or(1, char::len_utf8);
            body.push_str(&text[index..index + width]);
            index += width;
        }
        if braces > 0 || parens > 0 {
            return Err(MacroError::BadDefinition {
                name: name.to_owned(),
                problem: "has unterminated body",
            });
        }
        let trimmed = body.trim_end_matches([' ', '\t', '\n', '\r']).len();
        body.truncate(trimmed);
    }
    while index < bytes.len() && is_eol(bytes[index]) {
        index += 1;
    }
    if !valid_name(name) {
        return Err(MacroError::BadDefinition {
            name: name.to_owned(),
            problem: "has illegal name",
        });
    }
    if body.is_empty() {
        return Err(MacroError::BadDefinition {
            name: name.to_owned(),
            problem: "has empty body",
        });
    }
    if expand_body {
        body = context.expand_this(&body, frame)?;
    }
    context.table.push(name, options, &body, at_level);
    Ok(index)
}

/// `%undefine name` (rpm's `doUndefine`); returns the bytes consumed.
fn undefine(context: &mut MacroContext, text: &str) -> Result<usize, MacroError> {
    let (name, mut index) = copy_name(text);
    let bytes = text.as_bytes();
    while index < bytes.len() && is_eol(bytes[index]) {
        index += 1;
    }
    if !valid_name(name) {
        return Err(MacroError::BadDefinition {
            name: name.to_owned(),
            problem: "has illegal name",
        });
    }
    context.table.pop(name);
    Ok(index)
}

fn shell_escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len() + 2);
    escaped.push('\'');
    for c in text.chars() {
        if c == '\'' {
            escaped.push_str("'\\''");
        } else {
            escaped.push(c);
        }
    }
    escaped.push('\'');
    escaped
}

fn shrink(text: &str) -> String {
    text.split(|c: char| c.is_ascii_whitespace())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Which decompressor `%{uncompress:}` names, from the file's magic (rpm's `rpmFileIsCompressed`).
fn uncompress_command(path: &str) -> String {
    let mut magic = [0u8; 8];
    let read = std::fs::File::open(path)
        .and_then(|mut file| std::io::Read::read(&mut file, &mut magic))
        .unwrap_or(0);
    let magic = &magic[..read];
    let tool = if magic.starts_with(&[0x1f, 0x8b]) || magic.starts_with(&[0x1f, 0x9e]) {
        "%__gzip -dc"
    } else if magic.starts_with(b"BZh") {
        "%__bzip2 -dc"
    } else if magic.starts_with(b"PK\x03\x04") {
        "%__unzip"
    } else if magic.starts_with(&[0xfd, b'7', b'z', b'X', b'Z', 0])
        || magic.starts_with(&[0x5d, 0, 0])
    {
        "%__xz -dc"
    } else if magic.starts_with(b"LZIP") {
        "%__lzip -dc"
    } else if magic.starts_with(b"7z\xbc\xaf") {
        "%__7zip x"
    } else if magic.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        "%__zstd -dc"
    } else {
        "%__cat"
    };
    format!("{tool} {path}")
}

/// Runs a builtin with its argument text (unexpanded) and appends the result to `out`.
pub(crate) fn run(
    context: &mut MacroContext,
    builtin: Builtin,
    negate: bool,
    raw: Option<&str>,
    out: &mut String,
    frame: Frame,
) -> Result<(), MacroError> {
    use Builtin::*;
    match builtin {
        Define | Global | Undefine => {
            let text = raw.unwrap_or("");
            match builtin {
                Define => define(context, text, frame.level, false, frame)?,
                Global => define(context, text, level::GLOBAL, true, frame)?,
                _ => undefine(context, text)?,
            };
            return Ok(());
        }
        Dnl | Dump | Trace => return Ok(()),
        Lua => {
            let script = raw.unwrap_or("");
            let printed = crate::lua::run_macro(context, script, frame)?;
            out.push_str(&printed);
            return Ok(());
        }
        Verbose => {
            // cairn never runs verbose: `%{verbose}` is 0 and `%{verbose:x}` is empty.
            if raw.is_none() {
                out.push('0');
            }
            let _ = negate;
            return Ok(());
        }
        _ => {}
    }
    let argument = match raw {
        Some(raw) => context.expand_this(raw, frame)?,
        None => String::new(),
    };
    match builtin {
        Basename => out.push_str(argument.rsplit('/').next().unwrap_or("")),
        Dirname => match argument.rfind('/') {
            Some(at) => out.push_str(&argument[..at]),
            None => out.push_str(&argument),
        },
        Shrink => out.push_str(&shrink(&argument)),
        Quote => {
            out.push(crate::args::QUOTE);
            out.push_str(&argument);
            out.push(crate::args::QUOTE);
        }
        Suffix => {
            if let Some(at) = argument.rfind('.') {
                out.push_str(&argument[at + 1..]);
            }
        }
        Expand => context.expand_into(&argument, out, frame)?,
        Expr => {
            let value = crate::expression::evaluate_expanding(context, &argument, frame)?;
            out.push_str(&value.to_string());
        }
        UrlToPath => match argument.find("://") {
            Some(at) => {
                let rest = &argument[at + 3..];
                out.push_str(rest.find('/').map_or("/", |slash| &rest[slash..]));
            }
            None => out.push_str(&argument),
        },
        Uncompress => {
            let command = uncompress_command(argument.trim());
            context.expand_into(&command, out, frame)?;
        }
        GetEnv => out.push_str(&std::env::var(argument.trim()).unwrap_or_default()),
        GetConfDir => out.push_str("/usr/lib/rpm"),
        GetNcpus => out.push_str(&context.config.cpus.to_string()),
        Exists => out.push(if std::path::Path::new(&argument).exists() {
            '1'
        } else {
            '0'
        }),
        ShellEscape => out.push_str(&shell_escape(&argument)),
        MacroBody => match context.table.get(argument.trim()) {
            Some(definition) => out.push_str(&definition.body),
            None => return Err(MacroError::NoSuchMacro(argument.trim().to_owned())),
        },
        Load => {
            let path = argument.trim();
            if context.config.sandbox {
                return Err(MacroError::Load(path.to_owned()));
            }
            match std::fs::read(path) {
                Ok(bytes) => {
                    crate::files::load_macro_text(context, &String::from_utf8_lossy(&bytes))
                }
                Err(_) if negate => {}
                Err(_) => return Err(MacroError::Load(path.to_owned())),
            }
        }
        Echo | Warn | Error => {
            let kind = match builtin {
                Echo => "echo",
                Warn => "warn",
                _ => "error",
            };
            tracing::debug!("%{{{kind}}}: {argument}");
            context.messages.push(Message {
                kind,
                text: argument.clone(),
            });
            if builtin == Error {
                return Err(MacroError::Explicit(argument));
            }
        }
        Source | Patch => {
            if !argument.is_empty() && argument.bytes().all(|b| b.is_ascii_digit()) {
                let prefix = if builtin == Source {
                    "%SOURCE"
                } else {
                    "%PATCH"
                };
                context.expand_into(&format!("{prefix}{argument}"), out, frame)?;
            } else {
                out.push_str(&argument);
            }
        }
        File => {
            out.push_str("file");
            out.push_str(&argument);
            out.push_str(".file");
        }
        Length => out.push_str(&argument.chars().count().to_string()),
        Upper => out.push_str(&argument.to_uppercase()),
        Lower => out.push_str(&argument.to_lowercase()),
        RpmVersion => out.push_str("4.18.0"),
        Substring | GlobalSubstitute => {
            let script = if builtin == Substring {
                "string.sub"
            } else {
                "string.gsub"
            };
            let printed = crate::lua::call_string_function(context, script, &argument, frame)?;
            out.push_str(&printed);
        }
        Define | Global | Undefine | Dnl | Dump | Trace | Lua | Verbose => {}
    }
    Ok(())
}
