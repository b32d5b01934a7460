//! One module per command group; each parses its arguments, calls a library, prints.

mod build;
mod component;
mod config;
mod doctor;
mod overlay;
mod plan;
mod repo;
mod solve;
mod spec;
mod spec_query;

use clap::Subcommand;

use crate::cli::GlobalArgs;
use crate::output::Status;

/// The top-level commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the selected components and what they need: SRPMs and RPMs in graph order, each
    /// in a sandbox, cached by fingerprint, published per channel.
    Build(build::BuildArgs),
    /// Work with the project's components (list...).
    #[command(subcommand_required = true)]
    Component(component::ComponentArgs),
    /// Show the resolved project configuration or its JSON Schema.
    Config(config::ConfigArgs),
    /// Check that the external tools cairn uses are installed.
    Doctor(doctor::DoctorArgs),
    /// Apply overlays to a component's sources directory (azldev's overlay semantics).
    Overlay(overlay::OverlayArgs),
    /// The build graph of the rendered specs: builds in waves, cycles and their bootstrap breaks.
    Plan(plan::PlanArgs),
    /// rpm-md repositories: index a directory of RPMs, query a repository.
    Repo(repo::RepoArgs),
    /// The install set for packages from rpm-md repositories (Requires, rich deps, weak deps...).
    Solve(solve::SolveArgs),
    /// Why a package is in the install set: the dependency chain from a requested package.
    Why(solve::WhyArgs),
    /// Parse RPM spec files losslessly and show their structure.
    Spec(spec::SpecArgs),
}

/// Runs one command.
pub fn run(command: Command, global: &GlobalArgs) -> anyhow::Result<Status> {
    match command {
        Command::Build(args) => build::run(&args, global),
        Command::Component(args) => component::run(&args, global),
        Command::Config(args) => config::run(&args, global),
        Command::Doctor(args) => doctor::run(&args, global),
        Command::Overlay(args) => overlay::run(&args, global),
        Command::Plan(args) => plan::run(&args, global),
        Command::Repo(args) => repo::run(&args, global),
        Command::Solve(args) => solve::run_solve(&args, global),
        Command::Why(args) => solve::run_why(&args, global),
        Command::Spec(args) => spec::run(&args, global),
    }
}
