//! `component changed --from REF [--to REF]`: which components' locks changed between two
//! commits of the project, and whether their rendered `sources` file changed (azldev's
//! `changed.go`).
//!
//! Every lock at both commits is read in one tree walk each. A component whose fingerprint is
//! unchanged but whose rendered `sources` differs is an error: a clean render cannot produce
//! it, so the `sources` file was edited by hand (a lookaside cache-poisoning vector) or the
//! renderer is not deterministic. With `explain`, each changed component names the inputs
//! whose digests differ (from the locks' `[inputs]` tables).

use std::collections::{BTreeMap, BTreeSet};

use cairn_config::Project;
use cairn_lock::{InputChange, Lock, ProjectRepository, explain};
use serde::Serialize;

use crate::error::RunError;
use crate::inputs::{lock_dir, rendered_specs_dir};
use crate::output::component_dir;

/// How a component changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeType {
    /// It has a lock only at `--to`.
    Added,
    /// Its fingerprint differs (or a configured component lost its lock).
    Changed,
    /// Same fingerprint.
    Unchanged,
    /// It has a lock only at `--from` and is not configured.
    Deleted,
}

/// One JSON row, as azldev's `ChangedResult`, with cairn's `explain`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChangedRow {
    /// The component.
    pub component: String,
    /// How it changed.
    pub change_type: ChangeType,
    /// Whether its rendered `sources` file changed.
    pub sources_change: bool,
    /// The inputs that changed (with `--explain`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explain: Option<Vec<InputChange>>,
}

/// How to compare.
#[derive(Debug, Clone)]
pub struct ChangedOptions {
    /// The older revision.
    pub from: String,
    /// The newer revision (`HEAD` by default).
    pub to: String,
    /// Every component was selected (`-a`): also report locks of unconfigured components, and
    /// leave unchanged ones out unless `include_unchanged`.
    pub all: bool,
    /// Keep unchanged components in a broad (`-a`) scan.
    pub include_unchanged: bool,
    /// Name the inputs that changed.
    pub explain: bool,
}

/// Compares the locks of `names` between two revisions.
pub fn changed(
    project: &Project,
    names: &[String],
    options: &ChangedOptions,
) -> Result<Vec<ChangedRow>, RunError> {
    let repository = ProjectRepository::discover(project.root_dir()).ok_or_else(|| RunError::Output {
        message: format!(
            "{} is not in a git repository; `component changed` compares commits of the project repository",
            project.root_dir().display()
        ),
    })?;
    let locks = lock_dir(project);
    let lock_relative = repository
        .relative(&locks)
        .ok_or_else(|| RunError::Output {
            message: format!(
                "the lock directory {} is outside the project repository",
                locks.display()
            ),
        })?;
    let specs_relative = repository.relative(&rendered_specs_dir(project));
    let from = repository.resolve(&options.from)?;
    let to = repository.resolve(&options.to)?;
    let from_locks = repository.locks_at(&from, &lock_relative)?;
    let to_locks = repository.locks_at(&to, &lock_relative)?;

    let configured: BTreeSet<&str> = names.iter().map(String::as_str).collect();
    let mut candidates: Vec<(String, bool)> =
        names.iter().map(|name| (name.clone(), true)).collect();
    if options.all {
        let others: BTreeSet<&String> = from_locks
            .keys()
            .chain(to_locks.keys())
            .filter(|name| !configured.contains(name.as_str()))
            .collect();
        candidates.extend(others.into_iter().map(|name| (name.clone(), false)));
    }
    let mut rows = Vec::new();
    let mut violations = Vec::new();
    for (name, is_configured) in candidates {
        let before = from_locks.get(&name);
        let after = to_locks.get(&name);
        let mut change_type = classify(before, after);
        if is_configured && change_type == ChangeType::Deleted {
            // A configured component without a lock needs a new lock, it is not gone.
            change_type = ChangeType::Changed;
        }
        let sources_change = match &specs_relative {
            Some(specs) => {
                let relative = component_dir(std::path::Path::new(specs), &name).join("sources");
                let relative = relative.to_string_lossy();
                repository.read_file_at(&from, &relative)?
                    != repository.read_file_at(&to, &relative)?
            }
            None => false,
        };
        if sources_change
            && matches!((before, after), (Some(b), Some(a)) if b.input_fingerprint == a.input_fingerprint)
        {
            violations.push(name.clone());
        }
        let include_unchanged = if is_configured {
            !options.all || options.include_unchanged
        } else {
            options.include_unchanged
        };
        if change_type == ChangeType::Unchanged && !sources_change && !include_unchanged {
            continue;
        }
        let explanation = options.explain.then(|| explain_change(before, after));
        rows.push(ChangedRow {
            component: name,
            change_type,
            sources_change,
            explain: explanation,
        });
    }
    if !violations.is_empty() {
        return Err(RunError::Output {
            message: format!(
                "found {} component(s) with unchanged fingerprint but drifted rendered sources (re-render with `cairn component render` and commit the result): {}",
                violations.len(),
                violations.join(", ")
            ),
        });
    }
    rows.sort_by(|left, right| left.component.cmp(&right.component));
    Ok(rows)
}

fn classify(before: Option<&Lock>, after: Option<&Lock>) -> ChangeType {
    match (before, after) {
        (None, None) => ChangeType::Unchanged,
        (None, Some(_)) => ChangeType::Added,
        (Some(_), None) => ChangeType::Deleted,
        (Some(before), Some(after)) if before.input_fingerprint != after.input_fingerprint => {
            ChangeType::Changed
        }
        _ => ChangeType::Unchanged,
    }
}

/// The inputs that changed; when a lock has no `[inputs]` table (written by azldev), the
/// fingerprint itself is named.
fn explain_change(before: Option<&Lock>, after: Option<&Lock>) -> Vec<InputChange> {
    let empty = BTreeMap::new();
    let (Some(old), Some(new)) = (before, after) else {
        return explain(
            before.map_or(&empty, |lock| &lock.inputs),
            after.map_or(&empty, |lock| &lock.inputs),
        );
    };
    if old.input_fingerprint == new.input_fingerprint {
        return Vec::new();
    }
    if old.inputs.is_empty() || new.inputs.is_empty() {
        return vec![InputChange {
            input: "input-fingerprint".to_owned(),
            kind: cairn_lock::InputChangeKind::Changed,
        }];
    }
    explain(&old.inputs, &new.inputs)
}
