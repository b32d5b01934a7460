//! Evaluating a spec's Epoch, Version and Release the way rpmautospec asks rpm to.
//!
//! rpmautospec (`pkg_history.py` `_get_rpmverflags`) parses each commit's spec with rpm after
//! defining `autorelease(e:s:pb:n)` as [`AUTORELEASE_PROBE`] and `autochangelog` as `%nil`,
//! then queries `%|epoch?{%{epoch}:}:{}|%{version}` and `%{release}`. The probe turns the
//! `%autorelease` options into a string the engine parses back ([`ReleaseFlags`]).
//!
//! [`SpecEvaluator`] is the seam: [`PreambleEvaluator`] handles the common cases natively; a
//! caller with a full macro engine (or rpm itself) implements the trait to cover the rest.

mod expression;
mod macros;
mod preamble;

use std::sync::LazyLock;

use regex::Regex;

pub use preamble::PreambleEvaluator;

use crate::error::EvaluationError;

/// The body rpmautospec gives `autorelease(e:s:pb:n)` while it queries a spec.
pub const AUTORELEASE_PROBE: &str = "E%{?-e*}_S%{?-s*}_P%{?-p:1}%{!?-p:0}_B%{?-b*}";

/// One spec to evaluate.
#[derive(Debug, Clone, Copy)]
pub struct SpecRequest<'a> {
    /// The spec's bytes at that commit.
    pub spec: &'a [u8],
    /// The commit the spec is from (for evaluators that need the other files of that commit,
    /// as rpm does for `%include` and `%{load:}`).
    pub commit: &'a str,
}

/// What rpm reports for a spec under rpmautospec's macro set-up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecValues {
    /// `%|epoch?{%{epoch}:}:{}|%{version}`: the version, prefixed by `epoch:` when an Epoch tag
    /// is present (even `0`).
    pub epoch_version: String,
    /// `%{release}` with `autorelease` expanding to [`AUTORELEASE_PROBE`].
    pub release: String,
}

/// Evaluates specs as rpm does for rpmautospec. Implementations must be deterministic: the
/// engine evaluates each distinct spec text once per history.
pub trait SpecEvaluator: Sync {
    /// Evaluates one spec.
    ///
    /// # Errors
    /// When rpm would fail to parse the spec; the engine then treats that commit as
    /// rpmautospec treats a parse failure (no epoch-version, release numbers still counted).
    fn evaluate(&self, request: &SpecRequest<'_>) -> Result<SpecValues, EvaluationError>;
}

impl<F> SpecEvaluator for F
where
    F: Fn(&SpecRequest<'_>) -> Result<SpecValues, EvaluationError> + Sync,
{
    fn evaluate(&self, request: &SpecRequest<'_>) -> Result<SpecValues, EvaluationError> {
        self(request)
    }
}

/// The `%autorelease` options read back from the probed release.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct ReleaseFlags {
    /// `-e`: extra version, appended as `.<extraver>`.
    pub extraver: Option<String>,
    /// `-s`: snapshot info, appended as `.<snapinfo>`.
    pub snapinfo: Option<String>,
    /// `-p`: pre-release, prefixes `0.`.
    pub prerelease: bool,
    /// `-b`: the base release number (1 when absent or when `Release` does not use
    /// `%autorelease`).
    pub base: u64,
}

/// The evaluated facts the engine needs about one commit's spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct VersionFlags {
    pub epoch_version: String,
    pub flags: ReleaseFlags,
}

static PROBE_RESULT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^E(?P<extraver>[^_]*)_S(?P<snapinfo>[^_]*)_P(?P<prerelease>[01])_B(?P<base>[0-9]*)$",
    )
    .expect("valid regex")
});

impl VersionFlags {
    /// Interprets evaluated values as `_get_rpmverflags` does: a release that is not exactly the
    /// probe's output (for example a static `Release: 3%{?dist}`) gives the default flags.
    pub(crate) fn from_values(values: SpecValues) -> Self {
        let flags = match PROBE_RESULT.captures(&values.release) {
            Some(captures) => {
                let text = |name: &str| {
                    captures
                        .name(name)
                        .map(|m| m.as_str())
                        .filter(|s| !s.is_empty())
                        .map(str::to_owned)
                };
                let base = captures.name("base").map_or("", |m| m.as_str());
                ReleaseFlags {
                    extraver: text("extraver"),
                    snapinfo: text("snapinfo"),
                    prerelease: &captures["prerelease"] == "1",
                    base: if base.is_empty() {
                        1
                    } else {
                        base.parse().unwrap_or(u64::MAX)
                    },
                }
            }
            None => ReleaseFlags {
                base: 1,
                ..ReleaseFlags::default()
            },
        };
        Self {
            epoch_version: values.epoch_version,
            flags,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flags(release: &str) -> ReleaseFlags {
        VersionFlags::from_values(SpecValues {
            epoch_version: String::from("1"),
            release: release.to_owned(),
        })
        .flags
    }

    #[test]
    fn probe_results_are_read_back() {
        assert_eq!(
            flags("E_S_P0_B"),
            ReleaseFlags {
                base: 1,
                ..ReleaseFlags::default()
            }
        );
        assert_eq!(
            flags("Erc1_S20250101git_P1_B5"),
            ReleaseFlags {
                extraver: Some(String::from("rc1")),
                snapinfo: Some(String::from("20250101git")),
                prerelease: true,
                base: 5
            }
        );
        assert_eq!(
            flags("3.fc43"),
            ReleaseFlags {
                base: 1,
                ..ReleaseFlags::default()
            }
        );
    }
}
