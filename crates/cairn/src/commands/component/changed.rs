//! `cairn component changed`: components whose locks changed between two commits.

use std::io::Write;

use cairn_render::{ChangeType, ChangedOptions};
use clap::Args;

use super::ComponentFilterArgs;
use crate::cli::GlobalArgs;
use crate::output::{OutputFormat, Status, print_json};
use crate::project::load_project;

#[derive(Debug, Args)]
pub struct ChangedArgs {
    #[command(flatten)]
    filter: ComponentFilterArgs,
    /// The git revision to compare from (branch, tag, commit, `HEAD~1`).
    #[arg(long, value_name = "REF")]
    from: String,
    /// The git revision to compare to.
    #[arg(long, value_name = "REF", default_value = "HEAD")]
    to: String,
    /// With -a, also list unchanged components.
    #[arg(long)]
    include_unchanged: bool,
    /// Name the inputs that changed (configuration field, source, overlay file, release
    /// version, manual bump).
    #[arg(long)]
    explain: bool,
}

pub fn run(args: &ChangedArgs, global: &GlobalArgs) -> anyhow::Result<Status> {
    let filter = args.filter.filter()?;
    let project = load_project(global)?;
    let names = project.select_components(&filter)?;
    let options = ChangedOptions {
        from: args.from.clone(),
        to: args.to.clone(),
        all: filter.all,
        include_unchanged: args.include_unchanged,
        explain: args.explain,
    };
    let rows = cairn_render::changed(&project, &names, &options)?;
    match global.output_format {
        OutputFormat::Json | OutputFormat::Toml => print_json(&rows)?,
        OutputFormat::Text => {
            let mut out = std::io::stdout().lock();
            for row in &rows {
                let kind = match row.change_type {
                    ChangeType::Added => "added",
                    ChangeType::Changed => "changed",
                    ChangeType::Unchanged => "unchanged",
                    ChangeType::Deleted => "deleted",
                };
                let sources = if row.sources_change {
                    "  (sources changed)"
                } else {
                    ""
                };
                writeln!(out, "{kind:<9}  {}{sources}", row.component)?;
                for input in row.explain.iter().flatten() {
                    writeln!(out, "           {:?}: {}", input.kind, input.input)?;
                }
            }
        }
    }
    Ok(Status::Success)
}
