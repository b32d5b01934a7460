//! A build run: the selected stages in graph order, `jobs` at once, each skipped when its
//! record still stands, then every channel published and indexed.

use std::path::PathBuf;
use std::sync::{Condvar, Mutex, PoisonError};
use std::time::Instant;

use cairn_config::Project;
use cairn_plan::Plan;
use serde::Serialize;

use crate::assess::{self, Context, Decision};
use crate::error::BuildError;
use crate::record::{StageRecord, short};
use crate::settings::BuildSettings;

/// What happened to a stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum StageStatus {
    /// Its record still stands: nothing was built.
    UpToDate,
    /// Built now.
    Built,
    /// Would be built (a dry run).
    Stale,
    /// Its build failed, or it could not be built.
    Failed,
    /// Not built because a stage it needs failed.
    Blocked,
    /// Not started: the run stopped at an earlier failure.
    NotStarted,
}

/// One stage's outcome.
#[derive(Debug, Clone, Serialize)]
pub struct StageReport {
    /// The stage (`musl`, `musl+bootstrap`).
    pub stage: String,
    /// Its component.
    pub component: String,
    /// What happened.
    pub status: StageStatus,
    /// Why it was built or not, in words.
    pub reasons: Vec<String>,
    /// The cache key of its build.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// Build time, seconds (0 when not built).
    pub seconds: f64,
    /// Its log, when it ran.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log: Option<PathBuf>,
    /// The lines of the log that explain a failure.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub key_lines: Vec<String>,
    /// The packages it produced (file names), when it stands.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub packages: Vec<String>,
}

/// The outcome of a run.
#[derive(Debug, Clone, Serialize)]
pub struct BuildReport {
    /// Each selected stage, in wave order.
    pub stages: Vec<StageReport>,
    /// Channel directories indexed in this run.
    pub indexed: Vec<PathBuf>,
    /// Wall time, seconds.
    pub seconds: f64,
}

impl BuildReport {
    /// Whether every stage stands (built or up to date).
    pub fn success(&self) -> bool {
        self.stages.iter().all(|stage| {
            matches!(
                stage.status,
                StageStatus::UpToDate | StageStatus::Built | StageStatus::Stale
            )
        })
    }
}

/// Told about each stage as the run goes (progress bars, logs).
pub trait Progress: Sync {
    /// `stage` starts building, for `reasons`.
    fn started(&self, stage: &str, reasons: &[String]);
    /// `report` is final.
    fn finished(&self, report: &StageReport);
}

/// A [`Progress`] that ignores everything.
#[derive(Debug, Clone, Copy, Default)]
pub struct Silent;

impl Progress for Silent {
    fn started(&self, _stage: &str, _reasons: &[String]) {}
    fn finished(&self, _report: &StageReport) {}
}

/// What to build.
#[derive(Debug, Clone, Copy)]
pub struct BuildRequest<'a> {
    /// The project.
    pub project: &'a Project,
    /// Its plan.
    pub plan: &'a Plan,
    /// The stages to build (indices into the plan's stages, closed over their dependencies;
    /// [`Plan::closure`] gives them).
    pub stages: &'a [usize],
    /// How.
    pub settings: &'a BuildSettings,
    /// Only decide: nothing is built or published ([`staleness`]).
    pub dry_run: bool,
}

#[derive(Clone)]
enum State {
    Pending,
    Running,
    Done,
}

struct Shared {
    states: Vec<State>,
    records: Vec<Option<StageRecord>>,
    reports: Vec<Option<StageReport>>,
    /// Stages that did not end standing (failed, blocked).
    broken: Vec<bool>,
    /// Stages a dry run would build.
    stale: Vec<bool>,
    stop: bool,
    /// Selected stages not done yet, per wave.
    unfinished: Vec<usize>,
    /// The packages each wave's stages build against, made when the wave starts.
    pools: Vec<Option<std::sync::Arc<assess::WavePool>>>,
}

/// Builds the requested stages (see the crate documentation).
///
/// # Errors
///
/// When publishing fails (a package cannot be linked, a channel cannot be indexed). A stage's
/// failure, the sandbox's included, is in its report.
pub fn build(
    request: &BuildRequest<'_>,
    progress: &dyn Progress,
) -> Result<BuildReport, BuildError> {
    let started = Instant::now();
    let plan = request.plan;
    let settings = request.settings;
    let context = Context::new(request.project, plan, settings);
    let selected: Vec<bool> = {
        let mut selected = vec![false; plan.stages.len()];
        for &stage in request.stages {
            selected[stage] = true;
        }
        selected
    };
    // Stages outside the selection that others need (not asked for) still count with their
    // last records.
    let records: Vec<Option<StageRecord>> = plan
        .stages
        .iter()
        .enumerate()
        .map(|(index, stage)| {
            (!selected[index])
                .then(|| StageRecord::load(&settings.records_dir(), &stage.name))
                .flatten()
        })
        .collect();
    let shared = Mutex::new(Shared {
        states: vec![State::Pending; plan.stages.len()],
        records,
        reports: vec![None; plan.stages.len()],
        broken: vec![false; plan.stages.len()],
        stale: vec![false; plan.stages.len()],
        stop: false,
        pools: vec![None; plan.waves.len()],
        unfinished: {
            let mut unfinished = vec![0; plan.waves.len()];
            for &stage in request.stages {
                unfinished[plan.stages[stage].wave] += 1;
            }
            unfinished
        },
    });
    let wake = Condvar::new();
    let sandbox_check = Mutex::new(None::<Result<(), String>>);
    let workers = settings.jobs.max(1).min(request.stages.len().max(1));
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                worker(request, &context, &shared, &wake, &sandbox_check, progress);
            });
        }
    });
    let shared = shared.into_inner().unwrap_or_else(PoisonError::into_inner);
    let mut reports: Vec<StageReport> = Vec::new();
    for &stage in request.stages {
        let report = shared.reports[stage]
            .clone()
            .unwrap_or_else(|| StageReport {
                stage: plan.stages[stage].name.clone(),
                component: plan.components[plan.stages[stage].component].name.clone(),
                status: StageStatus::NotStarted,
                reasons: vec![
                    "the run stopped at an earlier failure (--continue-on-error builds the rest)"
                        .into(),
                ],
                key: None,
                seconds: 0.0,
                log: None,
                key_lines: Vec::new(),
                packages: Vec::new(),
            });
        reports.push(report);
    }
    let indexed = if request.dry_run {
        Vec::new()
    } else {
        crate::publish::publish(request.project, plan, settings)?
    };
    // Sysroots are shared by the stages of one run with the same build root; between runs
    // they are only unpacked copies of packages in the store, made again in seconds.
    let sysroots = settings.sysroots_dir();
    if !request.dry_run && !settings.keep_work && sysroots.exists() {
        std::fs::remove_dir_all(&sysroots).map_err(crate::error::io(&sysroots))?;
    }
    Ok(BuildReport {
        stages: reports,
        indexed,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// What `cairn build` would do for `stages`, without building: each stage up to date, stale
/// with the reasons, or blocked. A stage whose dependency is stale is reported stale too (its
/// build root may change once the dependency is built).
///
/// # Errors
///
/// As [`build`].
pub fn staleness(
    project: &Project,
    plan: &Plan,
    stages: &[usize],
    settings: &BuildSettings,
) -> Result<Vec<StageReport>, BuildError> {
    let mut settings = settings.clone();
    settings.jobs = 1;
    settings.continue_on_error = true;
    let request = BuildRequest {
        project,
        plan,
        stages,
        settings: &settings,
        dry_run: true,
    };
    Ok(build(&request, &Silent)?.stages)
}

fn worker(
    request: &BuildRequest<'_>,
    context: &Context<'_>,
    shared: &Mutex<Shared>,
    wake: &Condvar,
    sandbox_check: &Mutex<Option<Result<(), String>>>,
    progress: &dyn Progress,
) {
    let plan = request.plan;
    let settings = request.settings;
    let mut guard = shared.lock().unwrap_or_else(PoisonError::into_inner);
    loop {
        if guard.stop {
            for &stage in request.stages {
                if matches!(guard.states[stage], State::Pending) {
                    guard.states[stage] = State::Done;
                }
            }
            wake.notify_all();
            return;
        }
        // The first pending stage, in wave order, whose dependencies are done.
        let mut next = None;
        let mut pending = false;
        for &stage in request.stages {
            if !matches!(guard.states[stage], State::Pending) {
                continue;
            }
            pending = true;
            // Every earlier wave is finished first, not only the stage's dependencies: its
            // build root is solved over all of their packages (see `assess::wave_pool`), and
            // that must not depend on which builds happened to finish first.
            let wave = plan.stages[stage].wave;
            let waiting = guard.unfinished[..wave].iter().any(|&count| count > 0);
            if !waiting {
                next = Some(stage);
                break;
            }
        }
        if !pending {
            wake.notify_all();
            return;
        }
        let Some(stage) = next else {
            guard = wake.wait(guard).unwrap_or_else(PoisonError::into_inner);
            continue;
        };
        guard.states[stage] = State::Running;
        let planned = &plan.stages[stage];
        let dependencies_flagged = |flags: &[bool]| -> Vec<String> {
            planned
                .dependencies
                .iter()
                .filter(|&&dependency| flags[dependency])
                .map(|&dependency| plan.stages[dependency].name.clone())
                .collect()
        };
        let blocked = dependencies_flagged(&guard.broken);
        let stale_dependencies = dependencies_flagged(&guard.stale);
        let wave = planned.wave;
        if guard.pools[wave].is_none() {
            let pool = assess::wave_pool(plan, &guard.records, wave, &settings.store_dir());
            guard.pools[wave] = Some(std::sync::Arc::new(pool));
        }
        let pool = guard.pools[wave].clone().unwrap_or_default();

        drop(guard);

        let mut report = StageReport {
            stage: planned.name.clone(),
            component: plan.components[planned.component].name.clone(),
            status: StageStatus::Blocked,
            reasons: Vec::new(),
            key: None,
            seconds: 0.0,
            log: None,
            key_lines: Vec::new(),
            packages: Vec::new(),
        };
        let mut record = None;
        if !blocked.is_empty() {
            report
                .reasons
                .push(format!("needs {}, which did not build", blocked.join(", ")));
        } else if request.dry_run && !stale_dependencies.is_empty() {
            // Its build root is only known once they are built.
            report.status = StageStatus::Stale;
            report.reasons.push(format!(
                "rebuild: needs {}, which is rebuilt first",
                stale_dependencies.join(", ")
            ));
        } else {
            let decision = assess::assess(context, planned, &pool);
            match decision {
                Decision::UpToDate(found) => {
                    report.status = StageStatus::UpToDate;
                    report
                        .reasons
                        .push(format!("up to date (key {})", short(&found.key)));
                    report.key = Some(found.key.clone());
                    report.packages = found
                        .outputs
                        .iter()
                        .map(|output| output.file.clone())
                        .collect();
                    if !stale_dependencies.is_empty() {
                        report.status = StageStatus::Stale;
                        report.reasons = vec![format!(
                            "needs {}, which is rebuilt first: its build root may change",
                            stale_dependencies.join(", ")
                        )];
                    }
                    record = Some(found);
                }
                Decision::Fail(message) => {
                    report.status = StageStatus::Failed;
                    report.reasons.push(message);
                    let unbuilt_earlier = unbuilt_earlier(request, stage, shared);
                    if !unbuilt_earlier.is_empty() {
                        // rpm adds Requires while building (`/usr/bin/pkg-config`, sonames)
                        // that the plan cannot see; their providers may be among these.
                        report.reasons.push(format!(
                            "not built yet and not selected: {}; `cairn build -a` builds them first",
                            unbuilt_earlier.join(", ")
                        ));
                    }
                }
                Decision::Build(work) if request.dry_run => {
                    report.status = StageStatus::Stale;
                    report.key = Some(work.key.clone());
                    report.reasons = work
                        .reasons
                        .iter()
                        .map(|reason| format!("rebuild: {reason}"))
                        .collect();
                }
                Decision::Build(work) => {
                    let usable = {
                        let mut check =
                            sandbox_check.lock().unwrap_or_else(PoisonError::into_inner);
                        if check.is_none() && settings.backend == crate::BackendKind::Host {
                            *check = Some(crate::sandbox::Sandbox::check());
                        }
                        check.clone().unwrap_or(Ok(()))
                    };
                    if let Err(message) = usable {
                        report.status = StageStatus::Failed;
                        report
                            .reasons
                            .push(format!("cannot create a build sandbox: {message}"));
                    } else {
                        progress.started(&planned.name, &work.reasons);
                        report.key = Some(work.key.clone());
                        report.reasons = work
                            .reasons
                            .iter()
                            .map(|reason| format!("rebuild: {reason}"))
                            .collect();
                        let started = Instant::now();
                        match crate::stage::build(context, planned, &work) {
                            Ok(built) => {
                                report.status = StageStatus::Built;
                                report.packages = built
                                    .outputs
                                    .iter()
                                    .map(|output| output.file.clone())
                                    .collect();
                                report.log = Some(settings.log_file(&planned.name));
                                record = Some(built);
                            }
                            Err(failure) => {
                                report.status = StageStatus::Failed;
                                report.reasons.push(failure.message);
                                report.log = failure.log;
                                report.key_lines = failure.key_lines;
                            }
                        }
                        report.seconds = started.elapsed().as_secs_f64();
                    }
                }
            }
        }
        progress.finished(&report);
        guard = shared.lock().unwrap_or_else(PoisonError::into_inner);
        let failed = matches!(report.status, StageStatus::Failed | StageStatus::Blocked);
        guard.broken[stage] = failed;
        guard.stale[stage] = report.status == StageStatus::Stale;
        if failed && report.status == StageStatus::Failed && !settings.continue_on_error {
            guard.stop = true;
        }
        // A stage that did not build keeps its last packages for the stages after it that do
        // not need it (they stay published too), as does a dry run's stale stage.
        guard.records[stage] =
            record.or_else(|| StageRecord::load(&settings.records_dir(), &planned.name));
        guard.reports[stage] = Some(report);
        guard.states[stage] = State::Done;
        guard.unfinished[planned.wave] -= 1;
        wake.notify_all();
    }
}

/// Normal stages of earlier waves that are neither selected nor built before: what a stage
/// that cannot be built may be missing.
fn unbuilt_earlier(
    request: &BuildRequest<'_>,
    stage: usize,
    shared: &Mutex<Shared>,
) -> Vec<String> {
    let plan = request.plan;
    let selected: std::collections::HashSet<usize> = request.stages.iter().copied().collect();
    let guard = shared.lock().unwrap_or_else(PoisonError::into_inner);
    plan.stages
        .iter()
        .enumerate()
        .filter(|(other, earlier)| {
            earlier.wave < plan.stages[stage].wave
                && !earlier.bootstrap
                && !selected.contains(other)
                && guard.records[*other].is_none()
        })
        .map(|(_, earlier)| earlier.name.clone())
        .collect()
}
