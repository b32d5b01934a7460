//! Expanding the distro URL templates `dist-git-base-uri` and `lookaside-base-uri`.
//!
//! azldev (`fedorasource.BuildDistGitURL` / `BuildLookasideURL`) substitutes `$pkg`, `$filename`,
//! `$hashtype` (lower-cased) and `$hash`, each escaped with Go's `url.PathEscape`, and refuses a
//! value that itself contains a placeholder, since the result would depend on substitution order.

use crate::hash::HashType;

const PLACEHOLDERS: [&str; 4] = ["$pkg", "$filename", "$hashtype", "$hash"];

/// A template could not be expanded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UriError {
    /// A value contains a placeholder.
    #[error(
        "`{value}` contains the placeholder `{placeholder}`, which would make the URL ambiguous"
    )]
    PlaceholderInValue {
        /// The offending value.
        value: String,
        /// The placeholder it contains.
        placeholder: &'static str,
    },
    /// The expanded URL has no scheme cairn can fetch from.
    #[error(
        "`{url}` is not a URL cairn can fetch from; expected one starting with {expected} (check `{key}` in the distro config)"
    )]
    UnsupportedScheme {
        /// The expanded URL.
        url: String,
        /// The config key the template came from.
        key: &'static str,
        /// The accepted schemes, for the message.
        expected: &'static str,
    },
}

/// Escapes `value` like Go's `url.PathEscape`: keeps ASCII letters, digits, `-_.~` and the
/// sub-delimiters `$&+:=@`, and percent-encodes every other byte (upper-case hex), `/` included.
pub fn path_escape(value: &str) -> String {
    let mut escaped = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~$&+:=@".contains(&byte) {
            escaped.push(char::from(byte));
        } else {
            escaped.push_str(&format!("%{byte:02X}"));
        }
    }
    escaped
}

fn check_values(values: &[&str]) -> Result<(), UriError> {
    for value in values {
        if let Some(placeholder) = PLACEHOLDERS
            .into_iter()
            .find(|placeholder| value.contains(placeholder))
        {
            return Err(UriError::PlaceholderInValue {
                value: (*value).to_owned(),
                placeholder,
            });
        }
    }
    Ok(())
}

/// The dist-git repository URL of `package` (the upstream name) from `dist-git-base-uri`.
///
/// Any git URL is accepted (`https://`, `git://`, `ssh://`, `file://`, or scp-like `host:path`).
pub fn dist_git_url(template: &str, package: &str) -> Result<String, UriError> {
    check_values(&[package])?;
    Ok(template.replace("$pkg", &path_escape(package)))
}

/// The lookaside URL of one `sources` entry from `lookaside-base-uri`.
pub fn lookaside_url(
    template: &str,
    package: &str,
    filename: &str,
    hash_type: HashType,
    hash: &str,
) -> Result<String, UriError> {
    check_values(&[package, filename, hash])?;
    let url = template
        .replace("$pkg", &path_escape(package))
        .replace("$filename", &path_escape(filename))
        .replace("$hashtype", &path_escape(hash_type.lowercase_name()))
        .replace("$hash", &path_escape(hash));
    if !["http://", "https://", "file://"]
        .iter()
        .any(|scheme| url.starts_with(scheme))
    {
        return Err(UriError::UnsupportedScheme {
            url,
            key: "lookaside-base-uri",
            expected: "http://, https:// or file://",
        });
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FEDORA: &str =
        "https://src.fedoraproject.org/repo/pkgs/$pkg/$filename/$hashtype/$hash/$filename";

    #[test]
    fn fedora_lookaside_url() {
        let url =
            lookaside_url(FEDORA, "bash", "bash-5.2.tar.gz", HashType::Sha512, "abc").unwrap();
        assert_eq!(
            url,
            "https://src.fedoraproject.org/repo/pkgs/bash/bash-5.2.tar.gz/sha512/abc/bash-5.2.tar.gz"
        );
    }

    #[test]
    fn values_are_path_escaped_like_go() {
        assert_eq!(path_escape("libxml++"), "libxml++");
        assert_eq!(
            path_escape("a b/c?d#e%f;g,h"),
            "a%20b%2Fc%3Fd%23e%25f%3Bg%2Ch"
        );
        assert_eq!(path_escape("x=1&y@z:$~"), "x=1&y@z:$~");
        assert_eq!(path_escape("é"), "%C3%A9");
        let url = lookaside_url(FEDORA, "dbus-c++", "a b.tar", HashType::Md5, "00").unwrap();
        assert_eq!(
            url,
            "https://src.fedoraproject.org/repo/pkgs/dbus-c++/a%20b.tar/md5/00/a%20b.tar"
        );
        assert_eq!(
            dist_git_url("https://src.fedoraproject.org/rpms/$pkg.git", "python3.13").unwrap(),
            "https://src.fedoraproject.org/rpms/python3.13.git"
        );
    }

    #[test]
    fn placeholders_in_values_are_refused() {
        let error =
            lookaside_url(FEDORA, "bash", "$hash.tar", HashType::Sha512, "abc").unwrap_err();
        assert_eq!(
            error,
            UriError::PlaceholderInValue {
                value: "$hash.tar".into(),
                placeholder: "$hash"
            }
        );
        assert!(dist_git_url("file:///x/$pkg.git", "$pkg").is_err());
    }

    #[test]
    fn lookaside_needs_a_fetchable_scheme() {
        let error =
            lookaside_url("/srv/$pkg/$filename", "a", "b", HashType::Md5, "00").unwrap_err();
        assert!(error.to_string().contains("lookaside-base-uri"), "{error}");
        assert!(lookaside_url("file:///srv/$pkg/$filename", "a", "b", HashType::Md5, "00").is_ok());
    }
}
