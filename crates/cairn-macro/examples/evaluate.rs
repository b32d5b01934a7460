//! Evaluates spec files with the host's macros and prints the results as a JSON array of
//! `{path, spec}` or `{path, error}` (a debugging aid for the engine; `cairn spec query` is the
//! command users run).
//!
//! Usage: `cargo run --example evaluate -p cairn-macro -- [-D 'NAME VALUE']...
//! [--sourcedir-map DIR] [--no-shell] SPEC...`

#![expect(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "a command-line aid"
)]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use cairn_macro::spec::EvaluateOptions;
use cairn_macro::{MacroContext, MacroSet};

fn source_dir(map: Option<&Path>, spec: &Path) -> Option<String> {
    if let (Some(map), Some(stem)) = (map, spec.file_stem()) {
        let candidate = map.join(stem);
        if candidate.is_dir() {
            return Some(candidate.to_string_lossy().into_owned());
        }
    }
    let dir = spec.parent()?;
    let dir = std::path::absolute(dir).unwrap_or_else(|_| dir.to_owned());
    Some(dir.to_string_lossy().into_owned())
}

fn main() {
    let mut defines = Vec::new();
    let mut specs = Vec::new();
    let mut map = None;
    let mut shell = cairn_macro::ShellPolicy::Run;
    let mut arguments = std::env::args().skip(1);
    while let Some(argument) = arguments.next() {
        match argument.as_str() {
            "-D" => defines.extend(arguments.next()),
            "--sourcedir-map" => map = arguments.next().map(PathBuf::from),
            "--no-shell" => shell = cairn_macro::ShellPolicy::Disabled,
            _ => specs.push(PathBuf::from(argument)),
        }
    }
    let mut set = MacroSet::host("x86_64");
    set.define(&defines).expect("valid -D definitions");
    let config = Arc::new(cairn_macro::ContextConfig {
        shell,
        ..Default::default()
    });
    let cache: Arc<cairn_macro::ShellCache> = Arc::default();
    let mut results = Vec::new();
    for spec in specs {
        let mut context = MacroContext::new(&set, Arc::clone(&config), Arc::clone(&cache));
        let options = EvaluateOptions {
            source_dir: source_dir(map.as_deref(), &spec),
            ..EvaluateOptions::default()
        };
        let result = match cairn_macro::spec::evaluate(&spec, &mut context, &options) {
            Ok(result) => serde_json::json!({"path": spec, "spec": result}),
            Err(error) => serde_json::json!({"path": spec, "error": error.to_string()}),
        };
        results.push(result);
    }
    println!("{}", serde_json::Value::Array(results));
    let statistics = cache.statistics();
    eprintln!(
        "%(...): {} commands run in {:.2} s, {} answered from the cache",
        statistics.runs,
        statistics.run_time.as_secs_f64(),
        statistics.hits
    );
    if let Some(path) = std::env::var_os("CAIRN_SHELL_COMMANDS") {
        std::fs::write(path, cache.commands().join("\n@@\n")).expect("writable command list");
    }
}
