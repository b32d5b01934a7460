//! The synthetic dist-git history azldev builds before running rpmautospec
//! (azure-linux-dev-tools `internal/app/azldev/core/sources/synthistory.go`, state of late April
//! 2026; see the project's azldev reference §2.3).
//!
//! - The upstream commits are the first-parent chain from the locked upstream commit (the
//!   newest project change's `upstream-commit`) back to the lock's `import-commit` (inclusive;
//!   the root when there is none).
//! - The import commit is kept as it is, with its whole original ancestry; every later upstream
//!   commit is replayed on top of the previous entry with its tree, author, committer and message
//!   (merges are linearised to their first parent).
//! - Each project change becomes a synthetic commit right after the upstream commit its lock
//!   referenced; changes referencing the newest upstream commit, or none, go on top, in order.
//!   Changes referencing an upstream commit outside the chain are dropped (azldev warns).
//! - A synthetic commit's author and committer are the project commit's author at its author
//!   time (UTC); its message is `<subject>\n\nProject commit: <hash>`. Only the last synthetic
//!   commit carries the overlaid tree; the others repeat their parent's tree.
//! - A dirty working copy adds a last change by `azldev <azldev@local>`, "Local changes
//!   (uncommitted)", project commit `dirty`.

use std::collections::HashMap;

use crate::history::{Commit, FileState, History, Signature};

/// A project commit that changed the component's lock-file fingerprint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectChange {
    /// The project commit hash.
    pub project_commit: String,
    /// Its author name (`git log %an`).
    pub author_name: String,
    /// Its author email (`%ae`).
    pub author_email: String,
    /// Its author time in seconds since the epoch (`%at`).
    pub time: i64,
    /// Its subject (`%s`: the first paragraph of the message, lines joined by spaces).
    pub subject: String,
    /// The lock's `upstream-commit` at that commit (`None` for local components).
    pub upstream_commit: Option<String>,
}

impl ProjectChange {
    /// The change azldev adds when the current fingerprint differs from the committed lock's.
    pub fn dirty(time: i64, upstream_commit: Option<String>) -> Self {
        Self {
            project_commit: String::from("dirty"),
            author_name: String::from("azldev"),
            author_email: String::from("azldev@local"),
            time,
            subject: String::from("Local changes (uncommitted)"),
            upstream_commit,
        }
    }
}

/// The rendered (overlaid) tree the last synthetic commit carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverlaidTree {
    /// The rendered spec, under the name rpmautospec will process.
    pub spec: FileState,
    /// The `changelog` file of the rendered tree.
    pub changelog: FileState,
    /// The tree's identity, when known (only merges compare trees).
    pub tree: Option<String>,
}

/// Everything azldev uses to build the history of one component.
#[derive(Debug, Clone)]
pub struct SyntheticInput<'a> {
    /// The upstream dist-git commits: at least the first-parent chain from `upstream_head` to
    /// the import commit and the import commit's ancestry. Spec states must be keyed by the
    /// rendered spec's name (a renamed spec is absent in upstream commits).
    pub upstream: &'a [Commit],
    /// The checked-out upstream commit (where the first-parent walk starts).
    pub upstream_head: &'a str,
    /// The lock's `import-commit`, if any.
    pub import_commit: Option<&'a str>,
    /// The fingerprint changes, oldest first (including the dirty one, if any, last).
    pub changes: &'a [ProjectChange],
    /// The overlaid tree.
    pub overlaid: OverlaidTree,
}

/// Why the synthetic history cannot be built (azldev fails the render on these).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SyntheticError {
    /// The locked upstream commit is not on the first-parent chain.
    #[error(
        "upstream-commit `{0}` not found in dist-git history; the lock file may reference a commit from a different branch"
    )]
    UpstreamNotFound(String),
    /// The import commit is not on the first-parent chain.
    #[error(
        "import-commit `{0}` not found in dist-git history; the repository may be a shallow clone or the commit may have been rebased away"
    )]
    ImportNotFound(String),
    /// A commit on the chain is missing from the given upstream commits.
    #[error(
        "upstream commit `{0}` is not among the given commits; pass the whole first-parent chain"
    )]
    MissingCommit(String),
    /// The assembled history is malformed.
    #[error(transparent)]
    History(#[from] crate::error::HistoryError),
}

/// Builds the history azldev hands to rpmautospec. With no changes, that is the upstream history
/// itself, headed at `upstream_head`.
///
/// # Errors
/// When the locked upstream or import commit is not on the first-parent chain.
pub fn synthetic_history(input: &SyntheticInput<'_>) -> Result<History, SyntheticError> {
    let Some(latest) = input.changes.last() else {
        return Ok(History::new(input.upstream.to_vec(), input.upstream_head)?);
    };
    let latest_upstream = latest.upstream_commit.as_deref().unwrap_or("");
    let chain = first_parent_chain(input, latest_upstream)?;

    let mut interleaved: HashMap<&str, Vec<&ProjectChange>> = HashMap::new();
    let mut top = Vec::new();
    for change in input.changes {
        match change.upstream_commit.as_deref().unwrap_or("") {
            "" => top.push(change),
            upstream if upstream == latest_upstream => top.push(change),
            upstream => interleaved.entry(upstream).or_default().push(change),
        }
    }
    let mut sequence: Vec<Entry<'_>> = Vec::with_capacity(chain.len() + input.changes.len());
    for &upstream in &chain {
        sequence.push(Entry::Upstream(upstream));
        if let Some(changes) = interleaved.remove(upstream.id.as_str()) {
            sequence.extend(changes.into_iter().map(Entry::Synthetic));
        }
    }
    for (upstream, orphaned) in &interleaved {
        tracing::warn!(
            upstream,
            count = orphaned.len(),
            "upstream commit of a fingerprint change is not in the dist-git history; dropping"
        );
    }
    sequence.extend(top.into_iter().map(Entry::Synthetic));

    let synthetic_count = sequence
        .iter()
        .filter(|entry| matches!(entry, Entry::Synthetic(_)))
        .count();
    let mut commits: Vec<Commit> = input.upstream.to_vec();
    let mut last: Option<String> = None;
    let mut last_tree: Option<String> = None;
    let mut synthetic_index = 0;
    for (index, entry) in sequence.iter().enumerate() {
        match entry {
            Entry::Upstream(commit) if index == 0 => {
                last = Some(commit.id.clone());
                last_tree.clone_from(&commit.tree);
            }
            Entry::Upstream(commit) => {
                let mut replayed = (*commit).clone();
                replayed.id = format!("{}+replayed", commit.id);
                replayed.parents = last.iter().cloned().collect();
                last_tree.clone_from(&commit.tree);
                last = Some(replayed.id.clone());
                commits.push(replayed);
            }
            Entry::Synthetic(change) => {
                synthetic_index += 1;
                let signature = Signature::new(
                    change.author_name.clone(),
                    change.author_email.clone(),
                    change.time,
                );
                let message = format!(
                    "{}\n\nProject commit: {}",
                    change.subject, change.project_commit
                );
                let parents: Vec<String> = last.iter().cloned().collect();
                let root = parents.is_empty();
                let mut commit = Commit::new(
                    format!("synthetic-{synthetic_index}"),
                    parents,
                    signature,
                    message,
                );
                if synthetic_index == synthetic_count {
                    commit.spec = input.overlaid.spec.clone();
                    commit.changelog = input.overlaid.changelog.clone();
                    commit.tree.clone_from(&input.overlaid.tree);
                } else if root {
                    commit.spec = FileState::Absent;
                    commit.changelog = FileState::Absent;
                } else {
                    commit.tree.clone_from(&last_tree);
                }
                last_tree.clone_from(&commit.tree);
                last = Some(commit.id.clone());
                commits.push(commit);
            }
        }
    }
    let head = last.expect("at least one synthetic commit");
    Ok(History::new(commits, &head)?)
}

enum Entry<'a> {
    Upstream(&'a Commit),
    Synthetic(&'a ProjectChange),
}

/// `collectUpstreamCommits`: first parents from the head, collecting from the locked commit
/// down to the import commit, returned oldest first.
fn first_parent_chain<'a>(
    input: &SyntheticInput<'a>,
    upstream: &str,
) -> Result<Vec<&'a Commit>, SyntheticError> {
    let by_id: HashMap<&str, &Commit> = input
        .upstream
        .iter()
        .map(|commit| (commit.id.as_str(), commit))
        .collect();
    let import = input.import_commit.unwrap_or("");
    let mut collecting = upstream.is_empty();
    let (mut found_upstream, mut found_import) = (false, false);
    let mut chain = Vec::new();
    let mut current = input.upstream_head.to_owned();
    for _ in 0..=input.upstream.len() {
        let commit = *by_id
            .get(current.as_str())
            .ok_or_else(|| SyntheticError::MissingCommit(current.clone()))?;
        if commit.id == upstream {
            collecting = true;
            found_upstream = true;
        }
        if collecting {
            chain.push(commit);
        }
        if !import.is_empty() && commit.id == import {
            found_import = true;
            break;
        }
        let Some(parent) = commit.parents.first() else {
            break;
        };
        current.clone_from(parent);
    }
    if !upstream.is_empty() && !found_upstream {
        return Err(SyntheticError::UpstreamNotFound(upstream.to_owned()));
    }
    if !import.is_empty() && !found_import {
        return Err(SyntheticError::ImportNotFound(import.to_owned()));
    }
    chain.reverse();
    Ok(chain)
}
