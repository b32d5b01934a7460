//! libsolv's main loop (`solver_run_sat()` in `src/solver.c`, 0.7) without conflict learning:
//! assertions, jobs, the decide loop with postponed ambiguous rules, the weak-dependency pass,
//! and the minimization of branches.

use super::choose::Mode;
use super::complex::{self, EXPAND};
use super::{Emulation, GaveUp};
use crate::pool::{DepId, PackageId};

impl Emulation<'_> {
    fn slot(&self, literal: i32) -> usize {
        (self.pool.solvables.len() as i32 + literal) as usize
    }

    fn is_true(&self, literal: i32) -> bool {
        if literal > 0 {
            self.decisionmap[literal as usize] > 0
        } else {
            self.decisionmap[(-literal) as usize] < 0
        }
    }

    fn is_false(&self, literal: i32) -> bool {
        if literal > 0 {
            self.decisionmap[literal as usize] < 0
        } else {
            self.decisionmap[(-literal) as usize] > 0
        }
    }

    fn decide(&mut self, literal: i32, level: i32, why: i32) {
        let index = literal.unsigned_abs() as usize;
        self.decisionmap[index] = if literal > 0 { level } else { -level };
        self.decisionq.push(literal);
        self.decisionq_why.push(why);
    }

    /// `makewatches()`: every rule with two literals watches both; lists end up in rule order.
    pub(super) fn make_watches(&mut self) {
        for index in (1..self.rules.len()).rev() {
            let rule = self.rules[index];
            if rule.w2 == 0 {
                continue;
            }
            let (s1, s2) = (self.slot(rule.w1), self.slot(rule.w2));
            self.rules[index].n1 = self.watches[s1];
            self.watches[s1] = index as u32;
            self.rules[index].n2 = self.watches[s2];
            self.watches[s2] = index as u32;
        }
    }

    /// `makeruledecisions()`: single-literal rules (uninstallable packages, single-candidate jobs)
    /// are decided at level 1, in rule order.
    fn make_rule_decisions(&mut self) -> Result<(), GaveUp> {
        for index in 1..self.rules.len() {
            let rule = self.rules[index];
            if rule.w2 != 0 || rule.d != 0 || rule.p == 0 {
                continue;
            }
            let literal = rule.p;
            let decided = self.decisionmap[literal.unsigned_abs() as usize];
            if decided == 0 {
                self.decide(literal, 1, index as i32);
            } else if (literal > 0) != (decided > 0) {
                tracing::debug!(rule = index, "libsolv replay: conflicting assertions");
                return Err(GaveUp);
            }
        }
        Ok(())
    }

    /// `propagate()`: unit propagation over the watch lists, in libsolv's exact visiting order.
    /// A conflict returns the rule that became false.
    fn propagate(&mut self, level: i32) -> Result<(), usize> {
        while self.propagate_index < self.decisionq.len() {
            let pkg = -self.decisionq[self.propagate_index];
            self.propagate_index += 1;
            // `link` is where the current rule's id is stored: a list head or a rule's n1/n2.
            let mut link = Link::Head(self.slot(pkg));
            loop {
                let index = self.read(link) as usize;
                if index == 0 {
                    break;
                }
                let rule = self.rules[index];
                let (other, next) = if pkg == rule.w1 {
                    (rule.w2, Link::N1(index))
                } else {
                    (rule.w1, Link::N2(index))
                };
                if self.is_true(other) {
                    link = next;
                    continue;
                }
                if rule.d != 0 {
                    let mut candidate = 0;
                    if rule.p != 0 && rule.p != other && !self.is_false(rule.p) {
                        candidate = rule.p;
                    } else {
                        let mut position = rule.d as usize;
                        while self.lits[position] != 0 {
                            let literal = self.lits[position];
                            if literal != other && !self.is_false(literal) {
                                candidate = literal;
                                break;
                            }
                            position += 1;
                        }
                    }
                    if candidate != 0 {
                        // Move the watch: unlink here, push onto the candidate's list.
                        let following = self.read(next);
                        self.write(link, following);
                        let slot = self.slot(candidate);
                        if pkg == rule.w1 {
                            self.rules[index].w1 = candidate;
                            self.rules[index].n1 = self.watches[slot];
                        } else {
                            self.rules[index].w2 = candidate;
                            self.rules[index].n2 = self.watches[slot];
                        }
                        self.watches[slot] = index as u32;
                        continue;
                    }
                }
                if self.is_false(other) {
                    return Err(index);
                }
                self.decide(other, level, index as i32);
                link = next;
            }
        }
        Ok(())
    }

    fn read(&self, link: Link) -> u32 {
        match link {
            Link::Head(slot) => self.watches[slot],
            Link::N1(rule) => self.rules[rule].n1,
            Link::N2(rule) => self.rules[rule].n2,
        }
    }

    fn write(&mut self, link: Link, value: u32) {
        match link {
            Link::Head(slot) => self.watches[slot] = value,
            Link::N1(rule) => self.rules[rule].n1 = value,
            Link::N2(rule) => self.rules[rule].n2 = value,
        }
    }

    /// `setpropagatelearn()`: decides `literal` on a new level and propagates; on a conflict,
    /// learns a rule, jumps back and propagates its consequence, until things settle. Returns
    /// the new level, lower than `level + 1` after a backjump.
    fn set_propagate(&mut self, level: i32, literal: i32, why: i32) -> Result<i32, GaveUp> {
        let mut level = level + 1;
        self.decide(literal, level, -why);
        loop {
            let Err(conflict) = self.propagate(level) else {
                return Ok(level);
            };
            if level == 1 {
                tracing::debug!("libsolv replay: the job is unsolvable");
                return Err(GaveUp);
            }
            let (new_level, learnt) = self.analyze(level, conflict);
            level = new_level;
            let decision = self.rules[learnt].p;
            self.decide(decision, level, learnt as i32);
        }
    }

    /// `analyze()`: first-UIP conflict analysis. Builds the learnt rule, reverts to the second
    /// highest level among its literals and adds the rule with libsolv's watches.
    fn analyze(&mut self, level: i32, conflict: usize) -> (i32, usize) {
        let mut seen = vec![false; self.decisionmap.len()];
        let mut learnt: Vec<i32> = Vec::new();
        let mut rule_level = 1;
        let mut pending = 0;
        let mut index = self.decisionq.len();
        let mut rule = conflict;
        let uip;
        loop {
            for v in self.literals(rule) {
                if self.is_true(v) {
                    continue;
                }
                let vv = v.unsigned_abs() as usize;
                if seen[vv] {
                    continue;
                }
                seen[vv] = true;
                let l = self.decisionmap[vv].abs();
                if l == 1 {
                    // Level-1 decisions are permanent; libsolv only records them as reasons.
                } else if l == level {
                    pending += 1;
                } else {
                    learnt.push(v);
                    rule_level = rule_level.max(l);
                }
            }
            let v = loop {
                index -= 1;
                let v = self.decisionq[index];
                if seen[v.unsigned_abs() as usize]
                    && self.decisionmap[v.unsigned_abs() as usize].abs() == level
                {
                    break v;
                }
            };
            seen[v.unsigned_abs() as usize] = false;
            pending -= 1;
            if pending == 0 {
                uip = -v;
                break;
            }
            let why = self.decisionq_why[index];
            debug_assert!(why > 0, "an implied decision has a reason");
            rule = why as usize;
        }
        self.revert(rule_level);
        let index = self.rules.len();
        let mut rule = super::Rule {
            p: uip,
            w1: uip,
            ..super::Rule::default()
        };
        match learnt.len() {
            0 => {}
            1 => rule.w2 = learnt[0],
            _ => {
                rule.d = self.lits.len() as u32;
                self.lits.extend_from_slice(&learnt);
                self.lits.push(0);
                // watch2onhighest(): the second watch on the literal decided last.
                let mut best = 0;
                for &v in &learnt {
                    let l = self.decisionmap[v.unsigned_abs() as usize].abs();
                    if l > best {
                        rule.w2 = v;
                        best = l;
                    }
                }
            }
        }
        self.rules.push(rule);
        if rule.w2 != 0 {
            let (s1, s2) = (self.slot(rule.w1), self.slot(rule.w2));
            self.rules[index].n1 = self.watches[s1];
            self.watches[s1] = index as u32;
            self.rules[index].n2 = self.watches[s2];
            self.watches[s2] = index as u32;
        }
        (rule_level, index)
    }

    /// `selectandinstall()`.
    fn select_and_install(
        &mut self,
        level: i32,
        mut candidates: Vec<i32>,
        source: i32,
    ) -> Result<i32, GaveUp> {
        if candidates.len() > 1 {
            self.filter_unwanted(&mut candidates, Mode::Choose);
        }
        if candidates.len() > 1 {
            self.create_branch(level, &candidates, source);
        }
        self.set_propagate(level, candidates[0], source)
    }

    /// `createbranch()`: remembers the alternatives so that minimization can revisit them.
    fn create_branch(&mut self, level: i32, candidates: &[i32], source: i32) {
        self.branches.push(-candidates[0]);
        self.branches.extend_from_slice(&candidates[1..]);
        // libsolv stores (package, dependency) here; only the size and level are read back.
        self.branches.push(source);
        self.branches.push(0);
        self.branches.push(candidates.len() as i32 + 4);
        self.branches.push(level);
    }

    /// The literals of a rule: `p`, then `w2` or the `d` list.
    fn literals(&self, index: usize) -> Vec<i32> {
        let rule = self.rules[index];
        let mut literals = vec![rule.p];
        if rule.d == 0 {
            if rule.w2 != 0 {
                literals.push(rule.w2);
            }
        } else {
            let mut position = rule.d as usize;
            while self.lits[position] != 0 {
                literals.push(self.lits[position]);
                position += 1;
            }
        }
        literals
    }

    /// `resolve_jobrules()`: installs the best candidate of each unfulfilled job, in job order;
    /// after a backjump below where it started it returns at once.
    fn resolve_jobs(&mut self, mut level: i32) -> Result<i32, GaveUp> {
        let start_level = level;
        let mut index = self.jobrules;
        while index < self.jobrules_end {
            let mut candidates = Vec::new();
            let mut satisfied = false;
            for literal in self.literals(index) {
                if literal > 0 {
                    if self.decisionmap[literal as usize] > 0 {
                        satisfied = true;
                        break;
                    }
                    if self.decisionmap[literal as usize] == 0 {
                        candidates.push(literal);
                    }
                }
            }
            if satisfied || candidates.is_empty() {
                index += 1;
                continue;
            }
            let before = level;
            level = self.select_and_install(level, candidates, index as i32)?;
            if level <= before {
                if level == before {
                    continue;
                }
                if level < start_level {
                    return Ok(level);
                }
                index = self.jobrules;
                continue;
            }
            index += 1;
        }
        Ok(level)
    }

    /// The "decide" part of the main loop: fulfil every unresolved rule, unambiguous ones first.
    /// Returns the level and whether a backjump below `system_level` interrupted it.
    fn decide_rules(&mut self, mut level: i32, system_level: i32) -> Result<(i32, bool), GaveUp> {
        let mut postponed: isize = 0;
        let (mut i, mut n) = (0usize, 0usize);
        let mut candidates = Vec::new();
        loop {
            i += 1;
            n += 1;
            let nrules = self.rules.len();
            if n >= nrules {
                if postponed <= 0 {
                    return Ok((level, false));
                }
                i = postponed as usize;
                postponed = -1;
                n = 1;
            }
            if i == nrules {
                i = 1;
            }
            let rule = self.rules[i];
            if rule.p < 0 && (rule.d == 0 || self.decisionmap[(-rule.p) as usize] <= 0) {
                continue;
            }
            candidates.clear();
            if rule.d == 0 {
                if rule.w2 <= 0 {
                    continue;
                }
                if self.decisionmap[rule.p as usize] != 0 || self.decisionmap[rule.w2 as usize] != 0
                {
                    continue;
                }
                candidates.extend([rule.p, rule.w2]);
            } else {
                if rule.p >= 0 {
                    if self.decisionmap[rule.p as usize] > 0 {
                        continue;
                    }
                    if self.decisionmap[rule.p as usize] == 0 {
                        candidates.push(rule.p);
                    }
                }
                let mut position = rule.d as usize;
                let mut fulfilled_or_inactive = false;
                while self.lits[position] != 0 {
                    let literal = self.lits[position];
                    position += 1;
                    if literal < 0 {
                        if self.decisionmap[(-literal) as usize] <= 0 {
                            fulfilled_or_inactive = true;
                            break;
                        }
                    } else {
                        if self.decisionmap[literal as usize] > 0 {
                            fulfilled_or_inactive = true;
                            break;
                        }
                        if self.decisionmap[literal as usize] == 0 {
                            candidates.push(literal);
                        }
                    }
                }
                if fulfilled_or_inactive {
                    continue;
                }
            }
            if candidates.len() < 2 {
                // Unit rules are propagation's business; with no candidate it would be a conflict.
                continue;
            }
            if postponed >= 0 {
                self.filter_unwanted(&mut candidates, Mode::ChooseNoReorder);
                if candidates.len() > 1 {
                    if postponed == 0 {
                        postponed = i as isize;
                    }
                    continue;
                }
            }
            level = self.select_and_install(level, candidates.clone(), i as i32)?;
            if level < system_level {
                return Ok((level, true));
            }
            n = 0;
        }
    }

    /// The weak-dependency pass. Returns whether it installed something (then the main loop
    /// starts over, to fulfil the new packages' requirements).
    fn weak_step(&mut self, level: &mut i32) -> Result<bool, GaveUp> {
        let pool = self.pool;
        let mut recommended: Vec<i32> = Vec::new();
        let mut supplemented: Vec<i32> = Vec::new();
        for id in pool.packages() {
            let decided = self.decisionmap[id.index()];
            if decided < 0 {
                continue;
            }
            let solvable = pool.solvable(id);
            if decided > 0 {
                for &rec in solvable.recommends.iter() {
                    if pool.is_complex(rec) {
                        self.add_complex_recommends(rec, &mut recommended, None);
                        continue;
                    }
                    let mark = recommended.len();
                    for &p in pool.whatprovides(rec) {
                        let decision = self.decisionmap[p.index()];
                        if decision > 0 {
                            recommended.truncate(mark);
                            break;
                        }
                        if decision == 0 && !recommended.contains(&(p.0 as i32)) {
                            recommended.push(p.0 as i32);
                        }
                    }
                }
            } else if !solvable.supplements.is_empty()
                && solvable.installable
                && self.is_supplementing(id)
            {
                supplemented.push(id.0 as i32);
            }
        }
        // Install-only packages: never pull in a second version through Supplements.
        supplemented.retain(|&p| {
            let id = PackageId(p as u32);
            !self.multiversion[id.index()]
                || !pool
                    .same_name(pool.solvable(id).name)
                    .iter()
                    .any(|q| self.decisionmap[q.index()] > 0)
        });
        for &p in &supplemented {
            if !recommended.contains(&p) {
                recommended.push(p);
            }
        }
        if recommended.is_empty() {
            return Ok(false);
        }
        let decision_count = self.decisionq.len();
        if recommended.len() == 1 {
            self.weak_reason[recommended[0] as usize] = true;
            *level = self.set_propagate(*level, recommended[0], 0)?;
            return Ok(true);
        }
        self.filter_unwanted(&mut recommended, Mode::Recommend);
        let mut wanted = vec![false; self.decisionmap.len()];
        for &p in &recommended {
            wanted[p as usize] = true;
        }
        for &p in &supplemented {
            if self.decisionmap[p as usize] != 0 || !wanted[p as usize] {
                continue;
            }
            self.weak_reason[p as usize] = true;
            let before = *level;
            *level = self.set_propagate(*level, p, 0)?;
            if *level <= before {
                return Ok(true);
            }
        }
        if self.decisionq.len() < decision_count {
            return Ok(true);
        }
        for position in 0..decision_count {
            let p = self.decisionq[position];
            if p < 0 {
                continue;
            }
            let recommends = pool.solvable(PackageId(p as u32)).recommends.clone();
            for rec in recommends.iter().copied() {
                let mut candidates = Vec::new();
                if pool.is_complex(rec) {
                    self.add_complex_recommends(rec, &mut candidates, Some(&wanted));
                } else {
                    for &q in pool.whatprovides(rec) {
                        let decision = self.decisionmap[q.index()];
                        if decision > 0 {
                            candidates.clear();
                            break;
                        }
                        if decision == 0 && wanted[q.index()] {
                            candidates.push(q.0 as i32);
                        }
                    }
                }
                if candidates.is_empty() {
                    continue;
                }
                if candidates.len() > 1 {
                    self.filter_unwanted(&mut candidates, Mode::Choose);
                }
                if candidates.len() > 1 {
                    self.create_branch(*level, &candidates, p);
                }
                self.weak_reason[candidates[0] as usize] = true;
                let before = *level;
                *level = self.set_propagate(*level, candidates[0], 0)?;
                if *level <= before || self.decisionq.len() < decision_count {
                    // Some decisions were reverted: start over from the main loop.
                    return Ok(true);
                }
            }
        }
        Ok(true)
    }

    /// `add_complex_recommends()`: the undecided positive literals of the blocks whose conditions
    /// are installed and that nothing installed fulfils yet.
    fn add_complex_recommends(&self, rec: DepId, out: &mut Vec<i32>, wanted: Option<&[bool]>) {
        let mut queue = Vec::new();
        if complex::normalize(self.pool, rec, &mut queue, EXPAND) != complex::BLOCKS {
            return;
        }
        let start = out.len();
        let mut index = 0;
        while index < queue.len() {
            let block_start = out.len();
            while queue[index] != 0 {
                let literal = queue[index];
                index += 1;
                if literal < 0 {
                    if self.decisionmap[(-literal) as usize] <= 0 {
                        break;
                    }
                    continue;
                }
                let decision = self.decisionmap[literal as usize];
                if decision > 0 {
                    out.truncate(block_start);
                    break;
                }
                let keep = match wanted {
                    Some(wanted) => wanted[literal as usize],
                    None => decision >= 0,
                };
                if keep {
                    out.push(literal);
                }
            }
            while queue[index] != 0 {
                index += 1;
            }
            index += 1;
        }
        // Keep the first occurrence of each candidate, also against what was there before.
        let mut kept = out[..start].to_vec();
        for &p in &out[start..] {
            if !kept.contains(&p) {
                kept.push(p);
            }
        }
        *out = kept;
    }

    /// The auto-minimization step: if an alternative of an earlier choice got installed later
    /// anyway, or a recommended alternative lost to an unrecommended one, redo that choice.
    fn minimize(&mut self, level: &mut i32) -> Result<bool, GaveUp> {
        if self.branches.is_empty() {
            return Ok(false);
        }
        self.update_recommendsmap();
        let (mut last, mut last_end) = (None, 0usize);
        let mut end = self.branches.len();
        while end > 0 {
            let branch_level = self.branches[end - 1];
            let start = end - self.branches[end - 2] as usize;
            let mut recommended_alternative = None;
            for i in start..end - 4 {
                let p = self.branches[i];
                if p <= 0 {
                    continue;
                }
                if self.decisionmap[p as usize] > branch_level {
                    last = Some(i);
                    last_end = end;
                    recommended_alternative = None;
                    break;
                }
                if recommended_alternative.is_none() && self.is_recommended(p) {
                    recommended_alternative = Some(i);
                }
            }
            if let Some(alternative) = recommended_alternative {
                for i in start..end - 4 {
                    let p = -self.branches[i];
                    if p <= 0 || self.decisionmap[p as usize] != branch_level + 1 {
                        continue;
                    }
                    if !self.is_recommended(p) {
                        last = Some(alternative);
                        last_end = end;
                        break;
                    }
                }
            }
            end = start;
        }
        let Some(position) = last else {
            return Ok(false);
        };
        *level = self.take_branch(position, last_end)?;
        Ok(true)
    }

    fn is_recommended(&self, p: i32) -> bool {
        self.recommendsmap[p as usize] || self.is_supplementing(PackageId(p as u32))
    }

    /// `takebranch()`.
    fn take_branch(&mut self, position: usize, end: usize) -> Result<i32, GaveUp> {
        let level = self.branches[end - 1];
        let p = self.branches[position];
        self.branches[position] = -p;
        self.branches[end - 1] = 0;
        self.revert(level);
        self.branches[end - 1] = level;
        let why = self.reverted_why;
        self.set_propagate(level, p, -why)
    }

    /// `revert()`: undoes every decision above `level`.
    fn revert(&mut self, level: i32) {
        while let Some(&literal) = self.decisionq.last() {
            let index = literal.unsigned_abs() as usize;
            let decided = self.decisionmap[index];
            if decided <= level && decided >= -level {
                break;
            }
            self.decisionmap[index] = 0;
            self.weak_reason[index] = false;
            self.decisionq.pop();
            self.reverted_why = self.decisionq_why.pop().unwrap_or_default();
            self.propagate_index = self.decisionq.len();
        }
        while let Some(&branch_level) = self.branches.last() {
            if branch_level < level {
                break;
            }
            let size = self.branches[self.branches.len() - 2] as usize;
            self.branches.truncate(self.branches.len() - size);
        }
        if self.recommends_index > self.decisionq.len() as isize {
            self.recommends_index = -1;
        }
    }

    /// `solver_run_sat()` for a system with nothing installed.
    pub(super) fn run(&mut self) -> Result<(), GaveUp> {
        self.make_rule_decisions()?;
        let mut level = 1;
        if self.propagate(level).is_err() {
            tracing::debug!("libsolv replay: the job is unsolvable");
            return Err(GaveUp);
        }
        let mut system_level = level + 1;
        loop {
            if level < system_level {
                let before = level;
                level = self.resolve_jobs(level)?;
                if level < before {
                    continue;
                }
                system_level = level + 1;
            }
            if level < system_level {
                system_level = level;
            }
            let (new_level, trouble) = self.decide_rules(level, system_level)?;
            level = new_level;
            if trouble {
                continue;
            }
            if self.do_weak && self.weak_step(&mut level)? {
                continue;
            }
            if self.minimize(&mut level)? {
                continue;
            }
            return Ok(());
        }
    }
}

#[derive(Clone, Copy)]
enum Link {
    Head(usize),
    N1(usize),
    N2(usize),
}
