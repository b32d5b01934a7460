//! `component render`: every selected component rendered in parallel, written atomically, with
//! azldev's JSON rows and `RENDER_FAILED` markers, `--check-only` and `--clean-stale`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use cairn_config::Project;
use cairn_lock::{LockHistory, LockStore, ProjectRepository};
use cairn_macro::MacroSet;
use cairn_source::{DistGitCache, Mirror, Network, ResolvedSource};
use rayon::prelude::*;
use serde::Serialize;

use crate::autospec::project_changes;
use crate::component::{Environment, RenderInput, render as render_component};
use crate::error::{ComponentError, RunError};
use crate::inputs::{
    Located, identity, locate_all, lock_dir, request_key, resolve_selected_commits,
};
use crate::memory::{self, Compatibility};
use crate::output::{self, Tree, component_dir, marker_tree};
use crate::source::{Origin, read_local, read_upstream};
use crate::state::{ComponentState, RenderState, SourceMemo, component_key, stat_tree};

/// cairn's version: part of every component's key, so a new cairn renders everything again.
pub const CAIRN_VERSION: &str = env!("CARGO_PKG_VERSION");

/// How to render.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    /// `<rendered-specs-dir>` or `-o`.
    pub output: PathBuf,
    /// Render to memory and compare; write nothing.
    pub check_only: bool,
    /// With `all`: remove (or, with `check_only`, report) orphan component directories.
    pub clean_stale: bool,
    /// Every component was selected (`-a`).
    pub all: bool,
    /// Whether the caches may fetch.
    pub network: Network,
    /// Worker threads.
    pub jobs: usize,
    /// Render every component even when its inputs and output are unchanged.
    pub full: bool,
    /// The dist-git cache root.
    pub dist_git_cache: PathBuf,
    /// The lookaside cache root.
    pub lookaside_cache: PathBuf,
    /// Where the incremental state is kept.
    pub state_cache: PathBuf,
    /// Seconds since the epoch: the time of a dirty synthetic commit.
    pub now: i64,
    /// Which azldev the output matches where its behaviour changed.
    pub compatibility: Compatibility,
}

/// A component's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RenderStatus {
    /// Rendered (or unchanged).
    Ok,
    /// Failed; its directory holds `RENDER_FAILED`.
    Error,
    /// Not rendered because the run was interrupted.
    Cancelled,
}

/// One JSON row, as azldev's `RenderResult`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RenderRow {
    /// The component.
    pub component: String,
    /// Its output directory.
    pub output_dir: String,
    /// The outcome.
    pub status: RenderStatus,
    /// Why it failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Whether its directory changed (or, with `--check-only`, would change).
    pub changed: bool,
}

/// The outcome of a run.
#[derive(Debug, Clone, Default)]
pub struct RenderReport {
    /// One row per component, by name.
    pub rows: Vec<RenderRow>,
    /// Orphan directories (`<letter>/<name>`): removed, or with `--check-only` found.
    pub orphans: Vec<String>,
    /// Components skipped because their inputs and output were unchanged.
    pub unchanged_skipped: usize,
    /// Leftovers of an interrupted run that were cleaned up.
    pub leftovers_cleaned: usize,
}

impl RenderReport {
    /// Whether `--check-only` found drift (a changed component or an orphan).
    pub fn drifted(&self) -> bool {
        !self.orphans.is_empty() || self.rows.iter().any(|row| row.changed)
    }

    /// How many components failed.
    pub fn failed(&self) -> usize {
        self.rows
            .iter()
            .filter(|row| row.status != RenderStatus::Ok)
            .count()
    }
}

/// Progress of a run, for a progress bar.
#[derive(Debug, Clone, Copy)]
pub struct Progress<'a> {
    /// Components finished.
    pub done: usize,
    /// Components in the run.
    pub total: usize,
    /// The component just finished.
    pub component: &'a str,
}

/// Rejects output directories whose orphan cleanup could delete unrelated directories
/// (azldev's `validateOutputDir`).
fn validate_output(output: &Path) -> Result<(), RunError> {
    let text = output.to_string_lossy();
    let trimmed = text.trim_end_matches('/');
    if trimmed.is_empty() || trimmed == "." || trimmed == ".." || text.starts_with("../") {
        return Err(RunError::Output {
            message: format!(
                "output directory `{text}` is unsafe; use a dedicated subdirectory (e.g. ./specs/)"
            ),
        });
    }
    Ok(())
}

/// The project history, or `None` (with one warning) when the project is not a git
/// repository or its lock directory is outside it.
fn project_history(project: &Project) -> Result<Option<LockHistory>, RunError> {
    let Some(repository) = ProjectRepository::discover(project.root_dir()) else {
        tracing::warn!(
            "{} is not in a git repository: no synthetic commits (no Release bump, no project changelog entries)",
            project.root_dir().display()
        );
        return Ok(None);
    };
    let Some(relative) = repository.relative(&lock_dir(project)) else {
        tracing::warn!(
            "the lock directory {} is outside the project repository: no synthetic commits",
            lock_dir(project).display()
        );
        return Ok(None);
    };
    Ok(Some(repository.lock_history(&relative)?))
}

/// What the macro environment is, for the component keys.
fn environment_key(macros: &MacroSet, compatibility: Compatibility) -> String {
    use std::os::unix::fs::MetadataExt as _;
    let mut parts = vec![compatibility.key()];
    for file in macros.files() {
        let stamp = std::fs::metadata(file)
            .map(|metadata| format!("{}:{}", metadata.len(), metadata.mtime()))
            .unwrap_or_default();
        parts.push(format!("{}={stamp}", file.display()));
    }
    component_key(&parts.iter().map(String::as_str).collect::<Vec<_>>())
}

/// Renders `names` (see the crate documentation).
pub fn render(
    project: &Project,
    names: &[String],
    options: &RenderOptions,
    progress: &(dyn Fn(Progress<'_>) + Sync),
) -> Result<RenderReport, RunError> {
    validate_output(&options.output)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.jobs.max(1))
        .build()
        .map_err(|error| RunError::Threads(error.to_string()))?;
    pool.install(|| render_in_pool(project, names, options, progress))
}

fn render_in_pool(
    project: &Project,
    names: &[String],
    options: &RenderOptions,
    progress: &(dyn Fn(Progress<'_>) + Sync),
) -> Result<RenderReport, RunError> {
    let mut report = RenderReport::default();
    if !options.check_only {
        report.leftovers_cleaned = output::cleanup_leftovers(&options.output)
            .map_err(|error| RunError::io("cleaning", &options.output, error))?;
    }
    let store = LockStore::new(lock_dir(project));
    let history = project_history(project)?;
    let macros = Arc::new(MacroSet::host("x86_64"));
    let environment = memory::environment(
        macros.clone(),
        options.compatibility,
        &options.lookaside_cache,
        options.network,
    );
    let environment_key = environment_key(&macros, options.compatibility);
    let state_path = RenderState::path(&options.state_cache, &options.output);
    let state = RenderState::load(&state_path, &options.output);

    let located = locate_all(project, names, &store);
    let unlocked = located
        .iter()
        .filter(|entry| {
            matches!(entry, Ok(Located { setup, lock }) if matches!(setup.origin, Origin::Upstream(_))
                && lock.as_ref().and_then(|lock| lock.upstream_commit.as_ref()).is_none())
        })
        .count();
    if unlocked > 0 {
        tracing::warn!(
            "{unlocked} upstream component(s) have no lock; their commits were resolved from the configuration (run `cairn component update` to lock them)"
        );
    }
    let cache = DistGitCache::new(&options.dist_git_cache).network(options.network);
    let done = AtomicUsize::new(0);
    let new_state = Mutex::new(BTreeMap::<String, ComponentState>::new());
    let skipped = AtomicUsize::new(0);
    let work = Work {
        options,
        history: history.as_ref(),
        environment: &environment,
        environment_key: &environment_key,
        state: &state,
        cache: &cache,
    };
    // The no-op path: components whose remembered commit still holds and whose key and
    // output are unchanged are skipped before any dist-git mirror is opened.
    let early: Vec<Option<ComponentState>> = names
        .par_iter()
        .zip(located.par_iter())
        .map(|(name, located)| work.skip_early(name, located))
        .collect();
    let commits = resolve_selected_commits(&cache, &located, &BTreeMap::new(), &|index| {
        early[index].is_none()
    });

    let mut rows: Vec<RenderRow> = names
        .par_iter()
        .zip(located.par_iter())
        .zip(commits.par_iter())
        .zip(early.into_par_iter())
        .map(|(((name, located), commit), early)| {
            let dir = component_dir(&options.output, name);
            let outcome = match early {
                Some(previous) => Outcome::Skipped(previous),
                None => work.component(name, &dir, located, commit.as_ref()),
            };
            let row = match outcome {
                Outcome::Skipped(entry) => {
                    skipped.fetch_add(1, Ordering::Relaxed);
                    new_state
                        .lock()
                        .map(|mut map| map.insert(name.clone(), entry))
                        .ok();
                    row(name, &dir, None, false)
                }
                Outcome::Done { changed, state } => {
                    if let Some(entry) = state {
                        new_state
                            .lock()
                            .map(|mut map| map.insert(name.clone(), entry))
                            .ok();
                    }
                    row(name, &dir, None, changed)
                }
                Outcome::Failed { error, changed } => row(name, &dir, Some(error), changed),
            };
            let finished = done.fetch_add(1, Ordering::Relaxed) + 1;
            progress(Progress {
                done: finished,
                total: names.len(),
                component: name,
            });
            row
        })
        .collect();
    rows.sort_by(|left, right| left.component.cmp(&right.component));
    report.rows = rows;
    report.unchanged_skipped = skipped.into_inner();

    if options.all && options.clean_stale {
        let wanted: BTreeSet<String> = names.iter().cloned().collect();
        report.orphans = output::orphans(&options.output, &wanted)
            .map_err(|error| RunError::io("reading", &options.output, error))?;
        if !options.check_only {
            for orphan in &report.orphans {
                let path = options.output.join(orphan);
                output::remove_dir(&path)
                    .map_err(|error| RunError::io("removing", &path, error))?;
                tracing::info!("removed orphan rendered-spec directory {}", path.display());
            }
        }
    }
    if !options.check_only {
        let mut saved = state;
        let fresh = new_state.into_inner().unwrap_or_default();
        for name in names {
            saved.components.remove(name);
        }
        saved.components.extend(fresh);
        if let Err(error) = saved.save(&state_path) {
            tracing::warn!(
                "cannot save the render state {}: {error}",
                state_path.display()
            );
        }
    }
    Ok(report)
}

/// An error with its causes, for the row and the log: wrapping errors (a dist-git fetch
/// naming only its component, say) keep the reason in their sources.
fn describe(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

fn row(name: &str, dir: &Path, error: Option<String>, changed: bool) -> RenderRow {
    RenderRow {
        component: name.to_owned(),
        output_dir: dir.display().to_string(),
        status: if error.is_some() {
            RenderStatus::Error
        } else {
            RenderStatus::Ok
        },
        error,
        changed,
    }
}

enum Outcome {
    Skipped(ComponentState),
    Done {
        changed: bool,
        state: Option<ComponentState>,
    },
    Failed {
        error: String,
        changed: bool,
    },
}

/// A component's key with the synthetic history it was computed from.
struct Keyed {
    key: String,
    changes: Vec<cairn_autospec::azldev::ProjectChange>,
    import_commit: Option<String>,
}

struct Work<'a> {
    options: &'a RenderOptions,
    history: Option<&'a LockHistory>,
    environment: &'a Environment,
    environment_key: &'a str,
    state: &'a RenderState,
    cache: &'a DistGitCache,
}

impl Work<'_> {
    fn component(
        &self,
        name: &str,
        dir: &Path,
        located: &Result<Located, ComponentError>,
        commit: Option<&Result<ResolvedSource, ComponentError>>,
    ) -> Outcome {
        let result = match (located, commit) {
            (Err(error), _) | (Ok(_), Some(Err(error))) => Err(describe(error)),
            (Ok(located), commit) => {
                self.render_located(name, dir, located, commit.and_then(|c| c.as_ref().ok()))
            }
        };
        match result {
            Ok(outcome) => outcome,
            Err(error) => {
                tracing::error!("{name}: {error}");
                let changed = self.write(dir, &marker_tree(), name, false);
                match changed {
                    Ok(changed) => Outcome::Failed { error, changed },
                    Err(write_error) => Outcome::Failed {
                        error: format!("{error}; writing RENDER_FAILED: {write_error}"),
                        changed: true,
                    },
                }
            }
        }
    }

    /// The key of a component's inputs at `commit` (its upstream commit, if any).
    fn key(&self, name: &str, located: &Located, commit: Option<&str>) -> Result<Keyed, String> {
        let setup = &located.setup;
        let lock = located.lock.as_ref();
        let identity = identity(setup, commit, lock.map_or(0, |lock| lock.manual_bump))
            .map_err(|error| describe(&error))?;
        let (changes, import_commit) = project_changes(
            self.history,
            name,
            &identity.fingerprint.value,
            commit,
            self.options.now,
        );
        let history_key: Vec<String> = changes
            .iter()
            .map(|change| {
                if change.project_commit == "dirty" {
                    "dirty".to_owned()
                } else {
                    format!(
                        "{}:{}",
                        change.project_commit,
                        change.upstream_commit.as_deref().unwrap_or("")
                    )
                }
            })
            .collect();
        let key = component_key(&[
            CAIRN_VERSION,
            self.environment_key,
            &identity.fingerprint.value,
            &history_key.join(","),
            import_commit.as_deref().unwrap_or(""),
        ]);
        Ok(Keyed {
            key,
            changes,
            import_commit,
        })
    }

    /// The previous state of a component that can be skipped without resolving its commit:
    /// its remembered commit still holds, and its key and output are unchanged.
    fn skip_early(
        &self,
        name: &str,
        located: &Result<Located, ComponentError>,
    ) -> Option<ComponentState> {
        if self.options.full {
            return None;
        }
        let located = located.as_ref().ok()?;
        let previous = self.state.components.get(name)?;
        let commit = match &located.setup.origin {
            Origin::Upstream(upstream) => {
                let memo = previous.source.as_ref()?;
                let request = upstream.locked_request(located.lock.as_ref());
                if request_key(self.cache, &request)? != memo.request {
                    return None;
                }
                Some(memo.commit.as_str())
            }
            Origin::Local { .. } => None,
        };
        let keyed = self.key(name, located, commit).ok()?;
        if keyed.key != previous.key {
            return None;
        }
        let entries = stat_tree(&component_dir(&self.options.output, name)).ok()??;
        (entries == previous.entries).then(|| previous.clone())
    }

    /// What to remember about an upstream component's commit for the next run.
    fn memo(&self, located: &Located, commit: Option<&str>) -> Option<SourceMemo> {
        let Origin::Upstream(upstream) = &located.setup.origin else {
            return None;
        };
        let request = request_key(self.cache, &upstream.locked_request(located.lock.as_ref()))?;
        Some(SourceMemo {
            request,
            commit: commit?.to_owned(),
        })
    }

    fn render_located(
        &self,
        name: &str,
        dir: &Path,
        located: &Located,
        resolved: Option<&ResolvedSource>,
    ) -> Result<Outcome, String> {
        let setup = &located.setup;
        let commit = resolved.map(|resolved| resolved.commit.to_string());
        let Keyed {
            key,
            changes,
            import_commit,
        } = self.key(name, located, commit.as_deref())?;
        if !self.options.full
            && let Some(previous) = self.state.components.get(name)
            && previous.key == key
            && let Ok(Some(entries)) = stat_tree(dir)
            && entries == previous.entries
        {
            return Ok(Outcome::Skipped(ComponentState {
                source: self.memo(located, commit.as_deref()),
                ..previous.clone()
            }));
        }
        let spec_name = setup.spec_name();
        let mirror;
        let (files, upstream) = match (&setup.origin, resolved) {
            (Origin::Upstream(upstream), Some(resolved)) => {
                mirror = Mirror::open(&resolved.mirror).map_err(|error| describe(&error))?;
                let upstream_spec = format!("{}.spec", upstream.upstream_name);
                let files = read_upstream(&mirror, resolved.commit, &upstream_spec, &spec_name)
                    .map_err(|error| describe(&error))?;
                (files, Some((&mirror, resolved.commit)))
            }
            (Origin::Upstream(_), None) => {
                return Err(format!("no upstream commit was resolved for `{name}`"));
            }
            (Origin::Local { dir, spec }, _) => (
                read_local(dir, spec, &spec_name).map_err(|error| describe(&error))?,
                None,
            ),
        };
        let tree = render_component(
            setup,
            RenderInput {
                files,
                upstream,
                changes: &changes,
                import_commit: import_commit.as_deref(),
            },
            self.environment,
        )
        .map_err(|error| describe(&error))?;
        let changed = self
            .write(dir, &tree, name, true)
            .map_err(|error| format!("writing {}: {error}", dir.display()))?;
        let state = if self.options.check_only {
            None
        } else {
            stat_tree(dir).ok().flatten().map(|entries| ComponentState {
                key,
                entries,
                source: self.memo(located, commit.as_deref()),
            })
        };
        Ok(Outcome::Done { changed, state })
    }

    /// Compares `tree` with the directory and, unless checking only, writes it when it
    /// differs; returns whether it differs.
    fn write(&self, dir: &Path, tree: &Tree, name: &str, alias: bool) -> std::io::Result<bool> {
        let changed = output::differs(dir, tree)?;
        if self.options.check_only {
            return Ok(changed);
        }
        if changed {
            output::replace_dir(dir, tree)?;
        }
        if alias && let Err(error) = output::write_alias(dir, name) {
            tracing::warn!(
                "{name}: cannot create the rendered-spec alias link (build steps using the percent-encoded path may not find it): {error}"
            );
        }
        Ok(changed)
    }
}
