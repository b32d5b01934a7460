//! `cairn plan`: the build graph of the rendered specs, in waves, with its cycles and their
//! breaks, and what the graph cannot resolve.

use std::collections::BTreeSet;
use std::io::Write as _;
use std::path::PathBuf;

use anyhow::Context;
use cairn_plan::{Plan, PlanRequest};
use clap::Args;

use super::component::ComponentFilterArgs;
use crate::cli::GlobalArgs;
use crate::output::{OutputFormat, Status, hinted};
use crate::project::load_project;

/// Lines of a long list printed in text without `--explain`.
const TEXT_LIMIT: usize = 10;

#[derive(Debug, Args)]
pub struct PlanArgs {
    /// Components to plan (with everything they need built first); none given: every component.
    #[command(flatten)]
    filter: ComponentFilterArgs,
    /// Why: each build's dependencies with the BuildRequires chains, every unresolved and
    /// ambiguous BuildRequires, every edge of every cycle, and what is stale.
    #[arg(long)]
    explain: bool,
    /// Read the rendered specs from DIR (default: the project's `rendered-specs-dir`).
    #[arg(long, value_name = "DIR")]
    rendered_specs_dir: Option<PathBuf>,
    /// Evaluate every spec again, without reading or writing the evaluation cache.
    #[arg(long)]
    no_cache: bool,
    /// Exit 1 when a selected component is not planned, a cycle is not broken, or a
    /// BuildRequires is provided by nothing.
    #[arg(long)]
    check: bool,
}

pub fn run(args: &PlanArgs, global: &GlobalArgs) -> anyhow::Result<Status> {
    let project = load_project(global)?;
    let rendered = args
        .rendered_specs_dir
        .clone()
        .unwrap_or_else(|| cairn_render::rendered_specs_dir(&project));
    let cache_file = (!args.no_cache)
        .then(|| PlanRequest::cache_file_in(&cairn_source::cache_home(), &rendered));
    let mut request = PlanRequest::from_project(&project, Some(&rendered), cache_file)
        .context("cannot set up the plan")?;
    request.built = cairn_build::built_packages(
        &cairn_build::BuildSettings::from_project(&project),
        request.components.iter().map(|input| input.name.as_str()),
    );
    if request.components.is_empty() {
        return Err(hinted(
            "the project has no components",
            "add components under [components] in the project configuration",
        ));
    }
    if !request.components.iter().any(|input| input.dir.is_dir()) {
        return Err(hinted(
            format!(
                "no component is rendered in {} (the plan reads rendered specs)",
                rendered.display()
            ),
            "run `cairn component render -a` first, or pass --rendered-specs-dir DIR",
        ));
    }
    let selected = if args.filter.all
        || (args.filter.patterns.is_empty()
            && args.filter.groups.is_empty()
            && args.filter.names.is_empty())
    {
        None
    } else {
        Some(project.select_components(&args.filter.filter()?)?)
    };
    if selected.as_ref().is_some_and(Vec::is_empty) {
        return Err(hinted(
            "no components were selected",
            "pass -a for every component, -p NAME-GLOB, or -g GROUP",
        ));
    }
    let plan = cairn_plan::plan(&request).context("cannot plan the build")?;
    let view = View::new(&plan, selected.as_deref());
    let staleness = args.explain.then(|| staleness(&project, &plan, &view));
    match global.output_format {
        OutputFormat::Json | OutputFormat::Toml => {
            print_json_buffered(&view.report(&plan, staleness.as_ref()))?;
        }
        OutputFormat::Text => view.print(&plan, args.explain, staleness.as_ref())?,
    }
    let failed = view.not_planned(&plan).next().is_some()
        || view.cycles.iter().any(|&cycle| !plan.cycles[cycle].broken)
        || view
            .components
            .iter()
            .any(|&component| !plan.components[component].unresolved.missing.is_empty());
    Ok(if args.check && failed {
        Status::CheckFailed
    } else {
        Status::Success
    })
}

/// The report through one buffer: a whole-distro plan is tens of megabytes of JSON, and
/// stdout's line buffering would make that millions of `write` calls (most of a warm plan's
/// time, measured with `strace -c`).
fn print_json_buffered(value: &impl serde::Serialize) -> anyhow::Result<()> {
    let mut out = std::io::BufWriter::with_capacity(1 << 20, std::io::stdout().lock());
    serde_json::to_writer_pretty(&mut out, value)?;
    writeln!(out)?;
    out.flush()?;
    Ok(())
}

/// Whether each shown build is up to date, from `cairn build`'s records (a dry run: nothing
/// is built). A failure to tell is reported, not fatal: the plan itself stands.
fn staleness(project: &cairn_config::Project, plan: &Plan, view: &View) -> report::Staleness {
    let stages: Vec<usize> = view.waves.iter().flatten().copied().collect();
    let settings = cairn_build::BuildSettings::from_project(project);
    match cairn_build::staleness(project, plan, &stages, &settings) {
        Ok(stages) => report::Staleness {
            stages,
            error: None,
        },
        Err(error) => report::Staleness {
            stages: Vec::new(),
            error: Some(format!("{:#}", anyhow::Error::from(error))),
        },
    }
}

/// What of the plan is shown: the selected components and everything they need.
struct View {
    /// Stage indices per shown wave (waves with no shown stage left out).
    waves: Vec<Vec<usize>>,
    /// Component indices, sorted.
    components: Vec<usize>,
    /// Cycle indices with a shown member.
    cycles: Vec<usize>,
}

impl View {
    fn new(plan: &Plan, selected: Option<&[String]>) -> Self {
        // A component that could not be evaluated is shown with its error, never as a build.
        let stages: BTreeSet<usize> = match selected {
            None => (0..plan.stages.len()).collect(),
            Some(names) => plan.closure(names).into_iter().collect(),
        };
        let stages: BTreeSet<usize> = stages
            .into_iter()
            .filter(|&stage| {
                plan.components[plan.stages[stage].component]
                    .error
                    .is_none()
            })
            .collect();
        let mut components: BTreeSet<usize> = stages
            .iter()
            .map(|&stage| plan.stages[stage].component)
            .collect();
        components.extend(
            plan.components
                .iter()
                .enumerate()
                .filter(|(_, component)| {
                    component.error.is_some()
                        && selected.is_none_or(|names| names.contains(&component.name))
                })
                .map(|(index, _)| index),
        );
        let waves = plan
            .waves
            .iter()
            .map(|wave| {
                wave.iter()
                    .copied()
                    .filter(|stage| stages.contains(stage))
                    .collect::<Vec<_>>()
            })
            .filter(|wave| !wave.is_empty())
            .collect();
        let shown: BTreeSet<&str> = components
            .iter()
            .map(|&component| plan.components[component].name.as_str())
            .collect();
        let cycles = plan
            .cycles
            .iter()
            .enumerate()
            .filter(|(_, cycle)| {
                cycle
                    .members
                    .iter()
                    .any(|name| shown.contains(name.as_str()))
            })
            .map(|(index, _)| index)
            .collect();
        Self {
            waves,
            components: components.into_iter().collect(),
            cycles,
        }
    }

    fn not_planned<'a>(
        &'a self,
        plan: &'a Plan,
    ) -> impl Iterator<Item = &'a cairn_plan::PlannedComponent> + 'a {
        self.components
            .iter()
            .map(|&component| &plan.components[component])
            .filter(|component| component.error.is_some())
    }
}

mod report;
