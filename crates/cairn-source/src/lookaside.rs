//! The lookaside cache: source archives named by `sources` files, stored by content hash.
//!
//! A file is streamed from its URL into a temporary file in the cache while it is hashed; only a
//! file whose digest matches is renamed into place as `<root>/<hashtype>/<hash>`, so the cache
//! holds verified content only, and a mismatching download leaves nothing behind. azldev keeps no
//! such cache and re-downloads into every work directory (azldev-reference §5).

use std::fmt;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use crate::Network;
use crate::hash::HashType;
use crate::sources_file::{SourcesEntry, is_plain_filename};
use crate::transport::{DefaultTransport, Transport, TransportError};
use crate::uri::{UriError, lookaside_url};

/// One lookaside file a component needs.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LookasideFile {
    /// The component (for messages).
    pub component: String,
    /// The file name in the source directory.
    pub filename: String,
    /// The hash algorithm.
    pub hash_type: HashType,
    /// The expected digest (hex, any case).
    pub hash: String,
    /// Where to download it from.
    pub url: String,
}

impl LookasideFile {
    /// The file for one `sources` entry of `package` (the upstream name), at the URL built from
    /// `lookaside-base-uri`.
    pub fn from_entry(
        component: &str,
        package: &str,
        template: &str,
        entry: &SourcesEntry,
    ) -> Result<Self, UriError> {
        Ok(Self {
            component: component.to_owned(),
            filename: entry.filename.clone(),
            hash_type: entry.hash_type,
            hash: entry.hash.clone(),
            url: lookaside_url(
                template,
                package,
                &entry.filename,
                entry.hash_type,
                &entry.hash,
            )?,
        })
    }
}

impl fmt::Display for LookasideFile {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            formatter,
            "component `{}`: {} ({})",
            self.component, self.filename, self.url
        )
    }
}

/// A lookaside file could not be provided.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LookasideError {
    /// The downloaded content does not have the expected hash; nothing was kept.
    #[error(
        "{file}: the download does not match its `sources` entry: expected {} {expected}, got {actual}; nothing was kept (the upstream file changed or the mirror is corrupt)",
        file.hash_type
    )]
    HashMismatch {
        /// The file.
        file: Box<LookasideFile>,
        /// The expected digest.
        expected: String,
        /// The digest of what was downloaded.
        actual: String,
    },
    /// The expected hash is not a digest of its type, so it cannot name a cache entry.
    #[error("{file}: `{}` is not a {} digest ({} hex digits expected)", file.hash, file.hash_type, file.hash_type.hex_len())]
    InvalidHash {
        /// The file.
        file: Box<LookasideFile>,
    },
    /// The filename is not a plain file name.
    #[error("{file}: `{}` is not a plain file name", file.filename)]
    UnsafeFilename {
        /// The file.
        file: Box<LookasideFile>,
    },
    /// Downloading failed, after retries where the failure was transient.
    #[error("{file}: download failed after {attempts} attempt(s)")]
    Download {
        /// The file.
        file: Box<LookasideFile>,
        /// How many attempts were made.
        attempts: u32,
        /// The last failure.
        source: TransportError,
    },
    /// `--offline`, and these files are not in the cache.
    #[error("--offline: {} lookaside file(s) are not in the cache:{}", missing.len(), list(missing))]
    Offline {
        /// Every missing file.
        missing: Vec<LookasideFile>,
    },
    /// Several files failed (see each).
    #[error("{} lookaside file(s) could not be provided:{}", errors.len(), list(errors))]
    Several {
        /// Each failure.
        errors: Vec<LookasideError>,
    },
    /// The cache could not be written.
    #[error("cannot write {}: {source}", path.display())]
    Io {
        /// The path.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}

fn list<T: fmt::Display>(items: &[T]) -> String {
    items.iter().map(|item| format!("\n  {item}")).collect()
}

/// The content-addressed lookaside cache.
#[derive(Clone)]
pub struct LookasideCache {
    root: PathBuf,
    transport: Arc<dyn Transport>,
    network: Network,
    retries: u32,
    retry_delay: Duration,
    jobs: usize,
}

impl fmt::Debug for LookasideCache {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("LookasideCache")
            .field("root", &self.root)
            .field("network", &self.network)
            .finish()
    }
}

impl LookasideCache {
    /// A cache rooted at `root`, downloading over http, https and file URLs.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self {
            root: root.into(),
            transport: Arc::new(DefaultTransport::new()),
            network: Network::Online,
            retries: 3,
            retry_delay: Duration::from_secs(1),
            jobs: 8,
        }
    }

    /// `$XDG_CACHE_HOME/cairn/lookaside` (or `~/.cache/cairn/lookaside`).
    pub fn default_root() -> PathBuf {
        crate::cache_home().join("lookaside")
    }

    /// Replaces the transport (tests count requests with this).
    #[must_use]
    pub fn transport(mut self, transport: Arc<dyn Transport>) -> Self {
        self.transport = transport;
        self
    }

    /// Whether downloading is allowed.
    #[must_use]
    pub fn network(mut self, network: Network) -> Self {
        self.network = network;
        self
    }

    /// Retries of a transient failure (azldev's `--network-retries`, default 3) and the first
    /// delay, doubled after each try. A hash mismatch or a 404 is not retried.
    #[must_use]
    pub fn retries(mut self, retries: u32, delay: Duration) -> Self {
        self.retries = retries;
        self.retry_delay = delay;
        self
    }

    /// How many downloads run at once in [`LookasideCache::fetch_all`].
    #[must_use]
    pub fn jobs(mut self, jobs: usize) -> Self {
        self.jobs = jobs.max(1);
        self
    }

    /// The cache root.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where verified content with this digest is stored.
    pub fn path_of(&self, hash_type: HashType, hash: &str) -> PathBuf {
        self.root
            .join(hash_type.lowercase_name())
            .join(hash.to_ascii_lowercase())
    }

    fn check(&self, file: &LookasideFile) -> Result<PathBuf, LookasideError> {
        if !file.hash_type.is_valid_hex(&file.hash) {
            return Err(LookasideError::InvalidHash {
                file: Box::new(file.clone()),
            });
        }
        if !is_plain_filename(&file.filename) {
            return Err(LookasideError::UnsafeFilename {
                file: Box::new(file.clone()),
            });
        }
        Ok(self.path_of(file.hash_type, &file.hash))
    }

    /// Whether `file` is already cached.
    pub fn contains(&self, file: &LookasideFile) -> bool {
        self.check(file).is_ok_and(|path| path.is_file())
    }

    /// The cached path of `file`, downloading and verifying it first if needed.
    pub fn fetch(&self, file: &LookasideFile) -> Result<PathBuf, LookasideError> {
        let path = self.check(file)?;
        if path.is_file() {
            return Ok(path);
        }
        if self.network == Network::Offline {
            return Err(LookasideError::Offline {
                missing: vec![file.clone()],
            });
        }
        let directory = path.parent().unwrap_or(&self.root);
        std::fs::create_dir_all(directory).map_err(|source| LookasideError::Io {
            path: directory.to_owned(),
            source,
        })?;
        let mut delay = self.retry_delay;
        let mut attempt = 1;
        loop {
            match self.download(file, directory) {
                Ok(temporary) => {
                    temporary
                        .persist(&path)
                        .map_err(|error| LookasideError::Io {
                            path: path.clone(),
                            source: error.error,
                        })?;
                    tracing::debug!("lookaside: cached {} as {}", file.filename, path.display());
                    return Ok(path);
                }
                Err(Attempt::Final(error)) => return Err(error),
                Err(Attempt::Transient(source)) if attempt > self.retries => {
                    return Err(LookasideError::Download {
                        file: Box::new(file.clone()),
                        attempts: attempt,
                        source,
                    });
                }
                Err(Attempt::Transient(source)) => {
                    tracing::warn!("{file}: attempt {attempt} failed, retrying: {source}");
                    std::thread::sleep(delay);
                    delay *= 2;
                    attempt += 1;
                }
            }
        }
    }

    /// Streams one download into a temporary file beside its final place, hashing as it goes.
    fn download(
        &self,
        file: &LookasideFile,
        directory: &Path,
    ) -> Result<tempfile::NamedTempFile, Attempt> {
        let io = |source| {
            Attempt::Final(LookasideError::Io {
                path: directory.to_owned(),
                source,
            })
        };
        let mut reader = self.transport.open(&file.url).map_err(|source| {
            if source.is_transient() {
                Attempt::Transient(source)
            } else {
                Attempt::Final(LookasideError::Download {
                    file: Box::new(file.clone()),
                    attempts: 1,
                    source,
                })
            }
        })?;
        let temporary = tempfile::Builder::new()
            .prefix(".incoming-")
            .tempfile_in(directory)
            .map_err(io)?;
        let mut hasher = file.hash_type.hasher();
        let mut writer = BufWriter::new(temporary.as_file());
        let mut buffer = vec![0; 64 * 1024];
        loop {
            let read = match reader.read(&mut buffer) {
                Ok(0) => break,
                Ok(read) => read,
                Err(error) if error.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(error) => {
                    return Err(Attempt::Transient(TransportError::Read {
                        url: file.url.clone(),
                        source: error,
                    }));
                }
            };
            hasher.update(&buffer[..read]);
            writer.write_all(&buffer[..read]).map_err(io)?;
        }
        writer.flush().map_err(io)?;
        drop(writer);
        let actual = hasher.finalize_hex();
        if !actual.eq_ignore_ascii_case(&file.hash) {
            // Dropping `temporary` deletes it: nothing of a mismatching download is kept.
            return Err(Attempt::Final(LookasideError::HashMismatch {
                file: Box::new(file.clone()),
                expected: file.hash.to_ascii_lowercase(),
                actual,
            }));
        }
        Ok(temporary)
    }

    /// Provides every file, downloading what is missing `jobs` at a time. Offline, every missing
    /// file is named in one [`LookasideError::Offline`]; online, every failure in one
    /// [`LookasideError::Several`] (or the failure itself when only one file failed).
    pub fn fetch_all(&self, files: &[LookasideFile]) -> Result<Vec<PathBuf>, LookasideError> {
        if self.network == Network::Offline {
            let missing: Vec<LookasideFile> = files
                .iter()
                .filter(|file| !self.contains(file))
                .cloned()
                .collect();
            if !missing.is_empty() {
                return Err(LookasideError::Offline { missing });
            }
        }
        let results: Vec<Result<PathBuf, LookasideError>> = {
            use rayon::prelude::*;
            match rayon::ThreadPoolBuilder::new()
                .num_threads(self.jobs)
                .build()
            {
                Ok(pool) => {
                    pool.install(|| files.par_iter().map(|file| self.fetch(file)).collect())
                }
                Err(_) => files.iter().map(|file| self.fetch(file)).collect(),
            }
        };
        let mut paths = Vec::with_capacity(files.len());
        let mut errors = Vec::new();
        for result in results {
            match result {
                Ok(path) => paths.push(path),
                Err(error) => errors.push(error),
            }
        }
        match errors.len() {
            0 => Ok(paths),
            1 => Err(errors.remove(0)),
            _ => Err(LookasideError::Several { errors }),
        }
    }

    /// Provides `file` and copies it into `directory` under its file name. A copy, never a hard
    /// link: whatever edits the copy (an archive overlay) must not reach the cache.
    pub fn install(
        &self,
        file: &LookasideFile,
        directory: &Path,
    ) -> Result<PathBuf, LookasideError> {
        let cached = self.fetch(file)?;
        let destination = directory.join(&file.filename);
        let io = |source| LookasideError::Io {
            path: destination.clone(),
            source,
        };
        if destination.exists() {
            std::fs::remove_file(&destination).map_err(io)?;
        }
        std::fs::copy(&cached, &destination).map_err(io)?;
        Ok(destination)
    }
}

enum Attempt {
    Transient(TransportError),
    Final(LookasideError),
}
