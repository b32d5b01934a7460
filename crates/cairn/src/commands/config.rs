//! `cairn config`: the resolved configuration and its JSON Schema.

use std::io::Write;

use clap::{Args, Subcommand};

use crate::cli::GlobalArgs;
use crate::output::{OutputFormat, Status, print_json};
use crate::project::load_project;

#[derive(Debug, Args)]
pub struct ConfigArgs {
    #[command(subcommand)]
    command: ConfigCommand,
}

#[derive(Debug, Subcommand)]
enum ConfigCommand {
    /// Print the merged project with every component resolved (TOML, or JSON with -O json).
    Dump,
    /// Print the JSON Schema (draft 2020-12) of a configuration file.
    Schema,
}

pub fn run(args: &ConfigArgs, global: &GlobalArgs) -> anyhow::Result<Status> {
    match args.command {
        ConfigCommand::Dump => {
            let project = load_project(global)?;
            let dump = project.dump()?;
            match global.output_format {
                OutputFormat::Json => print_json(&dump)?,
                OutputFormat::Text | OutputFormat::Toml => {
                    std::io::stdout()
                        .lock()
                        .write_all(dump.to_toml()?.as_bytes())?;
                }
            }
        }
        ConfigCommand::Schema => print_json(cairn_config::schema::config_file_schema())?,
    }
    Ok(Status::Success)
}
