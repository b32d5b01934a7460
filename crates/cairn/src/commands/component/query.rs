//! `cairn component query NAME...`: evaluate the components' specs as rpm does and report
//! their packages and dependencies (`cairn spec query` on the project's specs).
//!
//! The spec queried is the rendered one, `<rendered-specs-dir>/<first letter>/<name>/<name>.spec`
//! with `_sourcedir` its directory: that is the spec that gets built (overlays applied,
//! rpmautospec expanded, the `<name>.azl.macros` build options loaded by the spec itself). A
//! component with a local spec and no rendering is queried from that spec. An upstream spec
//! that was not rendered is not fetched: the command says to render it first, so a query
//! never touches the network and always reflects the spec the build would use.

use std::path::PathBuf;

use cairn_config::model::SpecSourceType;
use clap::Args;

use super::ComponentFilterArgs;
use crate::cli::GlobalArgs;
use crate::commands::spec_query::{EvaluationArgs, Job, evaluate, report};
use crate::output::{Status, hinted};
use crate::project::load_project;

#[derive(Debug, Args)]
pub struct QueryArgs {
    #[command(flatten)]
    filter: ComponentFilterArgs,

    #[command(flatten)]
    evaluation: EvaluationArgs,
}

pub fn run(args: &QueryArgs, global: &GlobalArgs) -> anyhow::Result<Status> {
    let filter = args.filter.filter()?;
    let project = load_project(global)?;
    let mut jobs = Vec::new();
    for name in project.select_components(&filter)? {
        let component = project.resolve_component(&name)?;
        let rendered = component
            .rendered_spec_dir
            .as_ref()
            .map(|dir| dir.join(format!("{name}.spec")))
            .filter(|spec| spec.is_file());
        let local = match (&component.config.spec.kind, &component.config.spec.path) {
            (Some(SpecSourceType::Local), Some(path)) if path.is_file() => Some(path.clone()),
            _ => None,
        };
        let Some(path) = rendered.or(local) else {
            let expected = component.rendered_spec_dir.as_ref().map_or_else(
                || "no rendered-specs-dir is configured".to_owned(),
                |dir| {
                    format!(
                        "{} does not exist",
                        dir.join(format!("{name}.spec")).display()
                    )
                },
            );
            return Err(hinted(
                format!("component {name} has no rendered spec: {expected}"),
                format!(
                    "run `cairn component render {name}` first, or query any spec file with \
                     `cairn spec query PATH`"
                ),
            ));
        };
        let source_dir = path
            .parent()
            .map_or_else(|| PathBuf::from("."), PathBuf::from);
        jobs.push(Job { path, source_dir });
    }
    let results = evaluate(jobs, &args.evaluation)?;
    report(&results, &args.evaluation, global)
}
