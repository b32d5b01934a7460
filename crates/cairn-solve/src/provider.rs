//! The pool as a resolvo `DependencyProvider`.
//!
//! resolvo thinks in package *names* with at most one selected version each (unless a name is
//! install-only), and in *version sets*: predicates over the candidates of one name. RPM thinks in
//! capabilities that packages of many names provide. The bridge:
//!
//! - a Requires on a capability becomes a union of one version set per providing package name
//!   ("packages named `bash` that provide `/bin/sh`");
//! - a Conflicts becomes, for each providing name, a constraint allowing only the candidates
//!   that do not provide it (the package itself excepted, as rpm ignores self-conflicts);
//! - an Obsoletes becomes a constraint on the obsoleted name, matched on name and version as
//!   libsolv and rpm do (not on provides);
//! - a rich dependency becomes clauses over its simple parts (see [`crate::rich`]). A clause
//!   `a or not b` (from `(a if b)`) is a requirement on "a provider of `a`, or the absence of
//!   `b`": the absence of `b` is a virtual package that conflicts with every provider of `b`.
//!   resolvo's own conditional requirements are not used: once encoded they can force their
//!   condition's helper variable false, which its conflict explanation does not expect.

use std::cell::RefCell;
use std::fmt::Display;

use indexmap::IndexSet;
use resolvo::{
    Candidates, Condition, ConditionId, Dependencies, DependencyProvider,
    HintDependenciesAvailable, Interner, KnownDependencies, NameId, Requirement, SolvableId,
    SolverCache, StringId, VersionSetId, VersionSetUnionId,
};

use crate::pool::{DepId, PackageId, Pool};
use crate::rich::{self, Literal};

type FastIndexSet<T> = IndexSet<T, ahash::RandomState>;

/// A predicate over the packages of one name.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum VersionSet {
    /// Every package of the name.
    Named(u32),
    /// Packages of the name that provide the dependency.
    Provides(u32, DepId),
    /// Exactly these packages (all of one name).
    Packages(u32, Box<[PackageId]>),
    /// Packages of the name that do not provide the dependency; `except` (the package whose
    /// Conflicts this is) is allowed too.
    NotProviding(u32, DepId, Option<PackageId>),
    /// Allowed next to `except`: packages of the name that the Obsoletes does not match.
    NotObsoleted(u32, DepId, PackageId),
    /// No package: a Requires clause the owner makes false by being installed.
    Impossible(u32, DepId),
    /// The virtual package standing for "no package provides this" (an index into
    /// [`Provider::absences`]); its name is virtual too.
    Absence(u32),
}

impl VersionSet {
    fn name(&self) -> u32 {
        match *self {
            Self::Named(name)
            | Self::Provides(name, _)
            | Self::Packages(name, _)
            | Self::NotProviding(name, ..)
            | Self::NotObsoleted(name, ..)
            | Self::Impossible(name, _) => name,
            Self::Absence(_) => unreachable!("an absence's name depends on the pool"),
        }
    }
}

pub(crate) fn to_solvable(id: PackageId) -> SolvableId {
    SolvableId::from_raw(id.0)
}

pub(crate) fn to_package(id: SolvableId) -> PackageId {
    PackageId(id.into_raw())
}

/// The pool seen by resolvo, with the preferred packages (libsolv's choices) to try first.
pub(crate) struct Provider<'p> {
    pub pool: &'p Pool,
    preferred: Vec<bool>,
    version_sets: RefCell<FastIndexSet<VersionSet>>,
    unions: RefCell<FastIndexSet<Box<[VersionSetId]>>>,
    /// Virtual packages "nothing provides `atom`" (a conflict on its providers, `except` allowed).
    absences: RefCell<FastIndexSet<DepId>>,
    strings: RefCell<FastIndexSet<String>>,
}

impl<'p> Provider<'p> {
    pub fn new(pool: &'p Pool, preferred: &[PackageId]) -> Self {
        let mut flags = vec![false; pool.solvables.len()];
        for id in preferred {
            flags[id.index()] = true;
        }
        Self {
            pool,
            preferred: flags,
            version_sets: RefCell::default(),
            unions: RefCell::default(),
            absences: RefCell::default(),
            strings: RefCell::default(),
        }
    }

    pub fn is_preferred(&self, id: PackageId) -> bool {
        self.preferred[id.index()]
    }

    pub fn intern_version_set(&self, set: VersionSet) -> VersionSetId {
        VersionSetId(self.version_sets.borrow_mut().insert_full(set).0 as u32)
    }

    fn version_set(&self, id: VersionSetId) -> VersionSet {
        self.version_sets.borrow()[id.0 as usize].clone()
    }

    pub fn intern_union(&self, sets: Vec<VersionSetId>) -> Requirement {
        if sets.len() == 1 {
            return Requirement::Single(sets[0]);
        }
        Requirement::Union(VersionSetUnionId(
            self.unions.borrow_mut().insert_full(sets.into()).0 as u32,
        ))
    }

    fn intern_string(&self, text: String) -> StringId {
        StringId(self.strings.borrow_mut().insert_full(text).0 as u32)
    }

    /// Whether `id` is in the version set.
    fn contains(&self, set: &VersionSet, id: PackageId) -> bool {
        let pool = self.pool;
        match set {
            VersionSet::Named(_) => true,
            VersionSet::Provides(_, dep) => pool.whatprovides(*dep).binary_search(&id).is_ok(),
            VersionSet::Packages(_, ids) => ids.contains(&id),
            VersionSet::NotProviding(_, dep, except) => {
                Some(id) == *except || pool.whatprovides(*dep).binary_search(&id).is_err()
            }
            VersionSet::NotObsoleted(_, dep, except) => {
                id == *except || !pool.matches_nevr(id, *dep)
            }
            VersionSet::Impossible(..) => false,
            VersionSet::Absence(_) => true,
        }
    }

    /// Package names among `providers`, preferred (libsolv-chosen) names first, then by name as
    /// libsolv breaks ties (`strcmp`).
    fn names_in_order(&self, providers: &[PackageId]) -> Vec<u32> {
        let pool = self.pool;
        let mut names: Vec<(bool, &str, u32)> = Vec::new();
        for &id in providers {
            let name = pool.solvable(id).name;
            if let Some(entry) = names.iter_mut().find(|entry| entry.2 == name) {
                entry.0 |= self.is_preferred(id);
            } else {
                names.push((self.is_preferred(id), pool.name(name), name));
            }
        }
        names.sort_by(|a, b| {
            b.0.cmp(&a.0)
                .then_with(|| a.1.as_bytes().cmp(b.1.as_bytes()))
        });
        names.into_iter().map(|(_, _, name)| name).collect()
    }

    /// A requirement on whatever provides `dep`: one version set per providing name.
    pub fn requirement_for(&self, dep: DepId) -> Requirement {
        let providers = self.pool.whatprovides(dep);
        let names = self.names_in_order(providers);
        if names.is_empty() {
            let name = self.capability_name(dep);
            return Requirement::Single(self.intern_version_set(VersionSet::Provides(name, dep)));
        }
        let sets = names
            .into_iter()
            .map(|name| self.intern_version_set(VersionSet::Provides(name, dep)))
            .collect();
        self.intern_union(sets)
    }

    /// The name to blame for a dependency nothing provides: its capability name.
    fn capability_name(&self, dep: DepId) -> u32 {
        rich::atoms(self.pool, dep)
            .first()
            .map_or(0, |&atom| match self.pool.dep(atom) {
                crate::pool::Dep::Name(name) | crate::pool::Dep::Range(name, ..) => name,
                _ => 0,
            })
    }

    /// The first solvable id and name id of the virtual absence packages.
    fn absence_base(&self) -> (u32, u32) {
        (
            self.pool.solvables.len() as u32,
            self.pool.names.len() as u32,
        )
    }

    /// The absence of `atom` (a virtual package).
    fn absence(&self, atom: DepId) -> u32 {
        self.absences.borrow_mut().insert_full(atom).0 as u32
    }

    /// Whether a solvable id is a virtual absence rather than a package.
    pub fn is_virtual(&self, solvable: SolvableId) -> bool {
        solvable.into_raw() >= self.absence_base().0
    }

    /// Clauses of a rich dependency as requirements of `owner`: each a union of providers of its
    /// positive atoms and absences of its negative ones.
    ///
    /// Literals the owner itself decides follow libsolv's `add_complex_deprules()` (which expands
    /// atoms into package literals and merges them with the owner's `-p`): a positive atom the
    /// owner provides makes the clause hold; a negative atom the owner provides is false while
    /// the owner is installed, so it drops out. A Requires clause left empty makes the owner
    /// uninstallable. A Conflicts clause left empty is a self-conflict, which rpm and libsolv
    /// ignore: only the atoms' other providers are excluded, each on its own (libsolv skips the
    /// one-literal block `-p` and keeps the blocks naming other providers).
    fn add_clauses(
        &self,
        owner: PackageId,
        dep: DepId,
        clauses: Vec<Vec<Literal>>,
        kind: ClauseKind,
        known: &mut KnownDependencies,
    ) {
        let pool = self.pool;
        let provides = |atom: DepId| pool.whatprovides(atom).binary_search(&owner).is_ok();
        'clauses: for clause in clauses {
            let mut positives = Vec::new();
            let mut negatives = Vec::new();
            let mut own_negatives = Vec::new();
            for literal in clause {
                match literal {
                    Literal::Positive(atom) if provides(atom) => continue 'clauses,
                    Literal::Positive(atom) => positives.push(atom),
                    // Something nothing provides is never installed: the clause always holds.
                    Literal::Negative(atom) if pool.whatprovides(atom).is_empty() => {
                        continue 'clauses;
                    }
                    Literal::Negative(atom) if provides(atom) => own_negatives.push(atom),
                    Literal::Negative(atom) => negatives.push(atom),
                }
            }
            match (positives.as_slice(), negatives.as_slice()) {
                ([], []) if kind == ClauseKind::Requires => {
                    let name = pool.solvable(owner).name;
                    let set = self.intern_version_set(VersionSet::Impossible(name, dep));
                    known.requirements.push(Requirement::Single(set).into());
                }
                ([], []) => {
                    for atom in own_negatives {
                        self.add_conflict(owner, atom, known);
                    }
                }
                ([], [atom]) => self.add_conflict(owner, *atom, known),
                _ => {
                    let requirement = self.clause_requirement(&positives, &negatives);
                    known.requirements.push(requirement.into());
                }
            }
        }
    }

    /// `owner` conflicts with every other provider of `atom`.
    fn add_conflict(&self, owner: PackageId, atom: DepId, known: &mut KnownDependencies) {
        let providers: Vec<PackageId> = self
            .pool
            .whatprovides(atom)
            .iter()
            .copied()
            .filter(|&p| p != owner)
            .collect();
        for name in self.names_in_order(&providers) {
            known
                .constrains
                .push(self.intern_version_set(VersionSet::NotProviding(name, atom, Some(owner))));
        }
    }

    /// A union of the providers of `positives` and the absences of `negatives` (none of which
    /// the owner provides).
    fn clause_requirement(&self, positives: &[DepId], negatives: &[DepId]) -> Requirement {
        let pool = self.pool;
        // Version sets holding libsolv's choice first, so that resolvo's first pick is
        // libsolv's; absences before providers otherwise (install nothing eagerly).
        let mut sets: Vec<(bool, bool, VersionSetId)> = Vec::new();
        for &atom in negatives {
            let preferred = !pool
                .whatprovides(atom)
                .iter()
                .any(|&id| self.is_preferred(id));
            let set = self.intern_version_set(VersionSet::Absence(self.absence(atom)));
            if !sets.iter().any(|&(.., existing)| existing == set) {
                sets.push((preferred, true, set));
            }
        }
        for &atom in positives {
            let providers = pool.whatprovides(atom);
            for name in self.names_in_order(providers) {
                let set = self.intern_version_set(VersionSet::Provides(name, atom));
                let preferred = providers
                    .iter()
                    .any(|&id| pool.solvable(id).name == name && self.is_preferred(id));
                if !sets.iter().any(|&(.., existing)| existing == set) {
                    sets.push((preferred, false, set));
                }
            }
        }
        sets.sort_by_key(|&(preferred, absence, _)| (!preferred, !absence));
        let mut sets: Vec<VersionSetId> = sets.into_iter().map(|(.., set)| set).collect();
        if sets.is_empty() {
            let atom = positives[0];
            sets.push(
                self.intern_version_set(VersionSet::Provides(self.capability_name(atom), atom)),
            );
        }
        self.intern_union(sets)
    }

    fn dependencies_of(&self, id: PackageId) -> KnownDependencies {
        let pool = self.pool;
        let solvable = pool.solvable(id);
        let mut known = KnownDependencies::default();
        for &dep in solvable.requires.iter() {
            if pool.is_complex(dep) {
                let clauses = rich::clauses(pool, dep, false);
                self.add_clauses(id, dep, clauses, ClauseKind::Requires, &mut known);
                continue;
            }
            if pool.whatprovides(dep).binary_search(&id).is_ok() {
                continue;
            }
            known.requirements.push(self.requirement_for(dep).into());
        }
        for &dep in solvable.conflicts.iter() {
            if pool.is_complex(dep) {
                let clauses = rich::clauses(pool, dep, true);
                self.add_clauses(id, dep, clauses, ClauseKind::Conflicts, &mut known);
                continue;
            }
            // rpm and libsolv ignore a package's conflict with itself.
            self.add_conflict(id, dep, &mut known);
        }
        for &dep in solvable.obsoletes.iter() {
            let mut names: Vec<u32> = pool
                .whatprovides(dep)
                .iter()
                .filter(|&&p| p != id && pool.matches_nevr(p, dep))
                .map(|&p| pool.solvable(p).name)
                .collect();
            names.sort_unstable();
            names.dedup();
            for name in names {
                known
                    .constrains
                    .push(self.intern_version_set(VersionSet::NotObsoleted(name, dep, id)));
            }
        }
        known
    }
}

/// Which dependency a rich dependency's clauses come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ClauseKind {
    Requires,
    /// Clauses of the negated dependency.
    Conflicts,
}

impl Interner for Provider<'_> {
    type NameId = NameId;
    type SolvableId = SolvableId;

    fn display_solvable(&self, solvable: SolvableId) -> impl Display + '_ {
        if self.is_virtual(solvable) {
            let atom =
                self.absences.borrow()[(solvable.into_raw() - self.absence_base().0) as usize];
            return format!("(nothing providing {})", self.pool.dep_to_string(atom));
        }
        self.pool.nevra(to_package(solvable))
    }

    fn display_merged_solvables(&self, solvables: &[SolvableId]) -> impl Display + '_ {
        let mut names: Vec<String> = solvables
            .iter()
            .map(|&s| self.display_solvable(s).to_string())
            .collect();
        names.sort();
        names.dedup();
        names.join(" | ")
    }

    fn display_name(&self, name: NameId) -> impl Display + '_ {
        let (_, base) = self.absence_base();
        if name.into_raw() >= base {
            let atom = self.absences.borrow()[(name.into_raw() - base) as usize];
            return format!("absence of {}", self.pool.dep_to_string(atom));
        }
        self.pool.name(name.into_raw()).to_owned()
    }

    fn display_version_set(&self, version_set: VersionSetId) -> impl Display + '_ {
        let pool = self.pool;
        match self.version_set(version_set) {
            VersionSet::Named(_) => String::new(),
            VersionSet::Provides(name, dep) => {
                let text = pool.dep_to_string(dep);
                if text == pool.name(name) {
                    String::new()
                } else {
                    format!("(providing {text})")
                }
            }
            VersionSet::Packages(_, ids) => ids
                .iter()
                .map(|&id| pool.package_evr(id))
                .collect::<Vec<_>>()
                .join(" | "),
            VersionSet::NotProviding(_, dep, Some(except)) => {
                format!(
                    "(not providing {}, as {} conflicts with it)",
                    pool.dep_to_string(dep),
                    pool.nevra(except)
                )
            }
            VersionSet::NotProviding(_, dep, None) => {
                format!("(not providing {})", pool.dep_to_string(dep))
            }
            VersionSet::Impossible(_, dep) => {
                format!(
                    "(none: `{}` is false once it is installed)",
                    pool.dep_to_string(dep)
                )
            }
            VersionSet::NotObsoleted(_, dep, except) => {
                format!(
                    "(not {}, which {} obsoletes)",
                    pool.dep_to_string(dep),
                    pool.nevra(except)
                )
            }
            VersionSet::Absence(_) => String::new(),
        }
    }

    fn display_string(&self, string_id: StringId) -> impl Display + '_ {
        self.strings.borrow()[string_id.0 as usize].clone()
    }

    fn version_set_name(&self, version_set: VersionSetId) -> NameId {
        match self.version_set(version_set) {
            VersionSet::Absence(index) => NameId::from_raw(self.absence_base().1 + index),
            set => NameId::from_raw(set.name()),
        }
    }

    fn solvable_name(&self, solvable: SolvableId) -> NameId {
        if self.is_virtual(solvable) {
            let (base, name_base) = self.absence_base();
            return NameId::from_raw(name_base + solvable.into_raw() - base);
        }
        NameId::from_raw(self.pool.solvable(to_package(solvable)).name)
    }

    fn version_sets_in_union(
        &self,
        version_set_union: VersionSetUnionId,
    ) -> impl Iterator<Item = VersionSetId> {
        self.unions.borrow()[version_set_union.0 as usize]
            .clone()
            .into_iter()
    }

    fn resolve_condition(&self, _condition: ConditionId) -> Condition {
        unreachable!("no conditional requirements are created")
    }
}

impl DependencyProvider for Provider<'_> {
    async fn filter_candidates(
        &self,
        candidates: &[SolvableId],
        version_set: VersionSetId,
        inverse: bool,
    ) -> Vec<SolvableId> {
        let set = self.version_set(version_set);
        candidates
            .iter()
            .copied()
            .filter(|&s| (self.is_virtual(s) || self.contains(&set, to_package(s))) != inverse)
            .collect()
    }

    async fn get_candidates(&self, name: NameId) -> Option<Candidates<SolvableId>> {
        let pool = self.pool;
        let (base, name_base) = self.absence_base();
        if name.into_raw() >= name_base {
            return Some(Candidates {
                candidates: vec![SolvableId::from_raw(base + name.into_raw() - name_base)],
                hint_dependencies_available: HintDependenciesAvailable::All,
                ..Candidates::default()
            });
        }
        let ids = pool.same_name(name.into_raw());
        if ids.is_empty() {
            return None;
        }
        let mut candidates = Candidates {
            candidates: ids.iter().map(|&id| to_solvable(id)).collect(),
            hint_dependencies_available: HintDependenciesAvailable::All,
            allow_multiple: ids.iter().any(|&id| pool.is_installonly(id)),
            ..Candidates::default()
        };
        candidates.favored = ids
            .iter()
            .copied()
            .find(|&id| self.is_preferred(id))
            .map(to_solvable);
        for &id in ids {
            if !pool.is_installable(id) {
                let reason = format!(
                    "{} is excluded (architecture {} or an exclude pattern)",
                    pool.nevra(id),
                    pool.package_arch(id)
                );
                candidates
                    .excluded
                    .push((to_solvable(id), self.intern_string(reason)));
            }
        }
        Some(candidates)
    }

    async fn sort_candidates(&self, _solver: &SolverCache<Self>, solvables: &mut [SolvableId]) {
        let pool = self.pool;
        if solvables.iter().any(|&s| self.is_virtual(s)) {
            return;
        }
        solvables.sort_by(|&a, &b| {
            let (a, b) = (to_package(a), to_package(b));
            self.is_preferred(b)
                .cmp(&self.is_preferred(a))
                .then_with(|| {
                    pool.package_repository(b)
                        .priority
                        .cmp(&pool.package_repository(a).priority)
                })
                .then_with(|| {
                    let (ea, eb) = (
                        pool.evr(pool.solvable(a).evr),
                        pool.evr(pool.solvable(b).evr),
                    );
                    eb.parts().compare(&ea.parts())
                })
                .then_with(|| a.cmp(&b))
        });
    }

    async fn get_dependencies(&self, solvable: SolvableId) -> Dependencies {
        if self.is_virtual(solvable) {
            let atom =
                self.absences.borrow()[(solvable.into_raw() - self.absence_base().0) as usize];
            let constrains = self
                .names_in_order(self.pool.whatprovides(atom))
                .into_iter()
                .map(|name| self.intern_version_set(VersionSet::NotProviding(name, atom, None)))
                .collect();
            return Dependencies::Known(KnownDependencies {
                requirements: Vec::new(),
                constrains,
            });
        }
        Dependencies::Known(self.dependencies_of(to_package(solvable)))
    }
}
