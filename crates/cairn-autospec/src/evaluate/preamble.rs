//! A small native evaluator for the main-package preamble, enough for the Epoch/Version/Release
//! of ordinary specs: `%define`/`%global`/`%undefine`, `%bcond*` and `%{with}`, conditional and
//! parametric macros (with `getopt` options), `%if`/`%ifarch`/`%elif`/`%else`, rpm's line
//! joining (trailing `\`, unclosed `%{`), and the tag checks rpm applies (single token, allowed
//! characters, duplicates, required Name/Version/Release/Summary/License and `%description`).
//!
//! Lua, shell (`%(...)`), `%[...]` and `%include` are reported as
//! [`EvaluationError::Unsupported`] so a caller can fall back to a full evaluator.
//! Behaviour follows rpm 4.18 (`rpmio/macro.c`, `build/parseSpec.c`, `build/parsePreamble.c`).

use std::collections::HashMap;

use super::expression::evaluate_condition;
use super::{AUTORELEASE_PROBE, SpecEvaluator, SpecRequest, SpecValues};
use crate::error::EvaluationError;

/// Section headers: the main preamble ends at the first one.
const SECTIONS: &[&str] = &[
    "package",
    "description",
    "prep",
    "build",
    "install",
    "check",
    "clean",
    "files",
    "changelog",
    "pre",
    "post",
    "preun",
    "postun",
    "pretrans",
    "posttrans",
    "preuntrans",
    "postuntrans",
    "trigger",
    "triggerin",
    "triggerun",
    "triggerpostun",
    "triggerprein",
    "filetriggerin",
    "filetriggerun",
    "filetriggerpostun",
    "transfiletriggerin",
    "transfiletriggerun",
    "transfiletriggerpostun",
    "verifyscript",
    "sepolicy",
    "generate_buildrequires",
    "conf",
    "patchlist",
    "sourcelist",
];

/// The native preamble evaluator, configured with the macros the build environment defines.
#[derive(Debug, Clone)]
pub struct PreambleEvaluator {
    predefined: Vec<(String, String)>,
    arch: String,
    os: String,
}

impl Default for PreambleEvaluator {
    fn default() -> Self {
        Self {
            predefined: Vec::new(),
            arch: String::from("x86_64"),
            os: String::from("linux"),
        }
    }
}

impl PreambleEvaluator {
    /// An evaluator with no distribution macros (like rpm on Debian: no `%fedora`, no `%dist`),
    /// for `x86_64` Linux.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a macro the environment defines (for example `dist` = `.azl4`, `fedora` = `43`).
    #[must_use]
    pub fn define(mut self, name: impl Into<String>, body: impl Into<String>) -> Self {
        self.predefined.push((name.into(), body.into()));
        self
    }

    /// Sets the architecture `%ifarch` tests against.
    #[must_use]
    pub fn arch(mut self, arch: impl Into<String>) -> Self {
        self.arch = arch.into();
        self
    }
}

impl SpecEvaluator for PreambleEvaluator {
    fn evaluate(&self, request: &SpecRequest<'_>) -> Result<SpecValues, EvaluationError> {
        let text = String::from_utf8_lossy(request.spec);
        let mut state = State::new(self);
        state.run(&text)
    }
}

#[derive(Debug, Clone)]
pub(super) struct Macro {
    pub(super) options: Option<String>,
    pub(super) body: String,
}

#[derive(Debug, Default)]
struct Tags {
    name: Option<String>,
    version: Option<String>,
    release: Option<String>,
    epoch: Option<u32>,
    summary: bool,
    license: bool,
}

struct Frame {
    parent_active: bool,
    taken: bool,
    active: bool,
}

pub(super) struct State<'a> {
    pub(super) config: &'a PreambleEvaluator,
    pub(super) macros: HashMap<String, Vec<Macro>>,
    pub(super) line: usize,
}

pub(super) fn invalid(line: usize, message: impl Into<String>) -> EvaluationError {
    EvaluationError::Invalid {
        line,
        message: message.into(),
    }
}

impl<'a> State<'a> {
    fn new(config: &'a PreambleEvaluator) -> Self {
        let mut state = Self {
            config,
            macros: HashMap::new(),
            line: 0,
        };
        state.push("autorelease", Some("e:s:pb:n"), AUTORELEASE_PROBE);
        state.push("autochangelog", None, "%{nil}");
        for (name, body) in &config.predefined {
            state.push(name, None, body);
        }
        state
    }

    pub(super) fn push(&mut self, name: &str, options: Option<&str>, body: &str) {
        let definition = Macro {
            options: options.map(str::to_owned),
            body: body.to_owned(),
        };
        self.macros
            .entry(name.to_owned())
            .or_default()
            .push(definition);
    }

    pub(super) fn lookup(&self, name: &str) -> Option<&Macro> {
        self.macros.get(name).and_then(|stack| stack.last())
    }

    fn run(&mut self, text: &str) -> Result<SpecValues, EvaluationError> {
        let physical: Vec<&str> = text.split('\n').collect();
        let mut tags = Tags::default();
        let mut frames: Vec<Frame> = Vec::new();
        let mut index = 0;
        while index < physical.len() {
            self.line = index + 1;
            let (logical, next) = join_lines(&physical, index);
            index = next;
            let active = frames.last().is_none_or(|frame| frame.active);
            let trimmed = logical.trim_start();
            if self.conditional(trimmed, active, &mut frames)? {
                continue;
            }
            if !active {
                continue;
            }
            if is_section(&logical) {
                break;
            }
            if trimmed.starts_with("%include") {
                return Err(EvaluationError::Unsupported {
                    line: self.line,
                    construct: String::from("%include"),
                });
            }
            let expanded = self.expand(&logical, 0)?;
            if !logical.trim_start().starts_with('#') {
                self.tag(&expanded, &mut tags)?;
            }
        }
        self.finish(tags)
    }

    fn finish(&self, tags: Tags) -> Result<SpecValues, EvaluationError> {
        let line = self.line;
        let Some(version) = tags.version else {
            return Err(EvaluationError::MissingVersion);
        };
        for (present, what) in [
            (tags.name.is_some(), "Name"),
            (tags.release.is_some(), "Release"),
            (tags.summary, "Summary"),
            (tags.license, "License"),
        ] {
            if !present {
                return Err(invalid(
                    line,
                    format!("{what} field must be present in package: (main package)"),
                ));
            }
        }
        let epoch_version = match tags.epoch {
            Some(epoch) => format!("{epoch}:{version}"),
            None => version,
        };
        Ok(SpecValues {
            epoch_version,
            release: tags.release.unwrap_or_default(),
        })
    }

    /// Handles `%if`-family lines; returns whether the line was one.
    fn conditional(
        &mut self,
        trimmed: &str,
        active: bool,
        frames: &mut Vec<Frame>,
    ) -> Result<bool, EvaluationError> {
        let (keyword, rest) = split_keyword(trimmed);
        match keyword {
            "%if" | "%ifarch" | "%ifnarch" | "%ifos" | "%ifnos" => {
                let value = active && self.condition(keyword, rest)?;
                frames.push(Frame {
                    parent_active: active,
                    taken: value,
                    active: value,
                });
            }
            "%elif" | "%elifarch" | "%elifnarch" | "%elifos" | "%elifnos" => {
                let line = self.line;
                let frame = frames
                    .last_mut()
                    .ok_or_else(|| invalid(line, format!("{keyword} without %if")))?;
                let (parent_active, taken) = (frame.parent_active, frame.taken);
                let keyword = keyword.replacen("%el", "%", 1);
                let value = parent_active && !taken && self.condition(&keyword, rest)?;
                let frame = frames.last_mut().expect("checked above");
                frame.active = value;
                frame.taken |= value;
            }
            "%else" => {
                let line = self.line;
                let frame = frames
                    .last_mut()
                    .ok_or_else(|| invalid(line, "%else without %if"))?;
                frame.active = frame.parent_active && !frame.taken;
                frame.taken = true;
            }
            "%endif" => {
                if frames.pop().is_none() {
                    return Err(invalid(self.line, "%endif without %if"));
                }
            }
            _ => return Ok(false),
        }
        Ok(true)
    }

    fn condition(&mut self, keyword: &str, rest: &str) -> Result<bool, EvaluationError> {
        let expanded = self.expand(rest, 0)?;
        let line = self.line;
        match keyword {
            "%if" => evaluate_condition(&expanded)
                .map_err(|message| invalid(line, format!("bad %if condition: {message}"))),
            "%ifarch" | "%ifnarch" | "%ifos" | "%ifnos" => {
                let target = if keyword.ends_with("os") {
                    &self.config.os
                } else {
                    &self.config.arch
                };
                let found = expanded
                    .split(|c: char| c.is_whitespace() || c == ',')
                    .any(|word| word == target);
                Ok(found != keyword.starts_with("%ifn"))
            }
            _ => Ok(false),
        }
    }

    fn tag(&mut self, expanded: &str, tags: &mut Tags) -> Result<(), EvaluationError> {
        let Some((name, value)) = split_tag(expanded) else {
            return Ok(());
        };
        let line = self.line;
        let lower = name.to_ascii_lowercase();
        let single_token = || -> Result<(), EvaluationError> {
            if value.is_empty() {
                return Err(invalid(line, format!("Empty tag: {name}:")));
            }
            if value.contains(char::is_whitespace) {
                return Err(invalid(
                    line,
                    format!("Tag takes single token only: {expanded}"),
                ));
            }
            Ok(())
        };
        let duplicate = || {
            invalid(
                line,
                format!("Duplicate {name} entries in package: (main package)"),
            )
        };
        match lower.as_str() {
            "name" => {
                single_token()?;
                if tags.name.replace(value.to_owned()).is_some() {
                    return Err(duplicate());
                }
            }
            "version" | "release" => {
                single_token()?;
                if let Some(bad) = value
                    .chars()
                    .find(|&c| !c.is_ascii_alphanumeric() && !"._+%{}~^".contains(c))
                {
                    return Err(invalid(line, format!("Illegal char '{bad}' in: {value}")));
                }
                if value.contains("..") {
                    return Err(invalid(
                        line,
                        format!("Illegal sequence \"..\" in: {value}"),
                    ));
                }
                let slot = if lower == "version" {
                    &mut tags.version
                } else {
                    &mut tags.release
                };
                if slot.replace(value.to_owned()).is_some() {
                    return Err(duplicate());
                }
            }
            "epoch" => {
                single_token()?;
                let epoch = value
                    .parse::<u32>()
                    .ok()
                    .filter(|_| value.bytes().all(|b| b.is_ascii_digit()))
                    .ok_or_else(|| {
                        invalid(line, format!("Epoch takes an integer value: {value}"))
                    })?;
                if tags.epoch.replace(epoch).is_some() {
                    return Err(duplicate());
                }
            }
            "summary" => tags.summary = true,
            "license" => tags.license = true,
            _ => return Ok(()),
        }
        // rpm defines a macro for each of these tags, and an uppercase twin for the main package.
        for macro_name in [lower.clone(), lower.to_ascii_uppercase()] {
            self.push(&macro_name, None, value);
        }
        Ok(())
    }
}

/// Joins physical lines as rpm's reader does: a trailing backslash, or an unclosed `%{`, `%(`
/// or `%[`, continues the line. Returns the logical line and the next physical index.
fn join_lines(lines: &[&str], start: usize) -> (String, usize) {
    let mut logical = String::from(lines[start]);
    let mut next = start + 1;
    while continues(&logical) && next < lines.len() {
        logical.push('\n');
        logical.push_str(lines[next]);
        next += 1;
    }
    (logical, next)
}

fn continues(text: &str) -> bool {
    let (mut braces, mut parens, mut brackets) = (0usize, 0usize, 0usize);
    let bytes = text.as_bytes();
    let mut index = 0;
    while index < bytes.len() {
        match bytes[index] {
            b'\\' => index += 1,
            b'%' => match bytes.get(index + 1) {
                Some(b'{') => (braces, index) = (braces + 1, index + 1),
                Some(b'(') => (parens, index) = (parens + 1, index + 1),
                Some(b'[') => (brackets, index) = (brackets + 1, index + 1),
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
    braces > 0 || parens > 0 || brackets > 0 || text.ends_with('\\')
}

fn split_keyword(trimmed: &str) -> (&str, &str) {
    let end = trimmed.find(char::is_whitespace).unwrap_or(trimmed.len());
    (&trimmed[..end], &trimmed[end..])
}

fn is_section(line: &str) -> bool {
    let Some(rest) = line.strip_prefix('%') else {
        return false;
    };
    let (keyword, _) = split_keyword(rest);
    SECTIONS.contains(&keyword)
}

/// `Tag:` or `Tag(lang):` at the start of an expanded line; returns the tag and trimmed value.
fn split_tag(line: &str) -> Option<(&str, &str)> {
    let name_length = line.bytes().take_while(u8::is_ascii_alphanumeric).count();
    if name_length == 0 {
        return None;
    }
    let mut rest = line[name_length..].trim_start();
    if let Some(after) = rest.strip_prefix('(') {
        rest = after[after.find(')')? + 1..].trim_start();
    }
    let value = rest.strip_prefix(':')?;
    Some((&line[..name_length], value.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn evaluate(spec: &str) -> Result<SpecValues, EvaluationError> {
        PreambleEvaluator::new().evaluate(&SpecRequest {
            spec: spec.as_bytes(),
            commit: "c",
        })
    }

    fn spec(preamble: &str) -> String {
        format!("Name: t\n{preamble}\nSummary: s\nLicense: MIT\n%description\nd\n")
    }

    #[test]
    fn globals_and_conditionals() {
        let values = evaluate(&spec(
            "%global major 2\n%if 0%{?fedora} >= 40\n%global minor 9\n%else\n%global minor 1\n%endif\n\
             Version: %{major}.%{minor}\nRelease: %autorelease -e rc1 -p",
        ))
        .unwrap();
        assert_eq!(values.epoch_version, "2.1");
        assert_eq!(values.release, "Erc1_S_P1_B");
    }

    #[test]
    fn epoch_is_printed_as_a_number() {
        let values = evaluate(&spec(
            "Epoch: 007\nVersion: 1.0\nRelease: %{autorelease -b 5}",
        ))
        .unwrap();
        assert_eq!(values.epoch_version, "7:1.0");
        assert_eq!(values.release, "E_S_P0_B5");
    }

    #[test]
    fn comments_expand_macros_as_rpm_does() {
        let values = evaluate(&spec(
            "# %global myver 2.0\nVersion: %{?myver}%{!?myver:1.0}\nRelease: 1",
        ))
        .unwrap();
        assert_eq!(values.epoch_version, "2.0");
    }

    #[test]
    fn undefined_macros_stay_literal() {
        let values = evaluate(&spec("Version: %{undefinedmacro}\nRelease: 1%{?dist}")).unwrap();
        assert_eq!(values.epoch_version, "%{undefinedmacro}");
        assert_eq!(values.release, "1");
    }

    #[test]
    fn bconds() {
        let values = evaluate(&spec(
            "%bcond_without beta\n%bcond_with gamma\nVersion: %{with beta}.%{with gamma}.%{without gamma}\nRelease: 1",
        ))
        .unwrap();
        assert_eq!(values.epoch_version, "1.0.1");
    }

    #[test]
    fn rpm_rejects_what_rpm_rejects() {
        assert!(matches!(
            evaluate(&spec("Version: 1.0 beta\nRelease: 1")),
            Err(EvaluationError::Invalid { .. })
        ));
        assert!(matches!(
            evaluate(&spec("Version: 1-0\nRelease: 1")),
            Err(EvaluationError::Invalid { .. })
        ));
        assert!(matches!(
            evaluate(&spec("Version: 1\nVersion: 2\nRelease: 1")),
            Err(EvaluationError::Invalid { .. })
        ));
        assert!(matches!(
            evaluate(&spec("Release: 1")),
            Err(EvaluationError::MissingVersion)
        ));
        assert!(matches!(
            evaluate("Name: t\nVersion: 1\nRelease: 1\nSummary: s\n"),
            Err(EvaluationError::Invalid { .. })
        ));
        assert!(matches!(
            evaluate(&spec("%if %{?rhel}\n%endif\nVersion: 1\nRelease: 1")),
            Err(EvaluationError::Invalid { .. })
        ));
        assert!(matches!(
            evaluate(&spec("Version: %{lua: print(1)}\nRelease: 1")),
            Err(EvaluationError::Unsupported { .. })
        ));
    }

    #[test]
    fn multi_line_definitions() {
        let values = evaluate(&spec(
            "%global ver %{expand:\n1.2}\nVersion: %{ver}\nRelease: 1",
        ))
        .unwrap();
        assert_eq!(values.epoch_version, "1.2");
    }
}
