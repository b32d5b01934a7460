//! The commit history model rpmautospec reads: commits with parents, signatures, messages and
//! the two files it looks at (the spec and the `changelog` file).
//!
//! Commits may be given in any order; the head (the commit whose spec is processed) is named
//! explicitly. A file can be marked [`FileState::Unchanged`] to say "same bytes as in the first
//! parent", which keeps large histories cheap to build and lets the engine evaluate each
//! distinct spec text once.

use std::collections::HashMap;
use std::sync::Arc;

use crate::error::HistoryError;

/// A git identity with a time: who, and when (seconds since the epoch, with the UTC offset the
/// commit recorded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    /// The name, as recorded (rpmautospec prints it verbatim).
    pub name: String,
    /// The email address, without angle brackets.
    pub email: String,
    /// Seconds since 1970-01-01T00:00:00Z.
    pub time: i64,
    /// The recorded UTC offset in minutes (for example `-300` for `-0500`).
    pub offset_minutes: i32,
}

impl Signature {
    /// A signature at `time` (seconds since the epoch) in UTC.
    pub fn new(name: impl Into<String>, email: impl Into<String>, time: i64) -> Self {
        Self {
            name: name.into(),
            email: email.into(),
            time,
            offset_minutes: 0,
        }
    }

    /// The same signature with a UTC offset in minutes.
    #[must_use]
    pub fn with_offset(mut self, offset_minutes: i32) -> Self {
        self.offset_minutes = offset_minutes;
        self
    }
}

/// The content of one file at one commit.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum FileState {
    /// The file does not exist at this commit.
    #[default]
    Absent,
    /// The file's bytes at this commit.
    Present(Arc<[u8]>),
    /// The same as at the commit's first parent (a root commit cannot use this).
    Unchanged,
}

impl FileState {
    /// A present file with these bytes.
    pub fn text(bytes: impl AsRef<[u8]>) -> Self {
        Self::Present(Arc::from(bytes.as_ref()))
    }
}

/// One commit of the package's dist-git history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commit {
    /// The commit's identity (a git hash, or any unique string).
    pub id: String,
    /// Parent ids in git order: the first parent first.
    pub parents: Vec<String>,
    /// The author: the changelog entry names them.
    pub author: Signature,
    /// The committer: the changelog entry's date is the commit time, printed in UTC.
    pub committer: Signature,
    /// The full commit message, as stored (trailing newline included if the commit has one).
    pub message: String,
    /// The identity of the commit's whole tree (a git tree hash). rpmautospec follows the parent
    /// of a merge whose tree equals the merge's; commits without a tree id never compare equal.
    pub tree: Option<String>,
    /// The spec file (the one being processed, under its final name) at this commit.
    pub spec: FileState,
    /// The top-level `changelog` file at this commit.
    pub changelog: FileState,
}

impl Commit {
    /// A commit with the given id, parents, author (also used as committer) and message, whose
    /// spec and `changelog` are unchanged from the first parent (or absent for a root commit).
    pub fn new(
        id: impl Into<String>,
        parents: Vec<String>,
        author: Signature,
        message: impl Into<String>,
    ) -> Self {
        let state = if parents.is_empty() {
            FileState::Absent
        } else {
            FileState::Unchanged
        };
        Self {
            id: id.into(),
            parents,
            committer: author.clone(),
            author,
            message: message.into(),
            tree: None,
            spec: state.clone(),
            changelog: state,
        }
    }

    /// The same commit with this spec text.
    #[must_use]
    pub fn with_spec(mut self, spec: FileState) -> Self {
        self.spec = spec;
        self
    }

    /// The same commit with this `changelog` file state.
    #[must_use]
    pub fn with_changelog(mut self, changelog: FileState) -> Self {
        self.changelog = changelog;
        self
    }

    /// The same commit with a tree identity.
    #[must_use]
    pub fn with_tree(mut self, tree: impl Into<String>) -> Self {
        self.tree = Some(tree.into());
        self
    }

    /// The same commit with a different committer.
    #[must_use]
    pub fn with_committer(mut self, committer: Signature) -> Self {
        self.committer = committer;
        self
    }
}

/// A package history: its commits and which one is the head.
#[derive(Debug, Clone, Default)]
pub struct History {
    commits: Vec<Commit>,
    head: usize,
}

/// A history with parents resolved to indices and [`FileState::Unchanged`] resolved to content.
#[derive(Debug)]
pub(crate) struct Resolved<'a> {
    pub commits: &'a [Commit],
    pub head: usize,
    pub parents: Vec<Vec<usize>>,
    /// The spec bytes at each commit (`None`: absent).
    pub spec: Vec<Option<Arc<[u8]>>>,
    /// The `changelog` bytes at each commit (`None`: absent).
    pub changelog: Vec<Option<Arc<[u8]>>>,
}

impl History {
    /// A history of `commits` (any order) whose head is the commit with id `head`.
    ///
    /// # Errors
    /// When `head` is not among the commits or two commits share an id.
    pub fn new(commits: Vec<Commit>, head: &str) -> Result<Self, HistoryError> {
        let mut seen = HashMap::with_capacity(commits.len());
        for (index, commit) in commits.iter().enumerate() {
            if seen.insert(commit.id.as_str(), index).is_some() {
                return Err(HistoryError::DuplicateCommit {
                    id: commit.id.clone(),
                });
            }
        }
        let head = *seen.get(head).ok_or_else(|| HistoryError::UnknownHead {
            id: head.to_owned(),
        })?;
        Ok(Self { commits, head })
    }

    /// The commits, in the order given.
    pub fn commits(&self) -> &[Commit] {
        &self.commits
    }

    /// The head commit.
    pub fn head(&self) -> &Commit {
        &self.commits[self.head]
    }

    /// Resolves parent ids and unchanged files.
    pub(crate) fn resolve(&self) -> Result<Resolved<'_>, HistoryError> {
        let index: HashMap<&str, usize> = self
            .commits
            .iter()
            .enumerate()
            .map(|(i, commit)| (commit.id.as_str(), i))
            .collect();
        let mut parents = Vec::with_capacity(self.commits.len());
        for commit in &self.commits {
            let mut resolved = Vec::with_capacity(commit.parents.len());
            for parent in &commit.parents {
                let parent_index =
                    *index
                        .get(parent.as_str())
                        .ok_or_else(|| HistoryError::MissingParent {
                            commit: commit.id.clone(),
                            parent: parent.clone(),
                        })?;
                resolved.push(parent_index);
            }
            parents.push(resolved);
        }
        let spec = resolve_files(&self.commits, &parents, |commit| &commit.spec, "spec")?;
        let changelog = resolve_files(
            &self.commits,
            &parents,
            |commit| &commit.changelog,
            "changelog",
        )?;
        Ok(Resolved {
            commits: &self.commits,
            head: self.head,
            parents,
            spec,
            changelog,
        })
    }
}

/// Resolves [`FileState::Unchanged`] chains through first parents, iteratively (histories can
/// be thousands of commits deep).
fn resolve_files(
    commits: &[Commit],
    parents: &[Vec<usize>],
    file: impl Fn(&Commit) -> &FileState,
    what: &'static str,
) -> Result<Vec<Option<Arc<[u8]>>>, HistoryError> {
    let mut resolved: Vec<Option<Option<Arc<[u8]>>>> = vec![None; commits.len()];
    for start in 0..commits.len() {
        let mut chain = Vec::new();
        let mut current = start;
        let value = loop {
            if let Some(value) = &resolved[current] {
                break value.clone();
            }
            match file(&commits[current]) {
                FileState::Absent => break None,
                FileState::Present(bytes) => break Some(bytes.clone()),
                FileState::Unchanged => {
                    let Some(&parent) = parents[current].first() else {
                        return Err(HistoryError::UnchangedRoot {
                            commit: commits[current].id.clone(),
                            file: what,
                        });
                    };
                    chain.push(current);
                    if chain.len() > commits.len() {
                        return Err(HistoryError::Cycle {
                            commit: commits[start].id.clone(),
                        });
                    }
                    current = parent;
                }
            }
        };
        resolved[current] = Some(value.clone());
        for member in chain {
            resolved[member] = Some(value.clone());
        }
    }
    Ok(resolved.into_iter().map(Option::flatten).collect())
}
