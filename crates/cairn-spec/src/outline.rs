//! A serializable summary of a spec: sections, packages, tags, conditionals and definitions
//! with their line numbers. This is what `cairn spec show` prints.

use std::fmt;

use serde::Serialize;

use crate::diagnostic::Diagnostic;
use crate::line::{DefinitionScope, DirectiveKind, LineKind};
use crate::section::{PackageForm, SectionKind};
use crate::span::Position;
use crate::spec::{SectionId, Spec};
use crate::tag::TagKind;

/// The outline of a spec.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Outline {
    /// Number of physical lines.
    pub physical_lines: u32,
    /// The preamble's `Name:` value, unexpanded.
    pub main_name: Option<String>,
    /// Sections in order, the preamble first.
    pub sections: Vec<OutlineSection>,
    /// Conditionals in order of their `%if`.
    pub conditionals: Vec<OutlineConditional>,
    /// `%define`/`%global` lines.
    pub definitions: Vec<OutlineDefinition>,
    /// `%include` lines.
    pub includes: Vec<OutlineInclude>,
    /// Diagnostics.
    pub diagnostics: Vec<Diagnostic>,
}

/// One section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutlineSection {
    /// The kind.
    pub kind: SectionKind,
    /// The header line as written.
    pub header: Option<String>,
    /// First physical line.
    pub line: u32,
    /// Last physical line.
    pub end_line: u32,
    /// The package qualifier as written.
    pub package: Option<OutlinePackage>,
    /// The resolved package name, when the main name is known.
    pub package_name: Option<String>,
    /// Header options other than `-n`.
    pub options: Vec<OutlineOption>,
    /// A trigger's condition.
    pub trigger_condition: Option<String>,
    /// Tags of the preamble or `%package` section.
    pub tags: Vec<OutlineTag>,
}

/// A package qualifier as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutlinePackage {
    /// Suffix or `-n` name.
    pub form: PackageForm,
    /// The text.
    pub name: String,
}

/// A header option.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutlineOption {
    /// The letter.
    pub letter: char,
    /// The value.
    pub value: Option<String>,
}

/// A tag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutlineTag {
    /// The kind.
    pub kind: TagKind,
    /// Name as written, with number and qualifier (`Requires(post)`, `Source12`).
    pub name: String,
    /// The value.
    pub value: String,
    /// Where the tag starts.
    pub position: Position,
    /// How many conditionals enclose it.
    pub conditional_depth: usize,
}

/// A conditional.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutlineConditional {
    /// Branches in order.
    pub branches: Vec<OutlineBranch>,
    /// The `%endif` line.
    pub end_line: Option<u32>,
    /// Nesting depth.
    pub depth: u32,
}

/// A conditional branch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutlineBranch {
    /// The directive.
    pub kind: DirectiveKind,
    /// Its expression or architecture list.
    pub argument: String,
    /// Its line.
    pub line: u32,
}

/// A macro definition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutlineDefinition {
    /// `%define` or `%global`.
    pub scope: DefinitionScope,
    /// The name.
    pub name: String,
    /// Parametric options.
    pub parameters: Option<String>,
    /// Where the name starts.
    pub position: Position,
    /// Number of physical lines of the definition.
    pub physical_lines: u32,
}

/// An `%include`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutlineInclude {
    /// The file as written.
    pub path: String,
    /// Its line.
    pub line: u32,
}

impl Spec {
    /// The outline of the spec.
    #[must_use]
    pub fn outline(&self) -> Outline {
        let main_name = self.main_name().map(|name| name.into_owned());
        let sections = self
            .section_ids()
            .map(|(id, _)| self.outline_section(id, main_name.as_deref()))
            .collect();
        let conditionals = self
            .conditionals()
            .iter()
            .map(|conditional| OutlineConditional {
                branches: conditional
                    .branches
                    .iter()
                    .map(|branch| {
                        let line = self.line(branch.directive);
                        let argument = match &line.kind {
                            LineKind::Conditional(directive) => {
                                self.text(directive.argument).into_owned()
                            }
                            _ => String::new(),
                        };
                        OutlineBranch {
                            kind: branch.kind,
                            argument,
                            line: line.position.line,
                        }
                    })
                    .collect(),
                end_line: conditional.end.map(|end| self.line(end).position.line),
                depth: conditional.depth,
            })
            .collect();
        let mut definitions = Vec::new();
        let mut includes = Vec::new();
        for line in self.lines() {
            match &line.kind {
                LineKind::Definition(definition) => definitions.push(OutlineDefinition {
                    scope: definition.scope,
                    name: self.text(definition.name).into_owned(),
                    parameters: definition
                        .parameters
                        .map(|parameters| self.text(parameters).into_owned()),
                    position: definition.name_position,
                    physical_lines: line.physical_lines,
                }),
                LineKind::Include(include) => {
                    includes.push(OutlineInclude {
                        path: self.text(include.path).into_owned(),
                        line: line.position.line,
                    });
                }
                _ => {}
            }
        }
        Outline {
            physical_lines: self.physical_line_count(),
            main_name,
            sections,
            conditionals,
            definitions,
            includes,
            diagnostics: self.diagnostics().to_vec(),
        }
    }

    fn outline_section(&self, id: SectionId, main_name: Option<&str>) -> OutlineSection {
        let section = self.section(id);
        let header = self.section_header(id);
        let end_line = section
            .lines
            .iter()
            .next_back()
            .map_or(section.position.line, |last| {
                let line = self.line(last);
                line.position.line + line.physical_lines - 1
            });
        let tags = self
            .section_tags(id)
            .map(|(line, tag)| {
                let head_end = tag
                    .qualifier
                    .map_or(tag.number.map_or(tag.name.end, |n| n.end), |q| q.end + 1);
                OutlineTag {
                    kind: tag.kind,
                    name: self
                        .text(crate::Span::new(tag.name.start, head_end))
                        .into_owned(),
                    value: self.text(tag.value).into_owned(),
                    position: tag.position,
                    conditional_depth: self.enclosing_branches(line).count(),
                }
            })
            .collect();
        OutlineSection {
            kind: section.kind,
            header: section
                .header
                .map(|line| self.text(self.line(line).content()).into_owned()),
            line: section.position.line,
            end_line,
            package: header
                .and_then(|header| header.package)
                .map(|package| OutlinePackage {
                    form: package.form,
                    name: self.text(package.name).into_owned(),
                }),
            package_name: main_name.and_then(|main| self.package_name(id, main)),
            options: header
                .map(|header| {
                    header
                        .options
                        .iter()
                        .map(|option| OutlineOption {
                            letter: option.letter,
                            value: option.value.map(|value| self.text(value).into_owned()),
                        })
                        .collect()
                })
                .unwrap_or_default(),
            trigger_condition: header
                .and_then(|header| header.trigger_condition)
                .map(|span| self.text(span).into_owned()),
            tags,
        }
    }
}

impl fmt::Display for Outline {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for section in &self.sections {
            let title = section.header.as_deref().unwrap_or("(preamble)");
            write!(f, "{:>5}-{:<5} {title}", section.line, section.end_line)?;
            if let Some(name) = &section.package_name {
                write!(f, "  [{name}]")?;
            }
            writeln!(f)?;
            for tag in &section.tags {
                let indent = "  ".repeat(tag.conditional_depth);
                let space = if tag.value.is_empty() { "" } else { " " };
                writeln!(
                    f,
                    "{:>11}   {indent}{}:{space}{}",
                    tag.position.line, tag.name, tag.value
                )?;
            }
        }
        if !self.conditionals.is_empty() {
            writeln!(f, "conditionals:")?;
            // Directives of all conditionals in line order, indented by depth.
            let mut directives: Vec<(u32, String)> = Vec::new();
            for conditional in &self.conditionals {
                let indent = "  ".repeat(conditional.depth as usize);
                for branch in &conditional.branches {
                    let mut text = format!("{indent}{}", branch.kind.keyword());
                    if !branch.argument.is_empty() {
                        text.push(' ');
                        text.push_str(&branch.argument.replace('\n', "\\n"));
                    }
                    directives.push((branch.line, text));
                }
                match conditional.end_line {
                    Some(line) => directives.push((line, format!("{indent}%endif"))),
                    None => directives.push((u32::MAX, format!("{indent}(unclosed)"))),
                }
            }
            directives.sort_by_key(|(line, _)| *line);
            for (line, text) in directives {
                let line = if line == u32::MAX {
                    String::new()
                } else {
                    line.to_string()
                };
                writeln!(f, "{line:>11}   {text}")?;
            }
        }
        if !self.definitions.is_empty() {
            writeln!(f, "definitions:")?;
            for definition in &self.definitions {
                let keyword = match definition.scope {
                    DefinitionScope::Define => "%define",
                    DefinitionScope::Global => "%global",
                };
                let parameters = definition
                    .parameters
                    .as_ref()
                    .map(|p| format!("({p})"))
                    .unwrap_or_default();
                writeln!(
                    f,
                    "{:>11}   {keyword} {}{parameters}",
                    definition.position.line, definition.name
                )?;
            }
        }
        for include in &self.includes {
            writeln!(f, "{:>11}   %include {}", include.line, include.path)?;
        }
        for diagnostic in &self.diagnostics {
            writeln!(f, "{diagnostic}")?;
        }
        Ok(())
    }
}
