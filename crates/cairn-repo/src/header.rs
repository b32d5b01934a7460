//! Turning an RPM header into a [`Package`] record, with createrepo_c's rules.
//!
//! The source of truth is createrepo_c's `cr_package_from_header` (parsehdr.c, 1.x): which
//! requires are dropped, when `pre="1"` is set, how legacy weak dependencies are mapped, how
//! many changelog entries are kept and how equal changelog dates are separated.

use std::collections::{HashMap, HashSet};

use cairn_repomd::{
    Changelog, Checksum, Comparison, Dependency, DependencyKind, FileKind, HeaderRange, Package,
    PackageFile, is_primary_file,
};
use rpm::{IndexSignatureTag, IndexTag, PackageMetadata};

/// createrepo_c's default `--changelog-limit`.
pub const DEFAULT_CHANGELOG_LIMIT: usize = 10;

// Dependency flag bits from rpm's rpmds.h.
const RPMSENSE_LESS: u32 = 1 << 1;
const RPMSENSE_GREATER: u32 = 1 << 2;
const RPMSENSE_EQUAL: u32 = 1 << 3;
const RPMSENSE_POSTTRANS: u32 = 1 << 5;
const RPMSENSE_PREREQ: u32 = 1 << 6;
const RPMSENSE_PRETRANS: u32 = 1 << 7;
const RPMSENSE_SCRIPT_PRE: u32 = 1 << 9;
const RPMSENSE_SCRIPT_POST: u32 = 1 << 10;
const RPMSENSE_MISSINGOK: u32 = 1 << 19;
const RPMSENSE_STRONG: u32 = 1 << 27;
const RPMFILE_GHOST: u32 = 1 << 6;
const S_IFMT: u16 = 0o170_000;
const S_IFDIR: u16 = 0o040_000;

/// What the caller knows about the package file besides its header.
#[derive(Debug, Clone)]
pub struct FileFacts {
    /// Path relative to the repository root, with `/` separators.
    pub location_href: String,
    /// File size in bytes.
    pub size: u64,
    /// Modification time, seconds since the epoch.
    pub mtime: u64,
    /// Hex SHA-256 of the whole file.
    pub sha256: String,
}

/// The header tags of one dependency kind, as createrepo_c walks them.
struct DependencyTags {
    names: IndexTag,
    flags: IndexTag,
    versions: IndexTag,
    source: Source,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Source {
    Kind(DependencyKind),
    /// RPMTAG_OLDSUGGESTS: suggests, or recommends when marked strong.
    OldSuggests,
    /// RPMTAG_OLDENHANCES: enhances, or supplements when marked strong.
    OldEnhances,
}

/// createrepo_c's order: provides must come before requires, which are filtered against them.
const DEPENDENCY_TAGS: [DependencyTags; 10] = [
    tags(
        IndexTag::RPMTAG_PROVIDENAME,
        IndexTag::RPMTAG_PROVIDEFLAGS,
        IndexTag::RPMTAG_PROVIDEVERSION,
        Source::Kind(DependencyKind::Provides),
    ),
    tags(
        IndexTag::RPMTAG_CONFLICTNAME,
        IndexTag::RPMTAG_CONFLICTFLAGS,
        IndexTag::RPMTAG_CONFLICTVERSION,
        Source::Kind(DependencyKind::Conflicts),
    ),
    tags(
        IndexTag::RPMTAG_OBSOLETENAME,
        IndexTag::RPMTAG_OBSOLETEFLAGS,
        IndexTag::RPMTAG_OBSOLETEVERSION,
        Source::Kind(DependencyKind::Obsoletes),
    ),
    tags(
        IndexTag::RPMTAG_REQUIRENAME,
        IndexTag::RPMTAG_REQUIREFLAGS,
        IndexTag::RPMTAG_REQUIREVERSION,
        Source::Kind(DependencyKind::Requires),
    ),
    tags(
        IndexTag::RPMTAG_SUGGESTNAME,
        IndexTag::RPMTAG_SUGGESTFLAGS,
        IndexTag::RPMTAG_SUGGESTVERSION,
        Source::Kind(DependencyKind::Suggests),
    ),
    tags(
        IndexTag::RPMTAG_ENHANCENAME,
        IndexTag::RPMTAG_ENHANCEFLAGS,
        IndexTag::RPMTAG_ENHANCEVERSION,
        Source::Kind(DependencyKind::Enhances),
    ),
    tags(
        IndexTag::RPMTAG_RECOMMENDNAME,
        IndexTag::RPMTAG_RECOMMENDFLAGS,
        IndexTag::RPMTAG_RECOMMENDVERSION,
        Source::Kind(DependencyKind::Recommends),
    ),
    tags(
        IndexTag::RPMTAG_SUPPLEMENTNAME,
        IndexTag::RPMTAG_SUPPLEMENTFLAGS,
        IndexTag::RPMTAG_SUPPLEMENTVERSION,
        Source::Kind(DependencyKind::Supplements),
    ),
    tags(
        IndexTag::RPMTAG_OLDSUGGESTSNAME,
        IndexTag::RPMTAG_OLDSUGGESTSFLAGS,
        IndexTag::RPMTAG_OLDSUGGESTSVERSION,
        Source::OldSuggests,
    ),
    tags(
        IndexTag::RPMTAG_OLDENHANCESNAME,
        IndexTag::RPMTAG_OLDENHANCESFLAGS,
        IndexTag::RPMTAG_OLDENHANCESVERSION,
        Source::OldEnhances,
    ),
];

const fn tags(
    names: IndexTag,
    flags: IndexTag,
    versions: IndexTag,
    source: Source,
) -> DependencyTags {
    DependencyTags {
        names,
        flags,
        versions,
        source,
    }
}

/// Builds the record of one package from its parsed header.
pub fn package_from_header(
    metadata: &PackageMetadata,
    facts: FileFacts,
    changelog_limit: usize,
) -> Result<Package, rpm::Error> {
    let header = &metadata.header;
    let string = |tag: IndexTag| {
        header
            .get_entry_data_as_string(tag)
            .map(str::to_owned)
            .unwrap_or_default()
    };
    let i18n = |tag: IndexTag| {
        header
            .get_entry_data_as_i18n_string(tag)
            .map(str::to_owned)
            .unwrap_or_default()
    };
    let offsets = metadata.get_package_segment_offsets();
    let arch = if metadata.is_source_package() {
        "src".to_owned()
    } else {
        string(IndexTag::RPMTAG_ARCH)
    };
    let mut package = Package {
        name: metadata.get_name()?.to_owned(),
        arch,
        epoch: metadata.get_epoch().unwrap_or(0),
        version: metadata.get_version()?.to_owned(),
        release: metadata.get_release()?.to_owned(),
        checksum: Checksum::sha256(facts.sha256),
        summary: i18n(IndexTag::RPMTAG_SUMMARY),
        description: i18n(IndexTag::RPMTAG_DESCRIPTION),
        packager: string(IndexTag::RPMTAG_PACKAGER),
        url: string(IndexTag::RPMTAG_URL),
        time_file: facts.mtime,
        time_build: metadata.get_build_time().unwrap_or(0),
        size_package: facts.size,
        size_installed: metadata.get_installed_size().unwrap_or(0),
        size_archive: archive_size(metadata),
        location_href: facts.location_href,
        location_base: None,
        license: string(IndexTag::RPMTAG_LICENSE),
        vendor: string(IndexTag::RPMTAG_VENDOR),
        group: i18n(IndexTag::RPMTAG_GROUP),
        buildhost: string(IndexTag::RPMTAG_BUILDHOST),
        sourcerpm: string(IndexTag::RPMTAG_SOURCERPM),
        header_range: HeaderRange {
            start: offsets.header,
            end: offsets.payload,
        },
        ..Package::default()
    };
    package.files = files(metadata)?;
    dependencies(metadata, &mut package)?;
    package.changelogs = changelogs(metadata, changelog_limit);
    Ok(package)
}

/// The uncompressed payload size: rpm moves it between the header and the signature header
/// across versions (RPMTAG_ARCHIVESIZE, RPMSIGTAG_PAYLOADSIZE, the 64-bit variants).
fn archive_size(metadata: &PackageMetadata) -> u64 {
    let header = &metadata.header;
    let signature = &metadata.signature;
    header
        .get_entry_data_as_u32(IndexTag::RPMTAG_ARCHIVESIZE)
        .map(u64::from)
        .or_else(|_| {
            signature
                .get_entry_data_as_u32(IndexSignatureTag::RPMSIGTAG_PAYLOADSIZE)
                .map(u64::from)
        })
        .or_else(|_| signature.get_entry_data_as_u64(IndexSignatureTag::RPMSIGTAG_LONGARCHIVESIZE))
        .or_else(|_| header.get_entry_data_as_u64(IndexTag::RPMTAG_LONGARCHIVESIZE))
        .unwrap_or(0)
}

fn files(metadata: &PackageMetadata) -> Result<Vec<PackageFile>, rpm::Error> {
    let header = &metadata.header;
    let Ok(basenames) = header.get_entry_data_as_string_array(IndexTag::RPMTAG_BASENAMES) else {
        return Ok(Vec::new());
    };
    let indexes = header.get_entry_data_as_u32_array(IndexTag::RPMTAG_DIRINDEXES)?;
    let directories = header.get_entry_data_as_string_array(IndexTag::RPMTAG_DIRNAMES)?;
    let modes = header
        .get_entry_data_as_u16_array(IndexTag::RPMTAG_FILEMODES)
        .unwrap_or_default();
    let flags = header
        .get_entry_data_as_u32_array(IndexTag::RPMTAG_FILEFLAGS)
        .unwrap_or_default();
    let mut files = Vec::with_capacity(basenames.len());
    for (index, basename) in basenames.iter().enumerate() {
        let directory_index = indexes.get(index).copied().unwrap_or(u32::MAX);
        let directory = directories.get(directory_index as usize).ok_or_else(|| {
            rpm::Error::InvalidTagIndex {
                tag: IndexTag::RPMTAG_DIRINDEXES.to_string(),
                index: directory_index,
                bound: directories.len() as u32,
            }
        })?;
        let mode = modes.get(index).copied().unwrap_or(0);
        let kind = if mode & S_IFMT == S_IFDIR {
            FileKind::Dir
        } else if flags.get(index).copied().unwrap_or(0) & RPMFILE_GHOST != 0 {
            FileKind::Ghost
        } else {
            FileKind::File
        };
        let mut path = String::with_capacity(directory.len() + basename.len());
        path.push_str(directory);
        path.push_str(basename);
        files.push(PackageFile { path, kind });
    }
    Ok(files)
}

fn comparison(flags: u32) -> Option<Comparison> {
    match flags & (RPMSENSE_LESS | RPMSENSE_GREATER | RPMSENSE_EQUAL) {
        RPMSENSE_LESS => Some(Comparison::Less),
        RPMSENSE_GREATER => Some(Comparison::Greater),
        RPMSENSE_EQUAL => Some(Comparison::Equal),
        value if value == RPMSENSE_LESS | RPMSENSE_EQUAL => Some(Comparison::LessOrEqual),
        value if value == RPMSENSE_GREATER | RPMSENSE_EQUAL => Some(Comparison::GreaterOrEqual),
        _ => None,
    }
}

/// `[epoch:]version[-release]` split as `cr_str_to_evr` does; `None` for a non-numeric epoch
/// (createrepo_c skips such a dependency with a warning).
fn split_evr(text: &str) -> Option<(Option<String>, Option<String>, Option<String>)> {
    if text.is_empty() {
        return Some((None, None, None));
    }
    let (epoch, rest) = match text.split_once(':') {
        Some((epoch, rest)) => {
            if !epoch.is_empty() && !epoch.bytes().all(|byte| byte.is_ascii_digit()) {
                return None;
            }
            (if epoch.is_empty() { "0" } else { epoch }, rest)
        }
        None => ("0", text),
    };
    let (version, release) = match rest.split_once('-') {
        Some((version, release)) => (version, Some(release.to_owned())),
        None => (rest, None),
    };
    Some((Some(epoch.to_owned()), Some(version.to_owned()), release))
}

fn dependencies(metadata: &PackageMetadata, package: &mut Package) -> Result<(), rpm::Error> {
    let header = &metadata.header;
    let file_paths: HashSet<&str> = package
        .files
        .iter()
        .map(|file| file.path.as_str())
        .collect();
    // Provides as (name, flags, version) triples: a require identical to one is dropped.
    let mut provided: HashSet<(String, u32, String)> = HashSet::new();
    // Requires already emitted, by name: (comparison, version, pre).
    let mut emitted: HashMap<String, (Option<Comparison>, String, bool)> = HashMap::new();
    let mut lists: HashMap<DependencyKind, Vec<Dependency>> = HashMap::new();
    for tags in &DEPENDENCY_TAGS {
        let Ok(names) = header.get_entry_data_as_string_array(tags.names) else {
            continue;
        };
        let flags = header
            .get_entry_data_as_u32_array(tags.flags)
            .unwrap_or_default();
        let versions = header
            .get_entry_data_as_string_array(tags.versions)
            .unwrap_or_default();
        let mut libc_highest: Option<Dependency> = None;
        for (index, &name) in names.iter().enumerate() {
            let raw_flags = flags.get(index).copied().unwrap_or(0);
            let version = versions.get(index).copied().unwrap_or("");
            let flags = comparison(raw_flags);
            let mut pre = false;
            if tags.source == Source::Kind(DependencyKind::Requires) {
                if name.starts_with("rpmlib(") {
                    continue;
                }
                if name.starts_with('/') && file_paths.contains(name) && is_primary_file(name) {
                    continue;
                }
                if provided.contains(&(name.to_owned(), raw_flags & 0xf, version.to_owned())) {
                    continue;
                }
                pre = raw_flags
                    & (RPMSENSE_PREREQ
                        | RPMSENSE_SCRIPT_PRE
                        | RPMSENSE_SCRIPT_POST
                        | RPMSENSE_PRETRANS
                        | RPMSENSE_POSTTRANS)
                    != 0;
                if let Some((seen_flags, seen_version, seen_pre)) = emitted.get(name)
                    && *seen_flags == flags
                    && seen_version == version
                    && *seen_pre == pre
                {
                    continue;
                }
            }
            let Some((epoch, evr_version, release)) = split_evr(version) else {
                tracing::warn!(package = %package.name, dependency = name, version, "bad epoch in a dependency version; skipped as createrepo_c does");
                continue;
            };
            let mut dependency = Dependency {
                name: name.to_owned(),
                flags,
                epoch,
                version: evr_version,
                release,
                pre: false,
            };
            if flags.is_none() {
                // rpm-md carries a version only with a comparison.
                dependency.epoch = None;
                dependency.version = None;
                dependency.release = None;
            }
            let kind = match tags.source {
                Source::Kind(DependencyKind::Provides) => {
                    provided.insert((name.to_owned(), raw_flags & 0xf, version.to_owned()));
                    DependencyKind::Provides
                }
                Source::Kind(DependencyKind::Requires) => {
                    if raw_flags & RPMSENSE_MISSINGOK != 0 {
                        // Legacy weak dependency: `Requires(missingok)` meant Recommends.
                        lists
                            .entry(DependencyKind::Recommends)
                            .or_default()
                            .push(dependency);
                        continue;
                    }
                    dependency.pre = pre;
                    if name.starts_with("libc.so.6") {
                        // createrepo_c keeps only the highest libc.so.6(GLIBC_x) requirement.
                        let keep_new = match &libc_highest {
                            None => true,
                            Some(current) => {
                                libc_compare(&current.name, name) == std::cmp::Ordering::Less
                            }
                        };
                        if keep_new {
                            libc_highest = Some(dependency);
                        }
                        continue;
                    }
                    emitted.insert(name.to_owned(), (flags, version.to_owned(), pre));
                    DependencyKind::Requires
                }
                Source::Kind(kind) => kind,
                Source::OldSuggests if raw_flags & RPMSENSE_STRONG != 0 => {
                    DependencyKind::Recommends
                }
                Source::OldSuggests => DependencyKind::Suggests,
                Source::OldEnhances if raw_flags & RPMSENSE_STRONG != 0 => {
                    DependencyKind::Supplements
                }
                Source::OldEnhances => DependencyKind::Enhances,
            };
            lists.entry(kind).or_default().push(dependency);
        }
        if let Some(libc) = libc_highest {
            lists
                .entry(DependencyKind::Requires)
                .or_default()
                .push(libc);
        }
    }
    for (kind, list) in lists {
        *package.dependencies_mut(kind) = list;
    }
    Ok(())
}

/// `cr_compare_dependency`: orders `libc.so.6(GLIBC_2.3.4)(64bit)` style names by the version
/// inside the first parentheses; a name without parentheses is the lowest.
fn libc_compare(first: &str, second: &str) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    fn version(name: &str) -> Option<&str> {
        let open = name.find('(')?;
        let rest = &name[open + 1..];
        let close = rest.find(')')?;
        let inside = &rest[..close];
        let digits = inside.find(|c: char| c.is_ascii_digit())?;
        Some(&inside[digits..])
    }
    match (version(first), version(second)) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(a), Some(b)) => crate::vercmp::rpmvercmp(a, b),
    }
}

fn changelogs(metadata: &PackageMetadata, limit: usize) -> Vec<Changelog> {
    let header = &metadata.header;
    let (Ok(times), Ok(names), Ok(texts)) = (
        header.get_entry_data_as_u32_array(IndexTag::RPMTAG_CHANGELOGTIME),
        header.get_entry_data_as_string_array(IndexTag::RPMTAG_CHANGELOGNAME),
        header.get_entry_data_as_string_array(IndexTag::RPMTAG_CHANGELOGTEXT),
    ) else {
        return Vec::new();
    };
    // The header lists the newest entry first; createrepo_c keeps the first `limit` and writes
    // them oldest first. When two kept entries share a date it bumps the newer ones by one
    // second each, so dates stay unique.
    let mut kept: Vec<Changelog> = Vec::new();
    let mut last_time = None;
    for ((&time, name), text) in times.iter().zip(&names).zip(&texts).take(limit) {
        let time = u64::from(time);
        kept.push(Changelog {
            author: name.trim_end_matches(' ').to_owned(),
            date: time,
            text: (*text).to_owned(),
        });
        if last_time == Some(time) {
            for (bumped, previous) in (time..).zip(kept.iter_mut().rev().skip(1)) {
                if previous.date != bumped {
                    break;
                }
                previous.date += 1;
            }
        } else {
            last_time = Some(time);
        }
    }
    kept.reverse();
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evr_splits_like_createrepo_c() {
        let some = |value: &str| Some(value.to_owned());
        assert_eq!(split_evr(""), Some((None, None, None)));
        assert_eq!(split_evr("1.0"), Some((some("0"), some("1.0"), None)));
        assert_eq!(
            split_evr("2:1.0-3.fc40"),
            Some((some("2"), some("1.0"), some("3.fc40")))
        );
        assert_eq!(
            split_evr("1.0-3-4"),
            Some((some("0"), some("1.0"), some("3-4")))
        );
        assert_eq!(split_evr("x:1.0"), None);
    }

    #[test]
    fn comparison_flags_map_to_rpm_md() {
        assert_eq!(
            comparison(RPMSENSE_LESS | RPMSENSE_EQUAL | RPMSENSE_PREREQ),
            Some(Comparison::LessOrEqual)
        );
        assert_eq!(
            comparison(RPMSENSE_GREATER | RPMSENSE_EQUAL),
            Some(Comparison::GreaterOrEqual)
        );
        assert_eq!(comparison(RPMSENSE_SCRIPT_PRE), None);
    }

    #[test]
    fn libc_requirements_order_by_glibc_version() {
        use std::cmp::Ordering;
        assert_eq!(
            libc_compare("libc.so.6()(64bit)", "libc.so.6(GLIBC_2.4)(64bit)"),
            Ordering::Less
        );
        assert_eq!(
            libc_compare(
                "libc.so.6(GLIBC_2.34)(64bit)",
                "libc.so.6(GLIBC_2.4)(64bit)"
            ),
            Ordering::Greater
        );
        assert_eq!(
            libc_compare("libc.so.6", "libc.so.6(GLIBC_2.2.5)"),
            Ordering::Less
        );
    }
}
