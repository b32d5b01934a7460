//! `cairn component list`: resolved component configuration, as azldev's `component list`.

use std::io::Write;
use std::path::Path;

use cairn_config::model::{SpecSource, SpecSourceType};
use clap::Args;

use super::ComponentFilterArgs;
use crate::cli::GlobalArgs;
use crate::output::{OutputFormat, Status, print_json};
use crate::project::load_project;

#[derive(Debug, Args)]
pub struct ListArgs {
    #[command(flatten)]
    filter: ComponentFilterArgs,
}

pub fn run(args: &ListArgs, global: &GlobalArgs) -> anyhow::Result<Status> {
    let filter = args.filter.filter()?;
    let project = load_project(global)?;
    let names = project.select_components(&filter)?;
    let components = names
        .iter()
        .map(|name| project.resolve_component(name))
        .collect::<Result<Vec<_>, _>>()?;
    match global.output_format {
        OutputFormat::Json => print_json(&components)?,
        OutputFormat::Text | OutputFormat::Toml => {
            let rows: Vec<[String; 3]> = components
                .iter()
                .map(|component| {
                    let rendered = component
                        .rendered_spec_dir
                        .as_deref()
                        .map(|dir| relative(dir, project.root_dir()))
                        .unwrap_or_else(|| "-".into());
                    let spec = describe(&component.config.spec, project.root_dir());
                    [component.name.clone(), rendered, spec]
                })
                .collect();
            let name_width = rows.iter().map(|r| r[0].len()).max().unwrap_or(0);
            let dir_width = rows.iter().map(|r| r[1].len()).max().unwrap_or(0);
            let mut out = std::io::stdout().lock();
            for [name, rendered, spec] in rows {
                writeln!(out, "{name:<name_width$}  {rendered:<dir_width$}  {spec}")?;
            }
        }
    }
    Ok(Status::Success)
}

fn describe(spec: &SpecSource, root: &Path) -> String {
    match spec.kind {
        Some(SpecSourceType::Local) => {
            format!(
                "local {}",
                spec.path
                    .as_deref()
                    .map(|p| relative(p, root))
                    .unwrap_or_default()
            )
        }
        _ => {
            let distro = &spec.upstream_distro;
            let mut text = format!(
                "upstream {} {}",
                distro.name.as_deref().unwrap_or("(default)"),
                distro.version.as_deref().unwrap_or("(default)")
            );
            if let Some(name) = &spec.upstream_name {
                text.push_str(&format!(" as {name}"));
            }
            if let Some(commit) = &spec.upstream_commit {
                text.push_str(&format!(" @{commit}"));
            } else if let Some(snapshot) = &distro.snapshot {
                text.push_str(&format!(" at {snapshot}"));
            }
            text
        }
    }
}

fn relative(path: &Path, root: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string()
}
