//! `name-[epoch:]version-release.arch`, the identity of one binary or source package.

use std::fmt;

use crate::{Arch, Evr};

/// A package identity: name, EVR and architecture.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Nevra {
    /// The package name.
    pub name: String,
    /// The epoch, version and release.
    pub evr: Evr,
    /// The architecture.
    pub arch: Arch,
}

/// Why a string is not a NEVRA.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseNevraError {
    /// No `.arch` suffix.
    #[error("`{0}` has no `.arch` suffix; write it as name-[epoch:]version-release.arch")]
    MissingArch(String),
    /// Fewer than two `-` before the architecture.
    #[error("`{0}` has no `-version-release`; write it as name-[epoch:]version-release.arch")]
    MissingVersionRelease(String),
    /// An empty name, version, release or architecture.
    #[error("`{0}` has an empty name, version, release or architecture")]
    EmptyPart(String),
}

impl Nevra {
    /// A NEVRA from its parts.
    pub fn new(name: impl Into<String>, evr: Evr, arch: Arch) -> Self {
        Self {
            name: name.into(),
            evr,
            arch,
        }
    }

    /// Parses `name-[epoch:]version-release.arch` (a file name without `.rpm`), splitting at the
    /// last `.` and the last two `-` as rpm's own `rpmdbIterator` NEVRA matching does.
    ///
    /// # Errors
    ///
    /// When a part is missing or empty.
    pub fn parse(text: &str) -> Result<Self, ParseNevraError> {
        let (rest, arch) = text
            .rsplit_once('.')
            .ok_or_else(|| ParseNevraError::MissingArch(text.into()))?;
        let (rest, release) = rest
            .rsplit_once('-')
            .ok_or_else(|| ParseNevraError::MissingVersionRelease(text.into()))?;
        let (name, version) = rest
            .rsplit_once('-')
            .ok_or_else(|| ParseNevraError::MissingVersionRelease(text.into()))?;
        let (epoch, version) = match version.split_once(':') {
            Some((epoch, version)) if epoch.bytes().all(|b| b.is_ascii_digit()) => {
                (Some(epoch), version)
            }
            _ => (None, version),
        };
        if [name, version, release, arch]
            .iter()
            .any(|part| part.is_empty())
        {
            return Err(ParseNevraError::EmptyPart(text.into()));
        }
        Ok(Self::new(
            name,
            Evr::new(epoch, version, Some(release)),
            Arch::new(arch),
        ))
    }
}

impl fmt::Display for Nevra {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}.{}", self.name, self.evr, self.arch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_back() {
        for text in [
            "bash-5.2.26-4.azl4.x86_64",
            "perl-Foo-Bar-1:0.3-1.noarch",
            "a-b-c-1-2.src",
        ] {
            assert_eq!(Nevra::parse(text).unwrap().to_string(), text);
        }
        let nevra = Nevra::parse("perl-Foo-Bar-1:0.3-1.noarch").unwrap();
        assert_eq!(nevra.name, "perl-Foo-Bar");
        assert_eq!(nevra.evr.epoch(), Some("1"));
        assert!(nevra.arch.is_noarch());
    }

    #[test]
    fn rejects_incomplete_strings() {
        assert!(matches!(
            Nevra::parse("bash"),
            Err(ParseNevraError::MissingArch(_))
        ));
        assert!(matches!(
            Nevra::parse("bash-5.x86_64"),
            Err(ParseNevraError::MissingVersionRelease(_))
        ));
        assert!(matches!(
            Nevra::parse("-1-2.x86_64"),
            Err(ParseNevraError::EmptyPart(_))
        ));
    }
}
