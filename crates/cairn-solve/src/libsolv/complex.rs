//! Rich dependencies as blocks of literals, exactly as libsolv's `src/cplxdeps.c` (0.7) builds
//! them, so that the rules, their order and therefore the choices match libsolv's.
//!
//! A normalization fills a queue with blocks, each ended by a 0. In CNF (the default) the
//! dependency holds when every block has a true literal; in DNF (`TO_DNF`) when every literal of
//! some block is true. A not-yet-expanded provider list is the pair `(MARKER, dep)`. The result is
//! 0 (never holds), 1 (always holds) or -1 (see the blocks), libsolv's convention.

use crate::pool::{Dep, DepId, Pool};

/// Produce DNF instead of CNF.
pub(crate) const TO_DNF: u32 = 1;
/// Expand provider lists into literals.
pub(crate) const EXPAND: u32 = 2;
/// Negate the result (turns DNF into CNF and back).
pub(crate) const INVERT: u32 = 4;

/// Stands for "the providers of the dependency that follows" in a block.
pub(crate) const MARKER: i32 = i32::MAX;

/// Never holds.
pub(crate) const FALSE: i32 = 0;
/// Always holds.
pub(crate) const TRUE: i32 = 1;
/// See the blocks.
pub(crate) const BLOCKS: i32 = -1;

/// `pool_normalize_complex_dep()`.
pub(crate) fn normalize(pool: &Pool, dep: DepId, queue: &mut Vec<i32>, flags: u32) -> i32 {
    let start = queue.len();
    let mut result = normalize_dep(pool, dep, queue, flags);
    if flags & EXPAND != 0 && result == BLOCKS {
        expand_simple(pool, queue, start, 0);
    }
    if flags & INVERT != 0 {
        result = invert(pool, queue, start, result);
    }
    result
}

/// `expand_simpledeps()`: replaces `(MARKER, dep)` pairs from `start` on by the provider ids.
/// Returns where the element at `split` ends up.
fn expand_simple(pool: &Pool, queue: &mut Vec<i32>, start: usize, split: usize) -> usize {
    let end = queue.len();
    let mut new_split = 0;
    let mut index = start;
    while index < end {
        if index == split {
            new_split = queue.len() - (end - start);
        }
        let element = queue[index];
        if element == MARKER {
            index += 1;
            let dep = queue[index] as DepId;
            for &provider in pool.whatprovides(dep) {
                queue.push(provider.0 as i32);
            }
        } else {
            queue.push(element);
        }
        index += 1;
    }
    if index == split {
        new_split = queue.len() - (end - start);
    }
    queue.drain(start..end);
    new_split
}

/// `invert_depblocks()`: negates every literal and reverses each block (keeping it sorted).
fn invert(pool: &Pool, queue: &mut Vec<i32>, start: usize, result: i32) -> i32 {
    if result == FALSE {
        return TRUE;
    }
    if result == TRUE {
        return FALSE;
    }
    expand_simple(pool, queue, start, 0);
    let mut block_start = start;
    for index in start..queue.len() {
        if queue[index] != 0 {
            queue[index] = -queue[index];
            continue;
        }
        queue[block_start..index].reverse();
        block_start = index + 1;
    }
    BLOCKS
}

/// `distribute_depblocks()`: the blocks from `first` to `second` combined with those after
/// `second`, pairwise, each pair merged in sorted order; pairs holding `a` and `-a` are dropped.
fn distribute(pool: &Pool, queue: &mut Vec<i32>, first: usize, second: usize, flags: u32) -> i32 {
    let second = expand_simple(pool, queue, first, second);
    let third = queue.len();
    let mut i = first;
    while i < second {
        let mut j = second;
        while j < third {
            let merged_start = queue.len();
            let (mut k, mut l) = (i, j);
            while queue[k] != 0 && queue[l] != 0 {
                if queue[k] < queue[l] {
                    queue.push(queue[k]);
                    k += 1;
                } else {
                    if queue[k] == queue[l] {
                        k += 1;
                    }
                    queue.push(queue[l]);
                    l += 1;
                }
            }
            while queue[l] != 0 {
                queue.push(queue[l]);
                l += 1;
            }
            while queue[k] != 0 {
                queue.push(queue[k]);
                k += 1;
            }
            // A block with both `a` and `-a` is always true (CNF) or never (DNF): drop it.
            let (mut a, mut b) = (merged_start, queue.len() - 1);
            let mut contradictory = false;
            while a < b {
                if -queue[a] == queue[b] {
                    contradictory = true;
                    break;
                }
                if -queue[a] > queue[b] {
                    a += 1;
                } else {
                    b -= 1;
                }
            }
            if contradictory {
                queue.truncate(merged_start);
            } else {
                queue.push(0);
            }
            while queue[l] != 0 {
                l += 1;
            }
            j = l + 1;
        }
        while queue[i] != 0 {
            i += 1;
        }
        i += 1;
    }
    queue.drain(first..third);
    if queue.len() == first {
        return if flags & TO_DNF != 0 { FALSE } else { TRUE };
    }
    BLOCKS
}

/// Two operands joined by `and` (`conjunction`) or `or`, as libsolv's `normalize_dep()` joins
/// them: an absorbing result decides the whole, a neutral one leaves the other operand, and
/// otherwise the blocks are distributed when the wanted form (DNF or CNF) needs it.
fn combine(
    pool: &Pool,
    queue: &mut Vec<i32>,
    flags: u32,
    conjunction: bool,
    first: impl FnOnce(&mut Vec<i32>) -> i32,
    second: impl FnOnce(&mut Vec<i32>) -> i32,
) -> i32 {
    let (absorbing, neutral) = if conjunction {
        (FALSE, TRUE)
    } else {
        (TRUE, FALSE)
    };
    let start = queue.len();
    let r1 = first(queue);
    if r1 == absorbing {
        return absorbing;
    }
    let middle = queue.len();
    let r2 = second(queue);
    if r2 == absorbing {
        queue.truncate(start);
        return absorbing;
    }
    if r1 == neutral {
        return r2;
    }
    if r2 == neutral {
        return r1;
    }
    if (flags & TO_DNF != 0) == conjunction {
        return distribute(pool, queue, start, middle, flags);
    }
    BLOCKS
}

/// The right operand normalized with `invert_flags` toggled, and negated back when they are set.
fn normalize_operand(
    pool: &Pool,
    dep: DepId,
    queue: &mut Vec<i32>,
    flags: u32,
    invert_flags: u32,
) -> i32 {
    let middle = queue.len();
    let result = normalize_dep(pool, dep, queue, flags ^ invert_flags);
    if invert_flags != 0 {
        invert(pool, queue, middle, result)
    } else {
        result
    }
}

fn normalize_or(
    pool: &Pool,
    left: DepId,
    right: DepId,
    queue: &mut Vec<i32>,
    flags: u32,
    invert_flags: u32,
) -> i32 {
    combine(
        pool,
        queue,
        flags,
        false,
        |queue| normalize_dep(pool, left, queue, flags),
        |queue| normalize_operand(pool, right, queue, flags, invert_flags),
    )
}

fn normalize_and(
    pool: &Pool,
    left: DepId,
    right: DepId,
    queue: &mut Vec<i32>,
    flags: u32,
    invert_flags: u32,
) -> i32 {
    combine(
        pool,
        queue,
        flags,
        true,
        |queue| normalize_dep(pool, left, queue, flags),
        |queue| normalize_operand(pool, right, queue, flags, invert_flags),
    )
}

/// `A if (B else C)` is `(A or not B) and (C or B)`.
fn normalize_if_else(
    pool: &Pool,
    a: DepId,
    b: DepId,
    c: DepId,
    queue: &mut Vec<i32>,
    flags: u32,
) -> i32 {
    combine(
        pool,
        queue,
        flags,
        true,
        |queue| normalize_or(pool, a, b, queue, flags, TO_DNF),
        |queue| normalize_or(pool, b, c, queue, flags, 0),
    )
}

/// `A unless (B else C)` is `(A and not B) or (B and C)` (rpm's depends.c, libsolv agrees).
fn normalize_unless_else(
    pool: &Pool,
    a: DepId,
    b: DepId,
    c: DepId,
    queue: &mut Vec<i32>,
    flags: u32,
) -> i32 {
    combine(
        pool,
        queue,
        flags,
        false,
        |queue| normalize_and(pool, a, b, queue, flags, TO_DNF),
        |queue| normalize_and(pool, b, c, queue, flags, 0),
    )
}

/// `normalize_dep()`.
fn normalize_dep(pool: &Pool, dep: DepId, queue: &mut Vec<i32>, flags: u32) -> i32 {
    if pool.is_complex(dep) {
        match pool.dep(dep) {
            Dep::If(then, right) => {
                return match pool.dep(right) {
                    Dep::Else(condition, otherwise) => {
                        normalize_if_else(pool, then, condition, otherwise, queue, flags)
                    }
                    _ => normalize_or(pool, then, right, queue, flags, TO_DNF),
                };
            }
            Dep::Unless(then, right) => {
                return match pool.dep(right) {
                    Dep::Else(condition, otherwise) => {
                        normalize_unless_else(pool, then, condition, otherwise, queue, flags)
                    }
                    _ => normalize_and(pool, then, right, queue, flags, TO_DNF),
                };
            }
            Dep::Or(left, right) => return normalize_or(pool, left, right, queue, flags, 0),
            Dep::And(left, right) => return normalize_and(pool, left, right, queue, flags, 0),
            _ => {}
        }
    }
    let providers = pool.whatprovides(dep);
    if providers.is_empty() {
        return FALSE;
    }
    if flags & TO_DNF != 0 {
        for provider in providers {
            queue.push(provider.0 as i32);
            queue.push(0);
        }
    } else {
        queue.push(MARKER);
        queue.push(dep as i32);
        queue.push(0);
    }
    BLOCKS
}

/// `pool_add_pos_literals_complex_dep()`: the packages that may become installed because of the
/// dependency (its positive literals), for deciding which packages get rules.
pub(crate) fn positive_literals(pool: &Pool, mut dep: DepId, negated: bool, out: &mut Vec<u32>) {
    let mut negated = negated;
    loop {
        match pool.dep(dep) {
            Dep::And(left, right) | Dep::Or(left, right) => {
                positive_literals(pool, left, negated, out);
                dep = right;
            }
            Dep::If(left, right) | Dep::Unless(left, right) => {
                positive_literals(pool, left, negated, out);
                negated = !negated;
                dep = right;
                if let Dep::Else(condition, otherwise) = pool.dep(right) {
                    positive_literals(pool, otherwise, !negated, out);
                    dep = condition;
                }
            }
            _ => break,
        }
    }
    if !negated {
        out.extend(pool.whatprovides(dep).iter().map(|id| id.0));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pool::tests::{package, pool};

    fn blocks(pool: &mut Pool, text: &str, flags: u32) -> (i32, Vec<i32>) {
        let rich = cairn_rpm_types::RichDependency::parse(text).unwrap();
        let dep = pool.intern_rich(&rich);
        let mut queue = Vec::new();
        let result = normalize(pool, dep, &mut queue, flags);
        (result, queue)
    }

    #[test]
    fn conditions_become_negative_literals() {
        let mut pool = pool(&[
            package("a-1-1.noarch", &[]),
            package("b-1-1.noarch", &[]),
            package("c-1-1.noarch", &[]),
        ]);
        // (a if b): one CNF block [-b, a].
        assert_eq!(
            blocks(&mut pool, "(a if b)", EXPAND),
            (BLOCKS, vec![-2, 1, 0])
        );
        // (a if b else c): [-b, a] and [b, c].
        assert_eq!(
            blocks(&mut pool, "(a if b else c)", EXPAND),
            (BLOCKS, vec![-2, 1, 0, 2, 3, 0])
        );
        // (a or (b and c)): [a, b] and [a, c].
        assert_eq!(
            blocks(&mut pool, "(a or (b and c))", EXPAND),
            (BLOCKS, vec![1, 2, 0, 1, 3, 0])
        );
        // (a unless b): a and not b.
        assert_eq!(
            blocks(&mut pool, "(a unless b)", EXPAND),
            (BLOCKS, vec![1, 0, -2, 0])
        );
        // Conflicts: (a and b) becomes [-a, -b].
        assert_eq!(
            blocks(&mut pool, "(a and b)", TO_DNF | EXPAND | INVERT),
            (BLOCKS, vec![-2, -1, 0])
        );
        // Something nobody provides.
        assert_eq!(blocks(&mut pool, "(a and zzz)", 0).0, FALSE);
        assert_eq!(
            blocks(&mut pool, "(zzz if a)", EXPAND),
            (BLOCKS, vec![-1, 0])
        );
        assert_eq!(blocks(&mut pool, "(a if zzz)", 0).0, TRUE);
    }
}
