//! libsolv's choices, reproduced.
//!
//! When several packages could satisfy a dependency, which one ends up installed depends on the
//! solver's policy *and* on the order it looks at dependencies in. To give the same install sets
//! as dnf and libsolv (0.7, the version Debian 12 ships and dnf 4 links), this module replays
//! libsolv's decision procedure (`solver_run_sat()` in `src/solver.c`): the same rules in the
//! same order, the same unit propagation with the same watch lists, the same
//! `policy_filter_unwanted()`, the same postponing of ambiguous rules, the same weak-dependency
//! pass and the same minimization of branches.
//!
//! It does not learn from conflicts: the first time propagation fails it gives up and returns
//! nothing, and resolvo solves the job with its own search. The install set it returns is only a
//! preference: [`crate::solve`] hands it to resolvo, which checks it against the real
//! dependency encoding and produces the answer.

mod choose;
mod complex;
mod rules;
mod run;

use crate::pool::{DepId, PackageId, Pool};

/// One rule in libsolv's representation: `p` or the literals of `lits[d..]` (0-terminated), with
/// two watched literals chained through `n1`/`n2`.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Rule {
    p: i32,
    d: u32,
    w1: i32,
    w2: i32,
    n1: u32,
    n2: u32,
}

/// What the replay decided.
#[derive(Clone, Debug, Default)]
pub(crate) struct Plan {
    /// Every package libsolv would install, in decision order.
    pub installed: Vec<PackageId>,
    /// Those installed by the weak-dependency pass (Recommends, Supplements), in order.
    pub weak: Vec<PackageId>,
}

/// Why the replay stopped: a conflict it cannot learn from, or a job nothing satisfies.
#[derive(Debug)]
pub(crate) struct GaveUp;

/// The replay's state, named after libsolv's `Solver` fields.
pub(super) struct Emulation<'p> {
    pool: &'p Pool,
    rules: Vec<Rule>,
    lits: Vec<i32>,
    pkgrules_end: usize,
    jobrules: usize,
    jobrules_end: usize,
    /// `watches[nsolvables + literal]`: the first rule watching that literal.
    watches: Vec<u32>,
    decisionmap: Vec<i32>,
    decisionq: Vec<i32>,
    /// Why each decision was made: the implying rule, or minus the rule a free choice served.
    decisionq_why: Vec<i32>,
    propagate_index: usize,
    branches: Vec<i32>,
    recommendsmap: Vec<bool>,
    suggestsmap: Vec<bool>,
    recommends_index: isize,
    /// Complex recommends waiting for a condition package to be decided: (package, dep).
    recommends_postponed: Vec<(u32, DepId)>,
    suggests_postponed: Vec<(u32, DepId)>,
    multiversion: Vec<bool>,
    added: Vec<bool>,
    /// The reason of the decision `revert()` undid last (libsolv reads it past the queue's end).
    reverted_why: i32,
    /// Packages installed by the weak-dependency pass (cleared when reverted).
    weak_reason: Vec<bool>,
    do_weak: bool,
}

/// Replays libsolv on `jobs`, each the candidate list of one `install` job (in pool order).
pub(crate) fn plan(pool: &Pool, jobs: &[Vec<PackageId>], weak: bool) -> Result<Plan, GaveUp> {
    if jobs.iter().any(Vec::is_empty) {
        tracing::debug!("libsolv replay: a job has no candidates");
        return Err(GaveUp);
    }
    let size = pool.solvables.len();
    let mut emulation = Emulation {
        pool,
        rules: Vec::new(),
        // libsolv's whatprovidesdata starts with two reserved entries.
        lits: vec![0, 0],
        pkgrules_end: 0,
        jobrules: 0,
        jobrules_end: 0,
        watches: vec![0; 2 * size],
        decisionmap: vec![0; size],
        decisionq: Vec::new(),
        decisionq_why: Vec::new(),
        propagate_index: 0,
        branches: Vec::new(),
        recommendsmap: vec![false; size],
        suggestsmap: vec![false; size],
        recommends_index: 0,
        recommends_postponed: Vec::new(),
        suggests_postponed: Vec::new(),
        multiversion: pool.packages().fold(vec![false; size], |mut flags, id| {
            flags[id.index()] = pool.is_installonly(id);
            flags
        }),
        added: Vec::new(),
        reverted_why: 0,
        weak_reason: vec![false; size],
        do_weak: weak,
    };
    emulation.add_rules(jobs);
    emulation.make_watches();
    emulation.run()?;
    let installed: Vec<PackageId> = emulation
        .decisionq
        .iter()
        .filter(|&&decision| decision > 0)
        .map(|&decision| PackageId(decision as u32))
        .collect();
    let weak = installed
        .iter()
        .copied()
        .filter(|id| emulation.weak_reason[id.index()])
        .collect();
    Ok(Plan { installed, weak })
}
