//! The persistent dist-git cache: one bare mirror per repository URL, fetched incrementally.
//!
//! azldev makes a full `git clone` of every component's dist-git into a temporary directory on
//! every render (azldev-reference §5). cairn keeps one bare mirror per URL under the cache root,
//! fetches only what is new, and reads commits and trees in-process with `gix`, so a warm render
//! never starts a process per component.
//!
//! Fetching runs `git fetch` (through [`cairn_tool::Tool`]): it speaks every transport a distro may
//! name (`https://`, `git://`, `ssh://`, `file://`) with the user's credential and proxy settings,
//! and for `file://` even gix would start `git-upload-pack`. Reading never starts a process.
//!
//! A mirror fetches `refs/heads/*` and `refs/replace/*`. Replace refs let a test fixture stand in
//! for a commit id that cannot be forged (the 54 `upstream-commit` pins of Azure Linux 4.0); git and
//! gix both honour them when reading, and real dist-git servers publish none.

mod error;
mod mirror;
mod objects;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use cairn_tool::Tool;
use rayon::prelude::*;
use sha2::Digest as _;

pub use error::{DistGitError, ReadError};
pub use mirror::{
    FileKind, GitId, History, HistoryCommit, Mirror, Signature, SourceTree, TreeFile,
};

use crate::Network;

/// The file in a mirror that records when it was last fetched (RFC 3339, the fetch's start).
const FETCHED_AT: &str = "cairn-fetched-at";
/// How many packs incremental fetches may leave in a mirror before it is repacked.
const MAX_PACKS: usize = 16;

/// What one component needs from its dist-git.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceRequest {
    /// The component (for messages).
    pub component: String,
    /// The repository URL (`dist-git-base-uri` with `$pkg` = the upstream name).
    pub url: String,
    /// The distro version's `dist-git-branch`.
    pub branch: String,
    /// The `upstream-commit` pin (7-40 hex digits), if any.
    pub pin: Option<String>,
    /// The distro snapshot, if any.
    pub snapshot: Option<jiff::Timestamp>,
}

/// How a commit was chosen (azldev's order: pin, then snapshot, then the branch tip).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Resolution {
    /// The `upstream-commit` pin.
    Pinned,
    /// The last first-parent commit at or before the snapshot.
    Snapshot,
    /// The branch tip (no pin, no snapshot).
    Head,
}

/// The commit a component's sources come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedSource {
    /// The component.
    pub component: String,
    /// The repository URL.
    pub url: String,
    /// The mirror that holds it.
    pub mirror: PathBuf,
    /// The commit (for a pin: the full id of the pin).
    pub commit: GitId,
    /// How it was chosen.
    pub resolution: Resolution,
}

impl ResolvedSource {
    /// Opens the mirror to read the commit.
    pub fn open(&self) -> Result<Mirror, ReadError> {
        Mirror::open(&self.mirror)
    }
}

/// When to fetch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Refresh {
    /// Only when the mirror cannot answer: it is missing, lacks the pin or the branch, was last
    /// fetched before the snapshot, or the branch tip is wanted.
    #[default]
    IfNeeded,
    /// Every mirror involved.
    Always,
}

/// The dist-git cache.
#[derive(Debug, Clone)]
pub struct DistGitCache {
    root: PathBuf,
    network: Network,
    jobs: usize,
    retries: u32,
    retry_delay: Duration,
}

impl DistGitCache {
    /// A cache rooted at `root` (created on the first fetch).
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self {
            root: root.into(),
            network: Network::Online,
            jobs: 8,
            retries: 3,
            retry_delay: Duration::from_secs(1),
        }
    }

    /// `$XDG_CACHE_HOME/cairn/dist-git` (or `~/.cache/cairn/dist-git`).
    pub fn default_root() -> PathBuf {
        crate::cache_home().join("dist-git")
    }

    /// Whether fetching is allowed.
    #[must_use]
    pub fn network(mut self, network: Network) -> Self {
        self.network = network;
        self
    }

    /// How many fetches run at once (at least 1).
    #[must_use]
    pub fn jobs(mut self, jobs: usize) -> Self {
        self.jobs = jobs.max(1);
        self
    }

    /// How many times a failed fetch is retried (azldev's `--network-retries`, default 3), and the
    /// first delay (doubled after each try).
    #[must_use]
    pub fn retries(mut self, retries: u32, delay: Duration) -> Self {
        self.retries = retries;
        self.retry_delay = delay;
        self
    }

    /// The cache root.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where the mirror of `url` lives: a readable name plus a hash of the exact URL.
    pub fn mirror_path(&self, url: &str) -> PathBuf {
        let last = url
            .trim_end_matches('/')
            .rsplit(['/', ':'])
            .next()
            .unwrap_or_default();
        let stem: String = last
            .trim_end_matches(".git")
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || "+-._".contains(c) {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let digest = hex::encode(sha2::Sha256::digest(url.as_bytes()));
        self.root.join(format!(
            "{}-{}.git",
            stem.trim_start_matches('.'),
            &digest[..16]
        ))
    }

    /// Opens the mirror of `url` for reading, without fetching.
    pub fn open(&self, url: &str) -> Result<Mirror, ReadError> {
        Mirror::open(&self.mirror_path(url))
    }

    /// When the mirror of `url` was last fetched, if it was.
    pub fn fetched_at(&self, url: &str) -> Option<jiff::Timestamp> {
        let text = std::fs::read_to_string(self.mirror_path(url).join(FETCHED_AT)).ok()?;
        text.trim().parse().ok()
    }

    /// Creates or updates the mirror of `url` (fetching only what is new). Refused offline.
    pub fn fetch(&self, url: &str) -> Result<PathBuf, DistGitError> {
        let path = self.mirror_path(url);
        if self.network == Network::Offline {
            return Err(DistGitError::NotCached {
                component: String::new(),
                url: url.to_owned(),
                mirror: path,
            });
        }
        let started = jiff::Timestamp::now();
        let io = |path: &Path| {
            let path = path.to_owned();
            move |source| DistGitError::Io { path, source }
        };
        if path.join("HEAD").is_file() {
            self.run_fetch(url, &path)?;
        } else {
            std::fs::create_dir_all(&self.root).map_err(io(&self.root))?;
            let incoming = tempfile::Builder::new()
                .prefix(".incoming-")
                .tempdir_in(&self.root)
                .map_err(io(&self.root))?;
            init_mirror(incoming.path(), url).map_err(io(incoming.path()))?;
            self.run_fetch(url, incoming.path())?;
            let incoming = incoming.keep();
            if let Err(error) = std::fs::rename(&incoming, &path) {
                // Another process created the mirror meanwhile: keep theirs.
                let _ = std::fs::remove_dir_all(&incoming);
                if !path.join("HEAD").is_file() {
                    return Err(io(&path)(error));
                }
            }
        }
        std::fs::write(path.join(FETCHED_AT), format!("{started}\n")).map_err(io(&path))?;
        Ok(path)
    }

    fn run_fetch(&self, url: &str, dir: &Path) -> Result<(), DistGitError> {
        // Keep what arrives as a pack: git explodes fetches of fewer than 100 objects into loose
        // files, and a warm read pays a file open per loose object. `compact` bounds the packs.
        let tool = Tool::new("git")
            .arg("-C")
            .arg(dir)
            .args(["-c", "gc.auto=0", "-c", "fetch.writeCommitGraph=false"])
            .args(["-c", "fetch.unpackLimit=1", "-c", "transfer.unpackLimit=1"])
            .args([
                "fetch",
                "--quiet",
                "--prune",
                "--no-write-fetch-head",
                "origin",
            ])
            .env("GIT_TERMINAL_PROMPT", "0");
        let mut delay = self.retry_delay;
        let mut attempt = 0;
        loop {
            match tool.output() {
                Ok(_) => return self.compact(url, dir),
                Err(source) if attempt >= self.retries || is_missing_repository(&source) => {
                    return Err(DistGitError::Fetch {
                        url: url.to_owned(),
                        mirror: dir.to_owned(),
                        source,
                    });
                }
                Err(error) => {
                    tracing::warn!(
                        "fetching {url} failed (attempt {}), retrying: {error}",
                        attempt + 1
                    );
                    std::thread::sleep(delay);
                    delay *= 2;
                    attempt += 1;
                }
            }
        }
    }

    /// Repacks a mirror into one pack once incremental fetches have left many: a read opens
    /// every pack index, so their number is what a warm read pays for.
    fn compact(&self, url: &str, dir: &Path) -> Result<(), DistGitError> {
        let packs = std::fs::read_dir(dir.join("objects/pack")).map_or(0, |entries| {
            entries
                .filter_map(Result::ok)
                .filter(|entry| entry.path().extension().is_some_and(|ext| ext == "pack"))
                .count()
        });
        if packs <= MAX_PACKS {
            return Ok(());
        }
        Tool::new("git")
            .arg("-C")
            .arg(dir)
            .args(["-c", "gc.auto=0", "repack", "-a", "-d", "-q"])
            .output()
            .map(drop)
            .map_err(|source| DistGitError::Fetch {
                url: url.to_owned(),
                mirror: dir.to_owned(),
                source,
            })
    }

    /// Resolves one component's commit, fetching according to `refresh` (never when offline).
    pub fn resolve(
        &self,
        request: &SourceRequest,
        refresh: Refresh,
    ) -> Result<ResolvedSource, DistGitError> {
        match self.try_cached(request, refresh)? {
            Cached::Resolved(resolved) => Ok(resolved),
            Cached::NeedsFetch => {
                self.fetch(&request.url)?;
                self.resolve_cached(request)
            }
        }
    }

    /// Resolves many components: answers what the mirrors can, fetches each remaining URL once,
    /// `jobs` at a time, then resolves the rest. Results are in request order.
    pub fn resolve_all(
        &self,
        requests: &[SourceRequest],
        refresh: Refresh,
    ) -> Vec<Result<ResolvedSource, DistGitError>> {
        let first: Vec<Result<Cached, DistGitError>> = requests
            .par_iter()
            .map(|request| self.try_cached(request, refresh))
            .collect();
        let urls: BTreeSet<&str> = requests
            .iter()
            .zip(&first)
            .filter(|(_, outcome)| matches!(outcome, Ok(Cached::NeedsFetch)))
            .map(|(request, _)| request.url.as_str())
            .collect();
        let urls: Vec<&str> = urls.into_iter().collect();
        let outcomes: Vec<(&str, Result<PathBuf, DistGitError>)> =
            match rayon::ThreadPoolBuilder::new()
                .num_threads(self.jobs)
                .build()
            {
                Ok(pool) => {
                    pool.install(|| urls.par_iter().map(|url| (*url, self.fetch(url))).collect())
                }
                Err(_) => urls.iter().map(|url| (*url, self.fetch(url))).collect(),
            };
        let failed: BTreeMap<&str, Arc<DistGitError>> = outcomes
            .into_iter()
            .filter_map(|(url, outcome)| Some((url, Arc::new(outcome.err()?))))
            .collect();
        requests
            .par_iter()
            .zip(first.into_par_iter())
            .map(|(request, first)| match first? {
                Cached::Resolved(resolved) => Ok(resolved),
                Cached::NeedsFetch => match failed.get(request.url.as_str()) {
                    Some(error) => Err(DistGitError::FetchFailed {
                        component: request.component.clone(),
                        source: Arc::clone(error),
                    }),
                    None => self.resolve_cached(request),
                },
            })
            .collect()
    }

    /// Resolves from the mirror as it is when that is allowed and enough.
    fn try_cached(
        &self,
        request: &SourceRequest,
        refresh: Refresh,
    ) -> Result<Cached, DistGitError> {
        let path = self.mirror_path(&request.url);
        let online = self.network == Network::Online;
        if !path.join("HEAD").is_file() {
            return if online {
                Ok(Cached::NeedsFetch)
            } else {
                Err(DistGitError::NotCached {
                    component: request.component.clone(),
                    url: request.url.clone(),
                    mirror: path,
                })
            };
        }
        if online && refresh == Refresh::Always {
            return Ok(Cached::NeedsFetch);
        }
        let read = |source| DistGitError::Read {
            component: request.component.clone(),
            source,
        };
        let mirror = Mirror::open(&path).map_err(read)?;
        if online && self.is_stale(request, &mirror).map_err(read)? {
            return Ok(Cached::NeedsFetch);
        }
        self.resolve_in(request, &mirror).map(Cached::Resolved)
    }

    /// Whether the mirror may lack what `request` needs.
    fn is_stale(&self, request: &SourceRequest, mirror: &Mirror) -> Result<bool, ReadError> {
        if let Some(pin) = &request.pin {
            return Ok(mirror.find_commit_id(pin)?.is_none());
        }
        if mirror.branch_tip(&request.branch)?.is_none() {
            return Ok(true);
        }
        Ok(match request.snapshot {
            // History before the snapshot is settled once the mirror was fetched after it.
            Some(snapshot) => self
                .fetched_at(&request.url)
                .is_none_or(|fetched| fetched < snapshot),
            None => true,
        })
    }

    /// Resolves from the mirror as it is, without fetching.
    pub fn resolve_cached(&self, request: &SourceRequest) -> Result<ResolvedSource, DistGitError> {
        let path = self.mirror_path(&request.url);
        if !path.join("HEAD").is_file() {
            return Err(DistGitError::NotCached {
                component: request.component.clone(),
                url: request.url.clone(),
                mirror: path,
            });
        }
        let mirror = Mirror::open(&path).map_err(|source| DistGitError::Read {
            component: request.component.clone(),
            source,
        })?;
        self.resolve_in(request, &mirror)
    }

    fn resolve_in(
        &self,
        request: &SourceRequest,
        mirror: &Mirror,
    ) -> Result<ResolvedSource, DistGitError> {
        let offline = self.network == Network::Offline;
        let read = |source| DistGitError::Read {
            component: request.component.clone(),
            source,
        };
        let resolved = |commit, resolution| ResolvedSource {
            component: request.component.clone(),
            url: request.url.clone(),
            mirror: mirror.path().to_owned(),
            commit,
            resolution,
        };
        if let Some(pin) = &request.pin {
            return match mirror.find_commit_id(pin).map_err(read)? {
                Some(commit) => Ok(resolved(commit, Resolution::Pinned)),
                None => Err(DistGitError::MissingPin {
                    component: request.component.clone(),
                    url: request.url.clone(),
                    pin: pin.clone(),
                    offline,
                }),
            };
        }
        let Some(tip) = mirror.branch_tip(&request.branch).map_err(read)? else {
            return Err(DistGitError::MissingBranch {
                component: request.component.clone(),
                url: request.url.clone(),
                branch: request.branch.clone(),
                offline,
            });
        };
        let Some(snapshot) = request.snapshot else {
            return Ok(resolved(tip, Resolution::Head));
        };
        if offline
            && self
                .fetched_at(&request.url)
                .is_none_or(|fetched| fetched < snapshot)
        {
            tracing::warn!(
                "component `{}`: the mirror of {} was last fetched before the snapshot {snapshot}; resolving offline from it anyway",
                request.component,
                request.url
            );
        }
        match mirror.commit_before(tip, snapshot).map_err(read)? {
            Some(commit) => Ok(resolved(commit, Resolution::Snapshot)),
            None => Err(DistGitError::NothingBeforeSnapshot {
                component: request.component.clone(),
                url: request.url.clone(),
                branch: request.branch.clone(),
                snapshot,
            }),
        }
    }
}

/// What the mirror alone could answer.
enum Cached {
    Resolved(ResolvedSource),
    NeedsFetch,
}

/// Initializes an empty bare repository whose `origin` fetches branches and replace refs. Written
/// by hand rather than with `git init`: no process, and no sample hooks in thousands of mirrors.
fn init_mirror(dir: &Path, url: &str) -> std::io::Result<()> {
    for sub in ["objects/info", "objects/pack", "refs/heads", "refs/tags"] {
        std::fs::create_dir_all(dir.join(sub))?;
    }
    std::fs::write(dir.join("HEAD"), "ref: refs/heads/main\n")?;
    let quoted = url.replace('\\', "\\\\").replace('"', "\\\"");
    std::fs::write(
        dir.join("config"),
        format!(
            "[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = true\n\
             [remote \"origin\"]\n\turl = \"{quoted}\"\n\tfetch = +refs/heads/*:refs/heads/*\n\
             \tfetch = +refs/replace/*:refs/replace/*\n"
        ),
    )
}

/// Whether git says the remote repository does not exist: waiting will not make it appear, so
/// the fetch fails at once instead of after the retries.
fn is_missing_repository(error: &cairn_tool::ToolError) -> bool {
    let text = error.to_string();
    [
        "does not appear to be a git repository",
        "not found",
        "does not exist",
    ]
    .iter()
    .any(|phrase| text.contains(phrase))
}
