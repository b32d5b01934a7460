//! `cairn spec-query`: evaluate specs as rpm does (macros, conditionals, Lua) and report
//! their packages and dependencies, like `rpmspec -q`.

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

    /// `_sourcedir` for every spec (default: the spec's own directory).
    #[arg(long, value_name = "DIR")]
    sourcedir: Option<PathBuf>,

    /// A directory of per-spec sidecar directories: `_sourcedir` is `DIR/<spec name>` when it
    /// exists (the corpus layout of `specs-4.0-include-deps/`).
    #[arg(long, value_name = "DIR")]
    sourcedir_map: Option<PathBuf>,

    /// Do not run `%(...)` shell commands (they expand to nothing).
    #[arg(long)]
    no_shell: bool,

    /// Exit 0 even when some specs fail to evaluate (they are still reported).
    #[arg(long)]
    allow_failures: bool,
}

#[derive(Debug, Serialize)]
struct Result {
    path: PathBuf,
    #[serde(skip_serializing_if = "Option::is_none")]
    spec: Option<Spec>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

fn collect_specs(paths: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
    let mut specs = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut found: Vec<PathBuf> = walkdir::WalkDir::new(path)
                .follow_links(true)
                .into_iter()
                .filter_map(std::result::Result::ok)
                .filter(|entry| entry.path().extension().is_some_and(|e| e == "spec"))
                .map(walkdir::DirEntry::into_path)
                .collect();
            found.sort();
            specs.extend(found);
        } else {
            specs.push(path.clone());
        }
    }
    Ok(specs)
}

fn source_dir(args: &SpecQueryArgs, spec: &Path) -> String {
    if let Some(dir) = &args.sourcedir {
        return dir.to_string_lossy().into_owned();
    }
    if let (Some(map), Some(stem)) = (&args.sourcedir_map, spec.file_stem()) {
        let candidate = map.join(stem);
        if candidate.is_dir() {
            return candidate.to_string_lossy().into_owned();
        }
    }
    let dir = spec
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::path::absolute(dir)
        .unwrap_or_else(|_| dir.to_owned())
        .to_string_lossy()
        .into_owned()
}

pub fn run(args: &SpecQueryArgs, global: &GlobalArgs) -> anyhow::Result<Status> {
    let specs = collect_specs(&args.paths)?;
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
    let options = EvaluateOptions {
        target_cpu: args.target.clone(),
        ..EvaluateOptions::default()
    };
    let evaluate = |path: &PathBuf| {
        let mut context = MacroContext::new(&set, Arc::clone(&config), Arc::clone(&shell_cache));
        let options = EvaluateOptions {
            source_dir: Some(source_dir(args, path)),
            ..options.clone()
        };
        match cairn_macro::spec::evaluate(path, &mut context, &options) {
            Ok(spec) => Result {
                path: path.clone(),
                spec: Some(spec),
                error: None,
            },
            Err(error) => Result {
                path: path.clone(),
                spec: None,
                error: Some(error.to_string()),
            },
        }
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.jobs.unwrap_or(0))
        .build()?;
    let results: Vec<Result> = pool.install(|| specs.par_iter().map(evaluate).collect());
    let failures = results.iter().filter(|r| r.error.is_some()).count();
    match global.output_format {
        OutputFormat::Json => print_json(&results)?,
        _ => {
            let mut out = String::new();
            for result in &results {
                if let Some(spec) = &result.spec {
                    for package in &spec.packages {
                        out.push_str(&format!(
                            "{}-{}.{}\n",
                            package.name,
                            package.evr(),
                            package.arch
                        ));
                    }
                }
            }
            print!("{out}");
        }
    }
    for result in results.iter().filter(|r| r.error.is_some()) {
        eprintln!("error: {}", result.error.as_deref().unwrap_or_default());
    }
    if specs.len() > 1 {
        eprintln!("{} specs evaluated, {failures} failed", specs.len());
    }
    Ok(if failures > 0 && !args.allow_failures {
        Status::CheckFailed
    } else {
        Status::Success
    })
}
