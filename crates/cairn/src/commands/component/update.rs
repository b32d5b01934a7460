//! `cairn component update`: resolve source identities into `locks/<name>.lock`.

use std::io::Write;

use anyhow::Context;
use cairn_render::UpdateOptions;
use cairn_source::Network;
use clap::Args;

use super::ComponentFilterArgs;
use crate::cli::GlobalArgs;
use crate::output::{OutputFormat, Status, print_json};
use crate::project::load_project;

#[derive(Debug, Args)]
pub struct UpdateArgs {
    #[command(flatten)]
    filter: ComponentFilterArgs,
    /// Increment the manual-rebuild counter of the selected locks (a new release without any
    /// other change).
    #[arg(long)]
    bump: bool,
    /// Write nothing; exit 1 when a lock is stale or would be pruned.
    #[arg(long)]
    check_only: bool,
    /// Resolve every commit again, even when the resolution inputs are unchanged.
    #[arg(long)]
    force_recalculate: bool,
    /// Worker threads (default: the number of CPUs).
    #[arg(short = 'j', long, value_name = "N")]
    jobs: Option<usize>,
}

pub fn run(args: &UpdateArgs, global: &GlobalArgs) -> anyhow::Result<Status> {
    let filter = args.filter.filter()?;
    let project = load_project(global)?;
    let names = project.select_components(&filter)?;
    let options = UpdateOptions {
        all: filter.all,
        bump: args.bump,
        check_only: args.check_only,
        force_recalculate: args.force_recalculate,
        network: if global.offline {
            Network::Offline
        } else {
            Network::Online
        },
        jobs: args
            .jobs
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, usize::from)),
        dist_git_cache: cairn_source::DistGitCache::default_root(),
    };
    let report = cairn_render::update(&project, &names, &options).context("update failed")?;
    // azldev shows the components that changed, were skipped or failed.
    let shown: Vec<&cairn_render::UpdateRow> = report
        .rows
        .iter()
        .filter(|row| row.changed || row.skipped || row.error.is_some())
        .collect();
    match global.output_format {
        OutputFormat::Json | OutputFormat::Toml => print_json(&shown)?,
        OutputFormat::Text => {
            let mut out = std::io::stdout().lock();
            for row in &shown {
                match &row.error {
                    Some(error) => writeln!(out, "error    {}  {error}", row.component)?,
                    None => writeln!(
                        out,
                        "{}  {}  {}",
                        if args.check_only {
                            "stale  "
                        } else {
                            "updated"
                        },
                        row.component,
                        row.upstream_commit.as_deref().unwrap_or("(local)")
                    )?,
                }
            }
            for name in &report.pruned {
                writeln!(
                    out,
                    "{}  {name}",
                    if args.check_only {
                        "orphan "
                    } else {
                        "pruned "
                    }
                )?;
            }
            writeln!(
                out,
                "{} components: {} changed, {} lock file(s) written, {} pruned",
                report.rows.len(),
                report.rows.iter().filter(|row| row.changed).count(),
                report.written.len(),
                report.pruned.len()
            )?;
        }
    }
    if report.failed() {
        return Err(anyhow::anyhow!(
            "{} component(s) failed; no lock file was written",
            report.rows.iter().filter(|row| row.error.is_some()).count()
        ));
    }
    if args.check_only && report.stale() {
        tracing::error!("locks are stale; run `cairn component update` and commit the result");
        return Ok(Status::CheckFailed);
    }
    Ok(Status::Success)
}
