//! Opening a URL for reading: `http://`, `https://` (ureq, rustls) and `file://`.
//!
//! Kept behind a trait so that tests can count (or forbid) every request, which is how the
//! "`--offline` opens no connection" guarantee is proven.

use std::io::Read;
use std::path::PathBuf;
use std::time::Duration;

/// Opening or reading a URL failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TransportError {
    /// The server answered with an error status.
    #[error("{url}: HTTP status {status}")]
    Status {
        /// The URL.
        url: String,
        /// The status code.
        status: u16,
    },
    /// The connection failed or timed out.
    #[error("{url}: {message}")]
    Connection {
        /// The URL.
        url: String,
        /// What failed.
        message: String,
    },
    /// Reading the body failed midway.
    #[error("{url}: reading the response failed: {source}")]
    Read {
        /// The URL.
        url: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A `file://` URL names a file that cannot be opened.
    #[error("{url}: cannot open {}: {source}", path.display())]
    File {
        /// The URL.
        url: String,
        /// The local path.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The scheme is not one cairn fetches.
    #[error("{url}: unsupported URL scheme; use http://, https:// or file://")]
    UnsupportedScheme {
        /// The URL.
        url: String,
    },
}

impl TransportError {
    /// Whether trying again may help: connection failures, truncated reads, and the statuses that
    /// mean "later" (408, 429, 5xx). A 404, a missing local file or a bad scheme will not change.
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Status { status, .. } => *status == 408 || *status == 429 || *status >= 500,
            Self::Connection { .. } | Self::Read { .. } => true,
            Self::File { .. } | Self::UnsupportedScheme { .. } => false,
        }
    }
}

/// Opens URLs for reading.
pub trait Transport: Send + Sync {
    /// Opens `url` and returns a reader over its content.
    fn open(&self, url: &str) -> Result<Box<dyn Read + Send>, TransportError>;
}

/// http(s) through ureq (honouring the usual proxy variables), `file://` from the filesystem.
#[derive(Debug, Clone)]
pub struct DefaultTransport {
    agent: ureq::Agent,
}

impl Default for DefaultTransport {
    fn default() -> Self {
        Self::new()
    }
}

impl DefaultTransport {
    /// A transport with a 30 s connect timeout and no overall limit (archives can be large).
    pub fn new() -> Self {
        let config = ureq::Agent::config_builder()
            .timeout_connect(Some(Duration::from_secs(30)))
            .user_agent(concat!("cairn/", env!("CARGO_PKG_VERSION")))
            .build();
        Self {
            agent: ureq::Agent::new_with_config(config),
        }
    }
}

impl Transport for DefaultTransport {
    fn open(&self, url: &str) -> Result<Box<dyn Read + Send>, TransportError> {
        if let Some(rest) = url.strip_prefix("file://") {
            let path = PathBuf::from(percent_decode(rest));
            let file = std::fs::File::open(&path).map_err(|source| TransportError::File {
                url: url.to_owned(),
                path,
                source,
            })?;
            return Ok(Box::new(file));
        }
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(TransportError::UnsupportedScheme {
                url: url.to_owned(),
            });
        }
        tracing::debug!("GET {url}");
        match self.agent.get(url).call() {
            Ok(response) => Ok(Box::new(response.into_body().into_reader())),
            Err(ureq::Error::StatusCode(status)) => Err(TransportError::Status {
                url: url.to_owned(),
                status,
            }),
            Err(error) => Err(TransportError::Connection {
                url: url.to_owned(),
                message: error.to_string(),
            }),
        }
    }
}

/// Decodes `%XX` escapes (the path part of a `file://` URL built with path-escaped values).
/// Malformed escapes are kept as written.
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'%'
            && let Some(hex) = bytes.get(index + 1..index + 3)
            && let Ok(hex) = std::str::from_utf8(hex)
            && let Ok(byte) = u8::from_str_radix(hex, 16)
        {
            decoded.push(byte);
            index += 3;
            continue;
        }
        decoded.push(bytes[index]);
        index += 1;
    }
    String::from_utf8_lossy(&decoded).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("/srv/a%20b/c%2Bd"), "/srv/a b/c+d");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz%41"), "%zzA");
    }

    #[test]
    fn transient_failures() {
        let status = |status| TransportError::Status {
            url: String::new(),
            status,
        };
        assert!(status(503).is_transient());
        assert!(status(429).is_transient());
        assert!(!status(404).is_transient());
        assert!(!TransportError::UnsupportedScheme { url: String::new() }.is_transient());
    }
}
