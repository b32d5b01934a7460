//! A macro context: the table plus what expansion needs (limits, `%(...)` policy, Lua).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use crate::error::MacroError;
use crate::expand::Frame;
use crate::files::MacroSet;
use crate::table::{MacroTable, level};

/// What `%(...)` does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum ShellPolicy {
    /// Run the command with `/bin/sh -c`, as rpm does (through `cairn_tool::Tool`), caching the
    /// output of each distinct command for the life of the [`ShellCache`].
    #[default]
    Run,
    /// Expand to nothing without running anything (for untrusted input and fuzzing).
    Disabled,
}

/// Outputs of `%(...)` commands, shared by every context of one run: specs run the same few
/// commands (`%(echo ...)`, `%(rpm -q ...)`), so each runs once.
#[derive(Debug, Default)]
pub struct ShellCache {
    outputs: Mutex<HashMap<String, String>>,
    hits: AtomicU64,
    runs: AtomicU64,
    run_nanoseconds: AtomicU64,
}

/// What a [`ShellCache`] saw: how often `%(...)` ran a shell, how long those shells took,
/// and how often the cache answered instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct ShellStatistics {
    /// Commands run (distinct command texts).
    pub runs: u64,
    /// Commands answered from the cache.
    pub hits: u64,
    /// Wall time spent in the shells, summed over threads.
    pub run_time: std::time::Duration,
}

impl ShellCache {
    /// Counts of runs and cache hits so far.
    pub fn statistics(&self) -> ShellStatistics {
        ShellStatistics {
            runs: self.runs.load(Ordering::Relaxed),
            hits: self.hits.load(Ordering::Relaxed),
            run_time: std::time::Duration::from_nanos(self.run_nanoseconds.load(Ordering::Relaxed)),
        }
    }

    /// The distinct command texts run so far, sorted.
    pub fn commands(&self) -> Vec<String> {
        let mut commands: Vec<String> = self
            .outputs
            .lock()
            .map(|outputs| outputs.keys().cloned().collect())
            .unwrap_or_default();
        commands.sort();
        commands
    }
}

/// Settings shared by the contexts of one run.
#[derive(Debug, Clone)]
pub struct ContextConfig {
    /// Largest expansion result, in bytes (rpm has no limit but runs out of memory instead).
    pub output_limit: usize,
    /// What `%(...)` does.
    pub shell: ShellPolicy,
    /// Enable the builtins rpm 4.19+ added (`%{len:}`, `%{upper:}`, `%{lower:}`, `%{sub:}`,
    /// `%{gsub:}`, `%{rpmversion}`); rpm 4.18 leaves them unexpanded.
    pub newer_builtins: bool,
    /// What `%{getncpus}` returns.
    pub cpus: usize,
    /// Evaluate untrusted text (fuzzing, specs of unknown origin): `%include` and `%{load:}`
    /// read no files, and Lua runs without `io` and the process and file functions of `os`,
    /// under an instruction budget and a memory cap (rpm has none of these limits; a spec of
    /// the distribution never comes near them). Combine with [`ShellPolicy::Disabled`].
    pub sandbox: bool,
}

impl Default for ContextConfig {
    fn default() -> Self {
        Self {
            output_limit: 64 << 20,
            shell: ShellPolicy::Run,
            newer_builtins: false,
            cpus: std::thread::available_parallelism().map_or(1, usize::from),
            sandbox: false,
        }
    }
}

/// A message from `%{echo:}`, `%{warn:}` or `%{error:}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// `echo`, `warn` or `error`.
    pub kind: &'static str,
    /// The expanded text.
    pub text: String,
}

/// The macros of one evaluation and everything expansion needs.
pub struct MacroContext {
    pub(crate) table: MacroTable,
    /// Scope level and depth to use when Lua calls back into the engine (rpm's `mc->level`).
    pub(crate) level: i32,
    pub(crate) depth: usize,
    pub(crate) config: Arc<ContextConfig>,
    pub(crate) shell_cache: Arc<ShellCache>,
    pub(crate) lua: Option<crate::lua::LuaState>,
    pub(crate) messages: Vec<Message>,
    /// The parametric calls being expanded, innermost last.
    pub(crate) calls: Vec<crate::args::Call>,
    /// What Lua sees as the `sources` and `patches` tables.
    pub(crate) source_tables: SourceTables,
}

/// The paths rpm appends to Lua's `sources` and `patches` tables as it reads `SourceN:` and
/// `PatchN:` (build/parsePreamble.c `addSource`); kept here so Lua starts only when used.
#[derive(Debug, Clone, Default)]
pub(crate) struct SourceTables {
    pub sources: Vec<String>,
    pub patches: Vec<String>,
    /// `source_nums` and `patch_nums`: the numbers, in the same order.
    pub source_numbers: Vec<u32>,
    pub patch_numbers: Vec<u32>,
    /// Changed since the Lua tables were last rebuilt.
    pub dirty: bool,
}

impl std::fmt::Debug for MacroContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MacroContext")
            .field("macros", &self.table.len())
            .field("level", &self.level)
            .finish_non_exhaustive()
    }
}

impl MacroContext {
    /// A context holding the macros of `set`.
    pub fn new(set: &MacroSet, config: Arc<ContextConfig>, shell_cache: Arc<ShellCache>) -> Self {
        Self {
            table: set.table().clone(),
            level: 0,
            depth: 0,
            config,
            shell_cache,
            lua: None,
            messages: Vec::new(),
            calls: Vec::new(),
            source_tables: SourceTables::default(),
        }
    }

    /// A context with no macros and default settings.
    pub fn empty() -> Self {
        Self::new(&MacroSet::default(), Arc::default(), Arc::default())
    }

    /// The macro table.
    pub fn table(&self) -> &MacroTable {
        &self.table
    }

    /// Defines a macro from `name[(opts)] body` text, like `rpm --define` (rpm's `rpmDefineMacro`).
    pub fn define(&mut self, definition: &str, at_level: i32) -> Result<(), MacroError> {
        let frame = Frame {
            depth: self.depth,
            level: self.level,
            escape: false,
            call: None,
        };
        crate::builtins::define(self, definition, at_level, false, frame).map(|_| ())
    }

    /// Pushes `body` as the value of `name` without parsing (rpm's `rpmPushMacro`).
    pub fn push(&mut self, name: &str, body: &str, at_level: i32) {
        self.table.push(name, None, body, at_level);
    }

    /// Pops the visible definition of `name`.
    pub fn undefine(&mut self, name: &str) {
        self.table.pop(name);
    }

    /// Whether `name` is defined.
    pub fn is_defined(&self, name: &str) -> bool {
        self.table.is_defined(name)
    }

    /// Appends `path` and `number` to Lua's `sources` and `source_nums` tables (or `patches`
    /// and `patch_nums`), as rpm does for each Source (Patch) it reads.
    pub fn add_source_path(&mut self, patch: bool, number: u32, path: &str) {
        let tables = &mut self.source_tables;
        if patch {
            tables.patches.push(path.to_owned());
            tables.patch_numbers.push(number);
        } else {
            tables.sources.push(path.to_owned());
            tables.source_numbers.push(number);
        }
        tables.dirty = true;
    }

    /// Empties Lua's source tables (rpm's `newSpec`, at each parse pass).
    pub fn clear_source_paths(&mut self) {
        self.source_tables = SourceTables {
            dirty: true,
            ..SourceTables::default()
        };
    }

    /// The messages `%{echo:}`/`%{warn:}`/`%{error:}` produced so far.
    pub fn messages(&self) -> &[Message] {
        &self.messages
    }

    /// Expands `text` and reads it as rpm's `rpmExpandNumeric` does.
    pub fn expand_numeric(&mut self, text: &str) -> i64 {
        let Ok(value) = self.expand(text) else {
            return 0;
        };
        let value = value.trim();
        match value.as_bytes().first() {
            None | Some(b'%') => 0,
            Some(b'Y' | b'y') => 1,
            Some(b'N' | b'n') => 0,
            _ => value.parse().unwrap_or(0),
        }
    }

    /// Runs `%(command)`: rpm pipes it through `/bin/sh` and strips trailing newlines.
    pub(crate) fn run_shell(&mut self, command: &str) -> Result<String, MacroError> {
        if self.config.shell == ShellPolicy::Disabled || self.config.sandbox {
            return Ok(String::new());
        }
        if let Some(output) = self
            .shell_cache
            .outputs
            .lock()
            .ok()
            .and_then(|o| o.get(command).cloned())
        {
            self.shell_cache.hits.fetch_add(1, Ordering::Relaxed);
            return Ok(output);
        }
        let started = std::time::Instant::now();
        let output = cairn_tool::Tool::new("/bin/sh")
            .arg("-c")
            .arg(command)
            .output_unchecked()
            .map_err(|error| MacroError::Shell(error.to_string()))?;
        let cache = &self.shell_cache;
        cache.runs.fetch_add(1, Ordering::Relaxed);
        let nanoseconds = u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX);
        cache
            .run_nanoseconds
            .fetch_add(nanoseconds, Ordering::Relaxed);
        let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
        while text.ends_with(['\n', '\r']) {
            text.pop();
        }
        if let Ok(mut outputs) = self.shell_cache.outputs.lock() {
            outputs.insert(command.to_owned(), text.clone());
        }
        Ok(text)
    }

    /// Defines the macros rpm sets from rpmrc for a target (`_target_cpu`...).
    pub fn set_target(&mut self, cpu: &str, os: &str) {
        self.table
            .push("_target_cpu", None, cpu, level::DEFAULT + 4);
        self.table.push("_target_os", None, os, level::DEFAULT + 4);
        self.table
            .push("_target", None, &format!("{cpu}-{os}"), level::DEFAULT + 4);
    }
}
