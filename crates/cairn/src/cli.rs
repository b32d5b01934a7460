//! Global options shared by every command.

use std::path::PathBuf;

use clap::{Args, Parser};

use crate::commands::Command;
use crate::output::OutputFormat;

/// cairn: build a hardened Linux distribution from an upstream RPM distribution.
#[derive(Debug, Parser)]
#[command(name = "cairn", version, about, max_term_width = 100)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Options accepted before or after any subcommand.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Project directory (where `azldev.toml` or `cairn.toml` is searched from).
    #[arg(short = 'C', long = "project", global = true, value_name = "DIR")]
    pub project: Option<PathBuf>,

    /// Extra configuration files merged after the project's (repeatable).
    #[arg(long = "config-file", global = true, value_name = "FILE")]
    pub config_files: Vec<PathBuf>,

    /// Accept unknown configuration keys and failed validations as warnings.
    #[arg(long, global = true)]
    pub permissive_config: bool,

    /// Output format for results (`text`, `json`; some commands also take `toml`).
    #[arg(short = 'O', long, global = true, value_enum, default_value_t = OutputFormat::Text)]
    pub output_format: OutputFormat,

    /// Never touch the network: work from the caches and name what is missing.
    #[arg(long, global = true)]
    pub offline: bool,

    /// More logging (repeat for more).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// Only errors.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
}
