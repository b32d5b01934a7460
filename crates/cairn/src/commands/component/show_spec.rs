//! `cairn component show-spec NAME`: the upstream spec of a component at its locked or resolved
//! commit, or of any dist-git repository of the project's default upstream distro.

use cairn_source::Network;
use clap::Args;

use crate::cli::GlobalArgs;
use crate::output::{OutputFormat, Status, print_json};
use crate::project::load_project;

#[derive(Debug, Args)]
pub struct ShowSpecArgs {
    /// A component, or any package name of the default upstream distro's dist-git.
    #[arg(value_name = "NAME")]
    name: String,
}

pub fn run(args: &ShowSpecArgs, global: &GlobalArgs) -> anyhow::Result<Status> {
    let project = load_project(global)?;
    let options = cairn_render::SourceOptions {
        network: if global.offline {
            Network::Offline
        } else {
            Network::Online
        },
        dist_git_cache: cairn_source::DistGitCache::default_root(),
    };
    let shown = cairn_render::show_spec(&project, &args.name, &options)?;
    match global.output_format {
        OutputFormat::Json | OutputFormat::Toml => print_json(&shown)?,
        OutputFormat::Text => {
            use std::io::Write as _;
            std::io::stdout().lock().write_all(shown.spec.as_bytes())?;
        }
    }
    Ok(Status::Success)
}
