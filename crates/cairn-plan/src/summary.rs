//! What the planner keeps of an evaluated spec: the source package's BuildRequires, every built
//! binary package with its Provides and Requires, and the spec's `%bcond`s.

use std::sync::LazyLock;

use cairn_macro::spec::{Dependency, Spec};
use regex::Regex;
use serde::{Deserialize, Serialize};

/// A spec, evaluated for planning.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpecSummary {
    /// The source package name.
    pub name: String,
    /// `[epoch:]version-release` of the source package.
    pub evr: String,
    /// BuildRequires (and BuildPreReq), as evaluated.
    pub build_requires: Vec<Dependency>,
    /// The binary packages a build produces (those with `%files`).
    pub packages: Vec<BinaryPackage>,
    /// Conditionals the spec declares (`%bcond`, `%bcond_with`, `%bcond_without`).
    pub bconds: Vec<Bcond>,
    /// The spec has a `%generate_buildrequires` section, whose BuildRequires are only known
    /// while building.
    pub dynamic_build_requires: bool,
    /// `ExclusiveArch`/`ExcludeArch` rule the target architecture out.
    pub excluded_on_target: bool,
}

/// A binary package of a spec.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BinaryPackage {
    /// Name.
    pub name: String,
    /// `[epoch:]version-release`.
    pub evr: String,
    /// Architecture (`noarch` or the target's).
    pub arch: String,
    /// Provides, including the automatic `name = evr` and `name(isa) = evr`.
    pub provides: Vec<Dependency>,
    /// Requires, without `rpmlib()` features (rpm itself satisfies them).
    pub requires: Vec<Dependency>,
}

/// One `%bcond` of a spec.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Bcond {
    /// The conditional's name (`bootstrap` for `%bcond bootstrap 0`).
    pub name: String,
    /// Whether it is on unless `--without NAME` is given.
    pub default_on: bool,
}

impl SpecSummary {
    /// The summary of `spec`, whose text is `text`, built for `target_cpu`.
    pub fn new(spec: &Spec, text: &str, target_cpu: &str) -> Self {
        let source = &spec.source;
        let evr = match source.epoch {
            Some(epoch) => format!("{epoch}:{}-{}", source.version, source.release),
            None => format!("{}-{}", source.version, source.release),
        };
        let packages = spec
            .packages
            .iter()
            .filter(|package| package.has_files)
            .map(|package| BinaryPackage {
                name: package.name.clone(),
                evr: package.evr(),
                arch: package.arch.clone(),
                provides: package.provides.clone(),
                requires: package
                    .requires
                    .iter()
                    .filter(|requirement| !requirement.name.starts_with("rpmlib("))
                    .cloned()
                    .collect(),
            })
            .collect();
        let excluded_on_target = (!source.exclusive_arch.is_empty()
            && !source
                .exclusive_arch
                .iter()
                .any(|arch| arch == target_cpu || arch == "noarch"))
            || source.exclude_arch.iter().any(|arch| arch == target_cpu);
        Self {
            name: source.name.clone(),
            evr,
            build_requires: source.build_requires.clone(),
            packages,
            bconds: bconds(text),
            dynamic_build_requires: spec.has_generate_buildrequires,
            excluded_on_target,
        }
    }

    /// The `%bcond` named `name`, if the spec declares one.
    pub fn bcond(&self, name: &str) -> Option<&Bcond> {
        self.bconds.iter().find(|bcond| bcond.name == name)
    }

    /// Adds what an earlier build of this spec produced to its packages: the Provides and
    /// Requires rpm generated (sonames, `pkgconfig(...)`, `perl(...)`, interpreters) and file
    /// provides, which no spec declares. Only a built package of the same name and EVR counts
    /// (a build of an older version says nothing certain about this one). Returns how many
    /// packages gained something.
    pub fn learn_from_build(&mut self, built: &[BinaryPackage]) -> usize {
        let mut learned = 0;
        for package in &mut self.packages {
            let Some(built) = built
                .iter()
                .find(|built| built.name == package.name && same_evr(&built.evr, &package.evr))
            else {
                continue;
            };
            let before = package.provides.len() + package.requires.len();
            add_missing(&mut package.provides, &built.provides);
            add_missing(&mut package.requires, &built.requires);
            learned += usize::from(package.provides.len() + package.requires.len() > before);
        }
        learned
    }
}

/// EVRs equal as rpm compares them: no epoch is epoch 0.
fn same_evr(left: &str, right: &str) -> bool {
    let strip = |evr: &str| evr.strip_prefix("0:").unwrap_or(evr).to_owned();
    strip(left) == strip(right)
}

/// Appends the entries of `learned` that `list` lacks (same name, comparison and version).
fn add_missing(list: &mut Vec<Dependency>, learned: &[Dependency]) {
    let known: std::collections::HashSet<(String, Option<String>)> = list
        .iter()
        .map(|dependency| (dependency.name.clone(), dependency.version.clone()))
        .collect();
    list.extend(
        learned
            .iter()
            .filter(|dependency| {
                !known.contains(&(dependency.name.clone(), dependency.version.clone()))
            })
            .cloned(),
    );
}

/// The conditionals declared in spec text. rpm 4.17.1+ `%bcond NAME DEFAULT`, and the older
/// `%bcond_with NAME` (off by default) and `%bcond_without NAME` (on by default), as
/// `macros.in` defines them. Declarations made by macro expansion are not seen.
fn bconds(text: &str) -> Vec<Bcond> {
    static DECLARATION: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?m)^[ \t]*%(bcond_with|bcond_without|bcond)[ \t]+([A-Za-z0-9_]+)(?:[ \t]+(\S+))?",
        )
        .expect("valid regex")
    });
    let mut found: Vec<Bcond> = Vec::new();
    for captures in DECLARATION.captures_iter(text) {
        let name = captures[2].to_owned();
        let default_on = match &captures[1] {
            "bcond_with" => false,
            "bcond_without" => true,
            // `%bcond NAME EXPR`: on when the expression is non-zero; a macro expression is
            // taken as off, the common `%{defined rhel}`-style default outside that distro.
            _ => captures
                .get(3)
                .is_some_and(|value| value.as_str().parse::<i64>().is_ok_and(|n| n != 0)),
        };
        if !found.iter().any(|bcond| bcond.name == name) {
            found.push(Bcond { name, default_on });
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn package(name: &str, evr: &str, provides: &[&str], requires: &[&str]) -> BinaryPackage {
        BinaryPackage {
            name: name.to_owned(),
            evr: evr.to_owned(),
            arch: "x86_64".to_owned(),
            provides: provides
                .iter()
                .map(|name| Dependency::named(*name))
                .collect(),
            requires: requires
                .iter()
                .map(|name| Dependency::named(*name))
                .collect(),
        }
    }

    #[test]
    fn a_build_of_the_same_evr_adds_generated_dependencies_once() {
        let mut summary = SpecSummary {
            name: "zlib".to_owned(),
            evr: "1.3-1".to_owned(),
            build_requires: Vec::new(),
            packages: vec![
                package("zlib", "1.3-1", &["zlib"], &[]),
                package("zlib-devel", "1.3-1", &["zlib-devel"], &["zlib"]),
            ],
            bconds: Vec::new(),
            dynamic_build_requires: false,
            excluded_on_target: false,
        };
        let built = [
            package(
                "zlib",
                "0:1.3-1",
                &["zlib", "libz.so.1()(64bit)"],
                &["libc.so.6()(64bit)"],
            ),
            package("zlib-devel", "1.2-1", &["pkgconfig(zlib)"], &[]),
        ];
        assert_eq!(summary.learn_from_build(&built), 1);
        let zlib = &summary.packages[0];
        let names = |list: &[Dependency]| list.iter().map(|d| d.name.clone()).collect::<Vec<_>>();
        assert_eq!(names(&zlib.provides), ["zlib", "libz.so.1()(64bit)"]);
        assert_eq!(names(&zlib.requires), ["libc.so.6()(64bit)"]);
        // Another EVR: an older build is not evidence for this spec.
        assert_eq!(names(&summary.packages[1].provides), ["zlib-devel"]);
        // Learning twice changes nothing.
        assert_eq!(summary.learn_from_build(&built), 0);
    }

    #[test]
    fn bconds_are_read_in_every_spelling() {
        let text = "%bcond bootstrap 0\n%bcond_with tests\n  %bcond_without docs\n%bcond lto 1\n# %bcond commented 1\n%bcond expr %{undefined rhel}\n";
        let names: Vec<(String, bool)> = bconds(text)
            .into_iter()
            .map(|bcond| (bcond.name, bcond.default_on))
            .collect();
        assert_eq!(
            names,
            [
                ("bootstrap".to_owned(), false),
                ("tests".to_owned(), false),
                ("docs".to_owned(), true),
                ("lto".to_owned(), true),
                ("expr".to_owned(), false),
            ]
        );
    }
}
