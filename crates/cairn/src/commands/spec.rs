//! `cairn spec`: parse spec files with the lossless model (`cairn-spec`) and show their outline.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use cairn_spec::{Severity, Spec};
use clap::{Args, Subcommand};
use rayon::prelude::*;
use serde::Serialize;

use crate::cli::GlobalArgs;
use crate::output::{OutputFormat, Status, print_json};

#[derive(Debug, Args)]
pub struct SpecArgs {
    #[command(subcommand)]
    command: SpecCommand,
}

#[derive(Debug, Subcommand)]
enum SpecCommand {
    /// Parse spec files and report the ones that fail or that rpm would reject.
    Parse(ParseArgs),
    /// Print a spec's outline: sections, packages, tags, conditionals and macro definitions.
    Show(ShowArgs),
    /// Evaluate specs as rpm does and list their packages and dependencies (like `rpmspec -q`).
    Query(super::spec_query::SpecQueryArgs),
}

#[derive(Debug, Args)]
struct ParseArgs {
    /// Also check that writing each parsed spec back gives its input byte for byte.
    #[arg(long)]
    roundtrip: bool,

    /// Worker threads (default: one per CPU).
    #[arg(short = 'j', long = "jobs", value_name = "N")]
    jobs: Option<usize>,

    /// Spec files, or directories searched recursively for `*.spec` (symlinks followed).
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
}

#[derive(Debug, Args)]
struct ShowArgs {
    /// The spec file.
    #[arg(value_name = "PATH")]
    path: PathBuf,
}

pub fn run(args: &SpecArgs, global: &GlobalArgs) -> anyhow::Result<Status> {
    match &args.command {
        SpecCommand::Parse(args) => parse(args, global),
        SpecCommand::Show(args) => show(args, global),
        SpecCommand::Query(args) => super::spec_query::run(args, global),
    }
}

/// A file that could not be parsed or did not round-trip.
#[derive(Debug, Serialize)]
struct Failure {
    path: PathBuf,
    reason: String,
}

/// An error diagnostic of a parsed file: rpm would reject the spec.
#[derive(Debug, Serialize)]
struct FileDiagnostic {
    path: PathBuf,
    line: u32,
    column: u32,
    message: String,
}

#[derive(Debug, Default, Serialize)]
struct Summary {
    files: usize,
    parsed: usize,
    /// `null` unless `--roundtrip` was given.
    roundtrip_identical: Option<usize>,
    with_errors: usize,
    failed: usize,
}

#[derive(Debug, Serialize)]
struct ParseReport {
    failures: Vec<Failure>,
    errors: Vec<FileDiagnostic>,
    summary: Summary,
}

/// What happened to one file.
struct Outcome {
    parsed: bool,
    identical: bool,
    failure: Option<String>,
    errors: Vec<FileDiagnostic>,
}

fn parse(args: &ParseArgs, global: &GlobalArgs) -> anyhow::Result<Status> {
    let (files, mut failures) = collect_spec_files(&args.paths)?;
    let threads = args
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from));
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.max(1))
        .build()
        .context("cannot start worker threads")?;
    let outcomes: Vec<Outcome> = pool.install(|| {
        files
            .par_iter()
            .map(|path| parse_one(path, args.roundtrip))
            .collect()
    });

    let mut summary = Summary {
        files: files.len() + failures.len(),
        ..Summary::default()
    };
    let mut identical = 0;
    let mut errors = Vec::new();
    for (path, outcome) in files.into_iter().zip(outcomes) {
        summary.parsed += usize::from(outcome.parsed);
        identical += usize::from(outcome.identical);
        summary.with_errors += usize::from(!outcome.errors.is_empty());
        errors.extend(outcome.errors);
        if let Some(reason) = outcome.failure {
            failures.push(Failure { path, reason });
        }
    }
    summary.failed = failures.len();
    summary.roundtrip_identical = args.roundtrip.then_some(identical);
    let report = ParseReport {
        failures,
        errors,
        summary,
    };
    match global.output_format {
        OutputFormat::Json => print_json(&report)?,
        _ => print_parse_report(&report)?,
    }
    Ok(if args.roundtrip && report.summary.failed > 0 {
        Status::CheckFailed
    } else {
        Status::Success
    })
}

fn print_parse_report(report: &ParseReport) -> anyhow::Result<()> {
    write_stdout(|out| {
        for failure in &report.failures {
            writeln!(out, "{}: {}", failure.path.display(), failure.reason)?;
        }
        for error in &report.errors {
            let path = error.path.display();
            writeln!(
                out,
                "{path}:{}:{}: error: {}",
                error.line, error.column, error.message
            )?;
        }
        let summary = &report.summary;
        let roundtrip = summary
            .roundtrip_identical
            .map(|n| format!(", {n} identical on round trip"))
            .unwrap_or_default();
        writeln!(
            out,
            "{} files: {} parsed{roundtrip}, {} with errors, {} failed",
            summary.files, summary.parsed, summary.with_errors, summary.failed
        )
    })
}

/// Writes to stdout; a closed pipe (`cairn spec show x | head`) is not an error.
fn write_stdout(write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> anyhow::Result<()> {
    let mut out = io::BufWriter::new(io::stdout().lock());
    match write(&mut out).and_then(|()| out.flush()) {
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        result => Ok(result?),
    }
}

/// Spec files under `paths` (sorted), and the paths that could not be walked.
fn collect_spec_files(paths: &[PathBuf]) -> anyhow::Result<(Vec<PathBuf>, Vec<Failure>)> {
    let mut files = Vec::new();
    let mut failures = Vec::new();
    for path in paths {
        if !path.exists() {
            anyhow::bail!(
                "{} does not exist; pass spec files or directories that contain *.spec files",
                path.display()
            );
        }
        if !path.is_dir() {
            files.push(path.clone());
            continue;
        }
        for entry in walkdir::WalkDir::new(path).follow_links(true) {
            match entry {
                Ok(entry)
                    if entry.file_type().is_file()
                        && entry.path().extension().is_some_and(|e| e == "spec") =>
                {
                    files.push(entry.into_path());
                }
                Ok(_) => {}
                Err(error) => failures.push(Failure {
                    path: error.path().unwrap_or(path).to_owned(),
                    reason: format!("cannot read directory entry: {error}"),
                }),
            }
        }
    }
    files.sort();
    files.dedup();
    Ok((files, failures))
}

fn parse_one(path: &Path, roundtrip: bool) -> Outcome {
    let mut outcome = Outcome {
        parsed: false,
        identical: false,
        failure: None,
        errors: Vec::new(),
    };
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(error) => {
            outcome.failure = Some(format!("cannot read: {error}"));
            return outcome;
        }
    };
    let original = roundtrip.then(|| bytes.clone());
    let spec = match Spec::parse(bytes) {
        Ok(spec) => spec,
        Err(error) => {
            outcome.failure = Some(error.to_string());
            return outcome;
        }
    };
    outcome.parsed = true;
    outcome.errors = spec
        .diagnostics()
        .iter()
        .filter(|diagnostic| diagnostic.severity == Severity::Error)
        .map(|diagnostic| FileDiagnostic {
            path: path.to_owned(),
            line: diagnostic.position.line,
            column: diagnostic.position.column,
            message: diagnostic.kind.to_string(),
        })
        .collect();
    if let Some(original) = original {
        let written = spec.to_bytes();
        if let Err(error) = spec.check_structure() {
            outcome.failure = Some(error.to_string());
        } else if written == original {
            outcome.identical = true;
        } else {
            outcome.failure = Some(first_difference(&original, &written));
        }
    }
    outcome
}

/// Describes the first line where `written` differs from `original`.
fn first_difference(original: &[u8], written: &[u8]) -> String {
    let mut expected = original.split_inclusive(|&b| b == b'\n');
    let mut actual = written.split_inclusive(|&b| b == b'\n');
    let mut number = 1;
    loop {
        match (expected.next(), actual.next()) {
            (Some(a), Some(b)) if a == b => number += 1,
            (a, b) => {
                let show = |line: Option<&[u8]>| {
                    line.map_or_else(
                        || "(end of file)".to_owned(),
                        |l| format!("{:?}", String::from_utf8_lossy(l)),
                    )
                };
                return format!(
                    "round trip differs at line {number}: input {}, written {}",
                    show(a),
                    show(b)
                );
            }
        }
    }
}

fn show(args: &ShowArgs, global: &GlobalArgs) -> anyhow::Result<Status> {
    let spec = Spec::read(&args.path)?;
    let outline = spec.outline();
    match global.output_format {
        OutputFormat::Json => print_json(&outline)?,
        _ => write_stdout(|out| write!(out, "{outline}"))?,
    }
    Ok(Status::Success)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directories_are_searched_and_files_checked() {
        let directory = tempfile::tempdir().unwrap();
        std::fs::create_dir(directory.path().join("sub")).unwrap();
        std::fs::write(directory.path().join("sub/a.spec"), "Name: a\n%endif\n").unwrap();
        std::fs::write(directory.path().join("b.spec"), "Name: b\r\n%files").unwrap();
        std::fs::write(directory.path().join("notes.txt"), "not a spec").unwrap();
        let (files, failures) = collect_spec_files(&[directory.path().to_owned()]).unwrap();
        assert!(failures.is_empty());
        let names: Vec<_> = files
            .iter()
            .map(|path| path.file_name().unwrap().to_owned())
            .collect();
        assert_eq!(names, ["b.spec", "a.spec"]);
        let outcomes: Vec<Outcome> = files.iter().map(|path| parse_one(path, true)).collect();
        assert!(
            outcomes
                .iter()
                .all(|outcome| outcome.parsed && outcome.identical)
        );
        assert!(outcomes[0].errors.is_empty());
        assert_eq!(outcomes[1].errors.len(), 1);
        assert!(
            outcomes[1].errors[0]
                .message
                .starts_with("%endif without a matching %if")
        );
        let missing = parse_one(&directory.path().join("missing.spec"), true);
        assert!(!missing.parsed && missing.failure.unwrap().starts_with("cannot read"));
        assert!(collect_spec_files(&[directory.path().join("nope")]).is_err());
    }

    #[test]
    fn first_difference_names_the_line() {
        assert_eq!(
            first_difference(b"a\nb\nc\n", b"a\nB\nc\n"),
            "round trip differs at line 2: input \"b\\n\", written \"B\\n\""
        );
        assert_eq!(
            first_difference(b"a\n", b"a\nb"),
            "round trip differs at line 2: input (end of file), written \"b\""
        );
    }
}
