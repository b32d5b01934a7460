//! Solving a request: turning names into jobs, choosing like libsolv, solving with resolvo.

use resolvo::{ConditionalRequirement, Problem, Solver, UnsolvableOrCancelled};

use crate::error::SolveError;
use crate::libsolv;
use crate::pool::{Dep, PackageId, Pool};
use crate::provider::{Provider, VersionSet, to_package, to_solvable};
use crate::verify;

/// What to install into an empty root.
#[derive(Clone, Debug)]
pub struct Request {
    /// Package names, capabilities (`pkgconfig(zlib) >= 1.2`), paths, or NEVRAs.
    pub install: Vec<String>,
    /// Install what installed packages recommend and what supplements them (dnf's
    /// `install_weak_deps`, on by default).
    pub weak: bool,
}

impl Request {
    /// Installs `names` with weak dependencies.
    pub fn new<S: Into<String>>(names: impl IntoIterator<Item = S>) -> Self {
        Self {
            install: names.into_iter().map(Into::into).collect(),
            weak: true,
        }
    }
}

/// How the install set was chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Strategy {
    /// libsolv's choices, replayed, then checked by resolvo: the same set dnf would install.
    LibsolvPolicy,
    /// libsolv's replay gave up (it needed to backtrack out of a conflict); resolvo searched on
    /// its own. The set is correct but may differ from dnf's where several sets are.
    ResolvoSearch,
}

/// An install set.
#[derive(Clone, Debug)]
pub struct Solution {
    /// Every package to install, in pool order.
    pub packages: Vec<PackageId>,
    /// The packages each request resolved to (one list per [`Request::install`] entry).
    pub requested: Vec<Vec<PackageId>>,
    /// Packages installed only because something recommends them or they supplement something.
    pub weak: Vec<PackageId>,
    /// How the set was chosen.
    pub strategy: Strategy,
}

/// Finds the packages a request string means, as dnf and libsolv's selections do: a package name;
/// else a capability (optionally versioned); else a path; else a NEVRA or `name.arch`.
///
/// # Errors
///
/// [`SolveError::NoMatch`] when nothing matches.
pub fn select(pool: &mut Pool, spec: &str) -> Result<Vec<PackageId>, SolveError> {
    let spec = spec.trim();
    let named = pool.packages_named(spec);
    if !named.is_empty() {
        return Ok(named.to_vec());
    }
    if let Ok(rich) = cairn_rpm_types::RichDependency::parse(spec) {
        let dep = pool.intern_rich(&rich);
        let providers = pool.whatprovides(dep).to_vec();
        if !providers.is_empty() {
            return Ok(providers);
        }
    }
    if let Some(found) = select_nevra(pool, spec) {
        return Ok(found);
    }
    Err(SolveError::NoMatch {
        spec: spec.to_owned(),
    })
}

/// One way of reading a request as a NEVRA: the parts it names.
#[derive(Clone, Copy)]
struct NevraForm<'a> {
    name: &'a str,
    version: Option<&'a str>,
    release: Option<&'a str>,
    arch: Option<&'a str>,
}

impl NevraForm<'_> {
    fn matches(&self, pool: &Pool, id: PackageId) -> bool {
        let evr = pool.evr(pool.solvable(id).evr);
        let (epoch, version) = match self.version.and_then(|v| v.split_once(':')) {
            Some((epoch, version)) => (Some(epoch), Some(version)),
            None => (None, self.version),
        };
        pool.package_name(id) == self.name
            && version.is_none_or(|v| *evr.version == *v)
            && self
                .release
                .is_none_or(|r| evr.release.as_deref() == Some(r))
            && epoch.is_none_or(|e| evr.epoch.as_deref().unwrap_or("0") == e)
            && self.arch.is_none_or(|a| pool.package_arch(id) == a)
    }
}

/// `name.arch`, `name-version`, `name-version-release`, `name-version-release.arch`, with an
/// optional epoch: the forms dnf accepts.
fn select_nevra(pool: &Pool, spec: &str) -> Option<Vec<PackageId>> {
    let mut forms = Vec::new();
    if let Some((without_arch, arch)) = spec.rsplit_once('.') {
        forms.push(NevraForm {
            name: without_arch,
            version: None,
            release: None,
            arch: Some(arch),
        });
        if let Some((rest, release)) = without_arch.rsplit_once('-')
            && let Some((name, version)) = rest.rsplit_once('-')
        {
            forms.push(NevraForm {
                name,
                version: Some(version),
                release: Some(release),
                arch: Some(arch),
            });
        }
    }
    if let Some((rest, release)) = spec.rsplit_once('-') {
        if let Some((name, version)) = rest.rsplit_once('-') {
            forms.push(NevraForm {
                name,
                version: Some(version),
                release: Some(release),
                arch: None,
            });
        }
        forms.push(NevraForm {
            name: rest,
            version: Some(release),
            release: None,
            arch: None,
        });
    }
    for form in forms {
        let found: Vec<PackageId> = pool
            .packages_named(form.name)
            .iter()
            .copied()
            .filter(|&id| form.matches(pool, id))
            .collect();
        if !found.is_empty() {
            return Some(found);
        }
    }
    None
}

/// Solves `request` against `pool`.
///
/// # Errors
///
/// [`SolveError::NoMatch`] when a request names nothing in the pool; [`SolveError::Unsolvable`]
/// with resolvo's explanation when no install set satisfies every request.
pub fn solve(pool: &mut Pool, request: &Request) -> Result<Solution, SolveError> {
    let mut requested = Vec::new();
    for spec in &request.install {
        requested.push(select(pool, spec)?);
    }
    let pool: &Pool = pool;
    let plan = libsolv::plan(pool, &requested, request.weak);
    if let Err(libsolv::GaveUp) = &plan {
        tracing::debug!(
            "libsolv's policy needs conflict-driven backtracking here; resolvo searches on its own"
        );
    }
    if let Ok(plan) = &plan {
        tracing::debug!(installed = ?plan.installed.iter().map(|&id| pool.nevra(id)).collect::<Vec<_>>(), weak = ?plan.weak.iter().map(|&id| pool.nevra(id)).collect::<Vec<_>>(), "libsolv replay");
    }
    if let Ok(plan) = &plan {
        match verify::check(pool, &requested, &plan.installed) {
            Ok(()) => {
                let mut packages = plan.installed.clone();
                packages.sort_unstable();
                let solution = Solution {
                    packages,
                    requested,
                    weak: plan.weak.clone(),
                    strategy: Strategy::LibsolvPolicy,
                };
                #[cfg(debug_assertions)]
                {
                    let confirmed = solve_with_resolvo(
                        pool,
                        request,
                        solution.requested.clone(),
                        Ok(plan.clone()),
                    )
                    .expect("resolvo accepts a set the direct check accepts");
                    assert_eq!(
                        confirmed.packages, solution.packages,
                        "resolvo confirms the checked set"
                    );
                }
                return Ok(solution);
            }
            Err(violation) => {
                tracing::debug!(
                    "libsolv's install set fails the direct check: {}",
                    violation.0
                );
            }
        }
    }
    solve_with_resolvo(pool, request, requested, plan)
}

/// Solves with resolvo, trying libsolv's choices (when the replay got through) first.
fn solve_with_resolvo(
    pool: &Pool,
    request: &Request,
    requested: Vec<Vec<PackageId>>,
    plan: Result<libsolv::Plan, libsolv::GaveUp>,
) -> Result<Solution, SolveError> {
    let (preferred, weak_plan, mut strategy) = match plan {
        Ok(plan) => (plan.installed, Some(plan.weak), Strategy::LibsolvPolicy),
        Err(libsolv::GaveUp) => (Vec::new(), None, Strategy::ResolvoSearch),
    };
    let provider = Provider::new(pool, &preferred);
    let requirements: Vec<ConditionalRequirement> = requested
        .iter()
        .map(|candidates| job_requirement(&provider, candidates))
        .collect();
    let mut solver = Solver::new(provider);
    // `hard`: packages that must be installed besides the jobs; `soft`: wanted if possible.
    let solve_with = |solver: &mut Solver<Provider<'_>>, hard: &[PackageId], soft: &[PackageId]| {
        let mut all = requirements.clone();
        for &id in hard {
            let name = solver.provider().pool.solvable(id).name;
            let set = solver
                .provider()
                .intern_version_set(VersionSet::Packages(name, Box::new([id])));
            all.push(resolvo::Requirement::Single(set).into());
        }
        let problem = Problem::new()
            .requirements(all)
            .soft_requirements(soft.iter().map(|&id| to_solvable(id)).collect::<Vec<_>>());
        match solver.solve(problem) {
            Ok(solvables) => Ok(solvables
                .into_iter()
                .filter(|&s| !solver.provider().is_virtual(s))
                .map(to_package)
                .collect::<Vec<_>>()),
            Err(UnsolvableOrCancelled::Unsolvable(conflict)) => {
                let explanation = conflict.display_user_friendly(solver).to_string();
                Err(SolveError::Unsolvable { explanation })
            }
            Err(UnsolvableOrCancelled::Cancelled(_)) => unreachable!("the provider never cancels"),
        }
    };
    let mut packages;
    let weak;
    match weak_plan {
        Some(plan) => {
            // libsolv's install set is checked as a whole: every package it chose becomes a
            // requirement, so resolvo either confirms exactly that set or rejects it. (libsolv
            // keeps choices that later became redundant; resolvo alone would drop them.) A
            // rejection would mean the replay and the encoding disagree: then the jobs are solved
            // with libsolv's choices as mere preferences.
            packages = match solve_with(&mut solver, &preferred, &[]) {
                Ok(packages) => packages,
                Err(error) => {
                    tracing::warn!("resolvo rejects libsolv's install set: {error}");
                    strategy = Strategy::ResolvoSearch;
                    solve_with(&mut solver, &[], &plan)?
                }
            };
            weak = plan;
        }
        None if !request.weak => {
            packages = solve_with(&mut solver, &[], &[])?;
            weak = Vec::new();
        }
        None => {
            // Recommends and Supplements, round by round, until nothing new is wanted. Each
            // round's wishes are tried together as requirements, then one by one if that fails.
            let mut accepted: Vec<PackageId> = Vec::new();
            let mut refused: Vec<PackageId> = Vec::new();
            packages = solve_with(&mut solver, &[], &[])?;
            for _round in 0..32 {
                let wanted: Vec<PackageId> = weak_wanted(pool, &packages)
                    .into_iter()
                    .filter(|id| !accepted.contains(id) && !refused.contains(id))
                    .collect();
                if wanted.is_empty() {
                    break;
                }
                let all: Vec<PackageId> = accepted.iter().chain(&wanted).copied().collect();
                if let Ok(found) = solve_with(&mut solver, &all, &[]) {
                    packages = found;
                    accepted = all;
                    continue;
                }
                for id in wanted {
                    let mut trial = accepted.clone();
                    trial.push(id);
                    match solve_with(&mut solver, &trial, &[]) {
                        Ok(found) => {
                            packages = found;
                            accepted = trial;
                        }
                        Err(_) => refused.push(id),
                    }
                }
            }
            weak = accepted;
        }
    }
    packages.sort_unstable();
    Ok(Solution {
        packages,
        requested,
        weak,
        strategy,
    })
}

/// The root requirement of one job: any of its candidates.
fn job_requirement(provider: &Provider<'_>, candidates: &[PackageId]) -> ConditionalRequirement {
    let pool = provider.pool;
    let mut by_name: Vec<(u32, Vec<PackageId>)> = Vec::new();
    for &id in candidates {
        let name = pool.solvable(id).name;
        match by_name.iter_mut().find(|(n, _)| *n == name) {
            Some((_, ids)) => ids.push(id),
            None => by_name.push((name, vec![id])),
        }
    }
    by_name.sort_by_key(|(name, ids)| {
        (
            !ids.iter().any(|&id| provider.is_preferred(id)),
            pool.name(*name).to_owned(),
        )
    });
    let sets: Vec<resolvo::VersionSetId> = by_name
        .into_iter()
        .map(|(name, ids)| {
            let set = if ids.len() == pool.same_name(name).len() {
                VersionSet::Named(name)
            } else {
                VersionSet::Packages(name, ids.into())
            };
            provider.intern_version_set(set)
        })
        .collect();
    provider.intern_union(sets).into()
}

/// Packages the installed set recommends (the best provider of each unmet Recommends) or that
/// supplement it, for the search without libsolv's plan.
fn weak_wanted(pool: &Pool, installed: &[PackageId]) -> Vec<PackageId> {
    let mut flags = vec![false; pool.solvables.len()];
    for id in installed {
        flags[id.index()] = true;
    }
    let fulfilled = |flags: &[bool], dep| pool.whatprovides(dep).iter().any(|p| flags[p.index()]);
    let mut wanted = Vec::new();
    for &id in installed {
        for &rec in pool.solvable(id).recommends.iter() {
            let atoms = crate::rich::atoms(pool, rec);
            if atoms.iter().any(|&atom| fulfilled(&flags, atom)) {
                continue;
            }
            let best = pool
                .whatprovides(atoms[0])
                .iter()
                .copied()
                .filter(|&p| pool.is_installable(p))
                .max_by(|&a, &b| {
                    let (ea, eb) = (
                        pool.evr(pool.solvable(a).evr),
                        pool.evr(pool.solvable(b).evr),
                    );
                    ea.parts().compare(&eb.parts()).then_with(|| b.cmp(&a))
                });
            if let Some(best) = best
                && !wanted.contains(&best)
            {
                wanted.push(best);
            }
        }
    }
    for id in pool.packages() {
        if flags[id.index()] || !pool.is_installable(id) {
            continue;
        }
        let supplements = pool
            .solvable(id)
            .supplements
            .iter()
            .any(|&dep| supplement_fulfilled(pool, &flags, dep));
        if supplements && !wanted.contains(&id) {
            wanted.push(id);
        }
    }
    wanted
}

fn supplement_fulfilled(pool: &Pool, flags: &[bool], dep: crate::pool::DepId) -> bool {
    match pool.dep(dep) {
        Dep::And(a, b) => {
            supplement_fulfilled(pool, flags, a) && supplement_fulfilled(pool, flags, b)
        }
        Dep::Or(a, b) => {
            supplement_fulfilled(pool, flags, a) || supplement_fulfilled(pool, flags, b)
        }
        Dep::If(a, b) => {
            supplement_fulfilled(pool, flags, a) || !supplement_fulfilled(pool, flags, b)
        }
        Dep::Unless(a, b) => {
            supplement_fulfilled(pool, flags, a) && !supplement_fulfilled(pool, flags, b)
        }
        _ => pool.whatprovides(dep).iter().any(|p| flags[p.index()]),
    }
}
