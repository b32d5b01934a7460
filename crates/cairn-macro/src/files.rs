//! Macro files: rpm's `loadMacroFile` and `rpmInitMacros`, and the host's macro path.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::context::{ContextConfig, MacroContext, ShellCache};
use crate::table::{MacroTable, level};

/// The macro path of Debian 12's rpm 4.18 (`rpm --showrc`, "Macro path"), with `%{_target}`
/// left to substitute.
pub const HOST_MACRO_PATH: &str = "/usr/lib/rpm/macros:/usr/lib/rpm/macros.d/macros.*:\
/usr/lib/rpm/platform/%{_target}/macros:/usr/lib/rpm/fileattrs/*.attr:/usr/lib/rpm/debian/macros:\
/etc/rpm/macros.*:/etc/rpm/macros:/etc/rpm/%{_target}/macros:~/.rpmmacros";

/// A loaded set of macros (files and command-line defines) that contexts start from.
#[derive(Debug, Clone, Default)]
pub struct MacroSet {
    table: MacroTable,
    files: Vec<PathBuf>,
}

impl MacroSet {
    /// The macros of the table.
    pub fn table(&self) -> &MacroTable {
        &self.table
    }

    /// The files loaded, in order.
    pub fn files(&self) -> &[PathBuf] {
        &self.files
    }

    /// Expands a colon-separated macro path (globs in the last component, `~` for `$HOME`,
    /// `%{_target}`) to the files that exist, in rpm's order (each glob sorted).
    pub fn resolve_path(path: &str, target: &str) -> Vec<PathBuf> {
        let mut files = Vec::new();
        for pattern in path.split(':').filter(|p| !p.is_empty()) {
            let pattern = pattern.replace("%{_target}", target);
            let pattern = match pattern.strip_prefix("~/") {
                Some(rest) => match std::env::var_os("HOME") {
                    Some(home) => Path::new(&home).join(rest).to_string_lossy().into_owned(),
                    None => continue,
                },
                None => pattern,
            };
            let path = Path::new(&pattern);
            let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned());
            match (path.parent(), file_name) {
                (Some(dir), Some(name)) if name.contains('*') => {
                    let (prefix, suffix) = name.split_once('*').unwrap_or((&name, ""));
                    let Ok(entries) = std::fs::read_dir(dir) else {
                        continue;
                    };
                    let mut matched: Vec<PathBuf> = entries
                        .filter_map(Result::ok)
                        .map(|e| e.file_name().to_string_lossy().into_owned())
                        .filter(|n| {
                            n.len() >= prefix.len() + suffix.len()
                                && n.starts_with(prefix)
                                && n.ends_with(suffix)
                                && !n.ends_with(".rpmnew")
                                && !n.ends_with(".rpmsave")
                                && !n.ends_with(".rpmorig")
                        })
                        .map(|n| dir.join(n))
                        .collect();
                    matched.sort();
                    files.extend(matched.into_iter().filter(|p| p.is_file()));
                }
                _ if path.is_file() => files.push(path.to_owned()),
                _ => {}
            }
        }
        files
    }

    /// The host rpm's macros for `target_cpu` (rpmrc values, then the macro path).
    pub fn host(target_cpu: &str) -> Self {
        let target = format!("{target_cpu}-linux");
        let files = Self::resolve_path(HOST_MACRO_PATH, &target);
        Self::load(target_cpu, "linux", &files)
    }

    /// Loads `files` in order on top of the rpmrc values for the target; unreadable files are
    /// skipped with a warning, as rpm does.
    pub fn load(target_cpu: &str, target_os: &str, files: &[PathBuf]) -> Self {
        let mut context = MacroContext::new(
            &Self::default(),
            Arc::new(ContextConfig {
                shell: crate::ShellPolicy::Disabled,
                ..Default::default()
            }),
            Arc::new(ShellCache::default()),
        );
        context.set_target(target_cpu, target_os);
        context.push("optflags", "-O2 -g", level::DEFAULT + 4);
        let mut loaded = Vec::new();
        for file in files {
            match std::fs::read(file) {
                Ok(bytes) => {
                    load_macro_text(&mut context, &String::from_utf8_lossy(&bytes));
                    loaded.push(file.clone());
                }
                Err(error) => tracing::warn!("cannot read macro file {}: {error}", file.display()),
            }
        }
        Self {
            table: context.table.frozen(),
            files: loaded,
        }
    }

    /// Adds definitions (`name body`, like `--define`) at the command-line level.
    pub fn define(&mut self, definitions: &[String]) -> Result<(), crate::MacroError> {
        let mut context = MacroContext::new(self, Arc::default(), Arc::default());
        for definition in definitions {
            context.define(definition, level::CMDLINE)?;
        }
        self.table = context.table.frozen();
        Ok(())
    }
}

/// Defines every `%name body` line of a macro file into `context` (rpm's `loadMacroFile`).
pub(crate) fn load_macro_text(context: &mut MacroContext, text: &str) {
    for line in macro_file_lines(text) {
        let trimmed = line.trim_start_matches([' ', '\t']);
        if let Some(definition) = trimmed.strip_prefix('%')
            && let Err(error) = context.define(definition, level::MACROFILES)
        {
            tracing::debug!("macro file definition skipped: {error}");
        }
    }
}

/// Splits a macro file into logical lines as rpm's `rdcl`: a line continues while it ends
/// with `\` or while a `%{` or `%(` is open; the newlines stay in the joined text.
pub(crate) fn macro_file_lines(text: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut current = String::new();
    let (mut braces, mut parens) = (0usize, 0usize);
    for raw in text.split_inclusive('\n') {
        let line = raw.trim_end_matches(['\n', '\r']);
        let bytes = line.as_bytes();
        let mut index = 0;
        while index < bytes.len() {
            match bytes[index] {
                b'\\' if index + 1 < bytes.len() => index += 1,
                b'%' => match bytes.get(index + 1) {
                    Some(b'{') => {
                        braces += 1;
                        index += 1;
                    }
                    Some(b'(') => {
                        parens += 1;
                        index += 1;
                    }
                    Some(b'%') => index += 1,
                    _ => {}
                },
                b'{' if braces > 0 => braces += 1,
                b'}' if braces > 0 => braces -= 1,
                b'(' if parens > 0 => parens += 1,
                b')' if parens > 0 => parens -= 1,
                _ => {}
            }
            index += 1;
        }
        current.push_str(line);
        let continued = !line.is_empty() && (line.ends_with('\\') || braces > 0 || parens > 0);
        if continued {
            current.push('\n');
        } else {
            lines.push(std::mem::take(&mut current));
            braces = 0;
            parens = 0;
        }
    }
    if !current.is_empty() {
        lines.push(current);
    }
    lines
}
