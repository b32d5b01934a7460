//! `cairn overlay apply`: apply an overlay file to a component's sources directory.

#![expect(clippy::print_stdout, reason = "command output")]

use std::path::{Path, PathBuf};

use anyhow::Context;
use cairn_config::overlay::load_overlay_file;
use cairn_overlay::{ApplyReport, EditOptions, Sources, apply_overlays};
use clap::{Args, Subcommand};
use serde::Serialize;

use crate::cli::GlobalArgs;
use crate::output::{OutputFormat, Status, hinted, print_json};

#[derive(Debug, Args)]
pub struct OverlayArgs {
    #[command(subcommand)]
    command: OverlayCommand,
}

#[derive(Debug, Subcommand)]
enum OverlayCommand {
    /// Apply an overlay file (`[metadata]` + `[[overlays]]`) to a sources directory, all
    /// overlays in memory first; nothing is written unless every overlay applies.
    Apply(ApplyArgs),
}

#[derive(Debug, Args)]
struct ApplyArgs {
    /// The overlay file; `source` paths in it resolve against its directory.
    #[arg(long, value_name = "FILE")]
    overlays: PathBuf,
    /// The component's sources directory (the spec and the files beside it).
    #[arg(value_name = "DIR")]
    directory: PathBuf,
    /// Write the result to this directory (a full copy) instead of editing DIR in place.
    #[arg(long, value_name = "DIR2")]
    out: Option<PathBuf>,
    /// Print a unified diff of what changes.
    #[arg(long)]
    diff: bool,
    /// Apply in memory and report (with --diff, show) the changes without writing anything.
    #[arg(long)]
    dry_run: bool,
    /// The spec to edit, when DIR holds more than one.
    #[arg(long, value_name = "NAME")]
    spec: Option<String>,
    /// Fail `spec-add-tag` when the tag already exists (azldev's documented behaviour; its
    /// code adds a duplicate).
    #[arg(long)]
    strict_add_tag: bool,
    /// Make `spec-search-replace` with a section and no package edit only the main package
    /// (azldev's documented behaviour; its code edits every package).
    #[arg(long)]
    search_replace_main_package_only: bool,
    /// Remove sections without balancing %if/%endif, as the azldev that rendered Azure
    /// Linux 4.0 in April 2026 did.
    #[arg(long)]
    unbalanced_section_removal: bool,
}

#[derive(Debug, Serialize)]
struct Outcome<'a> {
    directory: &'a Path,
    written_to: Option<&'a Path>,
    applied: usize,
    spec_changed: bool,
    repacked_archives: &'a [String],
    changed_files: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    diff: Option<String>,
}

pub fn run(args: &OverlayArgs, global: &GlobalArgs) -> anyhow::Result<Status> {
    match &args.command {
        OverlayCommand::Apply(apply) => run_apply(apply, global),
    }
}

fn run_apply(args: &ApplyArgs, global: &GlobalArgs) -> anyhow::Result<Status> {
    let file = load_overlay_file(&args.overlays, global.permissive_config).map_err(|error| {
        hinted(error.to_string(), "an overlay file is one [metadata] table (category, upstream-status) and [[overlays]] entries")
    })?;
    let spec = match &args.spec {
        Some(name) => Some(name.clone()),
        None => Sources::find_spec(&args.directory)?,
    };
    let mut sources = Sources::load(&args.directory, spec.as_deref())
        .with_context(|| format!("loading the sources directory {}", args.directory.display()))?;
    let options = EditOptions {
        strict_add_tag: args.strict_add_tag,
        search_replace_main_package_only: args.search_replace_main_package_only,
        unbalanced_section_removal: args.unbalanced_section_removal,
    };
    let report = apply_overlays(&mut sources, &file.overlays, &options).map_err(|error| {
        hinted(
            error.to_string(),
            "fix or remove that overlay; nothing was written",
        )
    })?;
    let changed_files = sources.changed_paths();
    let diff = args
        .diff
        .then(|| unified_diff(&mut sources, &changed_files));
    if !args.dry_run {
        match &args.out {
            Some(out) => sources.commit_to(out)?,
            None => sources.commit()?,
        }
    }
    let outcome = Outcome {
        directory: &args.directory,
        written_to: if args.dry_run {
            None
        } else {
            Some(args.out.as_deref().unwrap_or(&args.directory))
        },
        applied: report.applied,
        spec_changed: report.spec_changed,
        repacked_archives: &report.repacked_archives,
        changed_files,
        diff,
    };
    match global.output_format {
        OutputFormat::Json => print_json(&outcome)?,
        _ => print_text(&outcome, &report),
    }
    Ok(Status::Success)
}

fn print_text(outcome: &Outcome<'_>, report: &ApplyReport) {
    if let Some(diff) = &outcome.diff {
        print!("{diff}");
    }
    let target = match outcome.written_to {
        Some(path) => format!("written to {}", path.display()),
        None => "not written (dry run)".to_owned(),
    };
    println!(
        "applied {} overlays: {} file(s) changed, {} archive(s) repacked; {target}",
        report.applied,
        outcome.changed_files.len(),
        report.repacked_archives.len()
    );
}

/// A unified diff of every changed file: old bytes from disk, new bytes from memory.
fn unified_diff(sources: &mut Sources, paths: &[String]) -> String {
    let mut out = String::new();
    for path in paths {
        let old = std::fs::read(sources.root().join(path)).ok();
        let new = sources.file(path);
        let (old_name, new_name) = (
            if old.is_some() {
                format!("a/{path}")
            } else {
                "/dev/null".to_owned()
            },
            if new.is_some() {
                format!("b/{path}")
            } else {
                "/dev/null".to_owned()
            },
        );
        let (old, new) = (old.unwrap_or_default(), new.unwrap_or_default());
        match (std::str::from_utf8(&old), std::str::from_utf8(&new)) {
            (Ok(old), Ok(new)) => {
                let diff = similar::TextDiff::from_lines(old, new);
                out.push_str(
                    &diff
                        .unified_diff()
                        .context_radius(3)
                        .header(&old_name, &new_name)
                        .to_string(),
                );
            }
            _ => out.push_str(&format!("Binary files {old_name} and {new_name} differ\n")),
        }
    }
    out
}
