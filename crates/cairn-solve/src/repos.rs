//! Loading repositories (through `cairn-repo`'s cached reader) into a [`Pool`].

use std::path::PathBuf;
use std::time::{Duration, Instant};

use ahash::AHashSet;
use cairn_rpm_types::ArchPolicy;

use crate::error::LoadError;
use crate::owners_cache::{self, FileOwners};
use crate::pool::{FileMatching, Pool, PoolBuilder};

/// dnf's default `installonlypkgs`: packages providing one of these may be installed side by side.
pub const DEFAULT_INSTALLONLY: &[&str] = &[
    "kernel",
    "kernel-PAE",
    "installonlypkg(kernel)",
    "installonlypkg(kernel-module)",
    "installonlypkg(vm)",
    "multiversion(kernel)",
];

/// One repository to load.
#[derive(Clone, Debug)]
pub struct RepositorySpec {
    /// A directory, `file://` URL or `http(s)://` URL holding `repodata/repomd.xml`.
    pub location: String,
    /// libsolv priority: larger wins (dnf's `priority=` is the negation; dnf's default 99 is -99).
    pub priority: i32,
}

/// How to build the pool.
#[derive(Clone, Debug)]
pub struct PoolOptions {
    /// Which architectures may be installed.
    pub arch: ArchPolicy,
    /// Package-name globs never to install (dnf's `--exclude`).
    pub excludes: Vec<String>,
    /// Capabilities that make a package install-only.
    pub installonly: Vec<String>,
    /// How file dependencies match.
    pub file_matching: FileMatching,
    /// The binary metadata cache (`None` reads the XML every time).
    pub cache_dir: Option<PathBuf>,
}

impl Default for PoolOptions {
    fn default() -> Self {
        Self {
            arch: ArchPolicy::default(),
            excludes: Vec::new(),
            installonly: DEFAULT_INSTALLONLY
                .iter()
                .map(|s| (*s).to_owned())
                .collect(),
            file_matching: FileMatching::default(),
            cache_dir: cairn_repo::default_cache_dir(),
        }
    }
}

/// What loading did, for `-v` output and benchmarks.
#[derive(Clone, Debug, Default)]
pub struct LoadReport {
    /// Packages per repository, in order.
    pub packages: Vec<usize>,
    /// Whether filelists.xml had to be read (a file dependency names a path primary.xml omits).
    pub filelists: bool,
    /// Whether every repository came from the binary cache.
    pub from_cache: bool,
    /// Time spent reading metadata.
    pub elapsed: Duration,
}

/// An error building the exclude globs.
fn globs(patterns: &[String]) -> Result<Option<globset::GlobSet>, globset::Error> {
    if patterns.is_empty() {
        return Ok(None);
    }
    let mut builder = globset::GlobSetBuilder::new();
    for pattern in patterns {
        builder.add(globset::Glob::new(pattern)?);
    }
    builder.build().map(Some)
}

/// Loads `repositories` in order (their order is the package order libsolv's policy breaks ties
/// with) and builds the pool. filelists.xml is read only when some file dependency names a path
/// that primary.xml does not list.
///
/// # Errors
///
/// When a repository cannot be read or an exclude pattern is not a valid glob.
pub fn load_pool(
    repositories: &[RepositorySpec],
    options: &PoolOptions,
) -> Result<(Pool, LoadReport), LoadError> {
    let started = Instant::now();
    let excludes = globs(&options.excludes).map_err(|source| LoadError::Exclude { source })?;
    let mut builder = PoolBuilder::new(options.arch.clone())
        .installonly(options.installonly.iter().map(String::as_str))
        .file_matching(options.file_matching);
    if let Some(excludes) = excludes {
        builder = builder.excludes(excludes);
    }
    let mut report = LoadReport {
        from_cache: true,
        ..LoadReport::default()
    };
    let mut loaded = Vec::new();
    for spec in repositories {
        let repository = read(spec, options)?;
        let id = builder.add_repository(repository.location.clone(), spec.priority);
        for package in &repository.packages {
            builder.add_package(id, package);
        }
        report.packages.push(repository.packages.len());
        report.from_cache &= repository.from_cache;
        loaded.push((id, repository));
    }
    let needed = builder.paths_needing_filelists();
    if !needed.is_empty() {
        report.filelists = true;
        let mut wanted: Vec<&str> = needed.iter().map(AsRef::as_ref).collect();
        wanted.sort_unstable();
        for (spec, (id, repository)) in repositories.iter().zip(&loaded) {
            if repository.complete_files {
                continue;
            }
            let (owners, cached) = file_owners(spec, repository, options, &needed, &wanted)?;
            report.from_cache &= cached;
            for (pkgid, path) in owners.iter() {
                builder.add_files(*id, pkgid, [path]);
            }
        }
    }
    report.elapsed = started.elapsed();
    Ok((builder.build(), report))
}

fn read(spec: &RepositorySpec, options: &PoolOptions) -> Result<cairn_repo::Repository, LoadError> {
    let transport = cairn_repo::transport_for(&spec.location);
    let load_options = cairn_repo::LoadOptions {
        cache_dir: options.cache_dir.clone(),
        ..cairn_repo::LoadOptions::default()
    };
    cairn_repo::load(transport.as_ref(), &load_options).map_err(|source| LoadError::Repository {
        location: spec.location.clone(),
        source,
    })
}

/// The owners of the `needed` paths (`wanted` is the same, sorted) in one repository's
/// filelists.xml, from the file-owner cache or by streaming the document; whether they came
/// from the cache.
fn file_owners(
    spec: &RepositorySpec,
    repository: &cairn_repo::Repository,
    options: &PoolOptions,
    needed: &AHashSet<Box<str>>,
    wanted: &[&str],
) -> Result<(FileOwners, bool), LoadError> {
    let cache_file = options
        .cache_dir
        .as_deref()
        .and_then(|directory| owners_cache::path(directory, repository, wanted));
    if let Some(owners) = cache_file.as_deref().and_then(owners_cache::read) {
        return Ok((owners, true));
    }
    let transport = cairn_repo::transport_for(&spec.location);
    let mut owners = FileOwners::default();
    cairn_repo::load_filelists_paths(
        transport.as_ref(),
        repository,
        &cairn_repomd::Limits::default(),
        |pkgid, path| {
            if needed.contains(path) {
                owners.push(pkgid, path);
            }
        },
    )
    .map_err(|source| LoadError::Repository {
        location: spec.location.clone(),
        source,
    })?;
    if let Some(path) = &cache_file {
        owners_cache::write(path, &owners);
    }
    Ok((owners, false))
}
