//! What earlier builds produced, in the planner's terms: each binary package with the
//! Provides and Requires rpm generated while building it (sonames, `pkgconfig(...)`,
//! `perl(...)`, interpreters) and its files in primary.xml's set (`/etc`, `bin` directories).
//! No spec declares these; with them the next plan's graph follows the real build roots, and
//! `cairn build -p NAME` builds what NAME's build root needs.

use std::collections::BTreeMap;
use std::path::Path;

use cairn_macro::spec::{Comparison, Dependency, RichTree};
use cairn_plan::BinaryPackage;
use cairn_rpm_types::RichDependency;

use crate::record::StageRecord;
use crate::settings::BuildSettings;

/// The packages the last successful build of each of `components` produced, for
/// [`cairn_plan::PlanRequest::built`]. A component without a record, or whose outputs are gone
/// from the store, is left out; so are packages whose header cannot be read.
pub fn built_packages<'a>(
    settings: &BuildSettings,
    components: impl IntoIterator<Item = &'a str>,
) -> BTreeMap<String, Vec<BinaryPackage>> {
    let records = settings.records_dir();
    let store = settings.store_dir();
    components
        .into_iter()
        .filter_map(|component| {
            let record = StageRecord::load(&records, component)?;
            if !record.outputs_present(&store) {
                return None;
            }
            // Records written before packages were kept in them: read the headers.
            let packages = if record.packages.is_empty() {
                let dir = record.store(&store);
                record
                    .outputs
                    .iter()
                    .filter(|output| !output.source)
                    .filter_map(|output| read_package(&dir.join(&output.file)).ok())
                    .collect()
            } else {
                record.packages
            };
            Some((component.to_owned(), packages))
        })
        .collect()
}

/// The planner's view of the binary package in `path`.
pub(crate) fn read_package(path: &Path) -> Result<BinaryPackage, String> {
    let metadata =
        rpm::PackageMetadata::open(path).map_err(|error| format!("{}: {error}", path.display()))?;
    from_header(&metadata).map_err(|error| format!("{}: {error}", path.display()))
}

/// The planner's view of a binary package header.
pub(crate) fn from_header(metadata: &rpm::PackageMetadata) -> Result<BinaryPackage, rpm::Error> {
    let facts = cairn_repo::FileFacts {
        location_href: String::new(),
        size: 0,
        mtime: 0,
        sha256: String::new(),
    };
    let package = cairn_repo::package_from_header(metadata, facts, 0)?;
    let evr = if package.epoch == 0 {
        format!("{}-{}", package.version, package.release)
    } else {
        format!("{}:{}-{}", package.epoch, package.version, package.release)
    };
    let mut provides: Vec<Dependency> = package.provides.iter().map(dependency).collect();
    provides.extend(
        package
            .files
            .iter()
            .filter(|file| cairn_repomd::is_primary_file(&file.path))
            .map(|file| Dependency::named(file.path.clone())),
    );
    let requires = package
        .requires
        .iter()
        .filter(|requirement| !requirement.name.starts_with("rpmlib("))
        .map(dependency)
        .collect();
    Ok(BinaryPackage {
        name: package.name,
        evr,
        arch: package.arch,
        provides,
        requires,
    })
}

fn dependency(entry: &cairn_repomd::Dependency) -> Dependency {
    let mut dependency = Dependency::named(entry.name.clone());
    if let (Some(flags), Some(version)) = (entry.flags, &entry.version) {
        let mut text = String::new();
        if let Some(epoch) = &entry.epoch {
            text.push_str(epoch);
            text.push(':');
        }
        text.push_str(version);
        if let Some(release) = &entry.release {
            text.push('-');
            text.push_str(release);
        }
        dependency.comparison = Some(match flags {
            cairn_repomd::Comparison::Less => Comparison::Less,
            cairn_repomd::Comparison::LessOrEqual => Comparison::LessOrEqual,
            cairn_repomd::Comparison::Equal => Comparison::Equal,
            cairn_repomd::Comparison::GreaterOrEqual => Comparison::GreaterOrEqual,
            cairn_repomd::Comparison::Greater => Comparison::Greater,
        });
        dependency.version = Some(text);
    }
    if entry.pre {
        dependency.qualifiers.push("pre".to_owned());
    }
    if dependency.is_rich() {
        dependency.rich = RichDependency::parse(&entry.name)
            .ok()
            .map(|tree| RichTree::from(&tree));
    }
    dependency
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versioned_rich_and_pre_entries_keep_their_meaning() {
        let versioned = dependency(&cairn_repomd::Dependency {
            name: "musl".into(),
            flags: Some(cairn_repomd::Comparison::Equal),
            epoch: Some("0".into()),
            version: Some("1.2.3".into()),
            release: Some("1.ex1".into()),
            pre: true,
        });
        assert_eq!(versioned.to_string(), "musl = 0:1.2.3-1.ex1");
        assert_eq!(versioned.qualifiers, ["pre"]);
        let rich = dependency(&cairn_repomd::Dependency::new("(zlib or lz4)"));
        assert!(matches!(rich.rich, Some(RichTree::Or(_))));
        let plain = dependency(&cairn_repomd::Dependency::new("libc.so.6()(64bit)"));
        assert_eq!(plain, Dependency::named("libc.so.6()(64bit)"));
    }
}
