//! A stage's build root: its BuildRequires solved (with `cairn-solve`, as dnf would) over the
//! packages built so far plus the capabilities the host provides, then unpacked into a sysroot
//! shared by every stage with the same packages.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use cairn_repomd::Package;
use cairn_rpm_types::{Arch, ArchPolicy};
use cairn_solve::{PoolBuilder, Request, SolveError};
use sha2::{Digest as _, Sha256};

use crate::extract;

/// The name of the package that stands for the build host in a solve.
const HOST_PACKAGE: &str = "cairn-build-host";

/// A package available to build roots: a file in the output store.
#[derive(Debug, Clone)]
pub(crate) struct Available {
    /// The package file.
    pub path: PathBuf,
    /// SHA-256 of the file.
    pub sha256: String,
    /// `name-[epoch:]version-release.arch`.
    pub nevra: String,
    /// The stage that built it.
    pub stage: String,
}

/// Package records read from RPM headers, once per file per run.
#[derive(Default)]
pub(crate) struct Headers {
    read: Mutex<HashMap<PathBuf, Arc<Package>>>,
}

impl Headers {
    fn package(&self, available: &Available) -> Result<Arc<Package>, String> {
        let mut read = self
            .read
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(package) = read.get(&available.path) {
            return Ok(package.clone());
        }
        let metadata = rpm::PackageMetadata::open(&available.path)
            .map_err(|error| format!("{}: {error}", available.path.display()))?;
        let facts = cairn_repo::FileFacts {
            location_href: available.path.to_string_lossy().into_owned(),
            size: std::fs::metadata(&available.path).map_or(0, |metadata| metadata.len()),
            mtime: 0,
            sha256: available.sha256.clone(),
        };
        let package = cairn_repo::package_from_header(&metadata, facts, 0)
            .map_err(|error| format!("{}: {error}", available.path.display()))?;
        let package = Arc::new(package);
        read.insert(available.path.clone(), package.clone());
        Ok(package)
    }
}

/// Why a build root could not be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum RootFailure {
    /// A BuildRequires nothing provides.
    Missing(String),
    /// The BuildRequires cannot be installed together, or a package could not be read.
    Unsolvable(String),
}

/// The packages (indices into `available`) a build root with `build_requires` needs.
pub(crate) fn solve(
    available: &[Available],
    headers: &Headers,
    build_requires: &[String],
    host_provides: &[String],
    target_cpu: &str,
) -> Result<Vec<usize>, RootFailure> {
    let mut builder = PoolBuilder::new(ArchPolicy::new(Arch::new(target_cpu)));
    let built = builder.add_repository("cairn", 0);
    let mut by_location: HashMap<String, usize> = HashMap::new();
    for (index, package) in available.iter().enumerate() {
        let record = headers.package(package).map_err(RootFailure::Unsolvable)?;
        by_location.insert(record.location_href.clone(), index);
        builder.add_package(built, &record);
    }
    let host = builder.add_repository("host", 0);
    let host_package = Package {
        name: HOST_PACKAGE.to_owned(),
        arch: "noarch".to_owned(),
        version: "1".to_owned(),
        release: "1".to_owned(),
        location_href: HOST_PACKAGE.to_owned(),
        provides: host_provides
            .iter()
            .map(|capability| cairn_repomd::Dependency::new(capability.as_str()))
            .collect(),
        ..Package::default()
    };
    builder.add_package(host, &host_package);
    let mut pool = builder.build();
    // BuildRequires the host provides are not looked up among the distribution's packages
    // (the host's gcc is the one that runs, whatever the distribution builds).
    let wanted: Vec<String> = build_requires
        .iter()
        .filter(|requirement| {
            let name = requirement.split_whitespace().next().unwrap_or_default();
            !host_provides.iter().any(|capability| capability == name)
        })
        .cloned()
        .collect();
    let request = Request {
        install: std::iter::once(HOST_PACKAGE.to_owned())
            .chain(wanted)
            .collect(),
        weak: false,
    };
    let solution = cairn_solve::solve(&mut pool, &request).map_err(|error| match error {
        SolveError::NoMatch { spec } => RootFailure::Missing(spec),
        other => RootFailure::Unsolvable(other.to_string()),
    })?;
    let mut chosen: Vec<usize> = solution
        .packages
        .iter()
        .filter_map(|&id| by_location.get(pool.package_location(id)).copied())
        .collect();
    chosen.sort_unstable();
    chosen.dedup();
    Ok(chosen)
}

/// The sysroot holding `packages` and the host include links, made on first use.
pub(crate) fn materialize(
    sysroots: &Path,
    packages: &[&Available],
    include_links: &[(String, PathBuf)],
) -> Result<PathBuf, String> {
    let mut hasher = Sha256::new();
    let mut sums: Vec<&str> = packages
        .iter()
        .map(|package| package.sha256.as_str())
        .collect();
    sums.sort_unstable();
    for sum in sums {
        hasher.update(sum.as_bytes());
        hasher.update(b"\n");
    }
    for (name, target) in include_links {
        hasher.update(format!("include {name} {}\n", target.display()).as_bytes());
    }
    let key = hex::encode(hasher.finalize());
    let root = sysroots.join(&key[..32]);
    if root.join(".complete").is_file() {
        return Ok(root);
    }
    std::fs::create_dir_all(sysroots)
        .map_err(|error| format!("{}: {error}", sysroots.display()))?;
    let partial = tempfile::Builder::new()
        .prefix(".partial-")
        .tempdir_in(sysroots)
        .map_err(|error| format!("{}: {error}", sysroots.display()))?;
    for package in packages {
        extract::unpack(&package.path, partial.path()).map_err(|error| error.to_string())?;
    }
    if !include_links.is_empty() {
        let include = extract::resolve(partial.path(), Path::new("/usr/include"))
            .map_err(|reason| format!("/usr/include in the sysroot: {reason}"))?;
        std::fs::create_dir_all(&include)
            .map_err(|error| format!("{}: {error}", include.display()))?;
        for (name, target) in include_links {
            let link = include.join(name);
            if link.symlink_metadata().is_err() {
                std::os::unix::fs::symlink(target, &link)
                    .map_err(|error| format!("{}: {error}", link.display()))?;
            }
        }
    }
    std::fs::write(partial.path().join(".complete"), b"")
        .map_err(|error| format!("{}: {error}", partial.path().display()))?;
    let partial = partial.keep();
    if let Err(error) = std::fs::rename(&partial, &root) {
        // Another stage made the same sysroot at the same time: use theirs.
        let _ = std::fs::remove_dir_all(&partial);
        if !root.join(".complete").is_file() {
            return Err(format!("{}: {error}", root.display()));
        }
    }
    Ok(root)
}

/// The host directories named by `names`, found in the host compiler's include path (`gcc
/// -E -v` lists it), as (name, host directory).
pub(crate) fn host_include_links(names: &[String]) -> Result<Vec<(String, PathBuf)>, String> {
    if names.is_empty() {
        return Ok(Vec::new());
    }
    let output = cairn_tool::Tool::new("gcc")
        .args(["-xc", "-E", "-v", "/dev/null"])
        .output()
        .map_err(|error| error.to_string())?;
    let text = String::from_utf8_lossy(&output.stderr);
    let search: Vec<PathBuf> = text
        .lines()
        .skip_while(|line| !line.starts_with("#include <...> search starts here:"))
        .skip(1)
        .take_while(|line| !line.starts_with("End of search list."))
        .map(|line| PathBuf::from(line.trim()))
        .collect();
    names
        .iter()
        .map(|name| {
            search
                .iter()
                .map(|dir| dir.join(name))
                .find(|candidate| candidate.is_dir())
                .map(|found| (name.clone(), std::fs::canonicalize(&found).unwrap_or(found)))
                .ok_or_else(|| {
                    format!(
                        "the host compiler has no {name}/ in its include path ({}); install the headers or remove it from [cairn.build.host-provides] include-dirs",
                        search.iter().map(|dir| dir.display().to_string()).collect::<Vec<_>>().join(" ")
                    )
                })
        })
        .collect()
}
