//! The `cairn` command line.
//!
//! Parsing and printing only: every command is a thin wrapper over a library crate.

#![expect(clippy::print_stderr, reason = "the binary owns the terminal")]

mod cli;
mod commands;
mod output;
mod project;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    init_logging(&cli.global);
    match commands::run(cli.command, &cli.global) {
        Ok(status) => status.into(),
        Err(error) => {
            report(&error);
            ExitCode::from(output::EXIT_ERROR)
        }
    }
}

fn init_logging(global: &cli::GlobalArgs) {
    use tracing_subscriber::EnvFilter;
    let default = match (global.quiet, global.verbose) {
        (true, _) => "error",
        (false, 0) => "warn",
        (false, 1) => "info,cairn=debug",
        (false, _) => "debug",
    };
    let filter = EnvFilter::try_from_env("CAIRN_LOG").unwrap_or_else(|_| EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .without_time()
        .with_target(false)
        .init();
}

/// Prints an error as `error: ...`, its causes, and any `hint:` attached to it.
fn report(error: &anyhow::Error) {
    eprintln!("error: {error}");
    for cause in error.chain().skip(1) {
        eprintln!("  caused by: {cause}");
    }
    for cause in error.chain() {
        if let Some(hinted) = cause.downcast_ref::<output::Hinted>() {
            eprintln!("hint: {}", hinted.hint);
        }
    }
}
