//! Rich dependencies as clauses over their simple parts, for the resolvo encoding.
//!
//! libsolv expands rich dependencies into package literals; resolvo needs them one level up, as
//! clauses over *atoms*: simple dependencies, `with`/`without` groups and `or`s of simple
//! dependencies, each of which has a provider list. A clause is satisfied when one of its positive
//! atoms has an installed provider or one of its negative atoms has none. Semantics follow rpm's
//! `lib/depends.c`: `A if B` is `A or not B`, `A if B else C` is `(A or not B) and (B or C)`,
//! `A unless B` is `A and not B`, `A unless B else C` is `(A and not B) or (B and C)`.

use crate::pool::{Dep, DepId, Pool};

/// A part of a clause.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Literal {
    /// Some provider of the atom is installed.
    Positive(DepId),
    /// No provider of the atom is installed.
    Negative(DepId),
}

/// More clauses than this means a pathological dependency; it is cut short (and logged).
const MAX_CLAUSES: usize = 4096;

/// The simple dependencies (atoms) of `dep`, left to right.
pub(crate) fn atoms(pool: &Pool, dep: DepId) -> Vec<DepId> {
    if !pool.is_complex(dep) {
        return vec![dep];
    }
    match pool.dep(dep) {
        Dep::And(a, b) | Dep::Or(a, b) | Dep::If(a, b) | Dep::Unless(a, b) | Dep::Else(a, b) => {
            let mut found = atoms(pool, a);
            found.extend(atoms(pool, b));
            found
        }
        _ => vec![dep],
    }
}

/// `dep` (or its negation) in conjunctive normal form over atoms.
pub(crate) fn clauses(pool: &Pool, dep: DepId, negated: bool) -> Vec<Vec<Literal>> {
    let mut clauses = cnf(pool, dep, negated);
    for clause in &mut clauses {
        clause.dedup();
    }
    clauses
}

fn cnf(pool: &Pool, dep: DepId, negated: bool) -> Vec<Vec<Literal>> {
    if !pool.is_complex(dep) {
        let literal = if negated {
            Literal::Negative(dep)
        } else {
            Literal::Positive(dep)
        };
        return vec![vec![literal]];
    }
    match (pool.dep(dep), negated) {
        (Dep::And(a, b), false) | (Dep::Or(a, b), true) => {
            and(cnf(pool, a, negated), cnf(pool, b, negated))
        }
        (Dep::And(a, b), true) | (Dep::Or(a, b), false) => {
            or(cnf(pool, a, negated), cnf(pool, b, negated))
        }
        (Dep::If(a, right), _) => match pool.dep(right) {
            // (A or not B) and (B or C)
            Dep::Else(b, c) if !negated => and(
                or(cnf(pool, a, false), cnf(pool, b, true)),
                or(cnf(pool, b, false), cnf(pool, c, false)),
            ),
            // (not A and B) or (not B and not C)
            Dep::Else(b, c) => or(
                and(cnf(pool, a, true), cnf(pool, b, false)),
                and(cnf(pool, b, true), cnf(pool, c, true)),
            ),
            _ if !negated => or(cnf(pool, a, false), cnf(pool, right, true)),
            _ => and(cnf(pool, a, true), cnf(pool, right, false)),
        },
        (Dep::Unless(a, right), _) => match pool.dep(right) {
            // (A and not B) or (B and C)
            Dep::Else(b, c) if !negated => or(
                and(cnf(pool, a, false), cnf(pool, b, true)),
                and(cnf(pool, b, false), cnf(pool, c, false)),
            ),
            // (not A or B) and (not B or not C)
            Dep::Else(b, c) => and(
                or(cnf(pool, a, true), cnf(pool, b, false)),
                or(cnf(pool, b, true), cnf(pool, c, true)),
            ),
            _ if !negated => and(cnf(pool, a, false), cnf(pool, right, true)),
            _ => or(cnf(pool, a, true), cnf(pool, right, false)),
        },
        _ => {
            let literal = if negated {
                Literal::Negative(dep)
            } else {
                Literal::Positive(dep)
            };
            vec![vec![literal]]
        }
    }
}

fn and(mut a: Vec<Vec<Literal>>, b: Vec<Vec<Literal>>) -> Vec<Vec<Literal>> {
    a.extend(b);
    a
}

/// Distributes `or` over the clauses of both sides.
fn or(a: Vec<Vec<Literal>>, b: Vec<Vec<Literal>>) -> Vec<Vec<Literal>> {
    let mut result = Vec::with_capacity(a.len() * b.len());
    for left in &a {
        for right in &b {
            if result.len() >= MAX_CLAUSES {
                tracing::warn!(
                    "a rich dependency expands to more than {MAX_CLAUSES} clauses; the rest are ignored"
                );
                return result;
            }
            let mut clause = left.clone();
            for &literal in right {
                if !clause.contains(&literal) {
                    clause.push(literal);
                }
            }
            let contradictory = clause.iter().any(|&l| match l {
                Literal::Positive(atom) => clause.contains(&Literal::Negative(atom)),
                Literal::Negative(_) => false,
            });
            if !contradictory {
                result.push(clause);
            }
        }
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pool::tests::{package, pool};

    #[test]
    fn conditions_become_negative_literals() {
        let mut pool = pool(&[package("a-1-1.noarch", &[])]);
        let parse = |pool: &mut Pool, text: &str| {
            let rich = cairn_rpm_types::RichDependency::parse(text).unwrap();
            pool.intern_rich(&rich)
        };
        let dep = parse(&mut pool, "(x if y else z)");
        let [x, y, z] = ["x", "y", "z"].map(|name| parse(&mut pool, name));
        assert_eq!(
            clauses(&pool, dep, false),
            vec![
                vec![Literal::Positive(x), Literal::Negative(y)],
                vec![Literal::Positive(y), Literal::Positive(z)]
            ]
        );
        let dep = parse(&mut pool, "(x unless y)");
        assert_eq!(
            clauses(&pool, dep, false),
            vec![vec![Literal::Positive(x)], vec![Literal::Negative(y)]]
        );
        // Conflicts: (x and y) means not both.
        let dep = parse(&mut pool, "(x and y)");
        assert_eq!(
            clauses(&pool, dep, true),
            vec![vec![Literal::Negative(x), Literal::Negative(y)]]
        );
    }
}
