//! `cairn component diff-sources NAME`: what the macros file and the overlays change in a
//! component's upstream sources, as a unified diff.

use std::path::PathBuf;

use cairn_source::Network;
use clap::Args;

use crate::cli::GlobalArgs;
use crate::output::{OutputFormat, Status, print_json};
use crate::project::load_project;

#[derive(Debug, Args)]
pub struct DiffSourcesArgs {
    /// The component.
    #[arg(value_name = "NAME")]
    name: String,
    /// Write the diff to this file instead of stdout.
    #[arg(long, value_name = "FILE")]
    output_file: Option<PathBuf>,
}

pub fn run(args: &DiffSourcesArgs, global: &GlobalArgs) -> anyhow::Result<Status> {
    let project = load_project(global)?;
    let options = cairn_render::SourceOptions {
        network: if global.offline {
            Network::Offline
        } else {
            Network::Online
        },
        dist_git_cache: cairn_source::DistGitCache::default_root(),
    };
    let diff = cairn_render::diff_sources(&project, &args.name, &options)?;
    if let Some(file) = &args.output_file {
        std::fs::write(file, &diff.diff)?;
    }
    match global.output_format {
        OutputFormat::Json | OutputFormat::Toml => print_json(&diff)?,
        OutputFormat::Text if args.output_file.is_none() => {
            use std::io::Write as _;
            std::io::stdout().lock().write_all(diff.diff.as_bytes())?;
        }
        OutputFormat::Text => {}
    }
    Ok(Status::Success)
}
