//! Why a package is in an install set: the shortest chain of dependencies from a requested
//! package to it.

use std::collections::VecDeque;

use cairn_rpm_types::DependencyKind;

use crate::pool::{DepId, PackageId, Pool};
use crate::solve::Solution;

/// One edge of a chain: `from` has a dependency of `kind` that `to` satisfies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    /// The package that depends.
    pub from: PackageId,
    /// Requires, Recommends, or Supplements (then `to` supplements `from`).
    pub kind: DependencyKind,
    /// The dependency as rpm prints it.
    pub dependency: String,
    /// The package that satisfies it.
    pub to: PackageId,
}

/// A chain from a requested package to the package asked about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chain {
    /// Which request (index into [`crate::Request::install`]) the chain starts from.
    pub request: usize,
    /// The requested package the chain starts at.
    pub start: PackageId,
    /// The edges, in order; empty when the package was requested itself.
    pub links: Vec<Link>,
}

/// The shortest chain that explains why `target` is in `solution`, or `None` when it is not
/// installed.
#[must_use]
pub fn why(pool: &Pool, solution: &Solution, target: PackageId) -> Option<Chain> {
    let mut installed = vec![false; pool.solvables.len()];
    for id in &solution.packages {
        installed[id.index()] = true;
    }
    if !installed[target.index()] {
        return None;
    }
    // Breadth-first from every requested package, requests in order.
    let mut parent: Vec<Option<(usize, Option<Link>)>> = vec![None; pool.solvables.len()];
    let mut queue = VecDeque::new();
    for (request, candidates) in solution.requested.iter().enumerate() {
        for &id in candidates {
            if installed[id.index()] && parent[id.index()].is_none() {
                parent[id.index()] = Some((request, None));
                queue.push_back(id);
            }
        }
    }
    while let Some(id) = queue.pop_front() {
        if id == target {
            break;
        }
        let request = parent[id.index()]
            .as_ref()
            .map(|(request, _)| *request)
            .unwrap_or_default();
        for (kind, dep, to) in edges(pool, &installed, id) {
            if parent[to.index()].is_some() {
                continue;
            }
            let link = Link {
                from: id,
                kind,
                dependency: pool.dep_to_string(dep),
                to,
            };
            parent[to.index()] = Some((request, Some(link)));
            queue.push_back(to);
        }
    }
    let (request, _) = parent[target.index()].clone()?;
    let mut links = Vec::new();
    let mut current = target;
    while let Some((_, Some(link))) = parent[current.index()].clone() {
        current = link.from;
        links.push(link);
    }
    links.reverse();
    Some(Chain {
        request,
        start: current,
        links,
    })
}

/// The installed packages `id` pulls in: providers of its Requires and Recommends, and the
/// packages that supplement it.
fn edges(
    pool: &Pool,
    installed: &[bool],
    id: PackageId,
) -> Vec<(DependencyKind, DepId, PackageId)> {
    let solvable = pool.solvable(id);
    let mut found = Vec::new();
    for (kind, deps) in [
        (DependencyKind::Requires, &solvable.requires),
        (DependencyKind::Recommends, &solvable.recommends),
    ] {
        for &dep in deps.iter() {
            for atom in crate::rich::atoms(pool, dep) {
                for &to in pool.whatprovides(atom) {
                    if to != id && installed[to.index()] {
                        found.push((kind, dep, to));
                    }
                }
            }
        }
    }
    for other in pool.packages() {
        if !installed[other.index()] || other == id {
            continue;
        }
        for &dep in pool.solvable(other).supplements.iter() {
            if crate::rich::atoms(pool, dep)
                .iter()
                .any(|&atom| pool.whatprovides(atom).contains(&id))
            {
                found.push((DependencyKind::Supplements, dep, other));
            }
        }
    }
    found
}
