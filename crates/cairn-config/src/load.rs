//! Loading: discovery, includes, parsing with positions, unknown keys, merging across files.
//!
//! Load order is azldev's (`internal/projectconfig/loader.go`): the embedded defaults, the
//! project file and its includes (depth-first, each file before the files it includes), the
//! user file, then `--config-file` extras. Paths in a file are made absolute against its
//! directory before merging.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;
use toml::de::{DeTable, DeValue};
use tracing::{debug, warn};

use crate::error::{ConfigError, Diagnostic, DiagnosticKind};
use crate::location::{KeyPath, LineIndex, Location, Segment, absolute_against};
use crate::merge::{Layer, MergeMode, Override};
use crate::model::ConfigFile;
use crate::project::{Defined, Project};
use crate::{glob, keys, schema, validate};

/// The project files cairn looks for, in order of preference.
pub const PROJECT_FILE_NAMES: [&str; 2] = ["cairn.toml", "azldev.toml"];

/// cairn's equivalent of azldev's embedded `defaultconfigs/content/defaults.toml`.
pub const EMBEDDED_DEFAULTS: &str = include_str!("defaults.toml");

/// How to load a project.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// Files merged after the project's, in order (`--config-file`).
    pub extra_files: Vec<PathBuf>,
    /// Report unknown keys and broken rules as warnings instead of errors.
    pub permissive: bool,
    /// Load [`EMBEDDED_DEFAULTS`] first (azldev's `--no-default-config` turns this off).
    pub embedded_defaults: bool,
    /// A per-user file merged after the project (azldev: `~/.config/azldev/config.toml`).
    pub user_file: Option<PathBuf>,
    /// Whether `false`/`""` override inherited values.
    pub merge_mode: MergeMode,
}

impl Default for LoadOptions {
    fn default() -> Self {
        Self {
            extra_files: Vec::new(),
            permissive: false,
            embedded_defaults: true,
            user_file: None,
            merge_mode: MergeMode::default(),
        }
    }
}

/// Finds the project file in `start` or the nearest parent directory.
pub fn find_project_file(start: &Path) -> Result<PathBuf, ConfigError> {
    let start = absolute(start)?;
    for dir in start.ancestors() {
        for name in PROJECT_FILE_NAMES {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Ok(candidate);
            }
        }
    }
    Err(ConfigError::ProjectNotFound { start })
}

pub(crate) fn load(project_file: &Path, options: &LoadOptions) -> Result<Project, ConfigError> {
    let project_file = absolute(project_file)?;
    let root_dir = project_file
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let mut loader = Loader {
        options,
        project: Project::empty(project_file.clone(), root_dir.clone(), options),
        loaded: HashSet::new(),
        chain: Vec::new(),
        diagnostics: Vec::new(),
    };
    if options.embedded_defaults {
        let file: Arc<Path> = Arc::from(root_dir.join("<embedded defaults>"));
        loader.load_text(&file, &root_dir, EMBEDDED_DEFAULTS);
    }
    loader.load_root(&project_file)?;
    if let Some(user_file) = options.user_file.as_ref().filter(|f| f.is_file()) {
        loader.load_root(user_file)?;
    }
    for extra in &options.extra_files {
        loader.load_root(extra)?;
    }
    let Loader {
        mut project,
        mut diagnostics,
        ..
    } = loader;
    diagnostics.extend(crate::project::check_references(&mut project));
    project.discover_specs(&mut diagnostics);
    let (soft, hard): (Vec<_>, Vec<_>) = diagnostics
        .into_iter()
        .partition(|d| d.kind.is_permissible());
    if !hard.is_empty() || (!soft.is_empty() && !options.permissive) {
        let mut all = hard;
        if !options.permissive {
            all.extend(soft);
        }
        return Err(ConfigError::Invalid { diagnostics: all });
    }
    for diagnostic in &soft {
        warn!("{diagnostic} (accepted by --permissive-config)");
    }
    project.warnings = soft;
    Ok(project)
}

/// Absolute and lexically clean, as Go's `filepath.Abs` (so `..` after a symlink follows
/// the path as written, like azldev).
fn absolute(path: &Path) -> Result<PathBuf, ConfigError> {
    std::path::absolute(path)
        .map(|absolute| crate::location::clean(&absolute))
        .map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })
}

struct Loader<'o> {
    options: &'o LoadOptions,
    project: Project,
    /// Every file loaded so far: a file reached twice (a diamond) is loaded once.
    loaded: HashSet<PathBuf>,
    /// The include chain being loaded: a file reached again through it is a cycle.
    chain: Vec<PathBuf>,
    diagnostics: Vec<Diagnostic>,
}

impl Loader<'_> {
    fn load_root(&mut self, path: &Path) -> Result<(), ConfigError> {
        let path = absolute(path)?;
        if let Err(source) = std::fs::metadata(&path) {
            return Err(ConfigError::Read { path, source });
        }
        self.load_tree(&path, None);
        Ok(())
    }

    fn load_tree(&mut self, path: &Path, included_at: Option<&Location>) {
        if self.chain.iter().any(|p| p == path) {
            let mut chain: Vec<String> =
                self.chain.iter().map(|p| p.display().to_string()).collect();
            chain.push(path.display().to_string());
            let location = included_at
                .cloned()
                .unwrap_or_else(|| Location::file_start(Arc::from(path)));
            self.diagnostics.push(Diagnostic {
                kind: DiagnosticKind::IncludeCycle,
                location,
                message: format!(
                    "include cycle: {}; remove one of these includes",
                    chain.join(" -> ")
                ),
            });
            return;
        }
        if !self.loaded.insert(path.to_path_buf()) {
            // azldev rejects a file reached twice as circular even without a cycle; loading it
            // once accepts every configuration azldev accepts and a few more.
            debug!(file = %path.display(), "already loaded through another include");
            return;
        }
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(error) => {
                let location = included_at
                    .cloned()
                    .unwrap_or_else(|| Location::file_start(Arc::from(path)));
                self.diagnostics.push(Diagnostic {
                    kind: DiagnosticKind::Io,
                    location,
                    message: format!("cannot read {}: {error}", path.display()),
                });
                return;
            }
        };
        debug!(file = %path.display(), "loading configuration file");
        self.project.files.push(path.to_path_buf());
        let file: Arc<Path> = Arc::from(path);
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let includes = self.load_text(&file, &dir, &text);
        self.chain.push(path.to_path_buf());
        for (pattern, location) in includes {
            let absolute = absolute_against(&dir, Path::new(&pattern));
            match glob::expand(&absolute) {
                Ok(matches) if matches.is_empty() && !glob::has_wildcards(&pattern) => {
                    self.diagnostics.push(Diagnostic {
                        kind: DiagnosticKind::MissingInclude,
                        location,
                        message: format!(
                            "included file `{pattern}` does not exist ({}); fix the path or use a glob if it is optional",
                            absolute.display()
                        ),
                    });
                }
                Ok(matches) => {
                    for included in matches {
                        self.load_tree(&included, Some(&location));
                    }
                }
                Err(error) => self.diagnostics.push(Diagnostic {
                    kind: DiagnosticKind::Io,
                    location,
                    message: format!("cannot expand include `{pattern}`: {error}"),
                }),
            }
        }
        self.chain.pop();
    }

    /// Parses, checks and merges one file; returns its includes and where each is written.
    fn load_text(&mut self, file: &Arc<Path>, dir: &Path, text: &str) -> Vec<(String, Location)> {
        let lines = LineIndex::new(text);
        let mut root = match DeTable::parse(text) {
            Ok(root) => root,
            Err(error) => {
                self.syntax(file, &lines, &error);
                return Vec::new();
            }
        };
        // Unknown keys are reported here, then dropped so the rest of the file still loads
        // and every problem is reported in one go.
        for unknown in keys::check(root.get_mut(), schema::config_file_schema(), true) {
            self.diagnostics.push(Diagnostic {
                kind: DiagnosticKind::UnknownKey,
                location: lines.locate(file, unknown.span.start),
                message: unknown.message(),
            });
        }
        let definitions = definition_offsets(root.get_ref());
        let config = match ConfigFile::deserialize(toml::de::Deserializer::from(root)) {
            Ok(config) => config,
            Err(error) => {
                self.syntax(file, &lines, &error);
                return Vec::new();
            }
        };
        let issues = validate::file(&config);
        if !issues.is_empty() {
            let reparsed = DeTable::parse(text)
                .map(toml::Spanned::into_inner)
                .unwrap_or_default();
            for (path, message) in issues {
                let offset = locate(&reparsed, &path).unwrap_or(0);
                self.diagnostics.push(Diagnostic {
                    kind: DiagnosticKind::Invalid,
                    location: lines.locate(file, offset),
                    message: format!("{message} (at `{path}`)"),
                });
            }
        }
        let includes = config
            .includes
            .iter()
            .enumerate()
            .map(|(index, pattern)| {
                let offset = definitions.includes.get(index).copied().unwrap_or(0);
                (pattern.clone(), lines.locate(file, offset))
            })
            .collect();
        let config = crate::absolute::config_file(config, dir);
        self.merge(config, file, &lines, &definitions);
        includes
    }

    fn syntax(&mut self, file: &Arc<Path>, lines: &LineIndex<'_>, error: &toml::de::Error) {
        let offset = error.span().map_or(0, |span| span.start);
        let message = error.message().trim_end().replace('\n', " ");
        self.diagnostics.push(Diagnostic {
            kind: DiagnosticKind::Syntax,
            location: lines.locate(file, offset),
            message,
        });
    }

    fn merge(
        &mut self,
        config: ConfigFile,
        file: &Arc<Path>,
        lines: &LineIndex<'_>,
        offsets: &DefinitionOffsets,
    ) {
        let mode = self.options.merge_mode;
        let project = &mut self.project;
        let at = |table: &str, name: &str| lines.locate(file, offsets.of(table, name));
        if let Some(info) = &config.project {
            project.info.override_with(info, mode);
        }
        for (name, distro) in config.distros {
            match project.distros.get_mut(&name) {
                Some(existing) => existing.override_with(&distro, mode),
                None => {
                    project.distros.insert(name, distro);
                }
            }
        }
        for (name, group) in config.component_groups {
            let location = at("component-groups", &name);
            if let Some(first) = project.component_groups.get(&name) {
                self.diagnostics.push(duplicate(
                    "component group",
                    &name,
                    location,
                    &first.location,
                ));
                continue;
            }
            for member in &group.components {
                project
                    .groups_by_component
                    .entry(member.clone())
                    .or_default()
                    .push(name.clone());
            }
            project.component_groups.insert(
                name,
                Defined {
                    config: group,
                    location,
                },
            );
        }
        insert_unique(
            &mut project.components,
            config.components,
            "component",
            &at,
            "components",
            &mut self.diagnostics,
        );
        insert_unique(
            &mut project.images,
            config.images,
            "image",
            &at,
            "images",
            &mut self.diagnostics,
        );
        if let Some(tools) = &config.tools {
            project.tools.override_with(tools, mode);
        }
        if let Some(cairn) = &config.cairn {
            project.cairn.override_with(cairn, mode);
        }
        if let Some(defaults) = &config.default_component_config {
            project.default_component_config.layer(defaults, mode);
        }
        if let Some(defaults) = &config.default_package_config {
            project.default_package_config.override_with(defaults, mode);
        }
        insert_unique(
            &mut project.package_groups,
            config.package_groups,
            "package group",
            &at,
            "package-groups",
            &mut self.diagnostics,
        );
        insert_unique(
            &mut project.test_suites,
            config.test_suites,
            "test suite",
            &at,
            "test-suites",
            &mut self.diagnostics,
        );
        if let Some(resources) = &config.resources {
            project.resources.override_with(resources, mode);
        }
    }
}

fn insert_unique<T>(
    into: &mut BTreeMap<String, Defined<T>>,
    from: BTreeMap<String, T>,
    what: &str,
    at: &impl Fn(&str, &str) -> Location,
    table: &str,
    diagnostics: &mut Vec<Diagnostic>,
) {
    for (name, config) in from {
        let location = at(table, &name);
        if let Some(first) = into.get(&name) {
            diagnostics.push(duplicate(what, &name, location, &first.location));
        } else {
            into.insert(name, Defined { config, location });
        }
    }
}

fn duplicate(what: &str, name: &str, location: Location, first: &Location) -> Diagnostic {
    Diagnostic {
        kind: DiagnosticKind::Duplicate,
        location,
        message: format!(
            "{what} `{name}` is already defined at {first}; define it in one file only"
        ),
    }
}

/// Byte offsets of the keys that define named things, and of each `includes` entry.
#[derive(Default)]
struct DefinitionOffsets {
    tables: BTreeMap<&'static str, BTreeMap<String, usize>>,
    includes: Vec<usize>,
}

impl DefinitionOffsets {
    fn of(&self, table: &str, name: &str) -> usize {
        self.tables
            .get(table)
            .and_then(|names| names.get(name))
            .copied()
            .unwrap_or(0)
    }
}

fn definition_offsets(root: &DeTable<'_>) -> DefinitionOffsets {
    let mut offsets = DefinitionOffsets::default();
    for (key, value) in root.iter() {
        let key_name: &str = key.get_ref();
        if key_name == "includes" {
            if let DeValue::Array(items) = value.get_ref() {
                offsets.includes = items.iter().map(|item| item.span().start).collect();
            }
            continue;
        }
        let Some(table) = [
            "components",
            "component-groups",
            "images",
            "package-groups",
            "test-suites",
        ]
        .into_iter()
        .find(|t| *t == key_name) else {
            continue;
        };
        if let DeValue::Table(entries) = value.get_ref() {
            let names = offsets.tables.entry(table).or_default();
            for (name, _) in entries.iter() {
                let name_text: &str = name.get_ref();
                names.insert(name_text.to_owned(), name.span().start);
            }
        }
    }
    offsets
}

/// The byte offset of the deepest part of `path` present in `root`.
pub(crate) fn locate(root: &DeTable<'_>, path: &KeyPath) -> Option<usize> {
    let mut table = Some(root);
    let mut value: Option<&DeValue<'_>> = None;
    let mut found = None;
    for segment in &path.0 {
        match segment {
            Segment::Key(name) => {
                let current = table.or(match value {
                    Some(DeValue::Table(t)) => Some(t),
                    _ => None,
                })?;
                let Some((key, next)) = current.iter().find(|(k, _)| {
                    let text: &str = k.get_ref();
                    text == name
                }) else {
                    break;
                };
                found = Some(key.span().start);
                value = Some(next.get_ref());
                table = None;
            }
            Segment::Index(index) => {
                let Some(DeValue::Array(items)) = value else {
                    break;
                };
                let Some(item) = items.get(*index) else { break };
                found = Some(item.span().start);
                value = Some(item.get_ref());
            }
        }
    }
    found
}
