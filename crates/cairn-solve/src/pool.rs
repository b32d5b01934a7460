//! The package pool: every package of every repository, with interned names, versions and
//! dependencies, and the index of who provides what.
//!
//! Package ids start at 1 and follow the order in which repositories and packages are added,
//! which is the order libsolv numbers solvables in (`repo2solv`, `add_rpmmd`, dnf): its choice
//! policy breaks ties by that order, so ours must too.

use std::cell::OnceCell;
use std::fmt;

use ahash::{AHashMap, AHashSet};
use cairn_rpm_types::{ArchPolicy, Comparison, EvrParts, RichDependency, ranges_overlap};
use indexmap::IndexSet;

type FastIndexSet<T> = IndexSet<T, ahash::RandomState>;

/// A package in a [`Pool`]; ids start at 1 and follow insertion order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PackageId(pub(crate) u32);

impl PackageId {
    pub(crate) fn index(self) -> usize {
        self.0 as usize
    }
}

/// An interned string: a package or capability name, or an architecture.
pub(crate) type NameId = u32;
/// An interned EVR.
pub(crate) type EvrId = u32;
/// An interned dependency.
pub(crate) type DepId = u32;
/// One provide of a capability: the provider and, if versioned, the provided range.
type Provide = (PackageId, Option<(Comparison, EvrId)>);

/// A dependency, shaped like libsolv's reldeps so that rich dependencies normalize the way
/// libsolv's `cplxdeps.c` normalizes them: chains nest to the right (`a and b and c` is
/// `And(a, And(b, c))`) and `if`/`unless` with `else` hold an [`Dep::Else`] on their right.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Dep {
    /// `name`.
    Name(NameId),
    /// `name OP evr`.
    Range(NameId, Comparison, EvrId),
    And(DepId, DepId),
    Or(DepId, DepId),
    /// `left if right`.
    If(DepId, DepId),
    /// `left unless right`.
    Unless(DepId, DepId),
    /// The right side of `if`/`unless` with an `else`: (condition, otherwise).
    Else(DepId, DepId),
    With(DepId, DepId),
    Without(DepId, DepId),
}

/// A repository: a name for messages and a priority (larger wins, as in libsolv; dnf's
/// `priority=` is the negation).
#[derive(Clone, Debug)]
pub struct Repository {
    /// Shown in results and messages.
    pub name: String,
    /// libsolv priority: packages from a repository with a larger value are preferred.
    pub priority: i32,
}

/// One package, as the solver sees it.
#[derive(Clone, Debug)]
pub(crate) struct Solvable {
    pub name: NameId,
    pub evr: EvrId,
    pub arch: NameId,
    pub repo: u32,
    pub installable: bool,
    pub location: Box<str>,
    pub provides: Box<[DepId]>,
    pub requires: Box<[DepId]>,
    pub conflicts: Box<[DepId]>,
    pub obsoletes: Box<[DepId]>,
    pub recommends: Box<[DepId]>,
    pub suggests: Box<[DepId]>,
    pub supplements: Box<[DepId]>,
    pub enhances: Box<[DepId]>,
}

/// An interned EVR, split.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct EvrText {
    pub epoch: Option<Box<str>>,
    pub version: Box<str>,
    pub release: Option<Box<str>>,
}

/// An EVR to look up without allocating: hashes like [`EvrText`] (same fields, same order, and
/// `str` hashes alike boxed or borrowed).
#[derive(Hash)]
struct EvrKey<'a> {
    epoch: Option<&'a str>,
    version: &'a str,
    release: Option<&'a str>,
}

impl indexmap::Equivalent<EvrText> for EvrKey<'_> {
    fn equivalent(&self, key: &EvrText) -> bool {
        self.epoch == key.epoch.as_deref()
            && self.version == &*key.version
            && self.release == key.release.as_deref()
    }
}

impl EvrText {
    pub fn parts(&self) -> EvrParts<'_> {
        EvrParts {
            epoch: self.epoch.as_deref(),
            version: &self.version,
            release: self.release.as_deref(),
        }
    }
}

impl fmt::Display for EvrText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(epoch) = &self.epoch {
            write!(f, "{epoch}:")?;
        }
        f.write_str(&self.version)?;
        if let Some(release) = &self.release {
            write!(f, "-{release}")?;
        }
        Ok(())
    }
}

/// Which files can satisfy file dependencies.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FileMatching {
    /// rpm's semantics: any file or directory a package owns provides its path.
    #[default]
    Rpm,
    /// libsolv's: files and directories directly under `/` (`/etc`, `/etc2`) never provide their
    /// path, as libsolv 0.7 and dnf 4 behave (see the peers README); explicit `Provides:` still do.
    /// A versioned dependency on a path (`/usr/bin/tool >= 1`) matches nothing at all, not even a
    /// versioned `Provides:` of the path (libsolv 0.7.23's testsolv: "nothing provides"), where
    /// rpm accepts any package owning or providing the path.
    Libsolv,
}

/// All packages of all repositories, ready to solve against.
pub struct Pool {
    pub(crate) names: FastIndexSet<Box<str>>,
    pub(crate) evrs: FastIndexSet<EvrText>,
    pub(crate) deps: FastIndexSet<Dep>,
    /// Index 0 is a placeholder so that ids start at 1.
    pub(crate) solvables: Vec<Solvable>,
    pub(crate) repositories: Vec<Repository>,
    /// Capability name → (provider, version of the provide), in package order.
    providers: AHashMap<NameId, Vec<Provide>>,
    /// Path → packages owning it, for the paths some dependency names.
    file_owners: AHashMap<NameId, Vec<PackageId>>,
    /// Package name → packages of that name, in package order.
    by_name: AHashMap<NameId, Vec<PackageId>>,
    whatprovides: Vec<OnceCell<Box<[PackageId]>>>,
    /// Capabilities that make a package install-only (several versions side by side).
    installonly: Vec<NameId>,
    /// Per package: whether it is install-only; computed lazily.
    installonly_cache: OnceCell<Vec<bool>>,
    /// Set by [`PoolBuilder::build`]; from then on every new dependency gets a cache slot.
    built: bool,
    file_matching: FileMatching,
}

impl fmt::Debug for Pool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pool")
            .field("packages", &self.package_count())
            .field("repositories", &self.repositories)
            .finish_non_exhaustive()
    }
}

/// Builds a [`Pool`] from repositories' package records.
pub struct PoolBuilder {
    pool: Pool,
    arch_policy: ArchPolicy,
    excludes: Option<globset::GlobSet>,
    /// Files each package owns (primary.xml's, then filelists.xml's), kept until [`Self::build`]
    /// decides which paths matter.
    files: Vec<Vec<NameId>>,
    pkgids: AHashMap<(u32, Box<str>), PackageId>,
    file_matching: FileMatching,
}

impl PoolBuilder {
    /// An empty pool that installs packages of `arch_policy`'s architectures.
    #[must_use]
    pub fn new(arch_policy: ArchPolicy) -> Self {
        let mut names = FastIndexSet::default();
        names.insert(Box::<str>::from(""));
        let mut evrs = FastIndexSet::default();
        evrs.insert(EvrText {
            epoch: None,
            version: "".into(),
            release: None,
        });
        let placeholder = Solvable {
            name: 0,
            evr: 0,
            arch: 0,
            repo: 0,
            installable: false,
            location: "".into(),
            provides: Box::new([]),
            requires: Box::new([]),
            conflicts: Box::new([]),
            obsoletes: Box::new([]),
            recommends: Box::new([]),
            suggests: Box::new([]),
            supplements: Box::new([]),
            enhances: Box::new([]),
        };
        Self {
            pool: Pool {
                names,
                evrs,
                deps: FastIndexSet::default(),
                solvables: vec![placeholder],
                repositories: Vec::new(),
                providers: AHashMap::default(),
                file_owners: AHashMap::default(),
                by_name: AHashMap::default(),
                whatprovides: Vec::new(),
                installonly: Vec::new(),
                installonly_cache: OnceCell::new(),
                built: false,
                file_matching: FileMatching::default(),
            },
            arch_policy,
            excludes: None,
            files: vec![Vec::new()],
            pkgids: AHashMap::default(),
            file_matching: FileMatching::default(),
        }
    }

    /// Packages whose name matches one of these globs are never installed.
    #[must_use]
    pub fn excludes(mut self, excludes: globset::GlobSet) -> Self {
        self.excludes = Some(excludes);
        self
    }

    /// How file dependencies are matched (rpm's way by default).
    #[must_use]
    pub fn file_matching(mut self, file_matching: FileMatching) -> Self {
        self.file_matching = file_matching;
        self
    }

    /// Capabilities that make a package install-only: several versions may be installed side by
    /// side (dnf's `installonlypkgs`).
    #[must_use]
    pub fn installonly<'a>(mut self, capabilities: impl IntoIterator<Item = &'a str>) -> Self {
        self.pool.installonly = capabilities
            .into_iter()
            .map(|c| self.pool.intern_name(c))
            .collect();
        self
    }

    /// Adds a repository; its packages follow with [`Self::add_package`].
    pub fn add_repository(&mut self, name: impl Into<String>, priority: i32) -> u32 {
        self.pool.repositories.push(Repository {
            name: name.into(),
            priority,
        });
        u32::try_from(self.pool.repositories.len() - 1).expect("fewer than 4 billion repositories")
    }

    /// Adds one package of `repository`, with the files primary.xml lists for it.
    pub fn add_package(&mut self, repository: u32, package: &cairn_repomd::Package) -> PackageId {
        let pool = &mut self.pool;
        let name = pool.intern_name(&package.name);
        let epoch = (package.epoch != 0).then(|| package.epoch.to_string());
        let evr = pool.intern_evr(epoch.as_deref(), &package.version, Some(&package.release));
        let arch = pool.intern_name(&package.arch);
        let excluded = self
            .excludes
            .as_ref()
            .is_some_and(|globs| globs.is_match(&package.name));
        let installable = !excluded && self.arch_policy.accepts(&package.arch);
        let mut provides = pool.intern_dependencies(&package.provides);
        // libsolv's rpm-md reader adds `name = evr` when a package does not provide itself.
        let self_provide = pool.intern_dep(Dep::Range(name, Comparison::Equal, evr));
        if !provides.contains(&self_provide) {
            provides.push(self_provide);
        }
        let id =
            PackageId(u32::try_from(pool.solvables.len()).expect("fewer than 4 billion packages"));
        for &provide in &provides {
            let (capability, range) = match pool.deps[provide as usize] {
                Dep::Name(name) => (name, None),
                Dep::Range(name, comparison, evr) => (name, Some((comparison, evr))),
                // A rich provide is meaningless to rpm; it provides nothing.
                _ => continue,
            };
            pool.providers
                .entry(capability)
                .or_default()
                .push((id, range));
        }
        let solvable = Solvable {
            name,
            evr,
            arch,
            repo: repository,
            installable,
            location: package.location_href.as_str().into(),
            provides: provides.into(),
            requires: pool.intern_dependencies(&package.requires).into(),
            conflicts: pool.intern_dependencies(&package.conflicts).into(),
            obsoletes: pool.intern_dependencies(&package.obsoletes).into(),
            recommends: pool.intern_dependencies(&package.recommends).into(),
            suggests: pool.intern_dependencies(&package.suggests).into(),
            supplements: pool.intern_dependencies(&package.supplements).into(),
            enhances: pool.intern_dependencies(&package.enhances).into(),
        };
        pool.solvables.push(solvable);
        pool.by_name.entry(name).or_default().push(id);
        let files = package
            .files
            .iter()
            .map(|file| pool.intern_name(&file.path))
            .collect();
        self.files.push(files);
        self.pkgids.insert((repository, package.pkgid().into()), id);
        id
    }

    /// Paths named by file dependencies (`Requires: /usr/bin/foo`) that primary.xml may not list:
    /// when this is empty, filelists.xml need not be read.
    #[must_use]
    pub fn paths_needing_filelists(&self) -> AHashSet<Box<str>> {
        self.file_dependency_paths()
            .into_iter()
            .map(|name| self.pool.name(name))
            .filter(|path| !cairn_repomd::is_primary_file(path))
            .map(Box::from)
            .collect()
    }

    /// Records the files of the package with `pkgid` in `repository` (from filelists.xml).
    /// Returns false when no such package was added.
    pub fn add_files<'a>(
        &mut self,
        repository: u32,
        pkgid: &str,
        paths: impl IntoIterator<Item = &'a str>,
    ) -> bool {
        let Some(&id) = self.pkgids.get(&(repository, Box::from(pkgid))) else {
            return false;
        };
        let pool = &mut self.pool;
        let files = &mut self.files[id.index()];
        for path in paths {
            // Only paths that are already interned can be named by a dependency.
            if let Some(name) = pool.names.get_index_of(path) {
                let name = name as NameId;
                if !files.contains(&name) {
                    files.push(name);
                }
            }
        }
        true
    }

    fn file_dependency_paths(&self) -> Vec<NameId> {
        let pool = &self.pool;
        let mut paths = AHashSet::default();
        for dep in &pool.deps {
            if let Dep::Name(name) | Dep::Range(name, ..) = *dep
                && pool.name(name).starts_with('/')
            {
                paths.insert(name);
            }
        }
        let mut paths: Vec<NameId> = paths.into_iter().collect();
        paths.sort_unstable();
        paths
    }

    /// Finishes the pool: indexes the owners of every path a dependency names.
    #[must_use]
    pub fn build(mut self) -> Pool {
        let wanted: AHashSet<NameId> = self.file_dependency_paths().into_iter().collect();
        for (index, files) in self.files.iter().enumerate() {
            for &path in files {
                if !wanted.contains(&path) {
                    continue;
                }
                if self.file_matching == FileMatching::Libsolv && is_top_level(self.pool.name(path))
                {
                    continue;
                }
                let owners = self.pool.file_owners.entry(path).or_default();
                let id = PackageId(index as u32);
                if owners.last() != Some(&id) {
                    owners.push(id);
                }
            }
        }
        self.pool.whatprovides = (0..self.pool.deps.len()).map(|_| OnceCell::new()).collect();
        self.pool.built = true;
        self.pool.file_matching = self.file_matching;
        self.pool
    }
}

fn is_top_level(path: &str) -> bool {
    path.len() > 1 && !path[1..].contains('/')
}

impl Pool {
    /// How many packages the pool holds.
    #[must_use]
    pub fn package_count(&self) -> usize {
        self.solvables.len() - 1
    }

    /// Every package id, in pool order.
    pub fn packages(&self) -> impl Iterator<Item = PackageId> + '_ {
        (1..self.solvables.len()).map(|index| PackageId(index as u32))
    }

    /// The repositories, in the order they were added.
    #[must_use]
    pub fn repositories(&self) -> &[Repository] {
        &self.repositories
    }

    pub(crate) fn solvable(&self, id: PackageId) -> &Solvable {
        &self.solvables[id.index()]
    }

    pub(crate) fn name(&self, name: NameId) -> &str {
        &self.names[name as usize]
    }

    pub(crate) fn evr(&self, evr: EvrId) -> &EvrText {
        &self.evrs[evr as usize]
    }

    /// The package's name.
    #[must_use]
    pub fn package_name(&self, id: PackageId) -> &str {
        self.name(self.solvable(id).name)
    }

    /// The package's `[epoch:]version-release`.
    #[must_use]
    pub fn package_evr(&self, id: PackageId) -> String {
        self.evr(self.solvable(id).evr).to_string()
    }

    /// The package's architecture.
    #[must_use]
    pub fn package_arch(&self, id: PackageId) -> &str {
        self.name(self.solvable(id).arch)
    }

    /// `name-[epoch:]version-release.arch`.
    #[must_use]
    pub fn nevra(&self, id: PackageId) -> String {
        format!(
            "{}-{}.{}",
            self.package_name(id),
            self.package_evr(id),
            self.package_arch(id)
        )
    }

    /// The repository the package comes from.
    #[must_use]
    pub fn package_repository(&self, id: PackageId) -> &Repository {
        &self.repositories[self.solvable(id).repo as usize]
    }

    /// The package's path relative to its repository (`<location href>`).
    #[must_use]
    pub fn package_location(&self, id: PackageId) -> &str {
        &self.solvable(id).location
    }

    /// Whether the package may be installed at all (architecture and excludes).
    #[must_use]
    pub fn is_installable(&self, id: PackageId) -> bool {
        self.solvable(id).installable
    }

    /// Packages with this exact name, in pool order.
    #[must_use]
    pub fn packages_named(&self, name: &str) -> &[PackageId] {
        self.lookup_name(name)
            .map_or(&[], |name| self.same_name(name))
    }

    pub(crate) fn same_name(&self, name: NameId) -> &[PackageId] {
        self.by_name.get(&name).map_or(&[], Vec::as_slice)
    }

    pub(crate) fn lookup_name(&self, name: &str) -> Option<NameId> {
        self.names.get_index_of(name).map(|index| index as NameId)
    }

    pub(crate) fn intern_name(&mut self, name: &str) -> NameId {
        if let Some(index) = self.names.get_index_of(name) {
            return index as NameId;
        }
        self.names.insert_full(name.into()).0 as NameId
    }

    fn intern_evr(&mut self, epoch: Option<&str>, version: &str, release: Option<&str>) -> EvrId {
        // rpm-md writes epoch="0" for "no epoch"; both compare the same, keep the short form.
        let epoch = epoch.filter(|e| !e.is_empty() && *e != "0");
        let key = EvrKey {
            epoch,
            version,
            release,
        };
        if let Some(index) = self.evrs.get_index_of(&key) {
            return index as EvrId;
        }
        let text = EvrText {
            epoch: epoch.map(Into::into),
            version: version.into(),
            release: release.map(Into::into),
        };
        self.evrs.insert_full(text).0 as EvrId
    }

    pub(crate) fn intern_dep(&mut self, dep: Dep) -> DepId {
        let (index, added) = self.deps.insert_full(dep);
        if added && self.built {
            self.whatprovides.push(OnceCell::new());
        }
        index as DepId
    }

    fn intern_dependencies(&mut self, dependencies: &[cairn_repomd::Dependency]) -> Vec<DepId> {
        let mut ids = Vec::with_capacity(dependencies.len());
        for dependency in dependencies {
            let id = self.intern_repomd_dependency(dependency);
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        ids
    }

    fn intern_repomd_dependency(&mut self, dependency: &cairn_repomd::Dependency) -> DepId {
        if dependency.name.starts_with('(') && dependency.flags.is_none() {
            match RichDependency::parse(&dependency.name) {
                Ok(rich) => return self.intern_rich(&rich),
                // libsolv's rpm-md reader falls back to a plain name, which nothing provides.
                Err(error) => {
                    tracing::warn!("ignoring the structure of a malformed rich dependency: {error}")
                }
            }
        }
        let name = self.intern_name(&dependency.name);
        let comparison = dependency
            .flags
            .and_then(|flags| cairn_rpm_types::Comparison::from_rpmmd_flags(flags.as_str()));
        match (comparison, &dependency.version) {
            (Some(comparison), Some(version)) => {
                let evr = self.intern_evr(
                    dependency.epoch.as_deref(),
                    version,
                    dependency.release.as_deref(),
                );
                self.intern_dep(Dep::Range(name, comparison, evr))
            }
            _ => self.intern_dep(Dep::Name(name)),
        }
    }

    /// Interns a parsed dependency, simple or rich.
    pub(crate) fn intern_rich(&mut self, rich: &RichDependency) -> DepId {
        match rich {
            RichDependency::Simple(simple) => {
                let name = self.intern_name(&simple.name);
                match &simple.constraint {
                    Some(constraint) => {
                        let evr = constraint.evr.parts();
                        let evr = self.intern_evr(evr.epoch, evr.version, evr.release);
                        self.intern_dep(Dep::Range(name, constraint.comparison, evr))
                    }
                    None => self.intern_dep(Dep::Name(name)),
                }
            }
            RichDependency::And(operands) => self.intern_chain(operands, Dep::And),
            RichDependency::Or(operands) => self.intern_chain(operands, Dep::Or),
            RichDependency::With(operands) => self.intern_chain(operands, Dep::With),
            RichDependency::Without(left, right) => {
                let (left, right) = (self.intern_rich(left), self.intern_rich(right));
                self.intern_dep(Dep::Without(left, right))
            }
            RichDependency::If {
                then,
                condition,
                otherwise,
            } => self.intern_conditional(then, condition, otherwise.as_deref(), Dep::If),
            RichDependency::Unless {
                then,
                condition,
                otherwise,
            } => self.intern_conditional(then, condition, otherwise.as_deref(), Dep::Unless),
        }
    }

    fn intern_chain(
        &mut self,
        operands: &[RichDependency],
        join: fn(DepId, DepId) -> Dep,
    ) -> DepId {
        let mut ids: Vec<DepId> = operands
            .iter()
            .map(|operand| self.intern_rich(operand))
            .collect();
        let mut right = ids.pop().expect("a chain has operands");
        while let Some(left) = ids.pop() {
            right = self.intern_dep(join(left, right));
        }
        right
    }

    fn intern_conditional(
        &mut self,
        then: &RichDependency,
        condition: &RichDependency,
        otherwise: Option<&RichDependency>,
        join: fn(DepId, DepId) -> Dep,
    ) -> DepId {
        let then = self.intern_rich(then);
        let condition = self.intern_rich(condition);
        let right = match otherwise {
            Some(otherwise) => {
                let otherwise = self.intern_rich(otherwise);
                self.intern_dep(Dep::Else(condition, otherwise))
            }
            None => condition,
        };
        self.intern_dep(join(then, right))
    }

    pub(crate) fn dep(&self, dep: DepId) -> Dep {
        self.deps[dep as usize]
    }

    /// Whether libsolv treats the dependency as complex (rule-normalized) rather than as a
    /// provider list (`pool_is_complex_dep`): `and`, `if` and `unless` anywhere outside a
    /// `with`/`without`.
    pub(crate) fn is_complex(&self, dep: DepId) -> bool {
        match self.dep(dep) {
            Dep::And(..) | Dep::If(..) | Dep::Unless(..) => true,
            Dep::Or(left, right) => self.is_complex(left) || self.is_complex(right),
            _ => false,
        }
    }

    /// The packages providing `dep`, ascending; cached.
    pub(crate) fn whatprovides(&self, dep: DepId) -> &[PackageId] {
        self.whatprovides[dep as usize].get_or_init(|| self.compute_whatprovides(dep))
    }

    fn compute_whatprovides(&self, dep: DepId) -> Box<[PackageId]> {
        let mut found: Vec<PackageId> = match self.dep(dep) {
            Dep::Name(name) => {
                let mut found: Vec<PackageId> = self
                    .providers
                    .get(&name)
                    .into_iter()
                    .flatten()
                    .map(|&(id, _)| id)
                    .collect();
                found.extend(self.file_owners.get(&name).into_iter().flatten().copied());
                found
            }
            Dep::Range(name, ..)
                if self.file_matching == FileMatching::Libsolv
                    && self.name(name).starts_with('/') =>
            {
                Vec::new()
            }
            Dep::Range(name, comparison, evr) => {
                let wanted = self.evr(evr).parts();
                let mut found: Vec<PackageId> = self
                    .providers
                    .get(&name)
                    .into_iter()
                    .flatten()
                    .filter(|(_, range)| match range {
                        None => true,
                        Some((provided, provided_evr)) => ranges_overlap(
                            *provided,
                            self.evr(*provided_evr).parts(),
                            comparison,
                            wanted,
                        ),
                    })
                    .map(|&(id, _)| id)
                    .collect();
                found.extend(self.file_owners.get(&name).into_iter().flatten().copied());
                found
            }
            Dep::Or(left, right) | Dep::Else(left, right) => {
                let mut found = self.whatprovides(left).to_vec();
                found.extend_from_slice(self.whatprovides(right));
                found
            }
            Dep::And(left, right) | Dep::With(left, right) => {
                let right = self.whatprovides(right);
                self.whatprovides(left)
                    .iter()
                    .copied()
                    .filter(|id| right.binary_search(id).is_ok())
                    .collect()
            }
            Dep::Without(left, right) => {
                let right = self.whatprovides(right);
                self.whatprovides(left)
                    .iter()
                    .copied()
                    .filter(|id| right.binary_search(id).is_err())
                    .collect()
            }
            // libsolv's pool_addrelproviders: a condition does not change who provides the left side.
            Dep::If(left, _) | Dep::Unless(left, _) => self.whatprovides(left).to_vec(),
        };
        found.sort_unstable();
        found.dedup();
        found.into()
    }

    /// Whether package `id` matches `dep` by name and version (libsolv's `pool_match_nevr`), as
    /// Obsoletes are matched: against package names, not provides.
    pub(crate) fn matches_nevr(&self, id: PackageId, dep: DepId) -> bool {
        let solvable = self.solvable(id);
        match self.dep(dep) {
            Dep::Name(name) => solvable.name == name,
            Dep::Range(name, comparison, evr) => {
                solvable.name == name
                    && ranges_overlap(
                        Comparison::Equal,
                        self.evr(solvable.evr).parts(),
                        comparison,
                        self.evr(evr).parts(),
                    )
            }
            _ => false,
        }
    }

    /// Whether the package is install-only (several versions may be installed side by side).
    pub(crate) fn is_installonly(&self, id: PackageId) -> bool {
        self.installonly_cache.get_or_init(|| {
            let mut flags = vec![false; self.solvables.len()];
            for &capability in &self.installonly {
                for &(provider, _) in self.providers.get(&capability).into_iter().flatten() {
                    flags[provider.index()] = true;
                }
            }
            flags
        })[id.index()]
    }

    /// The dependency as rpm would print it.
    pub(crate) fn dep_to_string(&self, dep: DepId) -> String {
        match self.dep(dep) {
            Dep::Name(name) => self.name(name).to_owned(),
            Dep::Range(name, comparison, evr) => {
                format!("{} {} {}", self.name(name), comparison, self.evr(evr))
            }
            Dep::And(left, right) => self.binary_to_string(left, "and", right),
            Dep::Or(left, right) => self.binary_to_string(left, "or", right),
            Dep::With(left, right) => self.binary_to_string(left, "with", right),
            Dep::Without(left, right) => self.binary_to_string(left, "without", right),
            Dep::If(left, right) => self.binary_to_string(left, "if", right),
            Dep::Unless(left, right) => self.binary_to_string(left, "unless", right),
            Dep::Else(left, right) => format!(
                "{} else {}",
                self.operand_to_string(left),
                self.operand_to_string(right)
            ),
        }
    }

    fn binary_to_string(&self, left: DepId, word: &str, right: DepId) -> String {
        let same_chain = matches!(
            (self.dep(right), word),
            (Dep::And(..), "and") | (Dep::Or(..), "or") | (Dep::With(..), "with")
        );
        let right_text = if same_chain || matches!(self.dep(right), Dep::Else(..)) {
            let inner = self.dep_to_string(right);
            inner
                .strip_prefix('(')
                .and_then(|s| s.strip_suffix(')'))
                .map(str::to_owned)
                .unwrap_or(inner)
        } else {
            self.operand_to_string(right)
        };
        format!("({} {word} {right_text})", self.operand_to_string(left))
    }

    fn operand_to_string(&self, dep: DepId) -> String {
        self.dep_to_string(dep)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A package record for tests: `spec` is `name-version-release.arch` and deps are given as
    /// `Requires:`-style strings.
    pub(crate) fn package(nevra: &str, deps: &[(&str, &str)]) -> cairn_repomd::Package {
        let parsed = cairn_rpm_types::Nevra::parse(nevra).expect("a NEVRA");
        let mut package = cairn_repomd::Package {
            name: parsed.name.clone(),
            arch: parsed.arch.to_string(),
            epoch: parsed.evr.epoch_number().unwrap_or(0) as u32,
            version: parsed.evr.version().into(),
            release: parsed.evr.release().unwrap_or_default().into(),
            location_href: format!("Packages/{nevra}.rpm"),
            ..Default::default()
        };
        package.checksum = cairn_repomd::Checksum::sha256(format!("{nevra:0>64}"));
        for &(kind, text) in deps {
            if kind == "file" {
                package.files.push(cairn_repomd::PackageFile {
                    path: text.into(),
                    kind: cairn_repomd::FileKind::File,
                });
                continue;
            }
            let dependency = repomd_dependency(text);
            let list = match kind {
                "provides" => &mut package.provides,
                "requires" => &mut package.requires,
                "conflicts" => &mut package.conflicts,
                "obsoletes" => &mut package.obsoletes,
                "recommends" => &mut package.recommends,
                "suggests" => &mut package.suggests,
                "supplements" => &mut package.supplements,
                "enhances" => &mut package.enhances,
                other => panic!("unknown dependency kind {other}"),
            };
            list.push(dependency);
        }
        package
    }

    pub(crate) fn repomd_dependency(text: &str) -> cairn_repomd::Dependency {
        if text.starts_with('(') {
            return cairn_repomd::Dependency::new(text);
        }
        let parsed = cairn_rpm_types::Dependency::parse(text).expect("a dependency");
        let mut dependency = cairn_repomd::Dependency::new(parsed.name);
        if let Some(constraint) = parsed.constraint {
            dependency.flags =
                cairn_repomd::Comparison::from_rpm_md(constraint.comparison.rpmmd_flags());
            dependency.epoch = constraint.evr.epoch().map(str::to_owned);
            dependency.version = Some(constraint.evr.version().to_owned());
            dependency.release = constraint.evr.release().map(str::to_owned);
        }
        dependency
    }

    pub(crate) fn pool(packages: &[cairn_repomd::Package]) -> Pool {
        let mut builder = PoolBuilder::new(ArchPolicy::new(cairn_rpm_types::Arch::new("x86_64")));
        let repository = builder.add_repository("test", 0);
        for package in packages {
            builder.add_package(repository, package);
        }
        builder.build()
    }

    #[test]
    fn provides_with_versions_and_files() {
        let pool = pool(&[
            package(
                "a-1-1.noarch",
                &[
                    ("provides", "cap = 2.0"),
                    ("requires", "cap >= 1.5"),
                    ("requires", "/usr/bin/b"),
                ],
            ),
            package(
                "b-1-1.noarch",
                &[("provides", "cap = 1.0"), ("file", "/usr/bin/b")],
            ),
            package("c-2-1.noarch", &[("provides", "cap")]),
        ]);
        let requires = pool.solvable(PackageId(1)).requires.clone();
        let names: Vec<String> = pool
            .whatprovides(requires[0])
            .iter()
            .map(|&id| pool.nevra(id))
            .collect();
        assert_eq!(names, ["a-1-1.noarch", "c-2-1.noarch"]);
        let owners: Vec<String> = pool
            .whatprovides(requires[1])
            .iter()
            .map(|&id| pool.nevra(id))
            .collect();
        assert_eq!(owners, ["b-1-1.noarch"]);
    }

    #[test]
    fn rich_dependencies_nest_like_libsolv() {
        let mut pool = pool(&[package("a-1-1.noarch", &[("requires", "(b and c and d)")])]);
        let requires = pool.solvable(PackageId(1)).requires[0];
        let Dep::And(_, right) = pool.dep(requires) else {
            panic!("not an and")
        };
        assert!(matches!(pool.dep(right), Dep::And(..)));
        assert_eq!(pool.dep_to_string(requires), "(b and c and d)");
        let rich = RichDependency::parse("(x if y else z)").unwrap();
        let id = pool.intern_rich(&rich);
        assert_eq!(pool.dep_to_string(id), "(x if y else z)");
        assert!(pool.is_complex(id));
    }

    #[test]
    fn top_level_paths_follow_the_chosen_semantics() {
        let packages = [
            package(
                "a-1-1.noarch",
                &[("requires", "/etc2"), ("requires", "/usr/bin/b >= 1")],
            ),
            package(
                "b-1-1.noarch",
                &[
                    ("file", "/etc2"),
                    ("file", "/usr/bin/b"),
                    ("provides", "/usr/bin/b = 2"),
                ],
            ),
        ];
        let rpm = pool(&packages);
        for requires in rpm.solvable(PackageId(1)).requires.iter() {
            assert_eq!(rpm.whatprovides(*requires).len(), 1);
        }
        let mut builder = PoolBuilder::new(ArchPolicy::new(cairn_rpm_types::Arch::new("x86_64")))
            .file_matching(FileMatching::Libsolv);
        let repository = builder.add_repository("test", 0);
        for package in &packages {
            builder.add_package(repository, package);
        }
        let libsolv = builder.build();
        for requires in libsolv.solvable(PackageId(1)).requires.iter() {
            assert!(libsolv.whatprovides(*requires).is_empty());
        }
    }
}
