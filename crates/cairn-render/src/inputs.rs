//! What a component is rendered from: its source identity and input fingerprint (shared by
//! `render`, `update` and `changed`), and the batch resolution of upstream commits.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use cairn_config::Project;
use cairn_lock::{Fingerprint, FingerprintInputs, Lock, LockStore, fingerprint, overlay_sources};
use cairn_source::{DistGitCache, Refresh, ResolvedSource};

use crate::error::ComponentError;
use crate::source::{Origin, Setup, check_lock, setup};

/// `<lock-dir>` (azldev's default `locks` beside the project file).
pub fn lock_dir(project: &Project) -> PathBuf {
    project
        .lock_dir()
        .map_or_else(|| project.root_dir().join("locks"), Path::to_path_buf)
}

/// `<rendered-specs-dir>` (azldev's default `specs` beside the project file).
pub fn rendered_specs_dir(project: &Project) -> PathBuf {
    project
        .rendered_specs_dir()
        .map_or_else(|| project.root_dir().join("specs"), Path::to_path_buf)
}

/// A component located, with its lock.
pub(crate) struct Located {
    pub setup: Setup,
    pub lock: Option<Lock>,
}

/// Resolves and locates every component in parallel; the lock store is read as well.
pub(crate) fn locate_all(
    project: &Project,
    names: &[String],
    store: &LockStore,
) -> Vec<Result<Located, ComponentError>> {
    use rayon::prelude::*;
    names
        .par_iter()
        .map(|name| {
            let setup = setup(project, name)?;
            let lock = store.load(name)?;
            check_lock(&setup, lock.as_ref())?;
            Ok(Located { setup, lock })
        })
        .collect()
}

/// Resolves the upstream commit of every located upstream component, fetching each dist-git
/// repository at most once (many at a time). A lock's `upstream-commit` is used when there is
/// one (unless `ignore_locks`); otherwise the configuration's pin, snapshot or branch tip.
pub(crate) fn resolve_commits(
    cache: &DistGitCache,
    located: &[Result<Located, ComponentError>],
    ignore_locks: &BTreeMap<usize, bool>,
) -> Vec<Option<Result<ResolvedSource, ComponentError>>> {
    let mut requests = Vec::new();
    let mut positions = Vec::new();
    for (index, entry) in located.iter().enumerate() {
        if let Ok(Located {
            setup:
                Setup {
                    origin: Origin::Upstream(upstream),
                    ..
                },
            lock,
        }) = entry
        {
            let ignore = ignore_locks.get(&index).copied().unwrap_or(false);
            let request = if ignore {
                upstream.request.clone()
            } else {
                upstream.locked_request(lock.as_ref())
            };
            requests.push(request);
            positions.push(index);
        }
    }
    let mut resolved: Vec<Option<Result<ResolvedSource, ComponentError>>> =
        located.iter().map(|_| None).collect();
    for (position, result) in positions
        .into_iter()
        .zip(cache.resolve_all(&requests, Refresh::IfNeeded))
    {
        resolved[position] = Some(result.map_err(ComponentError::from));
    }
    resolved
}

/// A component's source identity and fingerprint.
pub(crate) struct Identity {
    pub fingerprint: Fingerprint,
}

/// Computes the identity of `setup` at `commit` (upstream) with `manual_bump`.
pub(crate) fn identity(
    setup: &Setup,
    commit: Option<&str>,
    manual_bump: u64,
) -> Result<Identity, ComponentError> {
    let source = match &setup.origin {
        Origin::Upstream(_) => commit.unwrap_or_default().to_owned(),
        Origin::Local { dir, .. } => cairn_source::local_identity(dir)
            .map_err(|error| ComponentError::io("hashing", error.path.clone(), error.source))?,
    };
    let config = &setup.resolved.config;
    let sources = overlay_sources(config)?;
    let fingerprint = fingerprint(&FingerprintInputs {
        config,
        source_identity: &source,
        overlay_sources: &sources,
        release_ver: &setup.release_ver,
        manual_bump,
    });
    Ok(Identity { fingerprint })
}
