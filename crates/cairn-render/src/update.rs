//! `component update`: resolve source identities and write `locks/<name>.lock` (azldev's
//! `update.go`).
//!
//! A component whose resolution inputs are unchanged keeps its locked commit without touching
//! the network; one whose inputs changed, or that has no lock, is resolved again (all of them
//! in parallel, each dist-git repository fetched once). Locks are written only when every
//! selected component succeeded, each through a temporary file renamed into place. With `-a`,
//! locks of components that no longer exist are pruned. `--bump` increments `manual-bump`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use cairn_config::Project;
use cairn_lock::{Lock, LockStore, resolution_input_hash};
use cairn_source::{DistGitCache, Network};
use serde::Serialize;

use crate::error::{ComponentError, RunError};
use crate::inputs::{Located, identity, locate_all, lock_dir, resolve_commits};
use crate::source::Origin;

/// How to update.
#[derive(Debug, Clone)]
pub struct UpdateOptions {
    /// Every component was selected (`-a`): prune orphan locks.
    pub all: bool,
    /// Increment `manual-bump` of existing locks instead of resolving.
    pub bump: bool,
    /// Write nothing; report what would change.
    pub check_only: bool,
    /// Resolve every commit again, even when the resolution inputs are unchanged.
    pub force_recalculate: bool,
    /// Whether the dist-git cache may fetch.
    pub network: Network,
    /// Worker threads.
    pub jobs: usize,
    /// The dist-git cache root.
    pub dist_git_cache: PathBuf,
}

/// One JSON row, as azldev's `UpdateResult`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateRow {
    /// The component.
    pub component: String,
    /// The locked upstream commit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upstream_commit: Option<String>,
    /// The commit locked before, when it changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous_commit: Option<String>,
    /// Whether the commit or the fingerprint changed.
    pub changed: bool,
    /// Nothing was resolved (`skipReason` says why).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub skipped: bool,
    /// Why it was skipped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skip_reason: Option<String>,
    /// Why it failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// The outcome of an update.
#[derive(Debug, Clone, Default)]
pub struct UpdateReport {
    /// One row per selected component, by name.
    pub rows: Vec<UpdateRow>,
    /// Lock files removed (or, with `--check-only`, that would be) because their component is
    /// gone.
    pub pruned: Vec<String>,
    /// Lock files written.
    pub written: Vec<String>,
}

impl UpdateReport {
    /// Whether anything is stale (`--check-only` fails on this).
    pub fn stale(&self) -> bool {
        !self.pruned.is_empty() || self.rows.iter().any(|row| row.changed)
    }

    /// Whether a component failed.
    pub fn failed(&self) -> bool {
        self.rows.iter().any(|row| row.error.is_some())
    }
}

/// Updates the locks of `names` (see the module documentation).
pub fn update(
    project: &Project,
    names: &[String],
    options: &UpdateOptions,
) -> Result<UpdateReport, RunError> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.jobs.max(1))
        .build()
        .map_err(|error| RunError::Threads(error.to_string()))?;
    pool.install(|| update_in_pool(project, names, options))
}

fn update_in_pool(
    project: &Project,
    names: &[String],
    options: &UpdateOptions,
) -> Result<UpdateReport, RunError> {
    use rayon::prelude::*;
    let store = LockStore::new(lock_dir(project));
    let located = locate_all(project, names, &store);
    // Components whose resolution inputs changed (or that must be recalculated) resolve from the
    // configuration; the others reuse their locked commit.
    let mut fresh: BTreeMap<usize, bool> = BTreeMap::new();
    for (index, entry) in located.iter().enumerate() {
        if let Ok(Located {
            setup:
                crate::source::Setup {
                    origin: Origin::Upstream(upstream),
                    ..
                },
            lock,
        }) = entry
        {
            let hash = resolution_input_hash(&upstream.resolution_inputs());
            let current = lock.as_ref().is_some_and(|lock| {
                lock.upstream_commit.is_some()
                    && lock.resolution_input_hash.as_deref() == Some(hash.as_str())
            });
            fresh.insert(
                index,
                !options.bump && (options.force_recalculate || !current),
            );
        }
    }
    let cache = DistGitCache::new(&options.dist_git_cache).network(options.network);
    let commits = if options.bump {
        located.iter().map(|_| None).collect()
    } else {
        resolve_commits(&cache, &located, &fresh)
    };
    let planned: Vec<(UpdateRow, Option<Lock>)> = names
        .par_iter()
        .zip(located.par_iter())
        .zip(commits.par_iter())
        .map(|((name, located), commit)| {
            match plan_one(name, located, commit.as_ref(), options.bump) {
                Ok(result) => result,
                Err(error) => (
                    UpdateRow {
                        component: name.clone(),
                        error: Some(error.to_string()),
                        ..UpdateRow::default()
                    },
                    None,
                ),
            }
        })
        .collect();
    let mut report = UpdateReport::default();
    let failed = planned.iter().any(|(row, _)| row.error.is_some());
    if !options.check_only && !failed {
        for ((row, lock), name) in planned.iter().zip(names) {
            if let Some(lock) = lock {
                store.save(name, lock)?;
                report.written.push(row.component.clone());
            }
        }
    }
    if options.all && !options.bump {
        let wanted: BTreeSet<&str> = project.component_names().collect();
        for name in store.names()? {
            if !wanted.contains(name.as_str()) {
                if !options.check_only && !failed {
                    store.remove(&name)?;
                }
                report.pruned.push(name);
            }
        }
    }
    report.rows = planned.into_iter().map(|(row, _)| row).collect();
    report
        .rows
        .sort_by(|left, right| left.component.cmp(&right.component));
    Ok(report)
}

/// The row and, when it must be written, the new lock of one component.
fn plan_one(
    name: &str,
    located: &Result<Located, ComponentError>,
    commit: Option<&Result<cairn_source::ResolvedSource, ComponentError>>,
    bump: bool,
) -> Result<(UpdateRow, Option<Lock>), ComponentError> {
    let located = located
        .as_ref()
        .map_err(|error| ComponentError::config(error.to_string()))?;
    let setup = &located.setup;
    let old = located.lock.clone();
    if bump && old.is_none() {
        return Err(ComponentError::config(format!(
            "cannot bump `{name}`: it has no lock; run `cairn component update -p {name}` first"
        )));
    }
    let mut lock = old.clone().unwrap_or_default();
    if bump {
        lock.manual_bump += 1;
    }
    let upstream_commit = match (&setup.origin, commit) {
        (Origin::Upstream(_), Some(result)) => {
            let resolved = result
                .as_ref()
                .map_err(|error| ComponentError::config(error.to_string()))?;
            Some(resolved.commit.to_string())
        }
        (Origin::Upstream(_), None) => lock.upstream_commit.clone(),
        (Origin::Local { .. }, _) => None,
    };
    let identity = identity(setup, upstream_commit.as_deref(), lock.manual_bump)?;
    match &setup.origin {
        Origin::Upstream(upstream) => {
            lock.upstream_commit = upstream_commit.clone();
            if lock.import_commit.is_none() {
                lock.import_commit = upstream_commit.clone();
            }
            lock.resolution_input_hash = Some(resolution_input_hash(&upstream.resolution_inputs()));
        }
        Origin::Local { .. } => {
            lock.upstream_commit = None;
            lock.import_commit = None;
            lock.resolution_input_hash = None;
        }
    }
    lock.input_fingerprint = Some(identity.fingerprint.value.clone());
    lock.inputs = identity.fingerprint.inputs;
    let previous_commit = old
        .as_ref()
        .and_then(|old| old.upstream_commit.clone())
        .filter(|previous| Some(previous) != upstream_commit.as_ref());
    let changed = old.as_ref().is_none_or(|old| {
        old.input_fingerprint != lock.input_fingerprint
            || old.upstream_commit != lock.upstream_commit
    });
    let write = old.as_ref() != Some(&lock);
    let row = UpdateRow {
        component: name.to_owned(),
        upstream_commit,
        previous_commit,
        changed,
        ..UpdateRow::default()
    };
    Ok((row, write.then_some(lock)))
}
