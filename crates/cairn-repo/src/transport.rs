//! Where repository files come from: a local directory or an http(s) server.
//!
//! The loader only needs "give me the bytes of this path", so the protocol sits behind
//! [`Transport`] and tests can serve a repository from a local web server.

use std::path::{Path, PathBuf};

/// The largest file a transport reads into memory (a Fedora filelists.xml.zst is ~50 MB).
const MAX_FILE_BYTES: u64 = 2 << 30;

/// Errors from fetching a file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FetchError {
    /// The file does not exist (local) or the server answered 404.
    #[error("{location} does not exist")]
    NotFound {
        /// Path or URL.
        location: String,
    },
    /// Any other failure.
    #[error("cannot fetch {location}: {message}")]
    Failed {
        /// Path or URL.
        location: String,
        /// What went wrong.
        message: String,
    },
}

/// Fetches files of one repository by their path relative to its root.
pub trait Transport: Send + Sync + std::fmt::Debug {
    /// The bytes of `path` (relative, `/`-separated).
    fn fetch(&self, path: &str) -> Result<Vec<u8>, FetchError>;

    /// The repository's location as the user gave it, normalised (absolute path or URL).
    fn location(&self) -> &str;
}

/// A repository in a local directory (also `file://` URLs).
#[derive(Debug, Clone)]
pub struct LocalTransport {
    root: PathBuf,
    location: String,
}

impl LocalTransport {
    /// A transport reading under `root`.
    pub fn new(root: &Path) -> Self {
        let root = std::path::absolute(root).unwrap_or_else(|_| root.to_owned());
        let location = root.display().to_string();
        Self { root, location }
    }
}

impl Transport for LocalTransport {
    fn fetch(&self, path: &str) -> Result<Vec<u8>, FetchError> {
        let full = self.root.join(path);
        std::fs::read(&full).map_err(|error| {
            let location = full.display().to_string();
            if error.kind() == std::io::ErrorKind::NotFound {
                FetchError::NotFound { location }
            } else {
                FetchError::Failed {
                    location,
                    message: error.to_string(),
                }
            }
        })
    }

    fn location(&self) -> &str {
        &self.location
    }
}

/// A repository on an http(s) server.
#[derive(Debug, Clone)]
pub struct HttpTransport {
    base: String,
    agent: ureq::Agent,
}

impl HttpTransport {
    /// A transport for the repository at `base` (trailing slash optional).
    pub fn new(base: &str) -> Self {
        let base = base.trim_end_matches('/').to_owned();
        let config = ureq::Agent::config_builder()
            .timeout_global(Some(std::time::Duration::from_secs(300)))
            .http_status_as_error(false)
            .build();
        Self {
            base,
            agent: config.into(),
        }
    }
}

impl Transport for HttpTransport {
    fn fetch(&self, path: &str) -> Result<Vec<u8>, FetchError> {
        let url = format!("{}/{path}", self.base);
        tracing::debug!(url, "fetch");
        let failed = |message: String| FetchError::Failed {
            location: url.clone(),
            message,
        };
        let mut response = self
            .agent
            .get(&url)
            .call()
            .map_err(|error| failed(error.to_string()))?;
        match response.status().as_u16() {
            200 => {}
            404 | 410 => return Err(FetchError::NotFound { location: url }),
            status => return Err(failed(format!("the server answered HTTP {status}"))),
        }
        response
            .body_mut()
            .with_config()
            .limit(MAX_FILE_BYTES)
            .read_to_vec()
            .map_err(|error| failed(error.to_string()))
    }

    fn location(&self) -> &str {
        &self.base
    }
}

/// The transport for a repository given as a directory, a `file://` URL or an `http(s)://` URL.
pub fn transport_for(location: &str) -> Box<dyn Transport> {
    if let Some(path) = location.strip_prefix("file://") {
        Box::new(LocalTransport::new(Path::new(path)))
    } else if location.starts_with("http://") || location.starts_with("https://") {
        Box::new(HttpTransport::new(location))
    } else {
        Box::new(LocalTransport::new(Path::new(location)))
    }
}
