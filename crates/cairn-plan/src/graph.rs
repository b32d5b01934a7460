//! The component graph: each BuildRequires resolved to the binary package (and so the
//! component) that provides it, then through that package's Requires to everything a build
//! root needs, because a build can only start once all of it has been built.
//!
//! Matching follows rpm (`lib/rpmds.c`): a provide satisfies a requirement of the same name
//! when their version ranges overlap; an unversioned side matches anything. Before a
//! component's first build only its declared Provides and Requires are known: file provides
//! and the ELF, pkg-config and interpreter dependencies rpm generates come from the headers of
//! its last build ([`crate::SpecSummary::learn_from_build`]), so until then a BuildRequires on a
//! path resolves only when a package declares it (`Provides: /bin/sh`) or the host provides it.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};

use cairn_macro::spec::{Dependency, RichTree};
use cairn_rpm_types::{Comparison, EvrParts, ranges_overlap};
use serde::Serialize;

use crate::summary::SpecSummary;

/// Reasons kept per edge (the first found); the count says how many there were.
const REASONS_PER_EDGE: usize = 4;

/// A binary package: (component index, package index in its summary).
pub(crate) type PackageRef = (usize, usize);

/// Why one component must be built before another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reason {
    /// The BuildRequires (as written, after macro expansion).
    pub build_requires: String,
    /// The binary package of the target component that ends the chain.
    pub package: String,
    /// The packages from the BuildRequires' provider to `package`, each required by the one
    /// before (empty when `package` provides the BuildRequires itself).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub through: Vec<String>,
}

impl std::fmt::Display for Reason {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(formatter, "BuildRequires: {}", self.build_requires)?;
        for package in &self.through {
            write!(formatter, " -> {package}")?;
        }
        write!(formatter, " -> {}", self.package)
    }
}

/// A dependency of one component on another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Edge {
    /// The component depended on (an index into the plan's components).
    pub target: usize,
    /// Why (the first few).
    pub reasons: Vec<Reason>,
    /// How many reasons there are in all.
    pub reason_count: usize,
    /// A direct BuildRequires (rather than only a Requires of a BuildRequires' provider).
    pub direct: bool,
}

/// A BuildRequires several components provide.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ambiguity {
    /// The BuildRequires.
    pub build_requires: String,
    /// The providing components, sorted; the first is the one chosen.
    pub providers: Vec<String>,
}

/// What a component needs that no component provides.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Unresolved {
    /// BuildRequires that are neither built by the distribution nor provided by the host.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<String>,
    /// BuildRequires the host provides.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub host: Vec<String>,
}

/// The graph's edges per component.
#[derive(Debug, Clone, Default)]
pub(crate) struct ComponentEdges {
    pub edges: Vec<Edge>,
    pub unresolved: Unresolved,
    pub ambiguities: Vec<Ambiguity>,
}

/// A provided version range: the comparison and the version text.
type Range<'a> = Option<(Comparison, &'a str)>;

/// Capability name to the packages providing it, with the provided version range.
pub(crate) struct Providers<'a> {
    summaries: &'a [Option<&'a SpecSummary>],
    names: &'a [String],
    by_capability: HashMap<&'a str, Vec<(PackageRef, Range<'a>)>>,
    host: HashSet<&'a str>,
}

impl<'a> Providers<'a> {
    pub(crate) fn new(
        names: &'a [String],
        summaries: &'a [Option<&'a SpecSummary>],
        host: &'a [String],
    ) -> Self {
        let mut by_capability: HashMap<&str, Vec<_>> = HashMap::new();
        for (component, summary) in summaries.iter().enumerate() {
            let Some(summary) = summary.filter(|summary| !summary.excluded_on_target) else {
                continue;
            };
            for (index, package) in summary.packages.iter().enumerate() {
                for provide in &package.provides {
                    let range = provide
                        .comparison
                        .zip(provide.version.as_deref())
                        .map(|(comparison, version)| (comparison.into(), version));
                    by_capability
                        .entry(provide.name.as_str())
                        .or_default()
                        .push(((component, index), range));
                }
            }
        }
        Self {
            summaries,
            names,
            by_capability,
            host: host.iter().map(String::as_str).collect(),
        }
    }

    pub(crate) fn package_name(&self, (component, index): PackageRef) -> &'a str {
        self.summaries[component].map_or("", |summary| summary.packages[index].name.as_str())
    }

    /// Packages providing `name [comparison version]`.
    fn matching(&self, name: &str, constraint: Option<(Comparison, &str)>) -> Vec<PackageRef> {
        let Some(candidates) = self.by_capability.get(name) else {
            return Vec::new();
        };
        let mut found: Vec<PackageRef> = candidates
            .iter()
            .filter(|(_, provided)| match (constraint, provided) {
                (Some((wanted, wanted_version)), Some((offered, offered_version))) => {
                    ranges_overlap(
                        *offered,
                        EvrParts::split(offered_version),
                        wanted,
                        EvrParts::split(wanted_version),
                    )
                }
                _ => true,
            })
            .map(|(package, _)| *package)
            .collect();
        found.dedup();
        found
    }

    fn is_provided(&self, tree: &RichTree) -> bool {
        !self
            .atoms(tree)
            .iter()
            .any(|(_, packages)| packages.is_empty())
    }

    /// The simple requirements a rich dependency comes down to, with their providers: `and`
    /// and `with` need every operand, `or` the first operand something provides, `if` its
    /// branch by whether the condition is provided (rpm decides by what is installed; before
    /// a build, "provided by the distribution" is the best stand-in).
    fn atoms(&self, tree: &RichTree) -> Vec<(String, Vec<PackageRef>)> {
        match tree {
            RichTree::Simple {
                name,
                comparison,
                version,
            } => {
                let constraint = comparison
                    .zip(version.as_deref())
                    .map(|(comparison, version)| (comparison.into(), version));
                let text = match (comparison, version) {
                    (Some(comparison), Some(version)) => {
                        format!("{name} {} {version}", comparison.as_str())
                    }
                    _ => name.clone(),
                };
                vec![(text, self.matching(name, constraint))]
            }
            RichTree::And(operands) | RichTree::With(operands) => operands
                .iter()
                .flat_map(|operand| self.atoms(operand))
                .collect(),
            RichTree::Or(operands) => operands
                .iter()
                .map(|operand| self.atoms(operand))
                .find(|atoms| atoms.iter().all(|(_, packages)| !packages.is_empty()))
                .or_else(|| operands.first().map(|operand| self.atoms(operand)))
                .unwrap_or_default(),
            RichTree::Without(then, _) => self.atoms(then),
            RichTree::If {
                then,
                condition,
                otherwise,
            } => {
                if self.is_provided(condition) {
                    self.atoms(then)
                } else {
                    otherwise
                        .as_deref()
                        .map(|tree| self.atoms(tree))
                        .unwrap_or_default()
                }
            }
            RichTree::Unless {
                then,
                condition,
                otherwise,
            } => {
                if self.is_provided(condition) {
                    otherwise
                        .as_deref()
                        .map(|tree| self.atoms(tree))
                        .unwrap_or_default()
                } else {
                    self.atoms(then)
                }
            }
        }
    }

    /// The requirement's atoms and providers; host-provided atoms have none and are marked.
    fn resolve(&self, dependency: &Dependency) -> Vec<Atom> {
        let atoms = match &dependency.rich {
            Some(tree) => self.atoms(tree),
            None => {
                let constraint = dependency
                    .comparison
                    .zip(dependency.version.as_deref())
                    .map(|(comparison, version)| (comparison.into(), version));
                vec![(
                    dependency.to_string(),
                    self.matching(&dependency.name, constraint),
                )]
            }
        };
        atoms
            .into_iter()
            .map(|(text, packages)| {
                let name = text.split_whitespace().next().unwrap_or_default();
                Atom {
                    host: self.host.contains(name),
                    text,
                    packages,
                }
            })
            .collect()
    }

    /// The provider to use for `atom` from `component`'s point of view: its own package when
    /// it has one (a self-dependency, no edge), else a package named like the capability,
    /// else one of the component named like it, else the first component by name.
    fn choose(&self, component: usize, atom: &Atom) -> Option<(PackageRef, Option<Ambiguity>)> {
        if let Some(own) = atom.packages.iter().find(|(owner, _)| *owner == component) {
            return Some((*own, None));
        }
        let capability = atom.text.split_whitespace().next().unwrap_or_default();
        let mut owners: Vec<usize> = atom.packages.iter().map(|(owner, _)| *owner).collect();
        owners.sort_by(|a, b| self.names[*a].cmp(&self.names[*b]));
        owners.dedup();
        let chosen = atom
            .packages
            .iter()
            .find(|package| self.package_name(**package) == capability)
            .or_else(|| {
                atom.packages
                    .iter()
                    .find(|(owner, _)| self.names[*owner] == capability)
            })
            .or_else(|| {
                owners
                    .first()
                    .and_then(|first| atom.packages.iter().find(|(owner, _)| owner == first))
            })
            .copied()?;
        let ambiguity = (owners.len() > 1).then(|| {
            let mut providers: Vec<String> = owners
                .iter()
                .map(|owner| self.names[*owner].clone())
                .collect();
            let chosen_name = &self.names[chosen.0];
            providers.retain(|name| name != chosen_name);
            providers.insert(0, chosen_name.clone());
            Ambiguity {
                build_requires: atom.text.clone(),
                providers,
            }
        });
        Some((chosen, ambiguity))
    }
}

/// One simple requirement and its providers.
struct Atom {
    text: String,
    packages: Vec<PackageRef>,
    host: bool,
}

/// Every package's Requires resolved to providers, with packages numbered flat so that a
/// traversal can mark them in a vector.
pub(crate) struct RequiresIndex {
    offsets: Vec<usize>,
    packages: Vec<PackageRef>,
    requires: Vec<Vec<usize>>,
}

impl RequiresIndex {
    pub(crate) fn new(providers: &Providers<'_>) -> Self {
        use rayon::prelude::*;
        let mut offsets = Vec::with_capacity(providers.summaries.len() + 1);
        let mut packages = Vec::new();
        for (component, summary) in providers.summaries.iter().enumerate() {
            offsets.push(packages.len());
            let count = summary.map_or(0, |summary| summary.packages.len());
            packages.extend((0..count).map(|index| (component, index)));
        }
        offsets.push(packages.len());
        let requires = packages
            .par_iter()
            .map(|&(component, index)| {
                let Some(summary) = providers.summaries[component] else {
                    return Vec::new();
                };
                let mut needed = Vec::new();
                for requirement in &summary.packages[index].requires {
                    for atom in providers.resolve(requirement) {
                        if atom.host {
                            continue;
                        }
                        if let Some((chosen, _)) = providers.choose(component, &atom) {
                            needed.push(offsets[chosen.0] + chosen.1);
                        }
                    }
                }
                needed.sort_unstable();
                needed.dedup();
                needed
            })
            .collect();
        Self {
            offsets,
            packages,
            requires,
        }
    }

    fn id(&self, (component, index): PackageRef) -> usize {
        self.offsets[component] + index
    }
}

/// The edges of one component: its BuildRequires resolved, then followed through Requires.
pub(crate) fn component_edges(
    providers: &Providers<'_>,
    index: &RequiresIndex,
    component: usize,
    build_requires: &[Dependency],
) -> ComponentEdges {
    let mut result = ComponentEdges::default();
    let mut edges: BTreeMap<usize, Edge> = BTreeMap::new();
    // The package each reached package was reached from (`usize::MAX`: a chain's start), shared
    // by every BuildRequires: a closure is walked once per component.
    let mut previous: HashMap<usize, usize> = HashMap::new();
    let mut queue = VecDeque::new();
    for requirement in build_requires {
        for atom in providers.resolve(requirement) {
            if atom.host {
                result.unresolved.host.push(atom.text);
                continue;
            }
            let Some((start, ambiguity)) = providers.choose(component, &atom) else {
                result.unresolved.missing.push(atom.text);
                continue;
            };
            result.ambiguities.extend(ambiguity);
            let start = index.id(start);
            let fresh = !previous.contains_key(&start);
            if fresh {
                previous.insert(start, usize::MAX);
                queue.push_back(start);
            } else if index.packages[start].0 != component {
                // Already reached through another BuildRequires: still a direct reason.
                add_reason(
                    &mut edges, providers, index, &previous, &atom.text, start, true,
                );
            }
            while let Some(package) = queue.pop_front() {
                if index.packages[package].0 != component {
                    add_reason(
                        &mut edges,
                        providers,
                        index,
                        &previous,
                        &atom.text,
                        package,
                        package == start,
                    );
                }
                for &next in &index.requires[package] {
                    if let std::collections::hash_map::Entry::Vacant(entry) = previous.entry(next) {
                        entry.insert(package);
                        queue.push_back(next);
                    }
                }
            }
        }
    }
    result.edges = edges.into_values().collect();
    result.unresolved.missing.sort();
    result.unresolved.missing.dedup();
    result.unresolved.host.sort();
    result.unresolved.host.dedup();
    result
}

fn add_reason(
    edges: &mut BTreeMap<usize, Edge>,
    providers: &Providers<'_>,
    index: &RequiresIndex,
    previous: &HashMap<usize, usize>,
    build_requires: &str,
    package: usize,
    direct: bool,
) {
    let target = index.packages[package].0;
    let edge = edges.entry(target).or_insert_with(|| Edge {
        target,
        reasons: Vec::new(),
        reason_count: 0,
        direct: false,
    });
    edge.direct |= direct;
    edge.reason_count += 1;
    if edge.reasons.len() < REASONS_PER_EDGE {
        // The packages from the chain's start up to the one requiring `package`.
        let mut through = Vec::new();
        let mut current = if direct {
            usize::MAX
        } else {
            previous.get(&package).copied().unwrap_or(usize::MAX)
        };
        while current != usize::MAX {
            through.push(providers.package_name(index.packages[current]).to_owned());
            current = previous.get(&current).copied().unwrap_or(usize::MAX);
        }
        through.reverse();
        edge.reasons.push(Reason {
            build_requires: build_requires.to_owned(),
            package: providers.package_name(index.packages[package]).to_owned(),
            through,
        });
    }
}
