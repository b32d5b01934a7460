//! `cairn component`: commands over the project's components.

mod list;

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
}

pub fn run(args: &ComponentArgs, global: &GlobalArgs) -> anyhow::Result<Status> {
    match &args.command {
        ComponentCommand::List(list) => list::run(list, global),
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
