//! The section loop of rpm's `parseSpec`: preamble, `%package`, scriptlets, `%files`,
//! `%sourcelist`/`%patchlist`, and the finishing touches (`addPackageProvides`).

use std::path::Path;

use crate::context::MacroContext;
use crate::error::SpecError;
use crate::spec::model::{Dependency, Package, SourceFile, Spec, evr, source_file_name};
use crate::spec::preamble::{Tag, parse_dependencies, parse_qualifiers, parse_tag_line};
use crate::spec::reader::{Expansion, Line, Reader};
use crate::table::level;

/// Section kinds (rpm's `partList`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Part {
    Package,
    Script,
    Scriptlet(&'static str),
    Trigger,
    Files,
    Changelog,
    Description,
    Policies,
    End,
    PatchList,
    SourceList,
    GenerateBuildRequires,
}

const PARTS: &[(&str, Part)] = &[
    ("%package", Part::Package),
    ("%prep", Part::Script),
    ("%build", Part::Script),
    ("%install", Part::Script),
    ("%check", Part::Script),
    ("%clean", Part::Script),
    ("%conf", Part::Script),
    ("%preun", Part::Scriptlet("preun")),
    ("%postun", Part::Scriptlet("postun")),
    ("%pretrans", Part::Scriptlet("pretrans")),
    ("%posttrans", Part::Scriptlet("posttrans")),
    ("%pre", Part::Scriptlet("pre")),
    ("%post", Part::Scriptlet("post")),
    ("%verifyscript", Part::Scriptlet("verify")),
    ("%files", Part::Files),
    ("%changelog", Part::Changelog),
    ("%description", Part::Description),
    ("%triggerpostun", Part::Trigger),
    ("%triggerprein", Part::Trigger),
    ("%triggerun", Part::Trigger),
    ("%triggerin", Part::Trigger),
    ("%trigger", Part::Trigger),
    ("%sepolicy", Part::Policies),
    ("%filetriggerin", Part::Trigger),
    ("%filetrigger", Part::Trigger),
    ("%filetriggerun", Part::Trigger),
    ("%filetriggerpostun", Part::Trigger),
    ("%transfiletriggerin", Part::Trigger),
    ("%transfiletrigger", Part::Trigger),
    ("%transfiletriggerun", Part::Trigger),
    ("%transfiletriggerpostun", Part::Trigger),
    ("%end", Part::End),
    ("%patchlist", Part::PatchList),
    ("%sourcelist", Part::SourceList),
    ("%generate_buildrequires", Part::GenerateBuildRequires),
];

/// rpm's `isPart`: the line starts with a section word (any case) followed by a blank or
/// the end.
pub(crate) fn part_of(line: &str) -> Option<Part> {
    if !line.starts_with('%') {
        return None;
    }
    PARTS.iter().find_map(|(word, part)| {
        let head = line.get(..word.len())?;
        let next = line[word.len()..].chars().next();
        (head.eq_ignore_ascii_case(word) && next.is_none_or(char::is_whitespace)).then_some(*part)
    })
}

/// What the lines after a section header are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    Preamble(usize),
    SourceList,
    PatchList,
    Changelog,
    Body,
}

struct Parser<'a> {
    path: &'a Path,
    spec: Spec,
    next_source: u32,
    next_patch: u32,
    /// This is the pass for a BuildArch (rpm's `spec->recursing`).
    recursing: bool,
    /// The main package declared BuildArch in the first pass: stop there.
    stop_for_build_arch: bool,
}

pub(crate) fn parse(
    path: &Path,
    text: &str,
    context: &mut MacroContext,
    target_cpu: &str,
    target_os: &str,
    recursing: bool,
) -> Result<Spec, SpecError> {
    context.clear_source_paths();
    let mut reader = Reader::new(path, text.to_owned(), target_cpu, target_os);
    let mut parser = Parser {
        path,
        spec: Spec::default(),
        next_source: 0,
        next_patch: 0,
        recursing,
        stop_for_build_arch: false,
    };
    parser.spec.packages.push(Package {
        arch: target_cpu.to_owned(),
        ..Package::default()
    });
    let mut section = Section::Preamble(0);
    loop {
        let expansion = match section {
            Section::Preamble(_) | Section::SourceList | Section::PatchList => Expansion::Full,
            Section::Changelog => Expansion::None,
            Section::Body => Expansion::DefinitionsOnly,
        };
        let Some(mut line) = reader.next_line(context, expansion)? else {
            break;
        };
        if !line.expanded
            && section != Section::Changelog
            && starts_section_macro(context, &line.text)
        {
            // A macro that expands to whole sections (`%package`...) in a body: expand it as rpm
            // would and read its lines.
            let expanded = expand_line(context, &line, parser.path)?;
            let mut lines: Vec<&str> = expanded.lines().collect();
            if lines.len() > 1 || part_of(expanded.trim_start()).is_some() {
                let first = lines.remove(0).to_owned();
                reader.push_expanded(lines.iter().map(|l| (*l).to_owned()).collect(), line.number);
                line = Line {
                    text: first,
                    number: line.number,
                    expanded: true,
                };
            }
        }
        let Some(part) = part_of(&line.text) else {
            match section {
                Section::Preamble(package) => {
                    parser.preamble_line(context, package, &line)?;
                    if parser.stop_for_build_arch {
                        return Ok(parser.spec);
                    }
                }
                Section::SourceList | Section::PatchList => {
                    let value = line.text.trim();
                    if !value.is_empty() && !value.starts_with('#') {
                        let patch = section == Section::PatchList;
                        parser.add_source(context, patch, None, value, line.number)?;
                    }
                }
                Section::Changelog | Section::Body => {}
            }
            continue;
        };
        let header = if line.expanded || !line.text.contains('%') {
            line.text.clone()
        } else {
            // rpm expands the whole line and reads on from the expansion: only its first line
            // is the header (`%description %{_description}` with a multi-line description).
            let expanded = expand_line(context, &line, parser.path)?;
            let mut lines = expanded.split('\n');
            let first = lines.next().unwrap_or_default().to_owned();
            let rest: Vec<String> = lines.map(str::to_owned).collect();
            if !rest.is_empty() {
                reader.push_expanded(rest, line.number);
            }
            first
        };
        section = parser.start_section(part, &header, line.number)?;
    }
    parser.finish(context)
}

/// Whether a body line starts with a macro whose definition makes sections (so it must be
/// expanded even though body lines are otherwise left alone).
fn starts_section_macro(context: &MacroContext, line: &str) -> bool {
    let trimmed = line.trim_start();
    let Some(rest) = trimmed.strip_prefix('%') else {
        return false;
    };
    let rest = rest.trim_start_matches(['{', '?', '!']);
    let end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    let name = &rest[..end];
    if name.is_empty() || part_of(trimmed).is_some() {
        return false;
    }
    context.table().get(name).is_some_and(|definition| {
        let body = &*definition.body;
        [
            "%package",
            "%files",
            "%description",
            "%trigger",
            "%filetrigger",
            "%post",
            "%pre",
            "_subpkg",
        ]
        .iter()
        .any(|word| body.contains(word))
    })
}

fn expand_line(context: &mut MacroContext, line: &Line, path: &Path) -> Result<String, SpecError> {
    context.expand(&line.text).map_err(|error| SpecError::Line {
        path: path.to_owned(),
        line: line.number,
        message: error.to_string(),
    })
}

/// Splits a section header's arguments on blanks, honouring double quotes (popt).
fn header_words(header: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    let mut any = false;
    for c in header.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                any = true;
            }
            c if c.is_whitespace() && !quoted => {
                if any {
                    words.push(std::mem::take(&mut current));
                    any = false;
                }
            }
            c => {
                current.push(c);
                any = true;
            }
        }
    }
    if any {
        words.push(current);
    }
    words
}

impl Parser<'_> {
    fn error(&self, line: usize, message: impl Into<String>) -> SpecError {
        SpecError::Line {
            path: self.path.to_owned(),
            line,
            message: message.into(),
        }
    }

    /// The package a section header names: `-n name`, or `name` after the main name.
    fn find_package(
        &self,
        name: Option<&str>,
        full: bool,
        line: usize,
    ) -> Result<usize, SpecError> {
        let Some(name) = name else { return Ok(0) };
        let wanted = if full {
            name.to_owned()
        } else {
            format!("{}-{name}", self.spec.packages[0].name)
        };
        self.spec
            .packages
            .iter()
            .position(|package| package.name == wanted)
            .ok_or_else(|| self.error(line, format!("package {wanted} does not exist")))
    }

    fn start_section(
        &mut self,
        part: Part,
        header: &str,
        line: usize,
    ) -> Result<Section, SpecError> {
        let words = header_words(header);
        let arguments = &words[1..];
        // Options that take a value, per section kind (rpm's popt tables).
        let (mut name, mut full, mut interpreter, mut expand_flag) = (None, false, None, false);
        let mut index = 0;
        while index < arguments.len() {
            let word = arguments[index].as_str();
            index += 1;
            match word {
                "--" => break,
                "-n" => {
                    name = arguments.get(index).cloned();
                    full = true;
                    index += 1;
                }
                "-p" => {
                    interpreter = arguments.get(index).cloned();
                    index += 1;
                }
                "-f" | "-l" | "-P" => index += 1,
                "-e" | "-q" => expand_flag = true,
                word if word.starts_with('-') && word.len() > 1 => {}
                word => {
                    if name.is_none() {
                        name = Some(word.to_owned());
                    }
                }
            }
        }
        Ok(match part {
            Part::Package => {
                let Some(name) = name else {
                    return Err(self.error(line, "%package needs a name"));
                };
                let full_name = if full {
                    name
                } else {
                    format!("{}-{name}", self.spec.packages[0].name)
                };
                if self
                    .spec
                    .packages
                    .iter()
                    .any(|package| package.name == full_name)
                {
                    return Err(self.error(line, format!("package {full_name} already exists")));
                }
                let main = &self.spec.packages[0];
                let package = Package {
                    name: full_name,
                    epoch: main.epoch,
                    version: main.version.clone(),
                    release: main.release.clone(),
                    arch: main.arch.clone(),
                    ..Package::default()
                };
                self.spec.packages.push(package);
                Section::Preamble(self.spec.packages.len() - 1)
            }
            Part::Scriptlet(_) | Part::Trigger => {
                let package = self.find_package(name.as_deref(), full, line)?;
                let qualifier = if let Part::Scriptlet(kind) = part {
                    Some(kind)
                } else {
                    None
                };
                self.add_interpreter(package, interpreter.as_deref(), qualifier, expand_flag);
                Section::Body
            }
            Part::Files | Part::Description => {
                let package = self.find_package(name.as_deref(), full, line)?;
                if part == Part::Files {
                    self.spec.packages[package].has_files = true;
                }
                Section::Body
            }
            Part::Changelog => Section::Changelog,
            Part::SourceList => Section::SourceList,
            Part::PatchList => Section::PatchList,
            Part::GenerateBuildRequires => {
                self.spec.has_generate_buildrequires = true;
                Section::Body
            }
            Part::Script | Part::Policies | Part::End => Section::Body,
        })
    }

    /// Scriptlets require their interpreter (rpm's `parseScript`).
    fn add_interpreter(
        &mut self,
        package: usize,
        interpreter: Option<&str>,
        qualifier: Option<&str>,
        expand_flag: bool,
    ) {
        let program = interpreter.unwrap_or("/bin/sh");
        let requires = &mut self.spec.packages[package].requires;
        if program.starts_with('<') {
            requires.push(rpmlib("BuiltinLuaScripts", "4.2.2-1"));
        } else {
            let mut qualifiers = vec!["interp".to_owned()];
            qualifiers.extend(qualifier.map(str::to_owned));
            requires.push(Dependency {
                qualifiers,
                ..Dependency::named(program)
            });
        }
        if expand_flag {
            requires.push(rpmlib("ScriptletExpansion", "4.9.0-1"));
        }
    }

    fn add_source(
        &mut self,
        context: &mut MacroContext,
        patch: bool,
        number: Option<u32>,
        value: &str,
        line: usize,
    ) -> Result<(), SpecError> {
        // rpm numbers an unnumbered Source/Patch one past the highest number so far.
        let next = if patch {
            &mut self.next_patch
        } else {
            &mut self.next_source
        };
        let number = number.unwrap_or(*next);
        *next = (*next).max(number.saturating_add(1));
        let existing = if patch {
            &self.spec.source.patches
        } else {
            &self.spec.source.sources
        };
        if existing.iter().any(|entry| entry.number == number) {
            let kind = if patch { "patch" } else { "source" };
            return Err(self.error(line, format!("{kind} {number} defined multiple times")));
        }
        let file_name = source_file_name(value);
        let source_dir = context.expand("%{_sourcedir}").unwrap_or_default();
        let macro_name = if patch {
            format!("PATCH{number}")
        } else {
            format!("SOURCE{number}")
        };
        let path = format!("{source_dir}/{file_name}");
        context.push(&macro_name, &path, level::SPEC);
        context.add_source_path(patch, number, &path);
        let entry = SourceFile {
            number,
            location: value.to_owned(),
            file_name,
        };
        if patch {
            self.spec.source.patches.push(entry);
        } else {
            self.spec.source.sources.push(entry);
        }
        Ok(())
    }

    fn preamble_line(
        &mut self,
        context: &mut MacroContext,
        package: usize,
        line: &Line,
    ) -> Result<(), SpecError> {
        let text = line.text.trim_start();
        if text.is_empty() || text.starts_with('#') {
            return Ok(());
        }
        let Some(tag) = parse_tag_line(text) else {
            return Err(self.error(line.number, format!("Unknown tag: {text}")));
        };
        let value = tag.value;
        let number = line.number;
        // build/parsePreamble.c `handlePreambleTag`: every tag needs a value, and these take a
        // single token (`SINGLE_TOKEN_ONLY`); rpm fails the parse otherwise.
        if value.is_empty() {
            return Err(self.error(number, format!("Empty tag: {text}")));
        }
        let single_token = matches!(tag.tag, Tag::Name | Tag::Version | Tag::Release)
            || matches!(tag.macro_name, Some("url" | "disttag" | "bugurl" | "vcs"));
        if single_token && value.contains(|c: char| c.is_ascii_whitespace()) {
            return Err(self.error(number, format!("Tag takes single token only: {text}")));
        }
        let dependencies = |this: &Self, qualifiers: &[String]| {
            parse_dependencies(value, qualifiers).map_err(|message| this.error(number, message))
        };
        match tag.tag {
            Tag::Name => self.spec.packages[package].name = value.to_owned(),
            Tag::Version | Tag::Release => {
                if value.contains('-') {
                    return Err(self.error(number, format!("Illegal char '-' in: {value}")));
                }
                let target = &mut self.spec.packages[package];
                if tag.tag == Tag::Version {
                    target.version = value.to_owned();
                } else {
                    target.release = value.to_owned();
                }
            }
            Tag::Epoch => {
                let epoch = value.parse::<u32>().map_err(|_| {
                    self.error(
                        number,
                        format!("Epoch field must be an unsigned number: {value}"),
                    )
                })?;
                self.spec.packages[package].epoch = Some(epoch);
            }
            Tag::Source | Tag::Patch => {
                self.add_source(context, tag.tag == Tag::Patch, tag.number, value, number)?;
            }
            Tag::ExcludeArch | Tag::ExclusiveArch | Tag::ExcludeOs | Tag::ExclusiveOs => {
                let words = value
                    .split(|c: char| c.is_whitespace() || c == ',')
                    .filter(|w| !w.is_empty());
                let source = &mut self.spec.source;
                let list = match tag.tag {
                    Tag::ExcludeArch => &mut source.exclude_arch,
                    Tag::ExclusiveArch => &mut source.exclusive_arch,
                    Tag::ExcludeOs => &mut source.exclude_os,
                    _ => &mut source.exclusive_os,
                };
                list.extend(words.map(str::to_owned));
            }
            Tag::BuildArch => {
                let archs: Vec<String> =
                    value.split_ascii_whitespace().map(str::to_owned).collect();
                if package == 0 {
                    self.spec.source.build_arch = archs;
                    // rpm's parsePreamble: the first pass ends right after the main package's
                    // BuildArch, and the spec is parsed again for that architecture.
                    self.stop_for_build_arch = !self.recursing;
                } else if let Some(arch) = archs.first() {
                    self.spec.packages[package].arch = arch.clone();
                }
            }
            Tag::Provides
            | Tag::Requires
            | Tag::PreReq
            | Tag::Recommends
            | Tag::Suggests
            | Tag::Supplements
            | Tag::Enhances
            | Tag::Conflicts
            | Tag::Obsoletes
            | Tag::OrderWithRequires => {
                let mut qualifiers = parse_qualifiers(tag.qualifier);
                if tag.tag == Tag::PreReq {
                    qualifiers.push("prereq".to_owned());
                }
                let parsed = dependencies(self, &qualifiers)?;
                let target = &mut self.spec.packages[package];
                let list = match tag.tag {
                    Tag::Provides => &mut target.provides,
                    Tag::Requires | Tag::PreReq => &mut target.requires,
                    Tag::Recommends => &mut target.recommends,
                    Tag::Suggests => &mut target.suggests,
                    Tag::Supplements => &mut target.supplements,
                    Tag::Enhances => &mut target.enhances,
                    Tag::Conflicts => &mut target.conflicts,
                    Tag::Obsoletes => &mut target.obsoletes,
                    _ => &mut target.order_with_requires,
                };
                list.extend(parsed);
            }
            Tag::BuildRequires | Tag::BuildPreReq | Tag::BuildConflicts => {
                let parsed = dependencies(self, &[])?;
                let source = &mut self.spec.source;
                if tag.tag == Tag::BuildConflicts {
                    source.build_conflicts.extend(parsed);
                } else {
                    source.build_requires.extend(parsed);
                }
            }
            Tag::Informational | Tag::NoSource | Tag::Ignored => {}
        }
        if let Some(macro_name) = tag.macro_name {
            context.push(macro_name, value, level::SPEC);
            if package == 0 {
                context.push(&macro_name.to_ascii_uppercase(), value, level::SPEC);
            }
        }
        Ok(())
    }

    /// rpm's finalizeSpec: the source header and `addPackageProvides`.
    fn finish(mut self, context: &mut MacroContext) -> Result<Spec, SpecError> {
        let main = &self.spec.packages[0];
        if main.name.is_empty() {
            return Err(SpecError::Spec {
                path: self.path.to_owned(),
                message: "Name field must be present in package".to_owned(),
            });
        }
        if main.version.is_empty() {
            return Err(SpecError::Spec {
                path: self.path.to_owned(),
                message: "Version field must be present in package".to_owned(),
            });
        }
        if main.release.is_empty() {
            return Err(SpecError::Spec {
                path: self.path.to_owned(),
                message: "Release field must be present in package".to_owned(),
            });
        }
        let source = &mut self.spec.source;
        source.name = main.name.clone();
        source.epoch = main.epoch;
        source.version = main.version.clone();
        source.release = main.release.clone();
        normalize(&mut source.build_requires);
        normalize(&mut source.build_conflicts);
        for package in &mut self.spec.packages {
            let evr = evr(package.epoch, &package.version, &package.release);
            package.provides.push(equal(&package.name, &evr));
            if package.arch != "noarch" {
                let isa = context
                    .expand(&format!("{}%{{?_isa}}", package.name))
                    .unwrap_or_default();
                if isa != package.name {
                    package.provides.push(equal(&isa, &evr));
                }
            }
            for list in [
                &mut package.provides,
                &mut package.requires,
                &mut package.conflicts,
                &mut package.obsoletes,
                &mut package.recommends,
                &mut package.suggests,
                &mut package.supplements,
                &mut package.enhances,
                &mut package.order_with_requires,
            ] {
                normalize(list);
            }
        }
        Ok(self.spec)
    }
}

fn equal(name: &str, evr: &str) -> Dependency {
    Dependency {
        comparison: Some(crate::spec::model::Comparison::Equal),
        version: Some(evr.to_owned()),
        ..Dependency::named(name)
    }
}

fn rpmlib(feature: &str, version: &str) -> Dependency {
    Dependency {
        comparison: Some(crate::spec::model::Comparison::LessOrEqual),
        version: Some(version.to_owned()),
        qualifiers: vec!["rpmlib".to_owned()],
        ..Dependency::named(format!("rpmlib({feature})"))
    }
}

/// Sorts and removes exact duplicates, as rpm's dependency sets do (`rpmdsMerge`).
fn normalize(list: &mut Vec<Dependency>) {
    list.sort();
    list.dedup();
}
