//! `cairn repo index`: rpm-md metadata for a directory of RPMs.
//!
//! Packages are read in parallel (header only, plus a SHA-256 of the whole file), rendered with
//! `cairn-repomd`, compressed, and written into a fresh `.repodata.tmp-<pid>/` beside
//! `repodata/`. Only when everything is on disk and synced does that directory replace
//! `repodata/`, in one `renameat2(RENAME_EXCHANGE)` where the file system supports it, so a
//! reader sees either the old metadata or the new, and a failed or killed run leaves the old
//! one untouched.

use std::collections::HashMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use cairn_repomd::{Document, Package, Repomd, RepomdRecord};
use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::compress::{CompressedDocument, Compression, compress_document};
use crate::header::{DEFAULT_CHANGELOG_LIMIT, FileFacts, package_from_header};
use crate::load::{LoadError, LoadOptions, load};
use crate::sign::{Keyring, RepoSigner, SignError};
use crate::transport::LocalTransport;

/// How to index.
#[derive(Debug)]
pub struct IndexOptions {
    /// Worker threads for reading packages; 0 means one per core.
    pub workers: usize,
    /// Metadata compression.
    pub compression: Compression,
    /// Reuse the records of packages whose path, size and mtime match the current metadata.
    pub update: bool,
    /// Changelog entries kept per package.
    pub changelog_limit: usize,
    /// Signs repomd.xml into repomd.xml.asc.
    pub signer: Option<RepoSigner>,
    /// When set, every package's header signature must verify with these keys.
    pub keyring: Option<Keyring>,
}

impl Default for IndexOptions {
    fn default() -> Self {
        Self {
            workers: 0,
            compression: Compression::Zstd,
            update: false,
            changelog_limit: DEFAULT_CHANGELOG_LIMIT,
            signer: None,
            keyring: None,
        }
    }
}

/// What an index run did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexSummary {
    /// Packages in the new metadata.
    pub packages: usize,
    /// Packages whose records were reused from the previous metadata.
    pub reused: usize,
    /// Packages whose headers were read.
    pub read: usize,
    /// The new `repodata/` directory.
    pub repodata: PathBuf,
    /// Whether repomd.xml.asc was written.
    pub signed: bool,
}

/// Errors from indexing.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IndexError {
    /// A file-system operation failed.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The error.
        #[source]
        source: std::io::Error,
    },
    /// A package's header could not be read.
    #[error("{path}: not a readable RPM package: {message}; remove or replace the file")]
    Package {
        /// The package file.
        path: PathBuf,
        /// What the RPM reader said.
        message: String,
    },
    /// A package path is not valid UTF-8 (rpm-md locations are text).
    #[error("{path}: the path is not valid UTF-8; rename the file")]
    NonUtf8Path {
        /// The offending path.
        path: PathBuf,
    },
    /// A signature check or signing failed.
    #[error(transparent)]
    Signature(#[from] SignError),
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> IndexError + '_ {
    move |source| IndexError::Io {
        path: path.to_owned(),
        source,
    }
}

/// A package file found in the repository directory.
struct Candidate {
    path: PathBuf,
    href: String,
    size: u64,
    mtime: u64,
}

/// Indexes the RPMs under `repository` into `repository/repodata`.
pub fn index(repository: &Path, options: &IndexOptions) -> Result<IndexSummary, IndexError> {
    remove_stale_temporaries(repository);
    let candidates = scan(repository)?;
    let mut previous = if options.update {
        previous_packages(repository)
    } else {
        HashMap::new()
    };

    let mut packages: Vec<Option<Package>> = Vec::with_capacity(candidates.len());
    let mut to_read = Vec::new();
    for (position, candidate) in candidates.iter().enumerate() {
        match previous.remove(&candidate.href) {
            Some(package)
                if package.size_package == candidate.size
                    && package.time_file == candidate.mtime =>
            {
                packages.push(Some(package));
            }
            _ => {
                packages.push(None);
                to_read.push(position);
            }
        }
    }
    drop(previous);
    let reused = candidates.len() - to_read.len();
    tracing::info!(
        packages = candidates.len(),
        reused,
        read = to_read.len(),
        "indexing"
    );

    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.workers)
        .build()
        .map_err(|error| IndexError::Io {
            path: repository.to_owned(),
            source: std::io::Error::other(error),
        })?;
    let fresh: Vec<(usize, Package)> = pool.install(|| {
        to_read
            .par_iter()
            .map(|&position| {
                read_package(&candidates[position], options).map(|package| (position, package))
            })
            .collect::<Result<_, _>>()
    })?;
    let read = fresh.len();
    for (position, package) in fresh {
        packages[position] = Some(package);
    }
    let packages: Vec<Package> = packages.into_iter().flatten().collect();

    let documents: Vec<CompressedDocument> = pool
        .install(|| {
            Document::ALL
                .par_iter()
                .map(|&document| compress_document(document, &packages, options.compression))
                .collect::<Result<_, _>>()
        })
        .map_err(io_error(repository))?;

    let repodata = write_repodata(repository, &documents, options)?;
    Ok(IndexSummary {
        packages: packages.len(),
        reused,
        read,
        repodata,
        signed: options.signer.is_some(),
    })
}

/// Every `*.rpm` under `repository` except in `repodata/` and hidden directories, sorted by
/// their location.
fn scan(repository: &Path) -> Result<Vec<Candidate>, IndexError> {
    let mut candidates = Vec::new();
    let walker = walkdir::WalkDir::new(repository)
        .follow_links(true)
        .into_iter()
        .filter_entry(|entry| {
            entry.depth() == 0
                || !(entry
                    .file_name()
                    .to_str()
                    .is_some_and(|name| name.starts_with('.'))
                    || (entry.depth() == 1 && entry.file_name() == "repodata"))
        });
    for entry in walker {
        let entry = entry.map_err(|error| {
            let path = error.path().unwrap_or(repository).to_owned();
            IndexError::Io {
                path,
                source: error.into(),
            }
        })?;
        if !entry.file_type().is_file()
            || entry
                .path()
                .extension()
                .is_none_or(|extension| extension != "rpm")
        {
            continue;
        }
        let path = entry.path().to_owned();
        let relative = path.strip_prefix(repository).unwrap_or(&path);
        let href = relative
            .to_str()
            .ok_or_else(|| IndexError::NonUtf8Path { path: path.clone() })?
            .replace(std::path::MAIN_SEPARATOR, "/");
        let metadata = entry.metadata().map_err(|error| IndexError::Io {
            path: path.clone(),
            source: error.into(),
        })?;
        let mtime = metadata
            .modified()
            .ok()
            .and_then(|time| time.duration_since(UNIX_EPOCH).ok())
            .map_or(0, |elapsed| elapsed.as_secs());
        candidates.push(Candidate {
            path,
            href,
            size: metadata.len(),
            mtime,
        });
    }
    candidates.sort_by(|a, b| a.href.cmp(&b.href));
    Ok(candidates)
}

/// The records of the current metadata by location, or nothing if there is none (or it is
/// unreadable, which makes this run a full one).
fn previous_packages(repository: &Path) -> HashMap<String, Package> {
    if !repository.join("repodata/repomd.xml").exists() {
        return HashMap::new();
    }
    let options = LoadOptions {
        filelists: true,
        other: true,
        ..LoadOptions::default()
    };
    match load(&LocalTransport::new(repository), &options) {
        Ok(loaded) => loaded
            .packages
            .into_iter()
            .map(|package| (package.location_href.clone(), package))
            .collect(),
        Err(error) => {
            let error: LoadError = error;
            tracing::warn!(%error, "the current metadata cannot be reused; reading every package");
            HashMap::new()
        }
    }
}

fn read_package(candidate: &Candidate, options: &IndexOptions) -> Result<Package, IndexError> {
    let bytes = fs::read(&candidate.path).map_err(io_error(&candidate.path))?;
    let sha256 = hex::encode(Sha256::digest(&bytes));
    let metadata = rpm::PackageMetadata::parse(&mut bytes.as_slice()).map_err(|error| {
        IndexError::Package {
            path: candidate.path.clone(),
            message: error.to_string(),
        }
    })?;
    if let Some(keyring) = &options.keyring {
        keyring.verify_package(&candidate.path.display().to_string(), &metadata)?;
    }
    let facts = FileFacts {
        location_href: candidate.href.clone(),
        size: bytes.len() as u64,
        mtime: candidate.mtime,
        sha256,
    };
    package_from_header(&metadata, facts, options.changelog_limit).map_err(|error| {
        IndexError::Package {
            path: candidate.path.clone(),
            message: error.to_string(),
        }
    })
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs())
}

/// Writes the documents and repomd.xml into a temporary directory, then swaps it in.
fn write_repodata(
    repository: &Path,
    documents: &[CompressedDocument],
    options: &IndexOptions,
) -> Result<PathBuf, IndexError> {
    let temporary = repository.join(format!(".repodata.tmp-{}", std::process::id()));
    if temporary.exists() {
        fs::remove_dir_all(&temporary).map_err(io_error(&temporary))?;
    }
    fs::create_dir(&temporary).map_err(io_error(&temporary))?;
    let result = fill_repodata(&temporary, documents, options)
        .and_then(|()| swap_in(repository, &temporary));
    if result.is_err() {
        let _ = fs::remove_dir_all(&temporary);
    }
    result
}

fn fill_repodata(
    directory: &Path,
    documents: &[CompressedDocument],
    options: &IndexOptions,
) -> Result<(), IndexError> {
    let timestamp = now();
    let mut repomd = Repomd {
        revision: Some(timestamp.to_string()),
        records: Vec::new(),
    };
    for document in documents {
        let name = format!(
            "{}-{}.xml{}",
            document.checksum.value,
            document.document.name(),
            options.compression.suffix()
        );
        write_synced(&directory.join(&name), &document.bytes)?;
        repomd.records.push(RepomdRecord {
            kind: document.document.name().to_owned(),
            checksum: document.checksum.clone(),
            open_checksum: Some(document.open_checksum.clone()),
            location_href: format!("repodata/{name}"),
            timestamp,
            size: Some(document.bytes.len() as u64),
            open_size: Some(document.open_size),
            database_version: None,
        });
    }
    let repomd_bytes = repomd.write(Vec::new()).map_err(io_error(directory))?;
    write_synced(&directory.join("repomd.xml"), &repomd_bytes)?;
    if let Some(signer) = &options.signer {
        let signature = signer.sign_detached(&repomd_bytes)?;
        write_synced(&directory.join("repomd.xml.asc"), signature.as_bytes())?;
    }
    sync_directory(directory)
}

fn write_synced(path: &Path, bytes: &[u8]) -> Result<(), IndexError> {
    let mut file = fs::File::create(path).map_err(io_error(path))?;
    file.write_all(bytes).map_err(io_error(path))?;
    file.sync_all().map_err(io_error(path))
}

fn sync_directory(path: &Path) -> Result<(), IndexError> {
    fs::File::open(path)
        .and_then(|directory| directory.sync_all())
        .map_err(io_error(path))
}

/// Puts `temporary` in place of `repository/repodata`.
fn swap_in(repository: &Path, temporary: &Path) -> Result<PathBuf, IndexError> {
    let repodata = repository.join("repodata");
    if !repodata.exists() {
        fs::rename(temporary, &repodata).map_err(io_error(&repodata))?;
        sync_directory(repository)?;
        return Ok(repodata);
    }
    match rustix::fs::renameat_with(
        rustix::fs::CWD,
        temporary,
        rustix::fs::CWD,
        &repodata,
        rustix::fs::RenameFlags::EXCHANGE,
    ) {
        Ok(()) => {
            // `temporary` now holds the previous metadata.
            sync_directory(repository)?;
            fs::remove_dir_all(temporary).map_err(io_error(temporary))?;
        }
        Err(error) => {
            // No RENAME_EXCHANGE on this file system: two renames, leaving `repodata/` missing
            // for an instant but never half-written.
            tracing::debug!(%error, "RENAME_EXCHANGE unavailable; swapping with two renames");
            let old = repository.join(format!(".repodata.old-{}", std::process::id()));
            fs::rename(&repodata, &old).map_err(io_error(&repodata))?;
            if let Err(source) = fs::rename(temporary, &repodata) {
                let _ = fs::rename(&old, &repodata);
                return Err(IndexError::Io {
                    path: repodata,
                    source,
                });
            }
            sync_directory(repository)?;
            fs::remove_dir_all(&old).map_err(io_error(&old))?;
        }
    }
    Ok(repodata)
}

/// Removes `.repodata.tmp-<pid>` and `.repodata.old-<pid>` left by runs that died.
fn remove_stale_temporaries(repository: &Path) {
    let Ok(entries) = fs::read_dir(repository) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let Some(pid) = name
            .strip_prefix(".repodata.tmp-")
            .or_else(|| name.strip_prefix(".repodata.old-"))
        else {
            continue;
        };
        let alive = pid
            .parse::<u32>()
            .is_ok_and(|pid| Path::new(&format!("/proc/{pid}")).exists());
        if !alive {
            tracing::info!(directory = %entry.path().display(), "removing the leftovers of an interrupted run");
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}
