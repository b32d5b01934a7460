//! [`plan()`]: evaluate every component, build the graph, find cycles and their breaks, and
//! order the builds into waves.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use rayon::prelude::*;
use serde::Serialize;

use crate::cache::{DirectoryDigest, Evaluation, EvaluationCache};
use crate::error::PlanError;
use crate::evaluate::{Conditionals, EvaluationSettings, Evaluator, spec_file};
use crate::graph::{Ambiguity, Edge, Providers, RequiresIndex, Unresolved, component_edges};
use crate::proposal::ProposalInput;
use crate::scc;
use crate::stages::{CycleEdge, Stage, StageInput, build_stages, cycle_edges, order};
use crate::summary::{BinaryPackage, SpecSummary};

/// One component to plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComponentInput {
    /// The component's name.
    pub name: String,
    /// Its rendered spec directory.
    pub dir: PathBuf,
    /// When it breaks a cycle: the conditionals of its bootstrap build.
    pub bootstrap: Option<Conditionals>,
}

/// What to plan.
#[derive(Debug, Clone)]
pub struct PlanRequest {
    /// Every component of the distribution (providers must all be known).
    pub components: Vec<ComponentInput>,
    /// The macro environment.
    pub settings: EvaluationSettings,
    /// Capabilities the build host provides: never looked up among the components.
    pub host_provides: Vec<String>,
    /// The evaluation cache file (`None`: no cache).
    pub cache_file: Option<PathBuf>,
    /// What earlier builds produced, by component: the Provides and Requires rpm generated,
    /// added to the evaluated specs (see [`SpecSummary::learn_from_build`]).
    pub built: BTreeMap<String, Vec<BinaryPackage>>,
}

/// A component in the plan.
#[derive(Debug, Clone, Serialize)]
pub struct PlannedComponent {
    /// The name.
    pub name: String,
    /// The rendered spec directory.
    pub dir: PathBuf,
    /// The spec file, when found.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spec: Option<PathBuf>,
    /// The files of the rendered directory and their digests.
    #[serde(skip)]
    pub files: DirectoryDigest,
    /// The evaluated spec.
    #[serde(skip)]
    pub summary: Option<SpecSummary>,
    /// Why the component cannot be planned (not rendered, the spec does not evaluate).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// What it needs built first.
    #[serde(skip)]
    pub edges: Vec<Edge>,
    /// BuildRequires no component provides.
    pub unresolved: Unresolved,
    /// BuildRequires several components provide.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ambiguities: Vec<Ambiguity>,
    /// A configured bootstrap build: its evaluation.
    #[serde(skip)]
    pub bootstrap: Option<BootstrapBuild>,
}

/// A component's bootstrap build, evaluated.
#[derive(Debug, Clone)]
pub struct BootstrapBuild {
    /// Its conditionals.
    pub conditionals: Conditionals,
    /// The evaluated spec with them.
    pub summary: Option<SpecSummary>,
    /// Why it did not evaluate.
    pub error: Option<String>,
    /// What it needs built first.
    pub edges: Vec<Edge>,
}

/// A set of components that need each other.
#[derive(Debug, Clone, Serialize)]
pub struct Cycle {
    /// The members, sorted by name.
    pub members: Vec<String>,
    /// The edges between members.
    pub edges: Vec<CycleEdge>,
    /// Configured breakers among the members.
    pub breakers: Vec<String>,
    /// Whether the configured breakers leave no cycle among these members.
    pub broken: bool,
    /// A break found by evaluating members with a bootstrap conditional.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proposal: Option<Proposal>,
}

/// A proposed cycle break.
#[derive(Debug, Clone, Serialize)]
pub struct Proposal {
    /// Components to build with their bootstrap conditional first, with the conditionals.
    pub breakers: Vec<(String, Conditionals)>,
    /// The edges the bootstrap builds drop.
    pub removes: Vec<CycleEdge>,
    /// Cycles left among the members with these breakers (empty: the cycle is broken).
    pub remaining: Vec<Vec<String>>,
}

/// Counts and timings.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Statistics {
    /// Components planned.
    pub components: usize,
    /// Specs evaluated in this run.
    pub evaluated: usize,
    /// Evaluations taken from the cache.
    pub cached: usize,
    /// Components that could not be evaluated.
    pub failed: usize,
    /// Edges between components.
    pub edges: usize,
    /// Binary packages whose dependencies were completed from an earlier build.
    pub learned_from_builds: usize,
    /// Time spent hashing and evaluating.
    #[serde(serialize_with = "seconds")]
    pub evaluation: Duration,
    /// Time spent on the graph, cycles and waves.
    #[serde(serialize_with = "seconds")]
    pub graph: Duration,
}

fn seconds<S: serde::Serializer>(duration: &Duration, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_f64(duration.as_secs_f64())
}

/// The plan: components, stages in waves, cycles.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    /// Every component, in request order.
    pub components: Vec<PlannedComponent>,
    /// The builds, each after its dependencies.
    pub stages: Vec<Stage>,
    /// Stage indices per wave.
    pub waves: Vec<Vec<usize>>,
    /// Sets of components that need each other.
    pub cycles: Vec<Cycle>,
    /// Counts and timings.
    pub statistics: Statistics,
}

impl Plan {
    /// The stage indices of `names` (normal and bootstrap stages) and every stage they need,
    /// in wave order.
    pub fn closure(&self, names: &[String]) -> Vec<usize> {
        let wanted: BTreeSet<&str> = names.iter().map(String::as_str).collect();
        let mut selected = vec![false; self.stages.len()];
        let mut stack: Vec<usize> = self
            .stages
            .iter()
            .enumerate()
            .filter(|(_, stage)| wanted.contains(self.components[stage.component].name.as_str()))
            .map(|(index, _)| index)
            .collect();
        while let Some(stage) = stack.pop() {
            if std::mem::replace(&mut selected[stage], true) {
                continue;
            }
            stack.extend(&self.stages[stage].dependencies);
        }
        self.waves
            .iter()
            .flatten()
            .copied()
            .filter(|&stage| selected[stage])
            .collect()
    }
}

struct Outcome {
    signature: Option<String>,
    digest: DirectoryDigest,
    spec: Option<PathBuf>,
    key: Option<String>,
    evaluation: Evaluation,
    from_cache: bool,
}

fn evaluate_component(
    cache: &EvaluationCache,
    evaluator: &Evaluator,
    input: &ComponentInput,
    conditionals: &Conditionals,
) -> Outcome {
    let failed = |message: String| Outcome {
        signature: None,
        digest: DirectoryDigest::default(),
        spec: None,
        key: None,
        evaluation: Evaluation::Error(message),
        from_cache: false,
    };
    if !input.dir.is_dir() {
        return failed(format!(
            "not rendered: {} does not exist (run `cairn component render`)",
            input.dir.display()
        ));
    }
    let (signature, digest) = match cache.directory(&input.dir) {
        Ok((signature, Some(digest))) => (signature, digest),
        Ok((signature, None)) => match DirectoryDigest::compute(&input.dir) {
            Ok(digest) => (signature, digest),
            Err(error) => return failed(format!("{}: {error}", input.dir.display())),
        },
        Err(error) => return failed(format!("{}: {error}", input.dir.display())),
    };
    let Some(spec) = spec_file(&input.dir, &input.name) else {
        return Outcome {
            signature: Some(signature),
            digest,
            spec: None,
            key: None,
            evaluation: Evaluation::Error(format!(
                "{}: no {}.spec (and not exactly one *.spec)",
                input.dir.display(),
                input.name
            )),
            from_cache: false,
        };
    };
    let key = evaluator.key(&digest.digest, conditionals);
    let (evaluation, from_cache) = match cache.evaluation(&key) {
        Some(evaluation) => (evaluation.clone(), true),
        None => (evaluator.evaluate(&spec, &input.dir, conditionals), false),
    };
    Outcome {
        signature: Some(signature),
        digest,
        spec: Some(spec),
        key: Some(key),
        evaluation,
        from_cache,
    }
}

fn keep(cache: &mut EvaluationCache, input: &ComponentInput, outcome: &Outcome) {
    if let Some(signature) = &outcome.signature {
        cache.keep_directory(&input.dir, signature.clone(), outcome.digest.clone());
    }
    if let Some(key) = &outcome.key {
        cache.keep_evaluation(key, outcome.evaluation.clone());
    }
}

fn split(evaluation: Evaluation) -> (Option<SpecSummary>, Option<String>) {
    match evaluation {
        Evaluation::Summary(summary) => (Some(summary), None),
        Evaluation::Error(error) => (None, Some(error)),
    }
}

/// Plans `request` (see the crate documentation).
///
/// # Errors
///
/// When the macro environment cannot be set up (an invalid definition). Problems of single
/// components (not rendered, not evaluable) are reported in [`PlannedComponent::error`].
pub fn plan(request: &PlanRequest) -> Result<Plan, PlanError> {
    let started = Instant::now();
    let evaluator = Evaluator::new(request.settings.clone())?;
    let mut cache = EvaluationCache::load(request.cache_file.clone());
    let normal = Conditionals::default();
    let outcomes: Vec<(Outcome, Option<Outcome>)> = request
        .components
        .par_iter()
        .map(|input| {
            let outcome = evaluate_component(&cache, &evaluator, input, &normal);
            let bootstrap = input
                .bootstrap
                .as_ref()
                .map(|conditionals| evaluate_component(&cache, &evaluator, input, conditionals));
            (outcome, bootstrap)
        })
        .collect();
    let mut statistics = Statistics {
        components: request.components.len(),
        ..Statistics::default()
    };
    let mut components = Vec::with_capacity(outcomes.len());
    let mut bootstrap_summaries = Vec::with_capacity(outcomes.len());
    for (input, (outcome, bootstrap)) in request.components.iter().zip(outcomes) {
        for outcome in std::iter::once(&outcome).chain(bootstrap.as_ref()) {
            keep(&mut cache, input, outcome);
            if outcome.key.is_some() {
                if outcome.from_cache {
                    statistics.cached += 1;
                } else {
                    statistics.evaluated += 1;
                }
            }
        }
        let (summary, error) = split(outcome.evaluation);
        statistics.failed += usize::from(error.is_some());
        bootstrap_summaries.push(bootstrap.map(|bootstrap| {
            let (summary, error) = split(bootstrap.evaluation);
            (input.bootstrap.clone().unwrap_or_default(), summary, error)
        }));
        components.push(PlannedComponent {
            name: input.name.clone(),
            dir: input.dir.clone(),
            spec: outcome.spec,
            files: outcome.digest,
            summary,
            error,
            edges: Vec::new(),
            unresolved: Unresolved::default(),
            ambiguities: Vec::new(),
            bootstrap: None,
        });
    }
    statistics.evaluation = started.elapsed();
    let graph_started = Instant::now();
    for component in &mut components {
        if let (Some(summary), Some(built)) = (
            component.summary.as_mut(),
            request.built.get(&component.name),
        ) {
            statistics.learned_from_builds += summary.learn_from_build(built);
        }
    }

    let names: Vec<String> = components
        .iter()
        .map(|component| component.name.clone())
        .collect();
    let summaries: Vec<Option<&SpecSummary>> = components
        .iter()
        .map(|component| component.summary.as_ref())
        .collect();
    let providers = Providers::new(&names, &summaries, &request.host_provides);
    let index = RequiresIndex::new(&providers);
    let edges: Vec<_> = summaries
        .par_iter()
        .enumerate()
        .map(|(component, summary)| {
            summary.map(|summary| {
                component_edges(&providers, &index, component, &summary.build_requires)
            })
        })
        .collect();
    let bootstrap_edges: Vec<Option<BootstrapBuild>> = bootstrap_summaries
        .into_iter()
        .enumerate()
        .map(|(component, bootstrap)| {
            bootstrap.map(|(conditionals, summary, error)| {
                let edges = summary
                    .as_ref()
                    .map(|summary| {
                        component_edges(&providers, &index, component, &summary.build_requires)
                            .edges
                    })
                    .unwrap_or_default();
                BootstrapBuild {
                    conditionals,
                    summary,
                    error,
                    edges,
                }
            })
        })
        .collect();
    let mut candidates = Vec::new();
    let mut planned_edges = Vec::with_capacity(components.len());
    for found in edges {
        let found = found.unwrap_or_default();
        planned_edges.push(found.edges);
        candidates.push((found.unresolved, found.ambiguities));
    }
    let successors: Vec<Vec<usize>> = planned_edges
        .iter()
        .map(|edges| edges.iter().map(|edge| edge.target).collect())
        .collect();
    let sccs = scc::strongly_connected(&successors);
    let mut component_scc = vec![0; components.len()];
    for (number, members) in sccs.iter().enumerate() {
        for &member in members {
            component_scc[member] = number;
        }
    }
    let mut breakers: BTreeMap<usize, (Conditionals, Vec<Edge>)> = BTreeMap::new();
    for (component, bootstrap) in bootstrap_edges.iter().enumerate() {
        if let Some(bootstrap) = bootstrap
            && sccs[component_scc[component]].len() > 1
            && bootstrap.summary.is_some()
        {
            breakers.insert(
                component,
                (bootstrap.conditionals.clone(), bootstrap.edges.clone()),
            );
        }
    }
    let members: Vec<usize> = (0..components.len()).collect();
    let (mut stages, _) = build_stages(&StageInput {
        names: &names,
        edges: &planned_edges,
        breakers: &breakers,
        component_scc: &component_scc,
        members: &members,
    });
    let unbroken = order(&mut stages);

    let mut cycles = Vec::new();
    for members in sccs.iter().filter(|members| members.len() > 1) {
        let mut cycle = Cycle {
            members: members
                .iter()
                .map(|&member| names[member].clone())
                .collect(),
            edges: cycle_edges(&names, &planned_edges, members),
            breakers: members
                .iter()
                .filter(|member| breakers.contains_key(member))
                .map(|&member| names[member].clone())
                .collect(),
            broken: true,
            proposal: None,
        };
        cycle.members.sort();
        let member_stages: BTreeSet<usize> = stages
            .iter()
            .enumerate()
            .filter(|(_, stage)| members.contains(&stage.component))
            .map(|(index, _)| index)
            .collect();
        let number = cycles.len();
        for group in &unbroken {
            if group.iter().any(|stage| member_stages.contains(stage)) {
                cycle.broken = false;
                for &stage in group {
                    stages[stage].cycle = Some(number);
                }
            }
        }
        cycles.push(cycle);
    }
    let proposal_outcomes = std::sync::Mutex::new(Vec::new());
    crate::proposal::propose(
        &mut cycles,
        &ProposalInput {
            names: &names,
            edges: &planned_edges,
            summaries: &summaries,
            sccs: &sccs,
            component_scc: &component_scc,
            breakers: &breakers,
            evaluate: &|component, conditionals| {
                let input = &request.components[component];
                let outcome = evaluate_component(&cache, &evaluator, input, conditionals);
                let edges = match &outcome.evaluation {
                    Evaluation::Summary(summary) => Some(
                        component_edges(&providers, &index, component, &summary.build_requires)
                            .edges,
                    ),
                    Evaluation::Error(_) => None,
                };
                proposal_outcomes
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .push((component, outcome));
                edges
            },
        },
    );
    drop(index);
    drop(providers);
    drop(summaries);
    for (component, outcome) in proposal_outcomes
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
    {
        keep(&mut cache, &request.components[component], &outcome);
    }
    cache.save();
    for ((component, edges), (unresolved, ambiguities)) in
        components.iter_mut().zip(planned_edges).zip(candidates)
    {
        component.edges = edges;
        component.unresolved = unresolved;
        component.ambiguities = ambiguities;
    }
    for (component, bootstrap) in components.iter_mut().zip(bootstrap_edges) {
        component.bootstrap = bootstrap;
    }
    statistics.edges = components
        .iter()
        .map(|component| component.edges.len())
        .sum();

    let wave_count = stages.iter().map(|stage| stage.wave + 1).max().unwrap_or(0);
    let mut waves = vec![Vec::new(); wave_count];
    for (index, stage) in stages.iter().enumerate() {
        waves[stage.wave].push(index);
    }
    statistics.graph = graph_started.elapsed();
    Ok(Plan {
        components,
        stages,
        waves,
        cycles,
        statistics,
    })
}
