//! Loading a repository: repomd.xml, then primary (and filelists, other on request), every
//! file checked against the checksums repomd.xml records, with a binary cache keyed by the
//! repomd.xml content.

use std::collections::HashMap;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use cairn_repomd::{Limits, Package, ReadError, Repomd, RepomdRecord};
use sha2::{Digest, Sha256, Sha512};

use crate::cache;
use crate::compress::{Compression, decompressor};
use crate::sign::{Keyring, SignError};
use crate::transport::{FetchError, Transport};

/// What to load and how.
#[derive(Debug, Default)]
pub struct LoadOptions {
    /// Also load filelists.xml, so that every package lists all its files.
    pub filelists: bool,
    /// Also load other.xml (changelogs).
    pub other: bool,
    /// Where the binary cache lives; `None` disables it.
    pub cache_dir: Option<PathBuf>,
    /// When set, `repomd.xml.asc` must exist and verify with these keys.
    pub keyring: Option<Keyring>,
    /// Caps for hostile metadata.
    pub limits: Limits,
}

/// A loaded repository.
#[derive(Debug)]
pub struct Repository {
    /// Where it was loaded from (absolute path or URL).
    pub location: String,
    /// Its repomd.xml.
    pub repomd: Repomd,
    /// Its packages in primary.xml order.
    pub packages: Vec<Package>,
    /// Whether `packages[..].files` is complete (filelists.xml was merged in).
    pub complete_files: bool,
    /// Whether the packages came from the binary cache.
    pub from_cache: bool,
}

/// Errors from loading a repository.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LoadError {
    /// A file could not be fetched.
    #[error(transparent)]
    Fetch(#[from] FetchError),
    /// repomd.xml has no record of a required type.
    #[error("{location}/repodata/repomd.xml has no `{kind}` record; is this an rpm-md repository?")]
    MissingRecord {
        /// The repository.
        location: String,
        /// The missing record type.
        kind: String,
    },
    /// A metadata file's content does not match the checksum repomd.xml records.
    #[error(
        "{file}: checksum mismatch (repomd.xml says {expected}, the file has {actual}); the repository is corrupt or was changed while being read"
    )]
    ChecksumMismatch {
        /// The file (path or URL).
        file: String,
        /// Expected digest.
        expected: String,
        /// Actual digest.
        actual: String,
    },
    /// A checksum type this reader does not implement.
    #[error("{file}: unsupported checksum type `{kind}` (sha256 and sha512 are supported)")]
    UnsupportedChecksum {
        /// The file.
        file: String,
        /// The type.
        kind: String,
    },
    /// A metadata document is malformed or hostile.
    #[error("{file}: {source}")]
    Read {
        /// The file.
        file: String,
        /// What the parser found.
        #[source]
        source: ReadError,
    },
    /// repomd.xml.asc is missing or does not verify.
    #[error(transparent)]
    Signature(#[from] SignError),
}

/// Loads the repository at `transport`.
pub fn load(transport: &dyn Transport, options: &LoadOptions) -> Result<Repository, LoadError> {
    let location = transport.location().to_owned();
    let repomd_bytes = transport.fetch("repodata/repomd.xml")?;
    if let Some(keyring) = &options.keyring {
        let signature =
            transport
                .fetch("repodata/repomd.xml.asc")
                .map_err(|error| match error {
                    FetchError::NotFound { location } => LoadError::Signature(SignError::Invalid {
                        what: location,
                        message: "repomd.xml is not signed, but a keyring was given".to_owned(),
                    }),
                    other => LoadError::Fetch(other),
                })?;
        keyring.verify_detached(
            &format!("{location}/repodata/repomd.xml.asc"),
            &repomd_bytes,
            &signature,
        )?;
    }
    let repomd = Repomd::read(repomd_bytes.as_slice()).map_err(|source| LoadError::Read {
        file: format!("{location}/repodata/repomd.xml"),
        source,
    })?;

    let cache_file = options.cache_dir.as_ref().map(|directory| {
        let mut hasher = Sha256::new();
        hasher.update(location.as_bytes());
        hasher.update([0]);
        hasher.update(&repomd_bytes);
        let key = hex::encode(hasher.finalize());
        directory.join(format!("{key}.bin"))
    });
    if let Some(path) = &cache_file
        && let Ok(bytes) = std::fs::read(path)
        && let Some((packages, contents)) = cache::decode(
            &bytes,
            cache::Contents {
                filelists: options.filelists,
                other: options.other,
            },
        )
        && (contents.filelists || !options.filelists)
        && (contents.other || !options.other)
    {
        let complete_files = contents.filelists;
        tracing::debug!(cache = %path.display(), "repository loaded from the cache");
        return Ok(Repository {
            location,
            repomd,
            packages,
            complete_files,
            from_cache: true,
        });
    }

    let mut packages = Vec::new();
    let primary = record(&repomd, &location, "primary")?;
    read_document(transport, &location, primary, |input, file| {
        cairn_repomd::read_primary(input, &options.limits, |package| packages.push(package))
            .map_err(|source| LoadError::Read {
                file: file.to_owned(),
                source,
            })
    })?;
    let by_pkgid: HashMap<String, usize> = packages
        .iter()
        .enumerate()
        .map(|(index, package)| (package.checksum.value.clone(), index))
        .collect();
    if options.filelists {
        let filelists = record(&repomd, &location, "filelists")?;
        read_document(transport, &location, filelists, |input, file| {
            cairn_repomd::read_filelists(input, &options.limits, |entry| {
                if let Some(&index) = by_pkgid.get(&entry.pkgid) {
                    packages[index].files = entry.files;
                }
            })
            .map_err(|source| LoadError::Read {
                file: file.to_owned(),
                source,
            })
        })?;
    }
    if options.other {
        let other = record(&repomd, &location, "other")?;
        read_document(transport, &location, other, |input, file| {
            cairn_repomd::read_other(input, &options.limits, |entry| {
                if let Some(&index) = by_pkgid.get(&entry.pkgid) {
                    packages[index].changelogs = entry.changelogs;
                }
            })
            .map_err(|source| LoadError::Read {
                file: file.to_owned(),
                source,
            })
        })?;
    }
    if let Some(path) = &cache_file {
        write_cache(
            path,
            &cache::encode(
                &packages,
                cache::Contents {
                    filelists: options.filelists,
                    other: options.other,
                },
            ),
        );
    }
    Ok(Repository {
        location,
        repomd,
        packages,
        complete_files: options.filelists,
        from_cache: false,
    })
}

/// Streams the files of an already loaded repository's filelists.xml as `(pkgid, path)` pairs,
/// checked against repomd.xml's checksums like [`load`], without reading primary.xml again
/// and without building a record per file: for a caller that keeps only the few paths it needs.
pub fn load_filelists_paths(
    transport: &dyn Transport,
    repository: &Repository,
    limits: &Limits,
    mut each: impl FnMut(&str, &str),
) -> Result<(), LoadError> {
    let location = repository.location.as_str();
    let filelists = record(&repository.repomd, location, "filelists")?;
    read_document(transport, location, filelists, |input, file| {
        cairn_repomd::read_filelists_paths(input, limits, &mut each).map_err(|source| {
            LoadError::Read {
                file: file.to_owned(),
                source,
            }
        })
    })
}

fn record<'a>(
    repomd: &'a Repomd,
    location: &str,
    kind: &str,
) -> Result<&'a RepomdRecord, LoadError> {
    repomd.record(kind).ok_or_else(|| LoadError::MissingRecord {
        location: location.to_owned(),
        kind: kind.to_owned(),
    })
}

/// Fetches the file of `record`, checks its checksum, and hands the decompressed stream to
/// `parse`.
///
/// The `open-checksum` of the decompressed document is not computed: the decompressed bytes are
/// a function of the compressed ones, which match repomd.xml's `checksum`, so a second digest
/// over the (several times larger) document proves nothing more. librepo, which dnf downloads
/// with, checks the downloaded file's checksum only.
fn read_document(
    transport: &dyn Transport,
    location: &str,
    record: &RepomdRecord,
    parse: impl FnOnce(&mut dyn std::io::BufRead, &str) -> Result<u64, LoadError>,
) -> Result<(), LoadError> {
    let file = format!("{location}/{}", record.location_href);
    let bytes = transport.fetch(&record.location_href)?;
    verify(&file, &record.checksum, &bytes)?;
    let compression = Compression::from_path(&record.location_href);
    let decompressed =
        decompressor(bytes.as_slice(), compression).map_err(|error| LoadError::Read {
            file: file.clone(),
            source: ReadError::Io {
                document: "metadata",
                source: error,
            },
        })?;
    let mut buffered = BufReader::with_capacity(256 << 10, decompressed);
    // The readers check that nothing but whitespace follows the root element, up to the end.
    parse(&mut buffered, &file)?;
    Ok(())
}

/// Checks `bytes` against a repomd checksum.
pub(crate) fn verify(
    file: &str,
    checksum: &cairn_repomd::Checksum,
    bytes: &[u8],
) -> Result<(), LoadError> {
    let actual = match checksum.kind.as_str() {
        "sha256" => hex::encode(Sha256::digest(bytes)),
        "sha512" => hex::encode(Sha512::digest(bytes)),
        other => {
            return Err(LoadError::UnsupportedChecksum {
                file: file.to_owned(),
                kind: other.to_owned(),
            });
        }
    };
    if actual.eq_ignore_ascii_case(&checksum.value) {
        Ok(())
    } else {
        Err(LoadError::ChecksumMismatch {
            file: file.to_owned(),
            expected: checksum.value.clone(),
            actual,
        })
    }
}

/// Writes the cache atomically; a failure only costs the next load its speed.
fn write_cache(path: &Path, bytes: &[u8]) {
    let Some(directory) = path.parent() else {
        return;
    };
    let result = std::fs::create_dir_all(directory).and_then(|()| {
        let temporary = directory.join(format!(
            ".tmp-{}-{}",
            std::process::id(),
            path.file_name().and_then(|n| n.to_str()).unwrap_or("cache")
        ));
        std::fs::write(&temporary, bytes)?;
        std::fs::rename(&temporary, path)
    });
    if let Err(error) = result {
        tracing::warn!(cache = %path.display(), %error, "could not write the repository cache");
    }
}

/// The default cache directory: `$XDG_CACHE_HOME/cairn/repos` or `~/.cache/cairn/repos`.
pub fn default_cache_dir() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache")))?;
    Some(base.join("cairn").join("repos"))
}
