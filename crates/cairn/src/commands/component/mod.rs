//! `cairn component`: commands over the project's components.

mod changed;
mod diff_sources;
mod list;
mod query;
mod render;
mod show_spec;
mod update;

use cairn_config::ComponentFilter;
use clap::{Args, Subcommand};

use crate::cli::GlobalArgs;
use crate::output::Status;

#[derive(Debug, Args)]
pub struct ComponentArgs {
    #[command(subcommand)]
    command: ComponentCommand,
}

/// The `component` subcommands.
#[derive(Debug, Subcommand)]
pub enum ComponentCommand {
    /// List components with their resolved configuration and rendered-spec directory.
    List(list::ListArgs),
    /// Evaluate the components' specs as rpm does: packages, dependencies, Sources/Patches.
    Query(query::QueryArgs),
    /// Render post-overlay specs and sidecar files into the rendered-specs directory.
    Render(render::RenderArgs),
    /// Resolve source identities and write the lock files (`locks/<name>.lock`).
    Update(update::UpdateArgs),
    /// Components whose locks (and rendered `sources`) changed between two git revisions.
    Changed(changed::ChangedArgs),
    /// Show what the macros file and overlays change in a component's sources.
    DiffSources(diff_sources::DiffSourcesArgs),
    /// Print the upstream spec of a component (registered or not).
    ShowSpec(show_spec::ShowSpecArgs),
}

pub fn run(args: &ComponentArgs, global: &GlobalArgs) -> anyhow::Result<Status> {
    match &args.command {
        ComponentCommand::List(list) => list::run(list, global),
        ComponentCommand::Query(query) => query::run(query, global),
        ComponentCommand::Render(render) => render::run(render, global),
        ComponentCommand::Update(update) => update::run(update, global),
        ComponentCommand::Changed(changed) => changed::run(changed, global),
        ComponentCommand::DiffSources(diff) => diff_sources::run(diff, global),
        ComponentCommand::ShowSpec(show) => show_spec::run(show, global),
    }
}

/// azldev's component filter flags, shared by the component commands.
#[derive(Debug, Clone, Args)]
pub struct ComponentFilterArgs {
    /// Every component.
    #[arg(short = 'a', long = "all-components")]
    pub all: bool,
    /// Components by name or glob (`*`, `?`, `[...]`); repeatable.
    #[arg(short = 'p', long = "component", value_name = "NAME-GLOB")]
    pub patterns: Vec<String>,
    /// Members of a component group; repeatable.
    #[arg(short = 'g', long = "component-group", value_name = "GROUP")]
    pub groups: Vec<String>,
    /// More component names or globs.
    #[arg(value_name = "NAME")]
    pub names: Vec<String>,
}

impl ComponentFilterArgs {
    /// The library filter; an error with a hint when nothing was selected.
    pub fn filter(&self) -> anyhow::Result<ComponentFilter> {
        let filter = ComponentFilter {
            all: self.all,
            patterns: self.names.iter().chain(&self.patterns).cloned().collect(),
            groups: self.groups.clone(),
        };
        if filter.is_empty() {
            return Err(crate::output::hinted(
                "no components selected",
                "pass -a for every component, -p NAME-GLOB, or -g GROUP",
            ));
        }
        Ok(filter)
    }
}

/// A progress bar on stderr for long work, unless quiet or stderr is not a terminal.
pub fn progress_bar(global: &GlobalArgs, total: u64, what: &str) -> Option<indicatif::ProgressBar> {
    use std::io::IsTerminal as _;
    if global.quiet || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(total);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{msg} [{bar:40}] {pos}/{len} ({elapsed}, {eta} left)",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(what.to_owned());
    Some(bar)
}
