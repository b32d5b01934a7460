//! The compact binary form of a loaded repository.
//!
//! A cache file holds the packages of one repomd.xml (its checksum is part of the file name),
//! encoded as length-prefixed fields. Decoding is a linear scan with bounds checks: a damaged
//! or foreign file decodes to `None` and is simply rebuilt, never trusted.

use cairn_repomd::{
    Changelog, Checksum, Comparison, Dependency, DependencyKind, FileKind, HeaderRange, Package,
    PackageFile,
};

const MAGIC: &[u8; 8] = b"CAIRNRP1";

/// Which documents a cache file's packages carry besides primary.xml.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Contents {
    pub filelists: bool,
    pub other: bool,
}

/// Encodes `packages` loaded with `contents`.
pub(crate) fn encode(packages: &[Package], contents: Contents) -> Vec<u8> {
    let mut out = Encoder {
        bytes: Vec::with_capacity(packages.len() * 1024),
    };
    out.bytes.extend_from_slice(MAGIC);
    out.u8(u8::from(contents.filelists) | (u8::from(contents.other) << 1));
    out.u64(packages.len() as u64);
    for package in packages {
        out.string(&package.name);
        out.string(&package.arch);
        out.u64(u64::from(package.epoch));
        out.string(&package.version);
        out.string(&package.release);
        out.string(&package.checksum.kind);
        out.string(&package.checksum.value);
        for text in [
            &package.summary,
            &package.description,
            &package.packager,
            &package.url,
        ] {
            out.string(text);
        }
        for number in [
            package.time_file,
            package.time_build,
            package.size_package,
            package.size_installed,
            package.size_archive,
            package.header_range.start,
            package.header_range.end,
        ] {
            out.u64(number);
        }
        out.string(&package.location_href);
        out.optional(package.location_base.as_deref());
        for text in [
            &package.license,
            &package.vendor,
            &package.group,
            &package.buildhost,
            &package.sourcerpm,
        ] {
            out.string(text);
        }
        for kind in DependencyKind::ALL {
            let list = package.dependencies(kind);
            out.u64(list.len() as u64);
            for dependency in list {
                out.string(&dependency.name);
                out.u8(match dependency.flags {
                    None => 0,
                    Some(Comparison::Less) => 1,
                    Some(Comparison::LessOrEqual) => 2,
                    Some(Comparison::Equal) => 3,
                    Some(Comparison::GreaterOrEqual) => 4,
                    Some(Comparison::Greater) => 5,
                });
                out.optional(dependency.epoch.as_deref());
                out.optional(dependency.version.as_deref());
                out.optional(dependency.release.as_deref());
                out.u8(u8::from(dependency.pre));
            }
        }
        out.u64(package.files.len() as u64);
        for file in &package.files {
            out.u8(match file.kind {
                FileKind::File => 0,
                FileKind::Dir => 1,
                FileKind::Ghost => 2,
            });
            out.string(&file.path);
        }
        out.u64(package.changelogs.len() as u64);
        for changelog in &package.changelogs {
            out.string(&changelog.author);
            out.u64(changelog.date);
            out.string(&changelog.text);
        }
    }
    out.bytes
}

/// Decodes a cache file; `None` if it is damaged or from another format version. Files beyond
/// primary.xml's and changelogs the file holds but `wanted` does not ask for are skipped without
/// being copied out (a cache written with filelists serves a primary-only load at primary-only
/// cost); the returned contents say what the packages carry.
pub(crate) fn decode(bytes: &[u8], wanted: Contents) -> Option<(Vec<Package>, Contents)> {
    let mut input = Decoder { bytes };
    if input.take(MAGIC.len())? != MAGIC {
        return None;
    }
    let flags = input.u8()?;
    let stored = Contents {
        filelists: flags & 1 != 0,
        other: flags & 2 != 0,
    };
    let contents = Contents {
        filelists: stored.filelists && wanted.filelists,
        other: stored.other && wanted.other,
    };
    let count = input.count()?;
    let mut packages = Vec::with_capacity(count);
    for _ in 0..count {
        let mut package = Package {
            name: input.string()?,
            arch: input.string()?,
            epoch: u32::try_from(input.u64()?).ok()?,
            version: input.string()?,
            release: input.string()?,
            checksum: Checksum {
                kind: input.string()?,
                value: input.string()?,
            },
            summary: input.string()?,
            description: input.string()?,
            packager: input.string()?,
            url: input.string()?,
            time_file: input.u64()?,
            time_build: input.u64()?,
            size_package: input.u64()?,
            size_installed: input.u64()?,
            size_archive: input.u64()?,
            header_range: HeaderRange {
                start: input.u64()?,
                end: input.u64()?,
            },
            location_href: input.string()?,
            location_base: input.optional()?,
            license: input.string()?,
            vendor: input.string()?,
            group: input.string()?,
            buildhost: input.string()?,
            sourcerpm: input.string()?,
            ..Package::default()
        };
        for kind in DependencyKind::ALL {
            let count = input.count()?;
            let mut list = Vec::with_capacity(count);
            for _ in 0..count {
                let name = input.string()?;
                let flags = match input.u8()? {
                    0 => None,
                    1 => Some(Comparison::Less),
                    2 => Some(Comparison::LessOrEqual),
                    3 => Some(Comparison::Equal),
                    4 => Some(Comparison::GreaterOrEqual),
                    5 => Some(Comparison::Greater),
                    _ => return None,
                };
                list.push(Dependency {
                    name,
                    flags,
                    epoch: input.optional()?,
                    version: input.optional()?,
                    release: input.optional()?,
                    pre: input.u8()? != 0,
                });
            }
            *package.dependencies_mut(kind) = list;
        }
        let count = input.count()?;
        if contents.filelists {
            package.files.reserve_exact(count);
        }
        for _ in 0..count {
            let kind = match input.u8()? {
                0 => FileKind::File,
                1 => FileKind::Dir,
                2 => FileKind::Ghost,
                _ => return None,
            };
            let path = input.str()?;
            if contents.filelists || cairn_repomd::is_primary_file(path) {
                package.files.push(PackageFile {
                    path: path.to_owned(),
                    kind,
                });
            }
        }
        let count = input.count()?;
        for _ in 0..count {
            let (author, date, text) = (input.str()?, input.u64()?, input.str()?);
            if contents.other {
                package.changelogs.push(Changelog {
                    author: author.to_owned(),
                    date,
                    text: text.to_owned(),
                });
            }
        }
        packages.push(package);
    }
    input.bytes.is_empty().then_some((packages, contents))
}

struct Encoder {
    bytes: Vec<u8>,
}

impl Encoder {
    fn u8(&mut self, value: u8) {
        self.bytes.push(value);
    }

    fn u64(&mut self, value: u64) {
        self.bytes.extend_from_slice(&value.to_le_bytes());
    }

    fn string(&mut self, value: &str) {
        self.bytes
            .extend_from_slice(&(value.len() as u32).to_le_bytes());
        self.bytes.extend_from_slice(value.as_bytes());
    }

    fn optional(&mut self, value: Option<&str>) {
        match value {
            None => self.u8(0),
            Some(value) => {
                self.u8(1);
                self.string(value);
            }
        }
    }
}

struct Decoder<'a> {
    bytes: &'a [u8],
}

impl<'a> Decoder<'a> {
    fn take(&mut self, count: usize) -> Option<&'a [u8]> {
        if self.bytes.len() < count {
            return None;
        }
        let (head, tail) = self.bytes.split_at(count);
        self.bytes = tail;
        Some(head)
    }

    fn u8(&mut self) -> Option<u8> {
        Some(self.take(1)?[0])
    }

    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }

    /// A count that cannot exceed the remaining bytes (each item takes at least one byte), so
    /// a damaged length never turns into a huge allocation.
    fn count(&mut self) -> Option<usize> {
        let count = usize::try_from(self.u64()?).ok()?;
        (count <= self.bytes.len()).then_some(count)
    }

    fn string(&mut self) -> Option<String> {
        self.str().map(str::to_owned)
    }

    fn str(&mut self) -> Option<&'a str> {
        let length = u32::from_le_bytes(self.take(4)?.try_into().ok()?) as usize;
        let bytes = self.take(length)?;
        std::str::from_utf8(bytes).ok()
    }

    fn optional(&mut self) -> Option<Option<String>> {
        match self.u8()? {
            0 => Some(None),
            1 => Some(Some(self.string()?)),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fuller_cache_serves_a_narrower_load() {
        let package = Package {
            name: "tool".into(),
            files: [
                "/usr/bin/tool",
                "/usr/share/doc/tool/README",
                "/etc/tool.conf",
            ]
            .into_iter()
            .map(|path| PackageFile {
                path: path.into(),
                kind: FileKind::File,
            })
            .collect(),
            changelogs: vec![Changelog {
                author: "someone".into(),
                date: 1,
                text: "- first".into(),
            }],
            ..Package::default()
        };
        let all = Contents {
            filelists: true,
            other: true,
        };
        let bytes = encode(std::slice::from_ref(&package), all);
        let (full, contents) = decode(&bytes, all).unwrap();
        assert_eq!((full, contents), (vec![package.clone()], all));
        let none = Contents {
            filelists: false,
            other: false,
        };
        let (narrow, contents) = decode(&bytes, none).unwrap();
        assert_eq!(contents, none);
        let paths: Vec<&str> = narrow[0].files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, ["/usr/bin/tool", "/etc/tool.conf"]);
        assert!(narrow[0].changelogs.is_empty());
        assert!(decode(&bytes[..bytes.len() - 1], none).is_none());
    }
}
