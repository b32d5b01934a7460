//! Printing a plan: one JSON document with everything, or text with the waves, the cycles and
//! counts of what the graph cannot resolve (listed in full with `--explain`).

use std::collections::HashMap;
use std::io::Write;

use cairn_build::{StageReport, StageStatus};
use cairn_plan::{Ambiguity, Conditionals, Cycle, Edge, Plan, Reason, Unresolved};
use serde::Serialize;

use super::{TEXT_LIMIT, View};

/// Whether the shown builds are up to date (`cairn plan --explain`).
#[derive(Serialize)]
pub(super) struct Staleness {
    /// Each shown build, in wave order: up to date, stale with the reasons, or blocked.
    pub(super) stages: Vec<StageReport>,
    /// Why staleness could not be told.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) error: Option<String>,
}

#[derive(Serialize)]
struct Report<'a> {
    summary: Summary,
    waves: Vec<Vec<&'a str>>,
    stages: Vec<StageRow<'a>>,
    cycles: Vec<&'a Cycle>,
    components: Vec<ComponentRow<'a>>,
    /// Which builds are stale and why (with `--explain`; `null` otherwise).
    staleness: Option<&'a Staleness>,
}

#[derive(Serialize)]
struct Summary {
    components: usize,
    stages: usize,
    waves: usize,
    edges: usize,
    cycles: usize,
    cycles_broken: usize,
    unresolved: usize,
    ambiguities: usize,
    not_planned: usize,
    evaluated: usize,
    cached: usize,
    /// Binary packages whose dependencies came partly from an earlier build's RPM headers.
    learned_from_builds: usize,
    evaluation_seconds: f64,
    graph_seconds: f64,
}

#[derive(Serialize)]
struct StageRow<'a> {
    name: &'a str,
    component: &'a str,
    bootstrap: bool,
    #[serde(skip_serializing_if = "Conditionals::is_empty")]
    conditionals: &'a Conditionals,
    wave: usize,
    dependencies: Vec<&'a str>,
    /// The index in `cycles` of the unbroken cycle the stage is in.
    #[serde(skip_serializing_if = "Option::is_none")]
    cycle: Option<usize>,
}

#[derive(Serialize)]
struct ComponentRow<'a> {
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    spec: Option<&'a std::path::Path>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a str>,
    edges: Vec<EdgeRow<'a>>,
    #[serde(skip_serializing_if = "is_resolved")]
    unresolved: &'a Unresolved,
    #[serde(skip_serializing_if = "<[Ambiguity]>::is_empty")]
    ambiguities: &'a [Ambiguity],
}

fn is_resolved(unresolved: &Unresolved) -> bool {
    unresolved.missing.is_empty() && unresolved.host.is_empty()
}

#[derive(Serialize)]
struct EdgeRow<'a> {
    component: &'a str,
    direct: bool,
    reasons: &'a [Reason],
    reason_count: usize,
}

impl View {
    fn summary(&self, plan: &Plan) -> Summary {
        let rows = || self.components.iter().map(|&index| &plan.components[index]);
        Summary {
            components: self.components.len(),
            stages: self.waves.iter().map(Vec::len).sum(),
            waves: self.waves.len(),
            edges: rows().map(|component| component.edges.len()).sum(),
            cycles: self.cycles.len(),
            cycles_broken: self
                .cycles
                .iter()
                .filter(|&&cycle| plan.cycles[cycle].broken)
                .count(),
            unresolved: rows()
                .map(|component| component.unresolved.missing.len())
                .sum(),
            ambiguities: rows().map(|component| component.ambiguities.len()).sum(),
            not_planned: self.not_planned(plan).count(),
            evaluated: plan.statistics.evaluated,
            cached: plan.statistics.cached,
            learned_from_builds: plan.statistics.learned_from_builds,
            evaluation_seconds: plan.statistics.evaluation.as_secs_f64(),
            graph_seconds: plan.statistics.graph.as_secs_f64(),
        }
    }

    pub(super) fn report<'a>(
        &self,
        plan: &'a Plan,
        staleness: Option<&'a Staleness>,
    ) -> impl Serialize + 'a {
        let cycle_number: HashMap<usize, usize> = self
            .cycles
            .iter()
            .enumerate()
            .map(|(number, &cycle)| (cycle, number))
            .collect();
        let name = |index: usize| plan.components[index].name.as_str();
        let mut stages = Vec::new();
        for (wave, members) in self.waves.iter().enumerate() {
            for &index in members {
                let stage = &plan.stages[index];
                stages.push(StageRow {
                    name: &stage.name,
                    component: name(stage.component),
                    bootstrap: stage.bootstrap,
                    conditionals: &stage.conditionals,
                    wave,
                    dependencies: stage
                        .dependencies
                        .iter()
                        .map(|&dependency| plan.stages[dependency].name.as_str())
                        .collect(),
                    cycle: stage
                        .cycle
                        .and_then(|cycle| cycle_number.get(&cycle).copied()),
                });
            }
        }
        Report {
            summary: self.summary(plan),
            waves: self
                .waves
                .iter()
                .map(|wave| {
                    wave.iter()
                        .map(|&stage| plan.stages[stage].name.as_str())
                        .collect()
                })
                .collect(),
            stages,
            cycles: self
                .cycles
                .iter()
                .map(|&cycle| &plan.cycles[cycle])
                .collect(),
            components: self
                .components
                .iter()
                .map(|&index| {
                    let component = &plan.components[index];
                    ComponentRow {
                        name: &component.name,
                        spec: component.spec.as_deref(),
                        error: component.error.as_deref(),
                        edges: component
                            .edges
                            .iter()
                            .map(|edge| EdgeRow {
                                component: name(edge.target),
                                direct: edge.direct,
                                reasons: &edge.reasons,
                                reason_count: edge.reason_count,
                            })
                            .collect(),
                        unresolved: &component.unresolved,
                        ambiguities: &component.ambiguities,
                    }
                })
                .collect(),
            staleness,
        }
    }

    pub(super) fn print(
        &self,
        plan: &Plan,
        explain: bool,
        staleness: Option<&Staleness>,
    ) -> std::io::Result<()> {
        // One buffer: stdout's line buffering would write every line with its own call.
        let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
        for (number, wave) in self.waves.iter().enumerate() {
            let names: Vec<&str> = wave
                .iter()
                .map(|&stage| plan.stages[stage].name.as_str())
                .collect();
            writeln!(out, "wave {number} ({}): {}", wave.len(), names.join(" "))?;
            if explain {
                for &stage in wave {
                    explain_stage(&mut out, plan, stage)?;
                }
            }
        }
        for (number, &cycle) in self.cycles.iter().enumerate() {
            print_cycle(&mut out, &plan.cycles[cycle], number + 1, explain)?;
        }
        self.print_problems(&mut out, plan, explain)?;
        let summary = self.summary(plan);
        writeln!(
            out,
            "{} components, {} edges, {} builds in {} waves, {} cycles ({} broken); \
             {} specs evaluated, {} from cache, in {:.2} s (graph {:.2} s)",
            summary.components,
            summary.edges,
            summary.stages,
            summary.waves,
            summary.cycles,
            summary.cycles_broken,
            summary.evaluated,
            summary.cached,
            summary.evaluation_seconds + summary.graph_seconds,
            summary.graph_seconds,
        )?;
        if summary.learned_from_builds > 0 {
            writeln!(
                out,
                "{} packages carry the dependencies rpm generated in their last build",
                summary.learned_from_builds
            )?;
        }
        if let Some(staleness) = staleness {
            print_staleness(&mut out, staleness)?;
        }
        out.flush()
    }

    fn print_problems(
        &self,
        out: &mut impl Write,
        plan: &Plan,
        explain: bool,
    ) -> std::io::Result<()> {
        let limit = if explain { usize::MAX } else { TEXT_LIMIT };
        let rows: Vec<_> = self
            .components
            .iter()
            .map(|&index| &plan.components[index])
            .collect();
        let missing: Vec<_> = rows
            .iter()
            .filter(|component| !component.unresolved.missing.is_empty())
            .collect();
        if !missing.is_empty() {
            let count: usize = missing.iter().map(|c| c.unresolved.missing.len()).sum();
            writeln!(
                out,
                "unresolved: {count} BuildRequires in {} components are provided by no component \
                 and not by the host ([cairn.build.host-provides])",
                missing.len()
            )?;
            for component in missing.iter().take(limit) {
                let names = component.unresolved.missing.join(", ");
                writeln!(out, "  {}: {names}", component.name)?;
            }
            more(out, missing.len(), limit, "components")?;
        }
        let ambiguous: Vec<_> = rows
            .iter()
            .flat_map(|component| {
                component
                    .ambiguities
                    .iter()
                    .map(move |ambiguity| (&component.name, ambiguity))
            })
            .collect();
        if !ambiguous.is_empty() {
            writeln!(
                out,
                "ambiguous: {} BuildRequires are provided by several components (the first is used)",
                ambiguous.len()
            )?;
            for (name, ambiguity) in ambiguous.iter().take(limit) {
                writeln!(
                    out,
                    "  {name}: {}: {}",
                    ambiguity.build_requires,
                    ambiguity.providers.join(", ")
                )?;
            }
            more(out, ambiguous.len(), limit, "ambiguities")?;
        }
        let failed: Vec<_> = self.not_planned(plan).collect();
        if !failed.is_empty() {
            writeln!(out, "not planned: {} components", failed.len())?;
            for component in failed.iter().take(limit) {
                let error = component.error.as_deref().unwrap_or_default();
                writeln!(out, "  {}: {error}", component.name)?;
            }
            more(out, failed.len(), limit, "components")?;
            if failed.iter().any(|component| !component.dir.is_dir()) {
                writeln!(
                    out,
                    "hint: components not rendered yet: run `cairn component render -a` (or -p NAME)"
                )?;
            }
        }
        Ok(())
    }
}

fn print_staleness(out: &mut impl Write, staleness: &Staleness) -> std::io::Result<()> {
    if let Some(error) = &staleness.error {
        return writeln!(out, "staleness: cannot tell: {error}");
    }
    let count = |wanted: StageStatus| {
        staleness
            .stages
            .iter()
            .filter(|stage| stage.status == wanted)
            .count()
    };
    writeln!(
        out,
        "staleness: {} up to date, {} stale, {} cannot be built, {} blocked by those",
        count(StageStatus::UpToDate),
        count(StageStatus::Stale),
        count(StageStatus::Failed),
        count(StageStatus::Blocked),
    )?;
    for stage in &staleness.stages {
        let status = match stage.status {
            StageStatus::UpToDate => "up to date",
            StageStatus::Stale => "stale",
            StageStatus::Blocked => "blocked",
            StageStatus::Failed => "cannot be built",
            _ => "not assessed",
        };
        if stage.reasons.is_empty() {
            writeln!(out, "  {}: {status}", stage.stage)?;
        } else {
            writeln!(
                out,
                "  {}: {status}: {}",
                stage.stage,
                stage.reasons.join("; ")
            )?;
        }
    }
    Ok(())
}

fn more(out: &mut impl Write, count: usize, limit: usize, what: &str) -> std::io::Result<()> {
    if count > limit {
        writeln!(
            out,
            "  ... {} more {what} (--explain or -O json lists them all)",
            count - limit
        )?;
    }
    Ok(())
}

/// A stage's dependencies, each with the first reason of its edge.
fn explain_stage(out: &mut impl Write, plan: &Plan, index: usize) -> std::io::Result<()> {
    let stage = &plan.stages[index];
    let component = &plan.components[stage.component];
    let edges: &[Edge] = match (&component.bootstrap, stage.bootstrap) {
        (Some(bootstrap), true) => &bootstrap.edges,
        _ => &component.edges,
    };
    if stage.bootstrap {
        writeln!(out, "  {} ({})", stage.name, stage.conditionals)?;
    } else {
        writeln!(out, "  {}", stage.name)?;
    }
    for &dependency in &stage.dependencies {
        let target = &plan.stages[dependency];
        if target.component == stage.component {
            writeln!(
                out,
                "    after {}: rebuilt after its bootstrap build",
                target.name
            )?;
            continue;
        }
        match edges.iter().find(|edge| edge.target == target.component) {
            Some(edge) => {
                let reason = edge.reasons.first().map(ToString::to_string);
                let others = edge.reason_count.saturating_sub(1);
                write!(
                    out,
                    "    after {}: {}",
                    target.name,
                    reason.unwrap_or_default()
                )?;
                if others > 0 {
                    write!(out, " (and {others} more)")?;
                }
                writeln!(out)?;
            }
            None => writeln!(out, "    after {}", target.name)?,
        }
    }
    Ok(())
}

fn print_cycle(
    out: &mut impl Write,
    cycle: &Cycle,
    number: usize,
    explain: bool,
) -> std::io::Result<()> {
    let state = if cycle.broken {
        let breakers: Vec<String> = cycle
            .breakers
            .iter()
            .map(|name| format!("{name}+bootstrap"))
            .collect();
        format!("broken by {}", breakers.join(", "))
    } else {
        "NOT broken".to_owned()
    };
    writeln!(
        out,
        "cycle {number} ({} components, {} edges, {state}): {}",
        cycle.members.len(),
        cycle.edges.len(),
        cycle.members.join(" ")
    )?;
    let limit = if explain { usize::MAX } else { TEXT_LIMIT };
    for edge in cycle.edges.iter().take(limit) {
        let reason = edge.reasons.first().map(ToString::to_string);
        writeln!(
            out,
            "  {} -> {}: {}",
            edge.from,
            edge.to,
            reason.unwrap_or_default()
        )?;
    }
    more(out, cycle.edges.len(), limit, "edges")?;
    if cycle.broken {
        return Ok(());
    }
    match &cycle.proposal {
        Some(proposal) => {
            let breakers: Vec<String> = proposal
                .breakers
                .iter()
                .map(|(name, conditionals)| format!("{name} ({conditionals})"))
                .collect();
            let left = if proposal.remaining.is_empty() {
                "breaks the cycle".to_owned()
            } else {
                format!("leaves {} smaller cycles", proposal.remaining.len())
            };
            writeln!(
                out,
                "  proposed: build {} first: drops {} edges, {left}",
                breakers.join(", "),
                proposal.removes.len()
            )?;
            for (name, conditionals) in &proposal.breakers {
                let with: Vec<String> = conditionals
                    .with
                    .iter()
                    .map(|c| format!("\"{c}\""))
                    .collect();
                writeln!(
                    out,
                    "  to use it: [cairn.build.bootstrap.{name}] with = [{}]",
                    with.join(", ")
                )?;
            }
        }
        None => writeln!(
            out,
            "  no member has a `%bcond bootstrap` that drops a cycle edge: add one to a member's \
             spec (through an overlay) and name it in [cairn.build.bootstrap.<member>]"
        )?,
    }
    Ok(())
}
