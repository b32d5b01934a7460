//! The static Release bump azldev makes after overlays (`tryBumpStaticRelease` and
//! `BumpStaticRelease` in `internal/app/azldev/core/sources/release.go`).
//!
//! The value read is the last `Release` tag of the main package; a value using
//! `%autorelease` is left to rpmautospec; otherwise the leading integer grows by the number
//! of synthetic commits, and every `Release` line of the main package is rewritten as
//! `Release: <value>` (a `spec-update-tag`, so alignment is lost). Two rules exist: until
//! 2026-04-30 any leading integer was bumped (`1.git%{hash}%{?dist}` became `2.git...`);
//! since then only `N`, `N%{?dist}` and `N%{dist}` are, and anything else must use
//! `release.calculation = "manual"`.

use regex::Regex;
use std::sync::LazyLock;
use thiserror::Error;

use crate::spec::Spec;

/// Which Release values can be bumped.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReleaseRule {
    /// Any value that starts with an integer (azldev until 2026-04-30).
    AnyLeadingInteger,
    /// Only `N`, `N%{?dist}` and `N%{dist}` (azldev since 2026-04-30).
    #[default]
    IntegerWithDist,
}

/// How to bump.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReleaseBumpOptions {
    /// Which values can be bumped.
    pub rule: ReleaseRule,
    /// `release.calculation = "static"`: `%autorelease` is an error instead of a skip.
    pub require_static: bool,
}

/// What the bump did.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReleaseBump {
    /// Every main-package `Release` line now reads `Release: {to}`.
    Bumped {
        /// The value before.
        from: String,
        /// The value written.
        to: String,
    },
    /// The spec uses `%autorelease`; rpmautospec numbers it.
    Autorelease,
    /// There were no commits to count.
    Unchanged,
}

/// A Release tag that cannot be bumped.
#[derive(Debug, Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReleaseBumpError {
    /// The main package has no `Release` tag.
    #[error("the spec has no Release tag in its main package")]
    NoRelease,
    /// The value does not follow the rule.
    #[error(
        "Release value `{value}` cannot be auto-bumped (only N, N%{{?dist}} or N%{{dist}}); set \
         release.calculation = \"manual\" in the component and a spec-set-tag overlay for Release if needed"
    )]
    NonStandard {
        /// The value.
        value: String,
    },
    /// `static` calculation on a spec that uses `%autorelease`.
    #[error(
        "release.calculation = \"static\" but the Release tag uses %autorelease; set release.calculation = \"autorelease\""
    )]
    StaticAutorelease,
}

/// azldev's `autoreleasePattern`: `%autorelease`, `%{autorelease}`, `%{autorelease -e x}`,
/// `%{?autorelease}`.
static AUTORELEASE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"%(\{[?]?autorelease($|[}\s])|autorelease($|\s))").expect("valid pattern")
});
static STRICT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(\d+)(%\{\??dist\})?$").expect("valid pattern"));
static LEADING: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(\d+)(.*)$").expect("valid pattern"));

/// Whether a Release value uses `%autorelease`.
pub fn uses_autorelease(value: &str) -> bool {
    AUTORELEASE.is_match(value)
}

/// The bumped value of `value` under `rule`, or `None` when the rule does not allow it.
pub fn bumped_value(value: &str, commits: u64, rule: ReleaseRule) -> Option<String> {
    let pattern = match rule {
        ReleaseRule::AnyLeadingInteger => &*LEADING,
        ReleaseRule::IntegerWithDist => &*STRICT,
    };
    let captures = pattern.captures(value)?;
    let number: u64 = captures[1].parse().ok()?;
    let rest = captures.get(2).map_or("", |rest| rest.as_str());
    Some(format!("{}{rest}", number.checked_add(commits)?))
}

/// Bumps the main package's Release by `commits` (see the module documentation).
pub fn bump_release(
    spec: &mut Spec,
    commits: u64,
    options: &ReleaseBumpOptions,
) -> Result<ReleaseBump, ReleaseBumpError> {
    if commits == 0 {
        return Ok(ReleaseBump::Unchanged);
    }
    let value = spec
        .last_tag("", "Release")
        .filter(|value| !value.is_empty())
        .ok_or(ReleaseBumpError::NoRelease)?;
    if uses_autorelease(&value) {
        return if options.require_static {
            Err(ReleaseBumpError::StaticAutorelease)
        } else {
            Ok(ReleaseBump::Autorelease)
        };
    }
    let to = bumped_value(&value, commits, options.rule).ok_or_else(|| {
        ReleaseBumpError::NonStandard {
            value: value.clone(),
        }
    })?;
    spec.update_tag("", "Release", &to)
        .map_err(|_| ReleaseBumpError::NoRelease)?;
    spec.reread();
    Ok(ReleaseBump::Bumped { from: value, to })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bump(text: &str, rule: ReleaseRule) -> (Result<ReleaseBump, ReleaseBumpError>, String) {
        let mut spec = Spec::parse(text.as_bytes());
        let result = bump_release(
            &mut spec,
            1,
            &ReleaseBumpOptions {
                rule,
                require_static: false,
            },
        );
        (result, String::from_utf8(spec.to_bytes()).unwrap())
    }

    #[test]
    fn strict_rule() {
        let (result, text) = bump(
            "Release:\t3%{?dist}\n%package x\nRelease: 7\n",
            ReleaseRule::IntegerWithDist,
        );
        assert_eq!(
            result,
            Ok(ReleaseBump::Bumped {
                from: "3%{?dist}".into(),
                to: "4%{?dist}".into()
            })
        );
        assert_eq!(text, "Release: 4%{?dist}\n%package x\nRelease: 7\n");
        let (result, _) = bump(
            "Release: 1.git%{hash}%{?dist}\n",
            ReleaseRule::IntegerWithDist,
        );
        assert!(matches!(result, Err(ReleaseBumpError::NonStandard { .. })));
        assert_eq!(
            bumped_value("12%{dist}", 2, ReleaseRule::IntegerWithDist).as_deref(),
            Some("14%{dist}")
        );
    }

    #[test]
    fn april_rule_bumps_any_leading_integer() {
        let (_, text) = bump(
            "Release: 1.git%{shortcommit0}%{?dist}.2\n",
            ReleaseRule::AnyLeadingInteger,
        );
        assert_eq!(text, "Release: 2.git%{shortcommit0}%{?dist}.2\n");
    }

    #[test]
    fn last_release_decides_and_autorelease_is_skipped() {
        let (result, text) = bump("Release: %autorelease\n", ReleaseRule::IntegerWithDist);
        assert_eq!(result, Ok(ReleaseBump::Autorelease));
        assert_eq!(text, "Release: %autorelease\n");
        let mut spec = Spec::parse(b"Release: %{autorelease -e asan}\n");
        let strict = ReleaseBumpOptions {
            rule: ReleaseRule::IntegerWithDist,
            require_static: true,
        };
        assert_eq!(
            bump_release(&mut spec, 1, &strict),
            Err(ReleaseBumpError::StaticAutorelease)
        );
        assert!(!uses_autorelease("%autoreleasefoo"));
        let (result, _) = bump("Name: x\n", ReleaseRule::IntegerWithDist);
        assert_eq!(result, Err(ReleaseBumpError::NoRelease));
    }
}
