//! `cairn component render`: rendered spec directories, as azldev's `component render`.

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use cairn_render::{RenderOptions, RenderStatus};
use cairn_source::Network;
use clap::Args;

use super::{ComponentFilterArgs, progress_bar};
use crate::cli::GlobalArgs;
use crate::output::{OutputFormat, Status, hinted, print_json};
use crate::project::load_project;

#[derive(Debug, Args)]
pub struct RenderArgs {
    #[command(flatten)]
    filter: ComponentFilterArgs,
    /// Output directory (default: the project's `rendered-specs-dir`).
    #[arg(short = 'o', long = "output-dir", value_name = "DIR")]
    output: Option<PathBuf>,
    /// Render to memory and compare with the output; exit 1 on drift (and, with -a
    /// --clean-stale, on orphan directories). Writes nothing.
    #[arg(long, conflicts_with = "fail_on_error")]
    check_only: bool,
    /// With -a: remove rendered directories of components that no longer exist.
    #[arg(long)]
    clean_stale: bool,
    /// Exit with an error when a component fails (by default failures are reported in the
    /// rows and with RENDER_FAILED markers, and the exit code is 0, as azldev does).
    #[arg(long)]
    fail_on_error: bool,
    /// Accepted for azldev compatibility: cairn always replaces component directories, atomically.
    #[arg(short = 'f', long)]
    force: bool,
    /// Render every selected component, even those whose inputs and output are unchanged.
    #[arg(long)]
    full: bool,
    /// Worker threads (default: the number of CPUs).
    #[arg(short = 'j', long, value_name = "N")]
    jobs: Option<usize>,
    /// Render as the azldev of April 2026 that rendered Azure Linux 4.0: section removal
    /// without balancing `%if` blocks, and the Release bump of any leading integer.
    #[arg(long)]
    azldev_april_2026: bool,
}

pub fn run(args: &RenderArgs, global: &GlobalArgs) -> anyhow::Result<Status> {
    let filter = args.filter.filter()?;
    if args.clean_stale && !filter.all {
        return Err(hinted(
            "--clean-stale requires -a (render all components)",
            "stale directories can only be known when every component is rendered",
        ));
    }
    let started = Instant::now();
    let project = load_project(global)?;
    let names = project.select_components(&filter)?;
    if names.is_empty() {
        return Err(hinted(
            "no components were selected",
            "pass -a for every component, -p NAME-GLOB, or -g GROUP",
        ));
    }
    let output = args
        .output
        .clone()
        .unwrap_or_else(|| cairn_render::rendered_specs_dir(&project));
    let options = RenderOptions {
        output,
        check_only: args.check_only,
        clean_stale: args.clean_stale,
        all: filter.all,
        network: if global.offline {
            Network::Offline
        } else {
            Network::Online
        },
        jobs: args
            .jobs
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, usize::from)),
        full: args.full,
        dist_git_cache: cairn_source::DistGitCache::default_root(),
        lookaside_cache: cairn_source::LookasideCache::default_root(),
        state_cache: cairn_source::cache_home(),
        now: std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |elapsed| {
                i64::try_from(elapsed.as_secs()).unwrap_or(i64::MAX)
            }),
        compatibility: if args.azldev_april_2026 {
            cairn_render::Compatibility::APRIL_2026
        } else {
            cairn_render::Compatibility::default()
        },
    };
    let bar = progress_bar(global, names.len() as u64, "rendering");
    let report = cairn_render::render(&project, &names, &options, &|progress| {
        if let Some(bar) = &bar {
            bar.set_position(progress.done as u64);
        }
    })
    .context("render failed")?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    match global.output_format {
        OutputFormat::Json | OutputFormat::Toml => print_json(&report.rows)?,
        OutputFormat::Text => {
            let mut out = std::io::stdout().lock();
            for row in &report.rows {
                match (row.status, &row.error) {
                    (RenderStatus::Ok, _) if !row.changed => {}
                    (RenderStatus::Ok, _) => {
                        writeln!(out, "changed  {}  {}", row.component, row.output_dir)?
                    }
                    (_, error) => writeln!(
                        out,
                        "error    {}  {}",
                        row.component,
                        error.as_deref().unwrap_or("cancelled")
                    )?,
                }
            }
            for orphan in &report.orphans {
                let verb = if args.check_only {
                    "orphan "
                } else {
                    "removed"
                };
                writeln!(out, "{verb}  {orphan}")?;
            }
            let changed = report.rows.iter().filter(|row| row.changed).count();
            writeln!(
                out,
                "{} components: {changed} {}, {} unchanged ({} skipped as up to date), {} failed in {:.2} s",
                report.rows.len(),
                if args.check_only {
                    "would change"
                } else {
                    "changed"
                },
                report.rows.len() - changed,
                report.unchanged_skipped,
                report.failed(),
                started.elapsed().as_secs_f64()
            )?;
        }
    }
    if args.check_only && report.drifted() {
        let changed: Vec<&str> = report
            .rows
            .iter()
            .filter(|row| row.changed)
            .map(|row| row.component.as_str())
            .collect();
        let mut parts = Vec::new();
        if !changed.is_empty() {
            parts.push(format!(
                "{} component(s) would change: {}",
                changed.len(),
                changed.join(", ")
            ));
        }
        if !report.orphans.is_empty() {
            parts.push(format!(
                "{} orphan rendered-spec dir(s): {}",
                report.orphans.len(),
                report.orphans.join(", ")
            ));
        }
        tracing::error!(
            "rendered output is stale; {}. Run `cairn component render -a` to refresh",
            parts.join("; ")
        );
        return Ok(Status::CheckFailed);
    }
    if args.fail_on_error && report.failed() > 0 {
        return Err(anyhow::anyhow!(
            "{} component(s) failed to render",
            report.failed()
        ));
    }
    Ok(Status::Success)
}
