//! The synthetic history and `%autorelease`/`%autochangelog` expansion of one component.
//!
//! azldev commits the overlaid tree on top of the upstream dist-git history, one synthetic
//! commit per project commit that changed the component's lock fingerprint (plus a "dirty" one
//! when the current fingerprint differs from HEAD's lock), and runs `rpmautospec
//! process-distgit` in a mock chroot (azldev-reference §2.3, §2.5). cairn builds the same
//! history as data ([`cairn_autospec::azldev::synthetic_history`]) from the dist-git mirror and
//! processes it in-process.

use std::collections::{HashMap, VecDeque};
use std::path::Path;
use std::sync::Arc;

use cairn_autospec::azldev::{OverlaidTree, ProjectChange, SyntheticInput, synthetic_history};
use cairn_autospec::{
    AUTORELEASE_PROBE, Commit, EvaluationError, FileState, History, Options, PreambleEvaluator,
    Signature, SpecEvaluator, SpecFeatures, SpecRequest, SpecValues, process,
};
use cairn_lock::LockHistory;
use cairn_macro::spec::{EvaluateOptions, evaluate_text};
use cairn_macro::{ContextConfig, MacroContext, MacroSet, ShellCache};
use cairn_source::{GitId, Mirror};

use crate::error::ComponentError;

/// The project changes that become synthetic commits for `component` (azldev's
/// `buildSyntheticCommits` plus dirty detection): nothing without a lock committed at HEAD;
/// otherwise each fingerprint change, and a dirty change when the current fingerprint differs
/// from HEAD's lock.
pub(crate) fn project_changes(
    history: Option<&LockHistory>,
    component: &str,
    fingerprint: &str,
    upstream_commit: Option<&str>,
    now: i64,
) -> (Vec<ProjectChange>, Option<String>) {
    let Some(history) = history else {
        return (Vec::new(), None);
    };
    let Some(head) = history.head_lock(component) else {
        return (Vec::new(), None);
    };
    let mut changes: Vec<ProjectChange> = history
        .changes(component)
        .iter()
        .map(|change| ProjectChange {
            project_commit: change.commit.clone(),
            author_name: change.author_name.clone(),
            author_email: change.author_email.clone(),
            time: change.time,
            subject: change.subject.clone(),
            upstream_commit: change.upstream_commit.clone(),
        })
        .collect();
    if head.input_fingerprint.as_deref() != Some(fingerprint) {
        changes.push(ProjectChange::dirty(
            now,
            upstream_commit.map(str::to_owned),
        ));
    }
    (changes, head.import_commit.clone())
}

/// Evaluates specs for rpmautospec: the native preamble evaluator first, cairn's rpm macro
/// engine for what it does not support (Lua, shell, `%include`...).
pub(crate) struct RenderEvaluator {
    preamble: PreambleEvaluator,
    macros: Arc<MacroSet>,
    config: Arc<ContextConfig>,
    shell: Arc<ShellCache>,
}

impl RenderEvaluator {
    pub fn new(macros: Arc<MacroSet>, config: Arc<ContextConfig>, shell: Arc<ShellCache>) -> Self {
        Self {
            preamble: PreambleEvaluator::new(),
            macros,
            config,
            shell,
        }
    }

    fn full(
        &self,
        request: &SpecRequest<'_>,
        source_dir: Option<&Path>,
    ) -> Result<SpecValues, EvaluationError> {
        let mut context = MacroContext::new(&self.macros, self.config.clone(), self.shell.clone());
        let level = cairn_macro::table::level::CMDLINE;
        let external =
            |error: cairn_macro::MacroError| EvaluationError::External(error.to_string());
        context
            .define(&format!("autorelease(e:s:pb:n) {AUTORELEASE_PROBE}"), level)
            .map_err(external)?;
        context
            .define("autochangelog %nil", level)
            .map_err(external)?;
        let text = String::from_utf8_lossy(request.spec);
        let options = EvaluateOptions {
            source_dir: source_dir.map(|dir| dir.to_string_lossy().into_owned()),
            ..EvaluateOptions::default()
        };
        let path = source_dir.map_or_else(|| Path::new("spec").to_owned(), |dir| dir.join("spec"));
        let spec = evaluate_text(&path, &text, &mut context, &options)
            .map_err(|error| EvaluationError::External(error.to_string()))?;
        let source = spec.source;
        let epoch_version = match source.epoch {
            Some(epoch) => format!("{epoch}:{}", source.version),
            None => source.version,
        };
        Ok(SpecValues {
            epoch_version,
            release: source.release,
        })
    }
}

impl SpecEvaluator for RenderEvaluator {
    fn evaluate(&self, request: &SpecRequest<'_>) -> Result<SpecValues, EvaluationError> {
        match self.preamble.evaluate(request) {
            Err(EvaluationError::Unsupported { .. }) => self.full(request, None),
            other => other,
        }
    }
}

/// [`RenderEvaluator`] with `%{_sourcedir}` at a directory holding the rendered tree, for
/// specs that read files beside them (the macros file's `%{load:}` above all): rpmautospec
/// parses the spec in its dist-git checkout, where those files exist.
pub(crate) struct TreeEvaluator<'a> {
    pub inner: &'a RenderEvaluator,
    pub source_dir: Option<&'a Path>,
}

impl SpecEvaluator for TreeEvaluator<'_> {
    fn evaluate(&self, request: &SpecRequest<'_>) -> Result<SpecValues, EvaluationError> {
        match self.inner.preamble.evaluate(request) {
            Err(EvaluationError::Unsupported { .. }) => self.inner.full(request, self.source_dir),
            other => other,
        }
    }
}

/// The upstream history rpmautospec walks: every commit reachable from `head` (all parents),
/// with `spec` (the rendered spec's name, as rpmautospec looks it up) and `changelog`.
fn upstream_commits(
    mirror: &Mirror,
    head: GitId,
    spec: &str,
) -> Result<Vec<Commit>, ComponentError> {
    let paths = [spec, "changelog"];
    let mut blobs: HashMap<GitId, Arc<[u8]>> = HashMap::new();
    let mut state = |blob: Option<GitId>| -> Result<FileState, ComponentError> {
        let Some(blob) = blob else {
            return Ok(FileState::Absent);
        };
        if let Some(bytes) = blobs.get(&blob) {
            return Ok(FileState::Present(bytes.clone()));
        }
        let bytes: Arc<[u8]> = Arc::from(mirror.read_blob(blob)?);
        blobs.insert(blob, bytes.clone());
        Ok(FileState::Present(bytes))
    };
    let mut commits = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut queue = VecDeque::from([head]);
    while let Some(id) = queue.pop_front() {
        if !seen.insert(id) {
            continue;
        }
        let Some(found) = mirror.history(id, &paths).next() else {
            continue;
        };
        let found = found?;
        queue.extend(found.parents.iter().copied());
        let signature = |actor: &cairn_source::Signature| {
            Signature::new(actor.name.clone(), actor.email.clone(), actor.seconds)
                .with_offset(actor.offset_seconds / 60)
        };
        let mut commit = Commit::new(
            found.id.to_string(),
            found.parents.iter().map(ToString::to_string).collect(),
            signature(&found.author),
            found.message.clone(),
        )
        .with_committer(signature(&found.committer));
        commit.spec = state(found.files[0])?;
        commit.changelog = state(found.files[1])?;
        commits.push(commit);
    }
    Ok(commits)
}

/// What the history of one component is made of.
pub(crate) struct HistoryInput<'a> {
    /// The dist-git mirror and the upstream commit, for upstream components.
    pub upstream: Option<(&'a Mirror, GitId)>,
    /// The rendered spec's file name.
    pub spec_name: &'a str,
    /// The lock's `import-commit`.
    pub import_commit: Option<&'a str>,
    /// The project changes ([`project_changes`]).
    pub changes: &'a [ProjectChange],
    /// The rendered `changelog` file, if the tree has one.
    pub changelog: Option<&'a [u8]>,
}

/// Expands `%autorelease`/`%autochangelog` in `spec` as `rpmautospec process-distgit` would on
/// azldev's synthetic history; `None` when the spec uses neither, or when a local component has
/// no history to number from (the spec is then left as it is, with a warning).
pub(crate) fn expand(
    spec: &[u8],
    input: &HistoryInput<'_>,
    evaluator: &dyn SpecEvaluator,
) -> Result<Option<Vec<u8>>, ComponentError> {
    if !SpecFeatures::detect(spec).processing_necessary() {
        return Ok(None);
    }
    let overlaid_spec = FileState::text(spec);
    let overlaid_changelog = input.changelog.map_or(FileState::Absent, FileState::text);
    let history = match input.upstream {
        Some((mirror, head)) => {
            let mut commits = upstream_commits(mirror, head, input.spec_name)?;
            let head_id = head.to_string();
            if input.changes.is_empty() {
                // No project history (not a git repository, or no lock committed): the overlaid
                // tree stands in for the upstream head, as an uncommitted work tree would.
                if let Some(commit) = commits.iter_mut().find(|commit| commit.id == head_id) {
                    commit.spec = overlaid_spec;
                    commit.changelog = overlaid_changelog;
                }
                History::new(commits, &head_id).map_err(cairn_autospec::ProcessError::from)?
            } else {
                synthetic_history(&SyntheticInput {
                    upstream: &commits,
                    upstream_head: &head_id,
                    import_commit: input.import_commit.filter(|commit| !commit.is_empty()),
                    changes: input.changes,
                    overlaid: OverlaidTree {
                        spec: overlaid_spec,
                        changelog: overlaid_changelog,
                        tree: None,
                    },
                })?
            }
        }
        None if input.changes.is_empty() => {
            tracing::warn!(
                "{}: uses rpmautospec but has no project history to number releases from; left unexpanded",
                input.spec_name
            );
            return Ok(None);
        }
        None => local_history(input.changes, overlaid_spec, overlaid_changelog)?,
    };
    let processed = process(&history, evaluator, &Options::default())?;
    Ok(Some(processed.spec))
}

/// A local component's history: its synthetic commits alone, the last carrying the tree.
fn local_history(
    changes: &[ProjectChange],
    spec: FileState,
    changelog: FileState,
) -> Result<History, ComponentError> {
    let mut commits: Vec<Commit> = Vec::with_capacity(changes.len());
    for (index, change) in changes.iter().enumerate() {
        let parents = commits
            .last()
            .map(|commit| vec![commit.id.clone()])
            .unwrap_or_default();
        let mut commit = Commit::new(
            format!("synthetic-{}", index + 1),
            parents,
            Signature::new(
                change.author_name.clone(),
                change.author_email.clone(),
                change.time,
            ),
            format!(
                "{}\n\nProject commit: {}",
                change.subject, change.project_commit
            ),
        );
        if index + 1 == changes.len() {
            commit.spec = spec.clone();
            commit.changelog = changelog.clone();
        }
        commits.push(commit);
    }
    let head = commits
        .last()
        .map(|commit| commit.id.clone())
        .unwrap_or_default();
    Ok(History::new(commits, &head).map_err(cairn_autospec::ProcessError::from)?)
}
