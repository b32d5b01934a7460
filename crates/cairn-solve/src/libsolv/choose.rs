//! libsolv's choice policy (`src/policy.c`, 0.7): which of several candidates to install.

use std::cmp::Ordering;

use super::Emulation;
use super::complex::{self, EXPAND};
use crate::pool::{Dep, DepId, PackageId};

/// `POLICY_MODE_*`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Mode {
    /// Every pruning step and the reordering.
    Choose,
    /// Every pruning step, no reordering (used to find out whether a rule is ambiguous).
    ChooseNoReorder,
    /// No pruning to recommended packages.
    Recommend,
}

impl Emulation<'_> {
    /// `policy_filter_unwanted()`.
    pub(super) fn filter_unwanted(&mut self, list: &mut Vec<i32>, mode: Mode) {
        if list.len() > 1 {
            self.prune_to_highest_priority(list);
        }
        // prune_to_best_arch(): only noarch and one architecture are installable here, and
        // noarch is never pruned, so there is nothing to prune.
        if list.len() > 1 {
            self.prune_to_best_version(list);
        }
        if list.len() > 1 && matches!(mode, Mode::Choose | Mode::ChooseNoReorder) {
            self.prune_to_recommended(list);
            if list.len() > 1 && mode == Mode::Choose {
                self.dislike_old_versions(list);
                self.sort_by_common_dep(list);
                // move_installed_to_front(): nothing is installed.
                self.prefer_suggested(list);
            }
        }
    }

    fn priority(&self, p: i32) -> i32 {
        self.pool.repositories[self.pool.solvable(PackageId(p as u32)).repo as usize].priority
    }

    fn prune_to_highest_priority(&self, list: &mut Vec<i32>) {
        let best = list
            .iter()
            .map(|&p| self.priority(p))
            .max()
            .expect("a non-empty list");
        list.retain(|&p| self.priority(p) == best);
    }

    fn evr_cmp(&self, a: i32, b: i32) -> Ordering {
        let pool = self.pool;
        let (a, b) = (
            pool.solvable(PackageId(a as u32)),
            pool.solvable(PackageId(b as u32)),
        );
        if a.evr == b.evr {
            return Ordering::Equal;
        }
        pool.evr(a.evr).parts().compare(&pool.evr(b.evr).parts())
    }

    /// `prune_to_best_version()`: sorts by name (`strcmp`), keeps the newest of each name, then
    /// drops candidates obsoleted by another candidate of a different name.
    fn prune_to_best_version(&self, list: &mut Vec<i32>) {
        let pool = self.pool;
        list.sort_by(|&a, &b| {
            let (sa, sb) = (
                pool.solvable(PackageId(a as u32)),
                pool.solvable(PackageId(b as u32)),
            );
            if sa.name != sb.name {
                return pool
                    .name(sa.name)
                    .as_bytes()
                    .cmp(pool.name(sb.name).as_bytes());
            }
            a.cmp(&b)
        });
        let mut kept: Vec<i32> = Vec::with_capacity(list.len());
        let mut best = list[0];
        for &p in &list[1..] {
            if pool.solvable(PackageId(best as u32)).name != pool.solvable(PackageId(p as u32)).name
            {
                kept.push(best);
                best = p;
                continue;
            }
            if self.evr_cmp(best, p) == Ordering::Less {
                best = p;
            }
        }
        kept.push(best);
        *list = kept;
        if list.len() == 2 {
            self.prune_obsoleted_2(list);
        } else if list.len() > 2 {
            self.prune_obsoleted(list);
        }
    }

    /// Whether candidate `p` obsoletes candidate `q` (a different name, matched by NEVR).
    fn obsoletes(&self, p: i32, q: i32) -> bool {
        let pool = self.pool;
        let (s, other) = (PackageId(p as u32), PackageId(q as u32));
        if pool.solvable(s).name == pool.solvable(other).name {
            return false;
        }
        pool.solvable(s)
            .obsoletes
            .iter()
            .any(|&obs| pool.whatprovides(obs).contains(&other) && pool.matches_nevr(other, obs))
    }

    fn prune_obsoleted_2(&self, list: &mut Vec<i32>) {
        let first = self.obsoletes(list[0], list[1]);
        let second = self.obsoletes(list[1], list[0]);
        match (first, second) {
            (true, false) => list.truncate(1),
            (false, true) => {
                list.swap(0, 1);
                list.truncate(1);
            }
            _ => {}
        }
    }

    /// `prune_obsoleted()`: removes candidates obsoleted by others, keeping obsoletes cycles
    /// whole; a port of libsolv's modified Tarjan walk.
    fn prune_obsoleted(&self, list: &mut Vec<i32>) {
        let count = list.len();
        let mut low = vec![0i32; count];
        let mut stack = vec![0usize; count + 1];
        let mut state = Tarjan {
            low: &mut low,
            stack: &mut stack,
            nstack: 1,
            idx: 1,
            firstidx: 0,
        };
        for i in 0..count {
            if state.low[i] != 0 {
                continue;
            }
            if self
                .pool
                .solvable(PackageId(list[i] as u32))
                .obsoletes
                .is_empty()
            {
                let myidx = state.idx;
                state.idx += 1;
                state.low[i] = myidx;
                state.stack[myidx as usize] = i;
            } else {
                state.firstidx = state.idx;
                state.nstack = state.idx as usize;
                self.tarjan_visit(list, &mut state, i);
            }
        }
        let keep: Vec<i32> = list
            .iter()
            .zip(low.iter())
            .filter(|&(_, &l)| l >= 0)
            .map(|(&p, _)| p)
            .collect();
        *list = keep;
    }

    fn tarjan_visit(&self, list: &[i32], state: &mut Tarjan<'_>, node: usize) {
        let myidx = state.idx;
        state.idx += 1;
        state.low[node] = myidx;
        let stackstart = state.nstack;
        state.stack[stackstart] = node;
        state.nstack += 1;
        let p = list[node];
        for (i, &q) in list.iter().enumerate() {
            if i == node || !self.obsoletes(p, q) {
                continue;
            }
            let mut l = state.low[i];
            if l == 0 {
                if self.pool.solvable(PackageId(q as u32)).obsoletes.is_empty() {
                    state.idx += 1;
                    state.low[i] = -1;
                    continue;
                }
                self.tarjan_visit(list, state, i);
                l = state.low[i];
            }
            if l < 0 {
                continue;
            }
            if l < state.firstidx {
                // An old component found earlier: we obsolete it, drop it.
                let mut k = l as usize;
                while k < state.stack.len() && state.low[state.stack[k]] == l {
                    state.low[state.stack[k]] = -1;
                    k += 1;
                }
            } else if l < state.low[node] {
                state.low[node] = l;
            }
        }
        if state.low[node] == myidx {
            let value = if myidx == state.firstidx { myidx } else { -1 };
            for k in stackstart..state.nstack {
                state.low[state.stack[k]] = value;
            }
            state.nstack = stackstart;
        }
    }

    /// `prune_to_recommended()`: keep the recommended or supplementing candidates, if any.
    fn prune_to_recommended(&mut self, list: &mut Vec<i32>) {
        self.update_recommendsmap();
        let kept: Vec<i32> = list
            .iter()
            .copied()
            .filter(|&p| {
                self.recommendsmap[p as usize] || self.is_supplementing(PackageId(p as u32))
            })
            .collect();
        if !kept.is_empty() {
            *list = kept;
        }
    }

    /// `dislike_old_versions()`: candidates with a newer version of the same name and arch (or
    /// one in a better repository) go to the back.
    fn dislike_old_versions(&self, list: &mut Vec<i32>) {
        let pool = self.pool;
        let old = |p: i32| {
            let s = pool.solvable(PackageId(p as u32));
            pool.same_name(s.name).iter().any(|&q| {
                let other = pool.solvable(q);
                if q.0 as i32 == p || other.arch != s.arch {
                    return false;
                }
                let (mine, theirs) = (self.priority(p), self.priority(q.0 as i32));
                if mine != theirs {
                    return theirs > mine;
                }
                self.evr_cmp(q.0 as i32, p) == Ordering::Greater
            })
        };
        let (good, bad): (Vec<i32>, Vec<i32>) = list.iter().partition(|&&p| !old(p));
        *list = good.into_iter().chain(bad).collect();
    }

    /// `sort_by_common_dep()`: among candidates providing the same capability at different
    /// versions (`foo = 1`, `foo = 2`), those with the lower version go towards the back.
    fn sort_by_common_dep(&self, list: &mut [i32]) {
        let pool = self.pool;
        // (index in list, capability name, version; negative for `<` provides)
        let mut entries: Vec<(usize, u32, i64)> = Vec::new();
        for (index, &p) in list.iter().enumerate() {
            for &provide in pool.solvable(PackageId(p as u32)).provides.iter() {
                let Dep::Range(name, comparison, evr) = pool.dep(provide) else {
                    continue;
                };
                use cairn_rpm_types::Comparison::{Equal, Less, LessOrEqual};
                if !matches!(comparison, Equal | Less | LessOrEqual) {
                    continue;
                }
                if comparison == Equal {
                    // Hashes (hex strings of four or more characters) are not versions.
                    let text = pool.evr(evr).to_string();
                    if text.len() >= 4
                        && text
                            .bytes()
                            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
                    {
                        continue;
                    }
                }
                let evr = i64::from(evr);
                entries.push((index, name, if comparison == Less { -evr } else { evr }));
            }
        }
        if entries.len() < 2 {
            return;
        }
        let compare = |a: &(usize, u32, i64), b: &(usize, u32, i64)| -> Ordering {
            if a.1 != b.1 {
                return a.1.cmp(&b.1);
            }
            if a.2 == b.2 {
                return Ordering::Equal;
            }
            let (ea, eb) = (a.2.unsigned_abs() as u32, b.2.unsigned_abs() as u32);
            // Newest first, releases matched when one side has none (EVRCMP_MATCH_RELEASE).
            let (pa, pb) = (pool.evr(ea).parts(), pool.evr(eb).parts());
            let r = compare_match_release(pb, pa);
            if r == Ordering::Equal && (a.2 < 0 || b.2 < 0) {
                if b.2 >= 0 {
                    return Ordering::Greater;
                }
                if a.2 >= 0 {
                    return Ordering::Less;
                }
            }
            r
        };
        entries.sort_by(compare);
        let mut badness = vec![0u32; list.len()];
        let mut have_bad = false;
        let mut bad = 0;
        let mut last_name = None;
        for k in 0..entries.len() {
            let entry = entries[k];
            if last_name == Some(entry.1) {
                let previous = entries[k - 1];
                if previous.0 != entry.0 && compare(&previous, &entry) == Ordering::Less {
                    bad += 1;
                    have_bad = true;
                }
            } else {
                bad = 0;
                last_name = Some(entry.1);
            }
            badness[entry.0] += bad;
        }
        if have_bad {
            // A stable insertion sort by badness, as libsolv does.
            let mut pairs: Vec<(u32, i32)> =
                badness.into_iter().zip(list.iter().copied()).collect();
            pairs.sort_by_key(|&(badness, _)| badness);
            for (slot, (_, p)) in list.iter_mut().zip(pairs) {
                *slot = p;
            }
        }
    }

    /// `prefer_suggested()`: suggested or enhancing candidates first.
    fn prefer_suggested(&mut self, list: &mut Vec<i32>) {
        self.update_recommendsmap();
        let (good, rest): (Vec<i32>, Vec<i32>) = list.iter().partition(|&&p| {
            self.suggestsmap[p as usize] || self.is_enhancing(PackageId(p as u32))
        });
        *list = good.into_iter().chain(rest).collect();
    }

    /// `solver_dep_fulfilled()`: whether the installed packages meet `dep`.
    pub(super) fn dep_fulfilled(&self, dep: DepId) -> bool {
        match self.pool.dep(dep) {
            Dep::If(then, right) => {
                if let Dep::Else(condition, otherwise) = self.pool.dep(right) {
                    return if self.dep_fulfilled(condition) {
                        self.dep_fulfilled(then)
                    } else {
                        self.dep_fulfilled(otherwise)
                    };
                }
                self.dep_fulfilled(then) || !self.dep_fulfilled(right)
            }
            Dep::Unless(then, right) => {
                if let Dep::Else(condition, otherwise) = self.pool.dep(right) {
                    return if self.dep_fulfilled(condition) {
                        self.dep_fulfilled(otherwise)
                    } else {
                        self.dep_fulfilled(then)
                    };
                }
                self.dep_fulfilled(then) && !self.dep_fulfilled(right)
            }
            Dep::And(left, right) => self.dep_fulfilled(left) && self.dep_fulfilled(right),
            Dep::Or(left, right) => self.dep_fulfilled(left) || self.dep_fulfilled(right),
            _ => self
                .pool
                .whatprovides(dep)
                .iter()
                .any(|p| self.decisionmap[p.index()] > 0),
        }
    }

    /// `solver_is_supplementing()`.
    pub(super) fn is_supplementing(&self, id: PackageId) -> bool {
        self.pool
            .solvable(id)
            .supplements
            .iter()
            .any(|&dep| self.dep_fulfilled(dep))
    }

    /// `solver_is_enhancing()`.
    fn is_enhancing(&self, id: PackageId) -> bool {
        self.pool
            .solvable(id)
            .enhances
            .iter()
            .any(|&dep| self.dep_fulfilled(dep))
    }

    /// `policy_update_recommendsmap()`: marks what the installed packages recommend and suggest.
    pub(super) fn update_recommendsmap(&mut self) {
        if self.recommends_index < 0 {
            self.recommendsmap.iter_mut().for_each(|flag| *flag = false);
            self.suggestsmap.iter_mut().for_each(|flag| *flag = false);
            self.recommends_postponed.clear();
            self.suggests_postponed.clear();
            self.recommends_index = 0;
        }
        while (self.recommends_index as usize) < self.decisionq.len() {
            let p = self.decisionq[self.recommends_index as usize];
            self.recommends_index += 1;
            if p < 0 {
                continue;
            }
            let id = PackageId(p as u32);
            self.recheck_postponed(p as u32);
            let solvable = self.pool.solvable(id);
            for &rec in solvable.recommends.iter() {
                self.mark_weak(rec, true);
            }
            for &sug in solvable.suggests.iter() {
                self.mark_weak(sug, false);
            }
        }
    }

    fn mark_weak(&mut self, dep: DepId, recommends: bool) {
        if self.pool.is_complex(dep) {
            self.check_complex_dep(dep, recommends);
            return;
        }
        let map = if recommends {
            &mut self.recommendsmap
        } else {
            &mut self.suggestsmap
        };
        for &p in self.pool.whatprovides(dep) {
            map[p.index()] = true;
        }
    }

    /// `check_complex_dep()`: marks the positive literals of blocks whose conditions are all
    /// installed; blocks with an undecided condition wait for it.
    fn check_complex_dep(&mut self, dep: DepId, recommends: bool) {
        let mut queue = Vec::new();
        if complex::normalize(self.pool, dep, &mut queue, EXPAND) != complex::BLOCKS {
            return;
        }
        let mut index = 0;
        while index < queue.len() {
            let end = index
                + queue[index..]
                    .iter()
                    .position(|&l| l == 0)
                    .unwrap_or(queue.len() - index);
            let block = &queue[index..end];
            index = end + 1;
            let negatives: Vec<i32> = block.iter().copied().filter(|&l| l < 0).collect();
            if negatives
                .iter()
                .any(|&l| self.decisionmap[(-l) as usize] < 0)
            {
                continue;
            }
            if !block.iter().any(|&l| l > 0) {
                continue;
            }
            let undecided: Vec<i32> = negatives
                .iter()
                .copied()
                .filter(|&l| self.decisionmap[(-l) as usize] == 0)
                .collect();
            if undecided.is_empty() {
                let map = if recommends {
                    &mut self.recommendsmap
                } else {
                    &mut self.suggestsmap
                };
                for &l in block.iter().filter(|&&l| l > 0) {
                    map[l as usize] = true;
                }
            } else {
                let postponed = if recommends {
                    &mut self.recommends_postponed
                } else {
                    &mut self.suggests_postponed
                };
                for l in undecided {
                    let entry = ((-l) as u32, dep);
                    if !postponed.contains(&entry) {
                        postponed.push(entry);
                    }
                }
            }
        }
    }

    /// `recheck_complex_deps()`: a package waited on was just decided.
    fn recheck_postponed(&mut self, p: u32) {
        for recommends in [true, false] {
            let postponed = if recommends {
                &mut self.recommends_postponed
            } else {
                &mut self.suggests_postponed
            };
            if !postponed.iter().any(|&(q, _)| q == p) {
                continue;
            }
            if self.decisionmap[p as usize] <= 0 {
                continue;
            }
            let waiting: Vec<DepId> = postponed
                .iter()
                .filter(|&&(q, _)| q == p)
                .map(|&(_, dep)| dep)
                .collect();
            postponed.retain(|&(q, _)| q != p);
            for dep in waiting {
                self.check_complex_dep(dep, recommends);
            }
        }
    }
}

struct Tarjan<'a> {
    low: &'a mut [i32],
    stack: &'a mut [usize],
    nstack: usize,
    idx: i32,
    firstidx: i32,
}

/// libsolv's `pool_evrcmp(..., EVRCMP_MATCH_RELEASE)`: releases count only when both have one.
pub(super) fn compare_match_release(
    a: cairn_rpm_types::EvrParts<'_>,
    b: cairn_rpm_types::EvrParts<'_>,
) -> Ordering {
    cairn_rpm_types::compare_epochs(a.epoch, b.epoch)
        .then_with(|| cairn_rpm_types::rpmvercmp(a.version, b.version))
        .then_with(|| match (a.release, b.release) {
            (Some(ra), Some(rb)) if !ra.is_empty() && !rb.is_empty() => {
                cairn_rpm_types::rpmvercmp(ra, rb)
            }
            _ => Ordering::Equal,
        })
}
