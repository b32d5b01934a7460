//! libsolv's package and job rules (`src/rules.c`, 0.7): which packages get rules, the rules
//! themselves, and their order, which decides the order libsolv looks at choices in.

use super::complex::{self, EXPAND, FALSE, INVERT, MARKER, TO_DNF, TRUE};
use super::{Emulation, Rule};
use crate::pool::{Dep, DepId, PackageId};

/// A package rule before it gets its place: the first literal and the others.
struct PendingRule {
    p: i32,
    rest: Vec<i32>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Requires,
    Conflicts,
}

/// `unifyrules_sortcmp()`: by first literal, then binary/unary rules by their second literal,
/// then longer rules by their literal lists.
fn compare(a: &PendingRule, b: &PendingRule) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    let sign = |x: i64| x.cmp(&0);
    if a.p != b.p {
        return a.p.cmp(&b.p);
    }
    let a_long = a.rest.len() > 1;
    let b_long = b.rest.len() > 1;
    let w2 = |rule: &PendingRule| i64::from(rule.rest.first().copied().unwrap_or(0));
    match (a_long, b_long) {
        (false, false) => w2(a).cmp(&w2(b)),
        (false, true) => {
            let x = w2(a) - i64::from(b.rest[0]);
            if x != 0 { sign(x) } else { Ordering::Less }
        }
        (true, false) => {
            let x = i64::from(a.rest[0]) - w2(b);
            if x != 0 { sign(x) } else { Ordering::Greater }
        }
        (true, true) => {
            for (index, &bv) in b.rest.iter().enumerate() {
                let av = a.rest.get(index).copied().unwrap_or(0);
                let x = i64::from(av) - i64::from(bv);
                if x != 0 {
                    return sign(x);
                }
            }
            sign(i64::from(a.rest.get(b.rest.len()).copied().unwrap_or(0)))
        }
    }
}

struct RuleSink {
    rules: Vec<PendingRule>,
}

impl RuleSink {
    /// `solver_addrule()` during the package-rule phase: one- and two-literal rules are ordered,
    /// and rules that contain both a literal and its negation are dropped.
    fn add(&mut self, p: i32, p2: i32, list: &[i32]) {
        let (mut p, mut p2) = (p, p2);
        match list.len() {
            0 => {}
            1 => p2 = list[0],
            _ => {
                if list.contains(&-p) {
                    return;
                }
                self.rules.push(PendingRule {
                    p,
                    rest: list.to_vec(),
                });
                return;
            }
        }
        if p2 != 0 && p > p2 {
            std::mem::swap(&mut p, &mut p2);
        }
        if p2 != 0 && p == -p2 {
            return;
        }
        self.rules.push(PendingRule {
            p,
            rest: if p2 == 0 { Vec::new() } else { vec![p2] },
        });
    }
}

impl Emulation<'_> {
    /// Creates the package rules for every package reachable from the job candidates, sorts and
    /// deduplicates them, then appends one rule per job.
    pub(super) fn add_rules(&mut self, jobs: &[Vec<PackageId>]) {
        let pool = self.pool;
        let mut added = vec![false; pool.solvables.len()];
        let mut sink = RuleSink { rules: Vec::new() };
        for candidates in jobs {
            for &candidate in candidates {
                self.add_rules_for(candidate.0, &mut added, &mut sink);
            }
        }
        self.add_rules_for_weak(&mut added, &mut sink);
        sink.rules.sort_by(compare);
        sink.rules.dedup_by(|b, a| compare(a, b).is_eq());
        self.rules.clear();
        self.rules.push(Rule::default());
        for rule in &sink.rules {
            self.push_rule(rule.p, &rule.rest);
        }
        self.pkgrules_end = self.rules.len();
        self.jobrules = self.rules.len();
        for candidates in jobs {
            let literals: Vec<i32> = candidates.iter().map(|id| id.0 as i32).collect();
            self.push_rule(literals[0], &literals[1..]);
        }
        self.jobrules_end = self.rules.len();
        self.added = added;
    }

    fn push_rule(&mut self, p: i32, rest: &[i32]) {
        let mut rule = Rule {
            p,
            w1: p,
            ..Rule::default()
        };
        match rest.len() {
            0 => {}
            1 => rule.w2 = rest[0],
            _ => {
                rule.d = self.lits.len() as u32;
                self.lits.extend_from_slice(rest);
                self.lits.push(0);
                rule.w2 = rest[0];
            }
        }
        self.rules.push(rule);
    }

    /// `solver_addpkgrulesforsolvable()` with its work queue: rules for `start` and every package
    /// its requires, recommends and suggests can pull in.
    fn add_rules_for(&self, start: u32, added: &mut [bool], sink: &mut RuleSink) {
        let pool = self.pool;
        let mut work = std::collections::VecDeque::from([start]);
        let mut literals = Vec::new();
        while let Some(n) = work.pop_front() {
            if added[n as usize] {
                continue;
            }
            added[n as usize] = true;
            let id = PackageId(n);
            let s = pool.solvable(id);
            let n = n as i32;
            if !s.installable {
                sink.add(-n, 0, &[]);
            }
            for &req in s.requires.iter() {
                if pool.is_complex(req) {
                    self.add_complex_rules(n, req, Kind::Requires, sink, &mut work);
                    continue;
                }
                let providers = pool.whatprovides(req);
                if providers.is_empty() {
                    sink.add(-n, 0, &[]);
                    continue;
                }
                if providers.contains(&id) {
                    continue;
                }
                literals.clear();
                literals.extend(providers.iter().map(|p| p.0 as i32));
                sink.add(-n, 0, &literals);
                work.extend(providers.iter().filter(|p| !added[p.index()]).map(|p| p.0));
            }
            for &con in s.conflicts.iter() {
                if pool.is_complex(con) {
                    self.add_complex_rules(n, con, Kind::Conflicts, sink, &mut work);
                    continue;
                }
                for &p in pool.whatprovides(con) {
                    // A package never conflicts with itself (libsolv's default, as rpm).
                    if p != id {
                        sink.add(-n, -(p.0 as i32), &[]);
                    }
                }
            }
            let multiversion = self.multiversion[id.index()];
            for &obs in s.obsoletes.iter() {
                for &p in pool.whatprovides(obs) {
                    // Obsoletes match package names, not provides (libsolv's default).
                    if p != id && pool.matches_nevr(p, obs) {
                        sink.add(-n, -(p.0 as i32), &[]);
                    }
                }
            }
            // Implicit obsoletes: two packages of one name never coexist, unless install-only.
            for &p in pool.same_name(s.name) {
                let other = pool.solvable(p);
                if p == id {
                    continue;
                }
                if multiversion && (other.evr != s.evr || other.arch != s.arch) {
                    continue;
                }
                sink.add(-n, -(p.0 as i32), &[]);
            }
            for &weak in s.recommends.iter().chain(s.suggests.iter()) {
                if pool.is_complex(weak) {
                    let mut found = Vec::new();
                    complex::positive_literals(pool, weak, false, &mut found);
                    work.extend(found.into_iter().filter(|&p| !added[p as usize]));
                } else {
                    work.extend(
                        pool.whatprovides(weak)
                            .iter()
                            .filter(|p| !added[p.index()])
                            .map(|p| p.0),
                    );
                }
            }
        }
    }

    /// `add_complex_deprules()`: one rule per block of the normalized dependency.
    fn add_complex_rules(
        &self,
        n: i32,
        dep: DepId,
        kind: Kind,
        sink: &mut RuleSink,
        work: &mut std::collections::VecDeque<u32>,
    ) {
        let pool = self.pool;
        let flags = if kind == Kind::Conflicts {
            TO_DNF | EXPAND | INVERT
        } else {
            0
        };
        let mut queue = Vec::new();
        match complex::normalize(pool, dep, &mut queue, flags) {
            FALSE => {
                sink.add(-n, 0, &[]);
                return;
            }
            TRUE => return,
            _ => {}
        }
        let mut index = 0;
        while index < queue.len() {
            if queue[index] == 0 {
                index += 1;
                continue;
            }
            if queue[index] == MARKER {
                let providers = pool.whatprovides(queue[index + 1] as DepId);
                index += 3;
                if providers.iter().any(|p| p.0 as i32 == n) {
                    continue;
                }
                let literals: Vec<i32> = providers.iter().map(|p| p.0 as i32).collect();
                sink.add(-n, 0, &literals);
                work.extend(providers.iter().map(|p| p.0));
                continue;
            }
            let end = index
                + queue[index..]
                    .iter()
                    .position(|&l| l == 0)
                    .expect("blocks end with 0");
            let mut block: Vec<i32> = queue[index..end].to_vec();
            index = end + 1;
            if block.len() == 1 {
                let p2 = block[0];
                if p2 == -n {
                    if kind != Kind::Conflicts {
                        sink.add(-n, 0, &[]);
                    }
                    continue;
                }
                if p2 == n {
                    continue;
                }
                sink.add(-n, p2, &[]);
                if p2 > 0 {
                    work.push_back(p2 as u32);
                }
                continue;
            }
            // Insert -n in order; skip the rule if it also holds n.
            match block.binary_search(&-n) {
                Ok(_) => {}
                Err(position) => block.insert(position, -n),
            }
            if block.contains(&n) {
                continue;
            }
            sink.add(block[0], 0, &block[1..]);
            work.extend(block.iter().filter(|&&l| l > 0).map(|&l| l as u32));
        }
    }

    /// `solver_addpkgrulesforweak()`: packages whose Supplements or Enhances could be met by
    /// packages that already have rules get rules too, until nothing changes.
    fn add_rules_for_weak(&self, added: &mut [bool], sink: &mut RuleSink) {
        let pool = self.pool;
        loop {
            let mut changed = false;
            for id in pool.packages() {
                if added[id.index()] || !pool.is_installable(id) {
                    continue;
                }
                let s = pool.solvable(id);
                let possible = s
                    .supplements
                    .iter()
                    .any(|&dep| self.dep_possible(dep, added))
                    || s.enhances.iter().any(|&dep| self.dep_possible(dep, added));
                if possible {
                    self.add_rules_for(id.0, added, sink);
                    changed = true;
                }
            }
            if !changed {
                return;
            }
        }
    }

    /// `solver_dep_possible_slow()`.
    fn dep_possible(&self, dep: DepId, added: &[bool]) -> bool {
        match self.pool.dep(dep) {
            Dep::If(..) | Dep::Unless(..) => true,
            Dep::And(left, right) => {
                self.dep_possible(left, added) && self.dep_possible(right, added)
            }
            Dep::Or(left, right) => {
                self.dep_possible(left, added) || self.dep_possible(right, added)
            }
            _ => self.pool.whatprovides(dep).iter().any(|p| added[p.index()]),
        }
    }
}
