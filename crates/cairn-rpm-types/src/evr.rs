//! `[epoch:]version[-release]` values and rpm's version ordering.
//!
//! The comparison is a transcription of `rpmvercmp()` from rpm's `rpmio/rpmvercmp.c` (4.18), which
//! libsolv copies as `solv_vercmp_rpm()`: it is the one ordering every RPM tool agrees on.

use std::cmp::Ordering;
use std::fmt;

/// Compares two version (or release, or epoch) strings the way `rpmvercmp()` does.
///
/// Strings are split into runs of ASCII digits and runs of ASCII letters; every other byte only
/// separates runs. Digit runs compare numerically (leading zeros ignored) and beat letter runs;
/// letter runs compare bytewise. `~` sorts before everything, even the end of the string
/// (`1.0~rc1 < 1.0`); `^` sorts after the end of the string but before any further run
/// (`1.0 < 1.0^git1 < 1.0.1`).
#[must_use]
pub fn rpmvercmp(a: &str, b: &str) -> Ordering {
    if a == b {
        return Ordering::Equal;
    }
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let (mut i, mut j) = (0, 0);
    let separator = |c: u8| !c.is_ascii_alphanumeric() && c != b'~' && c != b'^';
    while i < a.len() || j < b.len() {
        while i < a.len() && separator(a[i]) {
            i += 1;
        }
        while j < b.len() && separator(b[j]) {
            j += 1;
        }
        let (ca, cb) = (a.get(i).copied(), b.get(j).copied());
        // Tilde sorts before everything else, including the end of the string.
        if ca == Some(b'~') || cb == Some(b'~') {
            if ca != Some(b'~') {
                return Ordering::Greater;
            }
            if cb != Some(b'~') {
                return Ordering::Less;
            }
            i += 1;
            j += 1;
            continue;
        }
        // Caret is like tilde, except that the end of the string sorts before it.
        if ca == Some(b'^') || cb == Some(b'^') {
            if ca.is_none() {
                return Ordering::Less;
            }
            if cb.is_none() {
                return Ordering::Greater;
            }
            if ca != Some(b'^') {
                return Ordering::Greater;
            }
            if cb != Some(b'^') {
                return Ordering::Less;
            }
            i += 1;
            j += 1;
            continue;
        }
        let (Some(first), Some(_)) = (ca, cb) else {
            break;
        };
        let numeric = first.is_ascii_digit();
        let class: fn(&u8) -> bool = if numeric {
            u8::is_ascii_digit
        } else {
            u8::is_ascii_alphabetic
        };
        let end_a = i + a[i..].iter().take_while(|c| class(c)).count();
        let end_b = j + b[j..].iter().take_while(|c| class(c)).count();
        let (mut run_a, mut run_b) = (&a[i..end_a], &b[j..end_b]);
        // Runs of different kinds: the numeric one is newer (rpm bug #50977).
        if run_b.is_empty() {
            return if numeric {
                Ordering::Greater
            } else {
                Ordering::Less
            };
        }
        if numeric {
            run_a = trim_leading_zeros(run_a);
            run_b = trim_leading_zeros(run_b);
            match run_a.len().cmp(&run_b.len()) {
                Ordering::Equal => {}
                longer_wins => return longer_wins,
            }
        }
        match run_a.cmp(run_b) {
            Ordering::Equal => {}
            decided => return decided,
        }
        i = end_a;
        j = end_b;
    }
    // Every run compared equal but the separators differed, or one side has runs left over.
    match (i >= a.len(), j >= b.len()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Less,
        _ => Ordering::Greater,
    }
}

fn trim_leading_zeros(run: &[u8]) -> &[u8] {
    let zeros = run.iter().take_while(|&&c| c == b'0').count();
    &run[zeros..]
}

/// Compares two epochs, a missing epoch being `0` (as rpm and libsolv treat it).
#[must_use]
pub fn compare_epochs(a: Option<&str>, b: Option<&str>) -> Ordering {
    rpmvercmp(a.unwrap_or("0"), b.unwrap_or("0"))
}

/// A borrowed `[epoch:]version[-release]`, split as rpm's `parseEVR()` splits it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EvrParts<'a> {
    /// The digits before the first `:`, if the string starts with digits and a `:`.
    pub epoch: Option<&'a str>,
    /// Everything between the epoch and the last `-`.
    pub version: &'a str,
    /// Everything after the last `-`.
    pub release: Option<&'a str>,
}

impl<'a> EvrParts<'a> {
    /// Splits `text` like rpm's `parseEVR()`: an all-digit prefix followed by `:` is the epoch
    /// (`:` alone means epoch 0), and the release follows the last `-` of the rest.
    #[must_use]
    pub fn split(text: &'a str) -> Self {
        let digits = text.bytes().take_while(u8::is_ascii_digit).count();
        let (epoch, rest) = if text.as_bytes().get(digits) == Some(&b':') {
            let epoch = &text[..digits];
            (
                Some(if epoch.is_empty() { "0" } else { epoch }),
                &text[digits + 1..],
            )
        } else {
            (None, text)
        };
        match rest.rfind('-') {
            Some(dash) => Self {
                epoch,
                version: &rest[..dash],
                release: Some(&rest[dash + 1..]),
            },
            None => Self {
                epoch,
                version: rest,
                release: None,
            },
        }
    }

    /// Orders two EVRs: epoch (missing = 0), then version, then release (missing sorts first).
    #[must_use]
    pub fn compare(&self, other: &EvrParts<'_>) -> Ordering {
        compare_epochs(self.epoch, other.epoch)
            .then_with(|| rpmvercmp(self.version, other.version))
            .then_with(|| rpmvercmp(self.release.unwrap_or(""), other.release.unwrap_or("")))
    }
}

/// An owned `[epoch:]version[-release]`.
///
/// Equality and ordering follow rpm (`1.0 == 1.00`, `0:1.0 == 1.0`), so `Evr` does not implement
/// `Hash`; use [`Evr::to_string`] (which keeps the text as written) as a key instead.
#[derive(Clone, Debug)]
pub struct Evr {
    epoch: Option<String>,
    version: String,
    release: Option<String>,
}

impl Evr {
    /// An EVR from its parts. An empty epoch counts as absent; an empty release is kept (it
    /// prints as a trailing `-`) but compares like a missing one.
    pub fn new(epoch: Option<&str>, version: impl Into<String>, release: Option<&str>) -> Self {
        Self {
            epoch: epoch.filter(|e| !e.is_empty()).map(str::to_owned),
            version: version.into(),
            release: release.map(str::to_owned),
        }
    }

    /// Parses `[epoch:]version[-release]` as rpm does; every string is accepted.
    #[must_use]
    pub fn parse(text: &str) -> Self {
        let parts = EvrParts::split(text);
        Self::new(parts.epoch, parts.version, parts.release)
    }

    /// The epoch as written, if any.
    #[must_use]
    pub fn epoch(&self) -> Option<&str> {
        self.epoch.as_deref()
    }

    /// The epoch as a number (absent = 0); `None` if it does not fit in a `u64`.
    #[must_use]
    pub fn epoch_number(&self) -> Option<u64> {
        self.epoch.as_deref().map_or(Some(0), |e| e.parse().ok())
    }

    /// The version.
    #[must_use]
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The release, if any.
    #[must_use]
    pub fn release(&self) -> Option<&str> {
        self.release.as_deref()
    }

    /// A borrowed view.
    #[must_use]
    pub fn parts(&self) -> EvrParts<'_> {
        EvrParts {
            epoch: self.epoch(),
            version: &self.version,
            release: self.release(),
        }
    }
}

impl PartialEq for Evr {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Evr {}

impl PartialOrd for Evr {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Evr {
    fn cmp(&self, other: &Self) -> Ordering {
        self.parts().compare(&other.parts())
    }
}

impl fmt::Display for Evr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(epoch) = &self.epoch {
            write!(f, "{epoch}:")?;
        }
        f.write_str(&self.version)?;
        if let Some(release) = &self.release {
            write!(f, "-{release}")?;
        }
        Ok(())
    }
}

impl std::str::FromStr for Evr {
    type Err = std::convert::Infallible;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Ok(Self::parse(text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Cases from rpm's own test suite (`tests/rpmvercmp.at`).
    #[test]
    fn rpm_test_suite_cases() {
        let cases: &[(&str, &str, i8)] = &[
            ("1.0", "1.0", 0),
            ("1.0", "2.0", -1),
            ("2.0", "1.0", 1),
            ("2.0.1", "2.0.1", 0),
            ("2.0", "2.0.1", -1),
            ("2.0.1", "2.0", 1),
            ("2.0.1a", "2.0.1a", 0),
            ("2.0.1a", "2.0.1", 1),
            ("2.0.1", "2.0.1a", -1),
            ("5.5p1", "5.5p1", 0),
            ("5.5p1", "5.5p2", -1),
            ("5.5p2", "5.5p1", 1),
            ("5.5p10", "5.5p10", 0),
            ("5.5p1", "5.5p10", -1),
            ("5.5p10", "5.5p1", 1),
            ("10xyz", "10.1xyz", -1),
            ("10.1xyz", "10xyz", 1),
            ("xyz10", "xyz10", 0),
            ("xyz10", "xyz10.1", -1),
            ("xyz10.1", "xyz10", 1),
            ("xyz.4", "xyz.4", 0),
            ("xyz.4", "8", -1),
            ("8", "xyz.4", 1),
            ("xyz.4", "2", -1),
            ("2", "xyz.4", 1),
            ("5.5p2", "5.6p1", -1),
            ("5.6p1", "5.5p2", 1),
            ("5.6p1", "6.5p1", -1),
            ("6.5p1", "5.6p1", 1),
            ("6.0.rc1", "6.0", 1),
            ("6.0", "6.0.rc1", -1),
            ("10b2", "10a1", 1),
            ("10a2", "10b2", -1),
            ("1.0aa", "1.0aa", 0),
            ("1.0a", "1.0aa", -1),
            ("1.0aa", "1.0a", 1),
            ("10.0001", "10.0001", 0),
            ("10.0001", "10.1", 0),
            ("10.1", "10.0001", 0),
            ("10.0001", "10.0039", -1),
            ("10.0039", "10.0001", 1),
            ("4.999.9", "5.0", -1),
            ("5.0", "4.999.9", 1),
            ("20101121", "20101121", 0),
            ("20101121", "20101122", -1),
            ("20101122", "20101121", 1),
            ("2_0", "2_0", 0),
            ("2.0", "2_0", 0),
            ("2_0", "2.0", 0),
            ("a", "a", 0),
            ("a+", "a+", 0),
            ("a+", "a_", 0),
            ("a_", "a+", 0),
            ("+a", "+a", 0),
            ("+a", "_a", 0),
            ("_a", "+a", 0),
            ("+_", "+_", 0),
            ("_+", "+_", 0),
            ("_+", "_+", 0),
            ("+", "_", 0),
            ("_", "+", 0),
            ("1.0~rc1", "1.0~rc1", 0),
            ("1.0~rc1", "1.0", -1),
            ("1.0", "1.0~rc1", 1),
            ("1.0~rc1", "1.0~rc2", -1),
            ("1.0~rc2", "1.0~rc1", 1),
            ("1.0~rc1~git123", "1.0~rc1~git123", 0),
            ("1.0~rc1~git123", "1.0~rc1", -1),
            ("1.0~rc1", "1.0~rc1~git123", 1),
            ("1.0^", "1.0^", 0),
            ("1.0^", "1.0", 1),
            ("1.0", "1.0^", -1),
            ("1.0^git1", "1.0^git1", 0),
            ("1.0^git1", "1.0", 1),
            ("1.0", "1.0^git1", -1),
            ("1.0^git1", "1.0^git2", -1),
            ("1.0^git2", "1.0^git1", 1),
            ("1.0^git1", "1.01", -1),
            ("1.01", "1.0^git1", 1),
            ("1.0^20160101", "1.0^20160101", 0),
            ("1.0^20160101", "1.0.1", -1),
            ("1.0.1", "1.0^20160101", 1),
            ("1.0^20160101^git1", "1.0^20160101^git1", 0),
            ("1.0^20160102", "1.0^20160101^git1", 1),
            ("1.0^20160101^git1", "1.0^20160102", -1),
            ("1.0~rc1^git1", "1.0~rc1^git1", 0),
            ("1.0~rc1^git1", "1.0~rc1", 1),
            ("1.0~rc1", "1.0~rc1^git1", -1),
            ("1.0^git1~pre", "1.0^git1~pre", 0),
            ("1.0^git1", "1.0^git1~pre", 1),
            ("1.0^git1~pre", "1.0^git1", -1),
        ];
        for &(a, b, expected) in cases {
            assert_eq!(rpmvercmp(a, b) as i8, expected, "rpmvercmp({a:?}, {b:?})");
        }
    }

    #[test]
    fn splits_like_parse_evr() {
        assert_eq!(
            EvrParts::split("2:1.0-3.fc40"),
            EvrParts {
                epoch: Some("2"),
                version: "1.0",
                release: Some("3.fc40")
            }
        );
        assert_eq!(
            EvrParts::split("1.0"),
            EvrParts {
                epoch: None,
                version: "1.0",
                release: None
            }
        );
        assert_eq!(
            EvrParts::split(":1.0-1"),
            EvrParts {
                epoch: Some("0"),
                version: "1.0",
                release: Some("1")
            }
        );
        // Not an epoch: the prefix is not all digits.
        assert_eq!(
            EvrParts::split("a1:1.0-1-2"),
            EvrParts {
                epoch: None,
                version: "a1:1.0-1",
                release: Some("2")
            }
        );
    }

    #[test]
    fn orders_epoch_first_and_treats_missing_epoch_as_zero() {
        assert!(Evr::parse("1:0.1-1") > Evr::parse("9.9-9"));
        assert_eq!(Evr::parse("0:1.0-1"), Evr::parse("1.0-1"));
        assert!(Evr::parse("1.0") < Evr::parse("1.0-1"));
        assert_eq!(Evr::parse("1:2.0~rc1-3").to_string(), "1:2.0~rc1-3");
        // Found by the evr_compare fuzz target: an empty release must survive printing.
        assert_eq!(Evr::parse("-1:-").to_string(), "-1:-");
        assert_eq!(
            Evr::parse(&Evr::parse("-1:-").to_string()),
            Evr::parse("-1:-")
        );
    }
}
