//! Build stages: one per component, plus a bootstrap stage for each cycle breaker, ordered so
//! that every stage comes after what its build root needs, and the cycles that remain.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::evaluate::Conditionals;
use crate::graph::{Edge, Reason};
use crate::scc;

/// One build: a component, normally or as a bootstrap.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stage {
    /// The stage's name: the component's, with `+bootstrap` for a bootstrap stage (used for
    /// logs and records).
    pub name: String,
    /// The component (an index into the plan's components).
    pub component: usize,
    /// The conditionals of a bootstrap build; empty for a normal one.
    #[serde(skip_serializing_if = "Conditionals::is_empty")]
    pub conditionals: Conditionals,
    /// Whether this is a bootstrap build (its packages are replaced by the normal build's).
    pub bootstrap: bool,
    /// Stages that must be built first (indices into the plan's stages).
    pub dependencies: Vec<usize>,
    /// The wave: 0 for stages that need nothing built, else one more than the highest wave of
    /// its dependencies. Every stage of a wave can build at the same time.
    pub wave: usize,
    /// The unbroken cycle this stage is in (an index into the plan's cycles).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cycle: Option<usize>,
}

/// A dependency between two members of a cycle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CycleEdge {
    /// The component that needs `to` built first.
    pub from: String,
    /// The component it needs.
    pub to: String,
    /// Why (the first few reasons).
    pub reasons: Vec<Reason>,
}

/// The input of [`build_stages`].
pub(crate) struct StageInput<'a> {
    /// Component names.
    pub names: &'a [String],
    /// Each component's edges (normal build).
    pub edges: &'a [Vec<Edge>],
    /// Breakers: component to (conditionals, edges of the bootstrap build).
    pub breakers: &'a BTreeMap<usize, (Conditionals, Vec<Edge>)>,
    /// The strongly connected component of each component in the normal graph.
    pub component_scc: &'a [usize],
    /// The components to make stages for (in order).
    pub members: &'a [usize],
}

/// The stages of `input`: each member's normal stage, each breaker's bootstrap stage before it.
/// Returns the stages and the stage index of each member's normal stage.
pub(crate) fn build_stages(input: &StageInput<'_>) -> (Vec<Stage>, HashMap<usize, usize>) {
    let mut stages = Vec::new();
    let mut normal = HashMap::new();
    let mut bootstrap = HashMap::new();
    for &member in input.members {
        if let Some((conditionals, _)) = input.breakers.get(&member) {
            bootstrap.insert(member, stages.len());
            stages.push(Stage {
                name: format!("{}+bootstrap", input.names[member]),
                component: member,
                conditionals: conditionals.clone(),
                bootstrap: true,
                dependencies: Vec::new(),
                wave: 0,
                cycle: None,
            });
        }
        normal.insert(member, stages.len());
        stages.push(Stage {
            name: input.names[member].clone(),
            component: member,
            conditionals: Conditionals::default(),
            bootstrap: false,
            dependencies: Vec::new(),
            wave: 0,
            cycle: None,
        });
    }
    for stage in &mut stages {
        let from = stage.component;
        let edges = match (stage.bootstrap, input.breakers.get(&from)) {
            (true, Some((_, edges))) => edges,
            _ => &input.edges[from],
        };
        let mut dependencies: Vec<usize> = edges
            .iter()
            .filter(|edge| edge.target != from)
            .filter_map(|edge| {
                let same_cycle = input.component_scc[edge.target] == input.component_scc[from];
                match bootstrap.get(&edge.target) {
                    Some(&early) if same_cycle => Some(early),
                    _ => normal.get(&edge.target).copied(),
                }
            })
            .collect();
        if !stage.bootstrap
            && let Some(&early) = bootstrap.get(&from)
        {
            dependencies.push(early);
        }
        dependencies.sort_unstable();
        dependencies.dedup();
        stage.dependencies = dependencies;
    }
    (stages, normal)
}

/// Assigns waves, and returns the strongly connected groups of stages that remain (unbroken
/// cycles), each sorted.
pub(crate) fn order(stages: &mut [Stage]) -> Vec<Vec<usize>> {
    let successors: Vec<Vec<usize>> = stages
        .iter()
        .map(|stage| stage.dependencies.clone())
        .collect();
    let components = scc::strongly_connected(&successors);
    let layers = scc::layers(&successors, &components);
    for (stage, layer) in stages.iter_mut().zip(layers) {
        stage.wave = layer;
    }
    components
        .into_iter()
        .filter(|component| component.len() > 1)
        .collect()
}

/// The edges between members of `members` (component indices), with their reasons.
pub(crate) fn cycle_edges(
    names: &[String],
    edges: &[Vec<Edge>],
    members: &[usize],
) -> Vec<CycleEdge> {
    let mut found = Vec::new();
    for &from in members {
        for edge in &edges[from] {
            if edge.target != from && members.binary_search(&edge.target).is_ok() {
                found.push(CycleEdge {
                    from: names[from].clone(),
                    to: names[edge.target].clone(),
                    reasons: edge.reasons.clone(),
                });
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edge(target: usize) -> Edge {
        Edge {
            target,
            reasons: Vec::new(),
            reason_count: 1,
            direct: true,
        }
    }

    #[test]
    fn a_bootstrap_stage_breaks_the_cycle_it_is_in() {
        // musl(0) <-> busybox(1); zlib(2) -> musl; musl's bootstrap build needs nothing.
        let names = ["musl", "busybox", "zlib"].map(String::from).to_vec();
        let edges = vec![vec![edge(1)], vec![edge(0)], vec![edge(0)]];
        let component_scc = [0, 0, 1];
        let mut breakers = BTreeMap::new();
        breakers.insert(
            0,
            (
                Conditionals {
                    with: vec!["bootstrap".into()],
                    without: vec![],
                },
                vec![],
            ),
        );
        let (mut stages, _) = build_stages(&StageInput {
            names: &names,
            edges: &edges,
            breakers: &breakers,
            component_scc: &component_scc,
            members: &[0, 1, 2],
        });
        let cycles = order(&mut stages);
        assert!(cycles.is_empty());
        let waves: Vec<(&str, usize)> = stages
            .iter()
            .map(|stage| (stage.name.as_str(), stage.wave))
            .collect();
        assert_eq!(
            waves,
            [
                ("musl+bootstrap", 0),
                ("musl", 2),
                ("busybox", 1),
                ("zlib", 3)
            ]
        );
    }

    #[test]
    fn a_breaker_that_still_needs_the_cycle_leaves_it() {
        let names = ["a", "b"].map(String::from).to_vec();
        let edges = vec![vec![edge(1)], vec![edge(0)]];
        let mut breakers = BTreeMap::new();
        breakers.insert(0, (Conditionals::default(), vec![edge(1)]));
        let (mut stages, _) = build_stages(&StageInput {
            names: &names,
            edges: &edges,
            breakers: &breakers,
            component_scc: &[0, 0],
            members: &[0, 1],
        });
        let cycles = order(&mut stages);
        assert_eq!(cycles.len(), 1);
        assert_eq!(cycles[0].len(), 2, "a+bootstrap and b need each other");
    }
}
