//! Checking an install set directly against the dependency encoding.
//!
//! libsolv's replay ([`crate::libsolv`]) usually ends with the very set resolvo then confirms
//! when every chosen package is made a requirement. Confirming it that way costs a full resolvo
//! run (clauses for every candidate of every name the set touches); checking the set itself is
//! one pass over its dependencies. The rules here are those [`crate::provider`] encodes for
//! resolvo, read as predicates over a fixed set: when the check passes, resolvo would accept
//! the set too (debug builds confirm it with resolvo on every solve); when it fails, resolvo
//! searches as before.

use crate::pool::{DepId, PackageId, Pool};
use crate::rich::{self, Literal};

/// Why a set is not a valid install set (for the debug log).
#[derive(Debug)]
pub(crate) struct Violation(pub String);

/// Whether `installed` satisfies every job (one of its candidates installed) and every rule the
/// resolvo encoding has: each package installable, its Requires held, its Conflicts and
/// Obsoletes not hit, and one package per name unless the name is install-only.
pub(crate) fn check(
    pool: &Pool,
    jobs: &[Vec<PackageId>],
    installed: &[PackageId],
) -> Result<(), Violation> {
    let mut flags = vec![false; pool.solvables.len()];
    for &id in installed {
        flags[id.index()] = true;
    }
    let set = Set {
        pool,
        flags: &flags,
    };
    for (index, job) in jobs.iter().enumerate() {
        if !job.iter().any(|&id| set.has(id)) {
            return Err(Violation(format!("job {index} has no installed candidate")));
        }
    }
    for &id in installed {
        set.package(id)?;
    }
    Ok(())
}

struct Set<'a> {
    pool: &'a Pool,
    flags: &'a [bool],
}

impl Set<'_> {
    fn has(&self, id: PackageId) -> bool {
        self.flags[id.index()]
    }

    /// Some installed package provides `atom`, other than `except`.
    fn provided(&self, atom: DepId, except: Option<PackageId>) -> bool {
        self.pool
            .whatprovides(atom)
            .iter()
            .any(|&p| Some(p) != except && self.has(p))
    }

    fn package(&self, id: PackageId) -> Result<(), Violation> {
        let pool = self.pool;
        let violation = |what: &str, dep: DepId| {
            Err(Violation(format!(
                "{} {what} {}",
                pool.nevra(id),
                pool.dep_to_string(dep)
            )))
        };
        if !pool.is_installable(id) {
            return Err(Violation(format!("{} is not installable", pool.nevra(id))));
        }
        let solvable = pool.solvable(id);
        let same_name = pool.same_name(solvable.name);
        if same_name.iter().filter(|&&p| self.has(p)).count() > 1
            && !same_name.iter().any(|&p| pool.is_installonly(p))
        {
            return Err(Violation(format!(
                "two packages named {}",
                pool.package_name(id)
            )));
        }
        for &dep in solvable.requires.iter() {
            let held = if pool.is_complex(dep) {
                self.clauses_hold(id, dep, false)
            } else {
                self.provided(dep, None)
            };
            if !held {
                return violation("requires", dep);
            }
        }
        for &dep in solvable.conflicts.iter() {
            let clear = if pool.is_complex(dep) {
                self.clauses_hold(id, dep, true)
            } else {
                // rpm and libsolv ignore a package's conflict with itself.
                !self.provided(dep, Some(id))
            };
            if !clear {
                return violation("conflicts with", dep);
            }
        }
        for &dep in solvable.obsoletes.iter() {
            let hit = pool
                .whatprovides(dep)
                .iter()
                .any(|&p| p != id && self.has(p) && pool.matches_nevr(p, dep));
            if hit {
                return violation("obsoletes", dep);
            }
        }
        Ok(())
    }

    /// The clauses of `dep` (negated for a Conflicts) hold for `owner`, with the owner's own
    /// literals decided as `Provider::add_clauses` decides them.
    fn clauses_hold(&self, owner: PackageId, dep: DepId, conflicts: bool) -> bool {
        let pool = self.pool;
        let provides = |atom: DepId| pool.whatprovides(atom).binary_search(&owner).is_ok();
        rich::clauses(pool, dep, conflicts)
            .into_iter()
            .all(|clause| {
                let mut own_negatives = Vec::new();
                let mut any_other = false;
                for literal in clause {
                    match literal {
                        Literal::Positive(atom) if provides(atom) => return true,
                        Literal::Negative(atom) if pool.whatprovides(atom).is_empty() => {
                            return true;
                        }
                        Literal::Negative(atom) if provides(atom) => own_negatives.push(atom),
                        Literal::Positive(atom) => {
                            any_other = true;
                            if self.provided(atom, None) {
                                return true;
                            }
                        }
                        Literal::Negative(atom) => {
                            any_other = true;
                            if !self.provided(atom, None) {
                                return true;
                            }
                        }
                    }
                }
                // Only the owner's own negative atoms: a Requires that installing the owner makes
                // false, or a self-conflict, of which only the atoms' other providers count.
                !any_other
                    && conflicts
                    && own_negatives
                        .iter()
                        .all(|&atom| !self.provided(atom, Some(owner)))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pool::tests::{package, pool};

    fn ids(raw: &[u32]) -> Vec<PackageId> {
        raw.iter().map(|&id| PackageId(id)).collect()
    }

    #[test]
    fn each_rule_rejects_what_it_should() {
        let pool = pool(&[
            package(
                "a-1-1.noarch",
                &[("requires", "(b if c)"), ("requires", "d")],
            ),
            package("b-1-1.noarch", &[]),
            package("c-1-1.noarch", &[("conflicts", "e")]),
            package("d-1-1.noarch", &[("provides", "e")]),
            package("d-2-1.noarch", &[("obsoletes", "b < 2")]),
            package(
                "f-1-1.noarch",
                &[("conflicts", "f"), ("requires", "/usr/bin/g")],
            ),
            package("g-1-1.noarch", &[("file", "/usr/bin/g")]),
        ]);
        let jobs = [ids(&[1])];
        assert!(check(&pool, &jobs, &ids(&[1, 4])).is_ok());
        assert!(check(&pool, &jobs, &ids(&[1, 2, 4])).is_ok());
        // a requires d; job a unmet.
        assert!(check(&pool, &jobs, &ids(&[1])).is_err());
        assert!(check(&pool, &jobs, &ids(&[4])).is_err());
        // c without b breaks `(b if c)`; with b, c conflicts with d's `e`.
        assert!(check(&pool, &jobs, &ids(&[1, 3, 4])).is_err());
        assert!(check(&pool, &jobs, &ids(&[1, 2, 3, 4])).is_err());
        // Two versions of d; d-2 obsoletes b-1.
        assert!(check(&pool, &jobs, &ids(&[1, 4, 5])).is_err());
        assert!(check(&pool, &jobs, &ids(&[1, 2, 5])).is_err());
        assert!(check(&pool, &jobs, &ids(&[1, 5])).is_ok());
        // A self-conflict is ignored; a file dependency needs the owner.
        assert!(check(&pool, &[ids(&[6])], &ids(&[6])).is_err());
        assert!(check(&pool, &[ids(&[6])], &ids(&[6, 7])).is_ok());
    }
}
