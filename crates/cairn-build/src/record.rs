//! Build records: for each stage, what it was built from (the fingerprint of its rendered
//! files and settings, the exact packages of its build root) and what it produced. The cache
//! key is derived from both; an unchanged key means the stage's outputs still stand.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

/// Bumped when what a record means or how a backend builds changes: every stage is then built
/// again.
pub(crate) const FORMAT: u32 = 2;

/// A package of a build root.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct RootPackage {
    /// `name-[epoch:]version-release.arch`.
    pub nevra: String,
    /// SHA-256 of the package file.
    pub sha256: String,
    /// The stage that built it.
    pub stage: String,
}

/// A file a stage produced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Output {
    /// The file name (`zlib-1.2.13-1.ex1.x86_64.rpm`).
    pub file: String,
    /// SHA-256 of the file.
    pub sha256: String,
    /// The package name.
    pub name: String,
    /// `name-[epoch:]version-release.arch`.
    pub nevra: String,
    /// A source package.
    pub source: bool,
}

/// What is known about a stage's last successful build.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StageRecord {
    /// [`FORMAT`].
    pub format: u32,
    /// The stage.
    pub stage: String,
    /// Named inputs besides the build root: `file:<path>` per rendered file, settings,
    /// the toolchain, the conditionals.
    pub inputs: BTreeMap<String, String>,
    /// A digest of `inputs`.
    pub fingerprint: String,
    /// The identity of the packages available to its build root when it was last checked.
    pub pool: String,
    /// The packages installed into its build root.
    pub build_root: Vec<RootPackage>,
    /// The cache key: the fingerprint and the build root.
    pub key: String,
    /// What it produced, in `store/<key>/`.
    pub outputs: Vec<Output>,
    /// The binary packages among `outputs` with the dependencies rpm generated, for the next
    /// plan (empty in records written before they were kept).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub packages: Vec<cairn_plan::BinaryPackage>,
    /// How long the build took, seconds.
    pub seconds: f64,
}

/// A digest of named inputs.
pub(crate) fn fingerprint(inputs: &BTreeMap<String, String>) -> String {
    let mut hasher = Sha256::new();
    hasher.update(format!("cairn-build-v{FORMAT}\n").as_bytes());
    for (name, value) in inputs {
        hasher.update((name.len() as u64).to_be_bytes());
        hasher.update(name.as_bytes());
        hasher.update((value.len() as u64).to_be_bytes());
        hasher.update(value.as_bytes());
    }
    hex::encode(hasher.finalize())
}

/// The cache key of a fingerprint and a build root.
pub(crate) fn key(fingerprint: &str, build_root: &[RootPackage]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(fingerprint.as_bytes());
    let mut sums: Vec<&str> = build_root
        .iter()
        .map(|package| package.sha256.as_str())
        .collect();
    sums.sort_unstable();
    for sum in sums {
        hasher.update(b"\n");
        hasher.update(sum.as_bytes());
    }
    hex::encode(hasher.finalize())
}

/// The short form of a key or digest, for messages.
pub fn short(digest: &str) -> &str {
    &digest[..digest.len().min(12)]
}

impl StageRecord {
    fn path(records: &Path, stage: &str) -> PathBuf {
        records.join(format!("{stage}.json"))
    }

    /// The record of `stage`, if there is a readable one of this format.
    pub(crate) fn load(records: &Path, stage: &str) -> Option<Self> {
        let bytes = std::fs::read(Self::path(records, stage)).ok()?;
        serde_json::from_slice::<Self>(&bytes)
            .ok()
            .filter(|record| record.format == FORMAT)
    }

    /// Writes the record through a temporary file.
    pub(crate) fn save(&self, records: &Path) -> std::io::Result<()> {
        std::fs::create_dir_all(records)?;
        let mut file = tempfile::NamedTempFile::new_in(records)?;
        serde_json::to_writer_pretty(&mut file, self)?;
        file.write_all(b"\n")?;
        file.persist(Self::path(records, &self.stage))
            .map_err(|error| error.error)?;
        Ok(())
    }

    /// The store directory of this record's outputs.
    pub(crate) fn store(&self, store: &Path) -> PathBuf {
        store.join(&self.key)
    }

    /// Whether every output is still in the store (by size only: the store is cairn's).
    pub(crate) fn outputs_present(&self, store: &Path) -> bool {
        let dir = self.store(store);
        self.outputs
            .iter()
            .all(|output| dir.join(&output.file).is_file())
    }
}

/// What changed between a record's inputs and the current ones, in words.
pub(crate) fn input_changes(
    old: &BTreeMap<String, String>,
    new: &BTreeMap<String, String>,
) -> Vec<String> {
    let mut files = Vec::new();
    let mut others = Vec::new();
    for name in old
        .keys()
        .chain(new.keys().filter(|name| !old.contains_key(*name)))
    {
        let (before, after) = (old.get(name), new.get(name));
        if before == after {
            continue;
        }
        let what = match (before, after) {
            (None, Some(_)) => "added",
            (Some(_), None) => "removed",
            _ => "changed",
        };
        match name.strip_prefix("file:") {
            Some(file) => files.push(format!("{file} {what}")),
            None if name == "toolchain" => others.push("the host toolchain changed".to_owned()),
            None => others.push(format!("{name} {what}")),
        }
    }
    let mut changes = Vec::new();
    if !files.is_empty() {
        changes.push(format!("rendered files: {}", files.join(", ")));
    }
    changes.extend(others);
    changes
}

/// What changed between two build roots, in words.
pub(crate) fn root_changes(old: &[RootPackage], new: &[RootPackage]) -> Vec<String> {
    let name = |nevra: &str| nevra_name(nevra).to_owned();
    let old_by_name: BTreeMap<String, &RootPackage> = old
        .iter()
        .map(|package| (name(&package.nevra), package))
        .collect();
    let new_by_name: BTreeMap<String, &RootPackage> = new
        .iter()
        .map(|package| (name(&package.nevra), package))
        .collect();
    let mut changes = Vec::new();
    for (package_name, package) in &new_by_name {
        match old_by_name.get(package_name) {
            None => changes.push(format!("{} added", package.nevra)),
            Some(previous) if previous.nevra != package.nevra => {
                changes.push(format!("{} replaces {}", package.nevra, previous.nevra));
            }
            Some(previous) if previous.sha256 != package.sha256 => {
                changes.push(format!("{} rebuilt by {}", package.nevra, package.stage));
            }
            Some(_) => {}
        }
    }
    for (package_name, package) in &old_by_name {
        if !new_by_name.contains_key(package_name) {
            changes.push(format!("{} removed", package.nevra));
        }
    }
    changes
}

/// The name part of a NEVRA (`zlib-devel-1.2.13-1.ex1.x86_64` is `zlib-devel`).
pub(crate) fn nevra_name(nevra: &str) -> &str {
    let mut parts = nevra.rsplitn(3, '-');
    let _release_arch = parts.next();
    let _version = parts.next();
    parts.next().unwrap_or(nevra)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn package(nevra: &str, sha256: &str) -> RootPackage {
        RootPackage {
            nevra: nevra.into(),
            sha256: sha256.into(),
            stage: "musl".into(),
        }
    }

    #[test]
    fn changes_are_named() {
        let old = BTreeMap::from([
            ("file:zlib.spec".to_owned(), "a".to_owned()),
            ("file:old.patch".to_owned(), "b".to_owned()),
            ("toolchain".to_owned(), "t1".to_owned()),
        ]);
        let new = BTreeMap::from([
            ("file:zlib.spec".to_owned(), "c".to_owned()),
            ("file:new.patch".to_owned(), "d".to_owned()),
            ("toolchain".to_owned(), "t2".to_owned()),
        ]);
        assert_eq!(
            input_changes(&old, &new),
            [
                "rendered files: old.patch removed, zlib.spec changed, new.patch added",
                "the host toolchain changed",
            ]
        );
        let before = [
            package("musl-devel-1.2.3-1.x86_64", "1"),
            package("filesystem-1-1.noarch", "2"),
        ];
        let after = [
            package("musl-devel-1.2.3-1.x86_64", "3"),
            package("busybox-1.35-1.x86_64", "4"),
        ];
        assert_eq!(
            root_changes(&before, &after),
            [
                "busybox-1.35-1.x86_64 added",
                "musl-devel-1.2.3-1.x86_64 rebuilt by musl",
                "filesystem-1-1.noarch removed",
            ]
        );
    }

    #[test]
    fn keys_depend_on_the_build_root_but_not_its_order() {
        let root = [package("a-1-1.noarch", "1"), package("b-1-1.noarch", "2")];
        let reversed = [root[1].clone(), root[0].clone()];
        assert_eq!(key("f", &root), key("f", &reversed));
        assert_ne!(key("f", &root), key("f", &root[..1]));
        assert_ne!(key("f", &root), key("g", &root));
    }
}
