//! What a component is rendered from: its source identity and input fingerprint (shared by
//! `render`, `update` and `changed`), and the batch resolution of upstream commits.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use cairn_config::Project;
use cairn_lock::{Fingerprint, FingerprintInputs, Lock, LockStore, fingerprint, overlay_sources};
use cairn_source::{DistGitCache, Refresh, ResolvedSource, SourceRequest};

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
    resolve_selected_commits(cache, located, ignore_locks, &|_| true)
}

/// [`resolve_commits`] for the components whose index `selected` accepts (the others get
/// `None`): the incremental render resolves only what it cannot skip.
pub(crate) fn resolve_selected_commits(
    cache: &DistGitCache,
    located: &[Result<Located, ComponentError>],
    ignore_locks: &BTreeMap<usize, bool>,
    selected: &(dyn Fn(usize) -> bool + Sync),
) -> Vec<Option<Result<ResolvedSource, ComponentError>>> {
    let mut requests = Vec::new();
    let mut positions = Vec::new();
    for (index, entry) in located.iter().enumerate() {
        if !selected(index) {
            continue;
        }
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

/// What decides an upstream commit when the mirror as it is settles it, or `None` when it
/// cannot be known without reading the mirror. A full 40-digit pin is its own commit; a
/// snapshot is settled once the mirror was fetched after it (`DistGitCache::is_stale`), and the
/// mirror changes only by a fetch, which rewrites its fetch time.
pub(crate) fn request_key(cache: &DistGitCache, request: &SourceRequest) -> Option<String> {
    if let Some(pin) = &request.pin {
        let full = pin.len() == 40 && pin.bytes().all(|byte| byte.is_ascii_hexdigit());
        return full.then(|| format!("pin\n{}\n{}", request.url, pin.to_ascii_lowercase()));
    }
    let snapshot = request.snapshot?;
    let fetched = cache.fetched_at(&request.url)?;
    (fetched >= snapshot).then(|| {
        format!(
            "snapshot\n{}\n{}\n{snapshot}\n{fetched}",
            request.url, request.branch
        )
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_key_needs_a_full_pin_or_a_settled_snapshot() {
        let root = tempfile::tempdir().unwrap();
        let cache = DistGitCache::new(root.path());
        let url = "file:///dist-git/curl.git";
        let mut request = SourceRequest {
            component: "curl".into(),
            url: url.into(),
            branch: "f43".into(),
            pin: Some("ABCDEF1".into()),
            snapshot: None,
        };
        assert_eq!(request_key(&cache, &request), None);
        request.pin = Some("A".repeat(40));
        let pinned = request_key(&cache, &request).unwrap();
        assert!(pinned.ends_with(&"a".repeat(40)));

        request.pin = None;
        request.snapshot = Some("2026-02-24T08:00:00Z".parse().unwrap());
        assert_eq!(request_key(&cache, &request), None, "never fetched");
        let stamp = cache.mirror_path(url).join("cairn-fetched-at");
        std::fs::create_dir_all(stamp.parent().unwrap()).unwrap();
        std::fs::write(&stamp, "2026-02-01T00:00:00Z\n").unwrap();
        assert_eq!(request_key(&cache, &request), None, "fetched before it");
        std::fs::write(&stamp, "2026-03-01T00:00:00Z\n").unwrap();
        let settled = request_key(&cache, &request).unwrap();
        std::fs::write(&stamp, "2026-03-02T00:00:00Z\n").unwrap();
        assert_ne!(
            request_key(&cache, &request).unwrap(),
            settled,
            "fetched again"
        );
    }
}
