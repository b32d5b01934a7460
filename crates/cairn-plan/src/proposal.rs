//! Proposed cycle breaks: members of a cycle whose spec has a `bootstrap` conditional are
//! evaluated `--with bootstrap`, and a break is proposed when building them that way first
//! leaves fewer (or no) components needing each other.
//!
//! This is how Fedora breaks its build cycles (a `%bcond bootstrap` stage that drops the
//! BuildRequires closing the cycle, then a normal rebuild); whether a member's bootstrap
//! build really drops the right edges is checked, not assumed.

use std::collections::BTreeMap;

use rayon::prelude::*;

use crate::evaluate::Conditionals;
use crate::graph::Edge;
use crate::plan::{Cycle, Proposal};
use crate::stages::{CycleEdge, StageInput, build_stages, order};
use crate::summary::SpecSummary;

/// The conditional a bootstrap build turns on.
pub const BOOTSTRAP_BCOND: &str = "bootstrap";

/// What the proposal search needs from the plan.
pub(crate) struct ProposalInput<'a> {
    pub names: &'a [String],
    pub edges: &'a [Vec<Edge>],
    pub summaries: &'a [Option<&'a SpecSummary>],
    pub sccs: &'a [Vec<usize>],
    pub component_scc: &'a [usize],
    /// Configured breakers (component to conditionals and bootstrap edges).
    pub breakers: &'a BTreeMap<usize, (Conditionals, Vec<Edge>)>,
    /// The edges of a component evaluated with conditionals (`None` when it does not evaluate).
    pub evaluate: &'a (dyn Fn(usize, &Conditionals) -> Option<Vec<Edge>> + Sync),
}

/// The members of the stage cycles left among `members` with `breakers`, as component names.
fn remaining(
    input: &ProposalInput<'_>,
    members: &[usize],
    breakers: &BTreeMap<usize, (Conditionals, Vec<Edge>)>,
) -> Vec<Vec<String>> {
    let (mut stages, _) = build_stages(&StageInput {
        names: input.names,
        edges: input.edges,
        breakers,
        component_scc: input.component_scc,
        members,
    });
    order(&mut stages)
        .into_iter()
        .map(|group| {
            let mut names: Vec<String> = group
                .iter()
                .map(|&stage| stages[stage].name.clone())
                .collect();
            names.sort();
            names
        })
        .collect()
}

fn size(groups: &[Vec<String>]) -> usize {
    groups.iter().map(Vec::len).sum()
}

/// Fills [`Cycle::proposal`] for cycles the configured breakers leave unbroken.
pub(crate) fn propose(cycles: &mut [Cycle], input: &ProposalInput<'_>) {
    let mut scc_cycles = input.sccs.iter().filter(|members| members.len() > 1);
    for cycle in cycles.iter_mut() {
        let Some(members) = scc_cycles.next() else {
            break;
        };
        if cycle.broken && !cycle.breakers.is_empty() {
            continue;
        }
        let configured: BTreeMap<usize, (Conditionals, Vec<Edge>)> = members
            .iter()
            .filter_map(|member| {
                input
                    .breakers
                    .get(member)
                    .map(|breaker| (*member, breaker.clone()))
            })
            .collect();
        let conditionals = Conditionals {
            with: vec![BOOTSTRAP_BCOND.to_owned()],
            without: Vec::new(),
        };
        let candidates: Vec<(usize, Vec<Edge>)> = members
            .par_iter()
            .filter(|member| !configured.contains_key(member))
            .filter(|&&member| {
                input.summaries[member]
                    .and_then(|summary| summary.bcond(BOOTSTRAP_BCOND))
                    .is_some_and(|bcond| !bcond.default_on)
            })
            .filter_map(|&member| {
                (input.evaluate)(member, &conditionals).map(|edges| (member, edges))
            })
            .collect();
        if candidates.is_empty() {
            continue;
        }
        let before = size(&remaining(input, members, &configured));
        let with = |chosen: &[&(usize, Vec<Edge>)]| {
            let mut breakers = configured.clone();
            for (member, edges) in chosen {
                breakers.insert(*member, (conditionals.clone(), edges.clone()));
            }
            remaining(input, members, &breakers)
        };
        // Each candidate alone, then all of them together; the smallest remainder wins, and
        // fewer breakers win a tie.
        type Candidate = (usize, Vec<Edge>);
        let mut options: Vec<(Vec<&Candidate>, Vec<Vec<String>>)> = candidates
            .par_iter()
            .map(|candidate| (vec![candidate], with(&[candidate])))
            .collect();
        if candidates.len() > 1 {
            let all: Vec<&(usize, Vec<Edge>)> = candidates.iter().collect();
            let left = with(&all);
            options.push((all, left));
        }
        let Some((chosen, left)) = options
            .into_iter()
            .min_by_key(|(chosen, left)| (size(left), chosen.len()))
        else {
            continue;
        };
        if size(&left) >= before {
            continue;
        }
        let mut removes = Vec::new();
        for (member, bootstrap_edges) in &chosen {
            for edge in &input.edges[*member] {
                let inside = members.binary_search(&edge.target).is_ok() && edge.target != *member;
                if inside
                    && !bootstrap_edges
                        .iter()
                        .any(|kept| kept.target == edge.target)
                {
                    removes.push(CycleEdge {
                        from: input.names[*member].clone(),
                        to: input.names[edge.target].clone(),
                        reasons: edge.reasons.clone(),
                    });
                }
            }
        }
        cycle.proposal = Some(Proposal {
            breakers: chosen
                .iter()
                .map(|(member, _)| (input.names[*member].clone(), conditionals.clone()))
                .collect(),
            removes,
            remaining: left,
        });
    }
}
