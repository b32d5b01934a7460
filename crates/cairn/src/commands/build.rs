//! `cairn build`: the selected components and what they need, in graph order, each in a
//! sandbox, skipped when its cached build still stands; then the channels published.

use std::io::Write as _;
use std::sync::Mutex;

use anyhow::Context;
use cairn_build::{
    BackendKind, BuildReport, BuildRequest, BuildSettings, StageReport, StageStatus,
};
use cairn_plan::PlanRequest;
use clap::{Args, ValueEnum};

use super::component::{ComponentFilterArgs, progress_bar};
use crate::cli::GlobalArgs;
use crate::output::{OutputFormat, Status, hinted, print_json};
use crate::project::load_project;

/// Key lines printed per failed stage (all of them are in `-O json` and the log).
const FAILURE_LINES: usize = 12;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Backend {
    /// rpmbuild over the host toolchain in a bubblewrap sandbox.
    Host,
    /// mock (needs `--mock-config`).
    Mock,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Components to build (with everything they need built first).
    #[command(flatten)]
    filter: ComponentFilterArgs,
    /// Stages built at once.
    #[arg(short = 'j', long, value_name = "N", default_value_t = 1)]
    jobs: usize,
    /// Keep building what does not depend on a failed stage.
    #[arg(long)]
    continue_on_error: bool,
    /// Say why each stage was built or not.
    #[arg(long)]
    explain: bool,
    /// Only say what would be built, and why; build nothing.
    #[arg(long)]
    dry_run: bool,
    /// The build backend.
    #[arg(long, value_enum, default_value_t = Backend::Host)]
    backend: Backend,
    /// mock's configuration (`-r`), for `--backend mock`.
    #[arg(long, value_name = "NAME")]
    mock_config: Option<String>,
    /// Skip `%check` (part of the cache key).
    #[arg(long)]
    no_check: bool,
    /// Keep each stage's work directory after a successful build.
    #[arg(long)]
    keep_work: bool,
}

pub fn run(args: &BuildArgs, global: &GlobalArgs) -> anyhow::Result<Status> {
    let project = load_project(global)?;
    let names = project.select_components(&args.filter.filter()?)?;
    if names.is_empty() {
        return Err(hinted(
            "no components were selected",
            "pass -a for every component, -p NAME-GLOB, or -g GROUP",
        ));
    }
    let mut settings = BuildSettings::from_project(&project);
    settings.jobs = args.jobs.max(1);
    settings.continue_on_error = args.continue_on_error;
    settings.check = !args.no_check;
    settings.keep_work = args.keep_work;
    if global.offline {
        settings.network = cairn_source::Network::Offline;
    }
    settings.backend = match (args.backend, &args.mock_config) {
        (Backend::Host, _) => BackendKind::Host,
        (Backend::Mock, Some(config)) => BackendKind::Mock {
            config: config.clone(),
        },
        (Backend::Mock, None) => {
            return Err(hinted(
                "--backend mock needs a mock configuration",
                "pass --mock-config NAME (a name under /etc/mock or a .cfg path)",
            ));
        }
    };
    let rendered = cairn_render::rendered_specs_dir(&project);
    let mut request = PlanRequest::from_project(
        &project,
        Some(&rendered),
        Some(settings.state_dir.join("plan-cache.json")),
    )
    .context("cannot set up the plan")?;
    request.built = cairn_build::built_packages(
        &settings,
        request.components.iter().map(|input| input.name.as_str()),
    );
    let plan = cairn_plan::plan(&request).context("cannot plan the build")?;
    let stages = plan.closure(&names);
    let progress = Bars::new(global, stages.len() as u64);
    let build_request = BuildRequest {
        project: &project,
        plan: &plan,
        stages: &stages,
        settings: &settings,
        dry_run: args.dry_run,
    };
    let report =
        cairn_build::build(&build_request, &progress).context("the build did not finish")?;
    progress.finish();
    if global.output_format == OutputFormat::Json {
        print_json(&report)?;
    } else {
        print_text(&report, args.explain || args.dry_run)?;
    }
    let failed = report
        .stages
        .iter()
        .filter(|stage| matches!(stage.status, StageStatus::Failed))
        .count();
    let blocked = report.stages.len()
        - failed
        - report
            .stages
            .iter()
            .filter(|stage| {
                matches!(
                    stage.status,
                    StageStatus::UpToDate | StageStatus::Built | StageStatus::Stale
                )
            })
            .count();
    if report.success() {
        Ok(Status::Success)
    } else {
        Err(hinted(
            format!("{failed} stage(s) failed, {blocked} not built because of them"),
            "the key lines of each failed log are above (and in -O json); the whole logs are in the project's log directory",
        ))
    }
}

fn status_word(status: StageStatus) -> &'static str {
    match status {
        StageStatus::UpToDate => "up to date",
        StageStatus::Built => "built",
        StageStatus::Stale => "stale",
        StageStatus::Failed => "FAILED",
        StageStatus::Blocked => "blocked",
        StageStatus::NotStarted => "not started",
        _ => "?",
    }
}

fn print_text(report: &BuildReport, explain: bool) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    let width = report
        .stages
        .iter()
        .map(|stage| stage.stage.len())
        .max()
        .unwrap_or(0);
    for stage in &report.stages {
        let time = if stage.seconds > 0.0 {
            format!(" {:.1}s", stage.seconds)
        } else {
            String::new()
        };
        writeln!(
            out,
            "{:<width$}  {}{time}",
            stage.stage,
            status_word(stage.status)
        )?;
        if explain || matches!(stage.status, StageStatus::Failed | StageStatus::Blocked) {
            for reason in &stage.reasons {
                writeln!(out, "{:<width$}    {reason}", "")?;
            }
        }
    }
    for stage in report
        .stages
        .iter()
        .filter(|stage| stage.status == StageStatus::Failed)
    {
        if stage.key_lines.is_empty() {
            continue;
        }
        writeln!(out)?;
        match &stage.log {
            Some(log) => writeln!(out, "{} failed; from {}:", stage.stage, log.display())?,
            None => writeln!(out, "{} failed:", stage.stage)?,
        }
        let skip = stage.key_lines.len().saturating_sub(FAILURE_LINES);
        for line in &stage.key_lines[skip..] {
            writeln!(out, "  {line}")?;
        }
    }
    let count = |status: StageStatus| {
        report
            .stages
            .iter()
            .filter(|stage| stage.status == status)
            .count()
    };
    let indexed: Vec<String> = report
        .indexed
        .iter()
        .map(|path| path.display().to_string())
        .collect();
    writeln!(
        out,
        "{} built, {} up to date, {} stale, {} failed, {} blocked ({:.2}s){}",
        count(StageStatus::Built),
        count(StageStatus::UpToDate),
        count(StageStatus::Stale),
        count(StageStatus::Failed),
        count(StageStatus::Blocked) + count(StageStatus::NotStarted),
        report.seconds,
        if indexed.is_empty() {
            String::new()
        } else {
            format!("; indexed {}", indexed.join(", "))
        }
    )
}

/// Progress on stderr: a bar over the stages, the ones building as its message.
struct Bars {
    bar: Option<indicatif::ProgressBar>,
    running: Mutex<Vec<String>>,
    quiet: bool,
}

impl Bars {
    fn new(global: &GlobalArgs, total: u64) -> Self {
        Self {
            bar: progress_bar(global, total, "building"),
            running: Mutex::new(Vec::new()),
            quiet: global.quiet,
        }
    }

    fn show(&self, running: &[String]) {
        if let Some(bar) = &self.bar {
            bar.set_message(format!("building {}", running.join(" ")));
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl cairn_build::Progress for Bars {
    fn started(&self, stage: &str, _reasons: &[String]) {
        let mut running = self
            .running
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        running.push(stage.to_owned());
        self.show(&running);
        if self.bar.is_none() && !self.quiet {
            let _ = writeln!(std::io::stderr(), "building {stage}");
        }
    }

    fn finished(&self, report: &StageReport) {
        let mut running = self
            .running
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        running.retain(|stage| stage != &report.stage);
        self.show(&running);
        if let Some(bar) = &self.bar {
            bar.inc(1);
            if report.status == StageStatus::Failed {
                bar.println(format!("{}: FAILED", report.stage));
            }
        }
    }
}
