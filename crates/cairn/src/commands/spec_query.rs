//! `cairn spec query`: evaluate specs as rpm does (macros, conditionals, Lua) and report
//! their packages and dependencies, like `rpmspec -q`; `cairn component query` reuses the
//! evaluation for the project's rendered specs.

#![expect(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "command output and summary"
)]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use cairn_macro::spec::{EvaluateOptions, Spec};
use cairn_macro::{ContextConfig, MacroContext, MacroSet, ShellCache, ShellPolicy};
use clap::Args;
use rayon::prelude::*;
use serde::Serialize;

use crate::cli::GlobalArgs;
use crate::output::{OutputFormat, Status, print_json};

#[derive(Debug, Args)]
pub struct SpecQueryArgs {
    /// Spec files, or directories searched recursively for `*.spec`.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,

    /// `_sourcedir` for every spec (default: the spec's own directory).
    #[arg(long, value_name = "DIR")]
    sourcedir: Option<PathBuf>,

    /// A directory of per-spec sidecar directories: `_sourcedir` is `DIR/<spec name>` when it
    /// exists (the corpus layout of `specs-4.0-include-deps/`).
    #[arg(long, value_name = "DIR")]
    sourcedir_map: Option<PathBuf>,

    #[command(flatten)]
    evaluation: EvaluationArgs,
}

/// How specs are evaluated and reported; shared by `spec query` and `component query`.
#[derive(Debug, Args)]
pub struct EvaluationArgs {
    /// Worker threads (default: one per CPU).
    #[arg(short = 'j', long = "jobs", value_name = "N")]
    jobs: Option<usize>,

    /// Define a macro, like `rpmspec --define 'NAME VALUE'` (repeatable).
    #[arg(short = 'D', long = "define", value_name = "'NAME VALUE'")]
    defines: Vec<String>,

    /// Load a macro file after the host rpm's, like `rpmspec --load` (repeatable).
    #[arg(long = "macros", value_name = "FILE")]
    macro_files: Vec<PathBuf>,

    /// Do not load the host rpm's macro files (only `--macros` files).
    #[arg(long)]
    no_host_macros: bool,

    /// Target architecture (`_target_cpu`).
    #[arg(long, default_value = "x86_64", value_name = "ARCH")]
    target: String,

    /// Do not run `%(...)` shell commands (they expand to nothing).
    #[arg(long)]
    no_shell: bool,

    /// Print the Sources and Patches as `spectool -l -a` does instead of the packages.
    #[arg(long)]
    sources: bool,

    /// Exit 0 even when some specs fail to evaluate (they are still reported).
    #[arg(long)]
    allow_failures: bool,
}

/// One spec to evaluate and the `_sourcedir` it sees.
pub struct Job {
    pub path: PathBuf,
    pub source_dir: PathBuf,
}

/// The evaluation of one spec.
#[derive(Debug, Serialize)]
pub struct QueryResult {
    path: PathBuf,
    #[serde(skip_serializing_if = "Option::is_none")]
    spec: Option<Spec>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

fn collect_specs(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut specs = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut found: Vec<PathBuf> = walkdir::WalkDir::new(path)
                .follow_links(true)
                .into_iter()
                .filter_map(Result::ok)
                .filter(|entry| entry.path().extension().is_some_and(|e| e == "spec"))
                .map(walkdir::DirEntry::into_path)
                .collect();
            found.sort();
            specs.extend(found);
        } else {
            specs.push(path.clone());
        }
    }
    specs
}

fn source_dir(args: &SpecQueryArgs, spec: &Path) -> PathBuf {
    if let Some(dir) = &args.sourcedir {
        return dir.clone();
    }
    if let (Some(map), Some(stem)) = (&args.sourcedir_map, spec.file_stem()) {
        let candidate = map.join(stem);
        if candidate.is_dir() {
            return candidate;
        }
    }
    spec.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_owned()
}

pub fn run(args: &SpecQueryArgs, global: &GlobalArgs) -> anyhow::Result<Status> {
    let jobs = collect_specs(&args.paths)
        .into_iter()
        .map(|path| Job {
            source_dir: source_dir(args, &path),
            path,
        })
        .collect();
    let results = evaluate(jobs, &args.evaluation)?;
    report(&results, &args.evaluation, global)
}

/// Evaluates `jobs` in parallel with the host's macros (unless turned off), `--macros` files
/// and `--define`s.
pub fn evaluate(jobs: Vec<Job>, args: &EvaluationArgs) -> anyhow::Result<Vec<QueryResult>> {
    let mut files = if args.no_host_macros {
        Vec::new()
    } else {
        MacroSet::resolve_path(
            cairn_macro::HOST_MACRO_PATH,
            &format!("{}-linux", args.target),
        )
    };
    files.extend(args.macro_files.iter().cloned());
    let mut set = MacroSet::load(&args.target, "linux", &files);
    set.define(&args.defines).context("invalid --define")?;
    let config = Arc::new(ContextConfig {
        shell: if args.no_shell {
            ShellPolicy::Disabled
        } else {
            ShellPolicy::Run
        },
        ..ContextConfig::default()
    });
    let shell_cache = Arc::new(ShellCache::default());
    let evaluate = |job: &Job| {
        let mut context = MacroContext::new(&set, Arc::clone(&config), Arc::clone(&shell_cache));
        let dir = std::path::absolute(&job.source_dir).unwrap_or_else(|_| job.source_dir.clone());
        let options = EvaluateOptions {
            target_cpu: args.target.clone(),
            source_dir: Some(dir.to_string_lossy().into_owned()),
            ..EvaluateOptions::default()
        };
        let (spec, error) = match cairn_macro::spec::evaluate(&job.path, &mut context, &options) {
            Ok(spec) => (Some(spec), None),
            Err(error) => (None, Some(error.to_string())),
        };
        QueryResult {
            path: job.path.clone(),
            spec,
            error,
        }
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.jobs.unwrap_or(0))
        .build()?;
    Ok(pool.install(|| jobs.par_iter().map(evaluate).collect()))
}

/// Prints the results (NEVRAs, or the Source/Patch listing, or JSON) and the failures.
pub fn report(
    results: &[QueryResult],
    args: &EvaluationArgs,
    global: &GlobalArgs,
) -> anyhow::Result<Status> {
    let failures = results.iter().filter(|r| r.error.is_some()).count();
    match global.output_format {
        OutputFormat::Json | OutputFormat::Toml => print_json(&results)?,
        OutputFormat::Text => {
            let mut out = String::new();
            for spec in results.iter().filter_map(|result| result.spec.as_ref()) {
                if args.sources {
                    for entry in spec.sources_and_patches() {
                        out.push_str(&format!("{entry}\n"));
                    }
                    continue;
                }
                for package in &spec.packages {
                    let evr = package.evr();
                    out.push_str(&format!("{}-{evr}.{}\n", package.name, package.arch));
                }
            }
            print!("{out}");
        }
    }
    for error in results.iter().filter_map(|r| r.error.as_deref()) {
        eprintln!("error: {error}");
    }
    if results.len() > 1 && !global.quiet {
        eprintln!("{} specs evaluated, {failures} failed", results.len());
    }
    Ok(if failures > 0 && !args.allow_failures {
        Status::CheckFailed
    } else {
        Status::Success
    })
}
