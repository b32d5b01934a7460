//! The history walk of rpmautospec 0.8 (`pkg_history.py` `PkgHistoryProcessor`): release
//! numbers and changelog entries for the head commit.
//!
//! rpmautospec runs "visitors" over commits in two phases, and this module keeps that shape
//! because which commits are *processed* (rather than only traversed) decides the output:
//!
//! 1. From the head down, following first parents and queueing other parents as branch heads,
//!    each commit asks its visitors (release, and changelog when one is generated) whether the
//!    walk must go on below it. A commit is processed while any visitor of its children wants
//!    that, and once a chain stops being processed it stays unprocessed until the next branch
//!    head. A commit is only taken when all its children have been seen.
//! 2. Processed commits compute their results from their parents' results (a traversed
//!    parent contributes nothing), oldest first.
//!
//! Release visitor: a commit's release number is the largest number of a parent with the same
//! epoch-version (or an unknown one on either side), plus one if the spec exists, raised to
//! `[bump release: N]`. The walk continues below a commit while some parent has the same
//! epoch-version or the epoch-version is unknown.
//!
//! Changelog visitor: a commit whose `changelog` file changed (and is present) contributes that
//! file verbatim and ends the walk; a merge follows the parent whose tree equals its own
//! (taking that parent's changelog and adding no entry of its own), or, with no such parent and
//! an unchanged `changelog`, is marked `RPMAUTOSPEC: unresolvable merge`.

use std::collections::{HashMap, VecDeque};
use std::rc::Rc;
use std::sync::Arc;

use crate::entry::{Entry, EntryBody};
use crate::error::ProcessError;
use crate::evaluate::{SpecEvaluator, SpecRequest, SpecValues, VersionFlags};
use crate::history::Resolved;
use crate::message::{MagicComments, magic_comments};

/// The head's results.
pub(crate) struct Outcome {
    pub release_number: u64,
    /// Newest first.
    pub changelog: Vec<Entry>,
}

/// What one visitor tells the walk about the commits below it.
#[derive(Debug, Clone, Copy, Default)]
struct Info {
    must_continue: bool,
    changelog_removed: Option<bool>,
}

impl Info {
    fn merge(self, other: Self) -> Self {
        Self {
            must_continue: self.must_continue || other.must_continue,
            changelog_removed: match (self.changelog_removed, other.changelog_removed) {
                (Some(a), Some(b)) => Some(a && b),
                (a, b) => a.or(b),
            },
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Visit {
    Pending,
    Processed,
    Traversed,
}

/// The changelog visitor's first-half findings for a processed commit.
#[derive(Debug, Clone, Copy)]
struct ChangelogTop {
    changed_and_present: bool,
    merge_unresolvable: bool,
    parent_to_follow: Option<usize>,
    child_changelog_removed: bool,
}

/// A persistent list of entries (rpmautospec prepends tuples; sharing tails keeps it linear).
struct Node {
    entry: Rc<Entry>,
    next: Option<Rc<Node>>,
}

#[derive(Clone)]
struct CommitResult {
    release_number: u64,
    epoch_version: Option<String>,
    changelog: Option<Rc<Node>>,
}

type Evaluated = Result<Arc<VersionFlags>, String>;

struct Walk<'h, 'e> {
    history: &'h Resolved<'h>,
    evaluator: &'e dyn SpecEvaluator,
    with_changelog: bool,
    verflags: Vec<Option<Evaluated>>,
    /// Evaluations by spec buffer identity: commits sharing a buffer are evaluated once.
    by_buffer: HashMap<(usize, usize), Evaluated>,
    visit: Vec<Visit>,
    infos: Vec<[Info; 2]>,
    changelog_top: Vec<Option<ChangelogTop>>,
    magic: Vec<Option<MagicComments>>,
}

/// Runs the walk from the head. `with_changelog` adds the changelog visitor (as
/// `process-distgit` does when it generates a changelog).
pub(crate) fn run(
    history: &Resolved<'_>,
    evaluator: &dyn SpecEvaluator,
    with_changelog: bool,
) -> Result<Outcome, ProcessError> {
    let count = history.commits.len();
    let mut walk = Walk {
        history,
        evaluator,
        with_changelog,
        verflags: vec![None; count],
        by_buffer: HashMap::new(),
        visit: vec![Visit::Pending; count],
        infos: vec![[Info::default(); 2]; count],
        changelog_top: vec![None; count],
        magic: vec![None; count],
    };
    let head = history.head;
    let head_commit = &history.commits[head];
    if history.spec[head].is_none() {
        return Err(ProcessError::MissingSpec {
            commit: head_commit.id.clone(),
        });
    }
    if let Err(detail) = walk.verflags(head) {
        return Err(ProcessError::UnparseableSpec {
            commit: head_commit.id.clone(),
            detail,
        });
    }
    walk.select();
    let results = walk.compute()?;
    let result = results[head].clone().expect("the head is always processed");
    let mut changelog = Vec::new();
    let mut node = result.changelog;
    while let Some(current) = node {
        changelog.push((*current.entry).clone());
        node = current.next.clone();
    }
    Ok(Outcome {
        release_number: result.release_number,
        changelog,
    })
}

impl Walk<'_, '_> {
    fn visitors(&self) -> usize {
        if self.with_changelog { 2 } else { 1 }
    }

    /// rpmautospec's `_get_rpmverflags`: the spec up to its `%prep` line first, the whole spec
    /// when that fails.
    fn verflags(&mut self, commit: usize) -> Evaluated {
        if let Some(known) = &self.verflags[commit] {
            return known.clone();
        }
        let evaluated = match &self.history.spec[commit] {
            None => Err(String::from("Spec file is missing.")),
            Some(spec) => {
                let key = (spec.as_ptr() as usize, spec.len());
                if let Some(known) = self.by_buffer.get(&key) {
                    known.clone()
                } else {
                    let id = &self.history.commits[commit].id;
                    let evaluated = evaluate(self.evaluator, spec, id);
                    self.by_buffer.insert(key, evaluated.clone());
                    evaluated
                }
            }
        };
        self.verflags[commit] = Some(evaluated.clone());
        evaluated
    }

    fn epoch_version(&mut self, commit: usize) -> Option<String> {
        self.verflags(commit)
            .ok()
            .map(|flags| flags.epoch_version.clone())
    }

    fn magic(&mut self, commit: usize) -> MagicComments {
        *self.magic[commit]
            .get_or_insert_with(|| magic_comments(&self.history.commits[commit].message))
    }

    /// Phase 1: decides which commits are processed and runs the visitors' first halves.
    fn select(&mut self) {
        let history = self.history;
        let head = history.head;
        let children = children_of(history);
        let visitors = self.visitors();
        let seed = Info {
            must_continue: true,
            changelog_removed: None,
        };
        let mut branch_heads = VecDeque::from([head]);
        while let Some(start) = branch_heads.pop_front() {
            let mut commit = start;
            let mut keep_processing = true;
            loop {
                if self.visit[commit] != Visit::Pending {
                    break;
                }
                let child_infos = if commit == head {
                    [seed; 2]
                } else {
                    if children[commit]
                        .iter()
                        .any(|&child| self.visit[child] == Visit::Pending)
                    {
                        branch_heads.push_back(commit);
                        break;
                    }
                    let mut merged = [Info::default(); 2];
                    for (visitor, slot) in merged.iter_mut().enumerate().take(visitors) {
                        *slot = children[commit]
                            .iter()
                            .map(|&child| self.infos[child][visitor])
                            .reduce(Info::merge)
                            .unwrap_or_default();
                    }
                    keep_processing =
                        keep_processing && merged[..visitors].iter().any(|info| info.must_continue);
                    merged
                };
                if keep_processing {
                    self.visit[commit] = Visit::Processed;
                    self.infos[commit][0] = self.release_top(commit);
                    if self.with_changelog {
                        self.infos[commit][1] = self.changelog_top(commit, child_infos[1]);
                    }
                } else {
                    self.visit[commit] = Visit::Traversed;
                    self.infos[commit] = [Info::default(); 2];
                }
                let parents = &history.parents[commit];
                let Some(&first) = parents.first() else { break };
                for &parent in &parents[1..] {
                    if self.visit[parent] == Visit::Pending {
                        branch_heads.push_back(parent);
                    }
                }
                commit = first;
            }
        }
    }

    fn release_top(&mut self, commit: usize) -> Info {
        let must_continue = match self.epoch_version(commit) {
            None => true,
            Some(epoch_version) if epoch_version.is_empty() => true,
            Some(epoch_version) => {
                let parents = self.history.parents[commit].clone();
                let mut parent_versions = Vec::with_capacity(parents.len());
                let mut unknown = false;
                for parent in parents {
                    match self.verflags(parent) {
                        Ok(flags) => parent_versions.push(flags.epoch_version.clone()),
                        Err(_) => {
                            unknown = true;
                            break;
                        }
                    }
                }
                unknown || parent_versions.contains(&epoch_version)
            }
        };
        Info {
            must_continue,
            changelog_removed: None,
        }
    }

    fn changelog_top(&mut self, commit: usize, child: Info) -> Info {
        let history = self.history;
        let blob = history.changelog[commit].as_deref();
        let parents = &history.parents[commit];
        let mut our_removed = false;
        let changed = if parents.is_empty() {
            blob.is_some()
        } else {
            let mut changed = true;
            for &parent in parents {
                let parent_blob = history.changelog[parent].as_deref();
                if parent_blob.is_some() {
                    our_removed = our_removed || blob.is_none();
                }
                if blob == parent_blob {
                    changed = false;
                }
            }
            changed
        };
        let mut merge_unresolvable = false;
        let parent_to_follow = if parents.len() < 2 {
            parents.first().copied()
        } else {
            let tree = history.commits[commit].tree.as_deref();
            let follow = parents
                .iter()
                .copied()
                .find(|&parent| tree.is_some() && history.commits[parent].tree.as_deref() == tree);
            merge_unresolvable = follow.is_none() && !changed;
            follow
        };
        let changed_and_present = changed && blob.is_some();
        let child_removed = child.changelog_removed.unwrap_or(false);
        self.changelog_top[commit] = Some(ChangelogTop {
            changed_and_present,
            merge_unresolvable,
            parent_to_follow,
            child_changelog_removed: child_removed,
        });
        Info {
            must_continue: !(changed_and_present || merge_unresolvable) && child.must_continue,
            changelog_removed: Some(!changed_and_present && (child_removed || our_removed)),
        }
    }

    /// Phase 2: results of processed commits, parents before children.
    fn compute(&mut self) -> Result<Vec<Option<CommitResult>>, ProcessError> {
        let history = self.history;
        let count = history.commits.len();
        let mut results: Vec<Option<CommitResult>> = vec![None; count];
        // Iterative post-order over processed commits.
        let mut stack = vec![(history.head, false)];
        while let Some((commit, parents_done)) = stack.pop() {
            if results[commit].is_some() {
                continue;
            }
            if !parents_done {
                stack.push((commit, true));
                for &parent in history.parents[commit].iter().rev() {
                    if self.visit[parent] == Visit::Processed && results[parent].is_none() {
                        stack.push((parent, false));
                    }
                }
                continue;
            }
            let result = self.bottom(commit, &results)?;
            results[commit] = Some(result);
        }
        Ok(results)
    }

    fn bottom(
        &mut self,
        commit: usize,
        results: &[Option<CommitResult>],
    ) -> Result<CommitResult, ProcessError> {
        let history = self.history;
        let record = &history.commits[commit];
        let parents = &history.parents[commit];
        let parent_results: Vec<Option<&CommitResult>> =
            parents.iter().map(|&p| results[p].as_ref()).collect();
        let flags = self.verflags(commit).ok();
        let epoch_version = flags.as_ref().map(|flags| flags.epoch_version.clone());
        let magic = self.magic(commit);
        let spec_present = history.spec[commit].is_some();

        let mut release_number = parent_results
            .iter()
            .map(|result| match result {
                Some(result)
                    if epoch_version.is_none()
                        || result.epoch_version.is_none()
                        || epoch_version == result.epoch_version =>
                {
                    result.release_number
                }
                _ => 0,
            })
            .max()
            .unwrap_or(0);
        if spec_present {
            release_number += 1;
        }
        release_number = release_number.max(magic.bump_release);

        let release_complete = match &flags {
            Some(flags) => {
                let release = &flags.flags;
                let number = i128::from(release_number) + i128::from(release.base) - 1;
                let mut text = String::from(if release.prerelease { "0." } else { "" });
                text.push_str(&number.to_string());
                for tag in [&release.extraver, &release.snapinfo].into_iter().flatten() {
                    text.push('.');
                    text.push_str(tag);
                }
                text
            }
            None => release_number.to_string(),
        };

        let changelog = if self.with_changelog {
            let top =
                self.changelog_top[commit].expect("processed commits have a changelog top half");
            let entry = |body| {
                Rc::new(Entry {
                    author: format!("{} <{}>", record.author.name, record.author.email),
                    commit_time: record.committer.time,
                    epoch_version: epoch_version.clone(),
                    release_complete: release_complete.clone(),
                    body,
                })
            };
            if top.merge_unresolvable {
                Some(Rc::new(Node {
                    entry: entry(EntryBody::Error("unresolvable merge")),
                    next: None,
                }))
            } else if top.changed_and_present {
                if top.child_changelog_removed {
                    None
                } else {
                    let bytes = history.changelog[commit].as_deref().unwrap_or_default();
                    let text: Arc<str> = Arc::from(String::from_utf8_lossy(bytes).as_ref());
                    Some(Rc::new(Node {
                        entry: entry(EntryBody::Verbatim(text)),
                        next: None,
                    }))
                }
            } else {
                let mut skip = magic.skip_changelog || !spec_present;
                let previous = if parents.len() == 1 {
                    parent_results[0].and_then(|result| result.changelog.clone())
                } else {
                    let mut previous = None;
                    for (&parent, result) in parents.iter().zip(&parent_results) {
                        let Some(result) = result else { continue };
                        let Some(follow) = top.parent_to_follow else {
                            return Err(ProcessError::UnsupportedMerge {
                                commit: record.id.clone(),
                            });
                        };
                        if parent == follow {
                            previous = result.changelog.clone();
                            skip = true;
                            break;
                        }
                    }
                    previous
                };
                if skip {
                    previous
                } else {
                    let message: Arc<str> = Arc::from(record.message.as_str());
                    Some(Rc::new(Node {
                        entry: entry(EntryBody::Message(message)),
                        next: previous,
                    }))
                }
            }
        } else {
            None
        };
        Ok(CommitResult {
            release_number,
            epoch_version,
            changelog,
        })
    }
}

/// The children of each commit reachable from the head (only those count, as in rpmautospec,
/// which builds the map from a walk of the head).
fn children_of(history: &Resolved<'_>) -> Vec<Vec<usize>> {
    let count = history.commits.len();
    let mut children = vec![Vec::new(); count];
    let mut seen = vec![false; count];
    let mut stack = vec![history.head];
    seen[history.head] = true;
    while let Some(commit) = stack.pop() {
        for &parent in &history.parents[commit] {
            children[parent].push(commit);
            if !seen[parent] {
                seen[parent] = true;
                stack.push(parent);
            }
        }
    }
    children
}

/// Evaluates a spec the way `_get_rpmverflags` does: first everything before the `%prep` line
/// (compared after stripping ASCII whitespace, as Python's `bytes.strip`), then the whole spec.
fn evaluate(evaluator: &dyn SpecEvaluator, spec: &[u8], commit: &str) -> Evaluated {
    let abridged = abridged(spec);
    let first = evaluator.evaluate(&SpecRequest {
        spec: abridged,
        commit,
    });
    let values: Result<SpecValues, _> = match first {
        Ok(values) => Ok(values),
        Err(_) if abridged.len() == spec.len() => first,
        Err(_) => evaluator.evaluate(&SpecRequest { spec, commit }),
    };
    match values {
        Ok(values) => Ok(Arc::new(VersionFlags::from_values(values))),
        Err(error) => {
            tracing::debug!(commit, %error, "spec evaluation failed");
            Err(error.to_string())
        }
    }
}

fn abridged(spec: &[u8]) -> &[u8] {
    let mut start = 0;
    for line in spec.split_inclusive(|&b| b == b'\n') {
        if line.trim_ascii() == b"%prep" {
            return &spec[..start];
        }
        start += line.len();
    }
    spec
}
