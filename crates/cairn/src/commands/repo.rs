//! `cairn repo`: rpm-md repositories: `index` writes `repodata/` for a directory of RPMs,
//! `query` shows what the reader loads from a directory or URL.

#![expect(clippy::print_stdout, reason = "command output")]

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use cairn_repo::{
    Compression, IndexOptions, Keyring, LoadOptions, RepoSigner, default_cache_dir, index, load,
    transport_for,
};
use cairn_repomd::{Comparison, Dependency, DependencyKind, Package};
use clap::{Args, Subcommand, ValueEnum};
use serde::Serialize;

use crate::cli::GlobalArgs;
use crate::output::{OutputFormat, Status, hinted, print_json};

#[derive(Debug, Args)]
pub struct RepoArgs {
    #[command(subcommand)]
    command: RepoCommand,
}

#[derive(Debug, Subcommand)]
enum RepoCommand {
    /// Write rpm-md metadata (`repodata/`) for the RPMs under a directory.
    Index(IndexArgs),
    /// List the packages of a repository (directory, file:// or http(s):// URL).
    Query(QueryArgs),
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum CompressArg {
    /// zstd (dnf 4.14+, dnf5, createrepo_c 1.x's default).
    Zstd,
    /// gzip, for old clients.
    Gzip,
}

#[derive(Debug, Args)]
struct IndexArgs {
    /// The repository directory; RPMs anywhere below it are indexed.
    #[arg(value_name = "DIR")]
    directory: PathBuf,

    /// Reuse the metadata of packages whose path, size and modification time are unchanged.
    #[arg(long)]
    update: bool,

    /// Metadata compression.
    #[arg(long = "compress", value_enum, default_value_t = CompressArg::Zstd)]
    compress: CompressArg,

    /// Sign repomd.xml with this ASCII-armored OpenPGP secret key (writes repomd.xml.asc).
    #[arg(long, value_name = "KEY")]
    sign_key: Option<PathBuf>,

    /// Refuse packages whose header signature does not verify with these ASCII-armored public keys.
    #[arg(long, value_name = "FILE")]
    keyring: Option<PathBuf>,

    /// Worker threads (default: one per CPU).
    #[arg(short = 'j', long = "workers", value_name = "N")]
    workers: Option<usize>,

    /// Changelog entries kept per package (createrepo_c's default is 10).
    #[arg(long, default_value_t = cairn_repo::DEFAULT_CHANGELOG_LIMIT, value_name = "N")]
    changelog_limit: usize,
}

#[derive(Debug, Args)]
struct QueryArgs {
    /// The repository: a directory, a file:// or an http(s):// URL.
    #[arg(long = "repo", value_name = "URL-OR-DIR")]
    repository: String,

    /// Only packages whose name matches one of these globs.
    #[arg(value_name = "NAME-GLOB")]
    names: Vec<String>,

    /// Only packages that provide this capability (name, or a file path).
    #[arg(long, value_name = "CAP")]
    provides: Option<String>,

    /// Only packages that require this capability.
    #[arg(long, value_name = "CAP")]
    whatrequires: Option<String>,

    /// Require repomd.xml.asc to verify with these ASCII-armored public keys.
    #[arg(long, value_name = "FILE")]
    keyring: Option<PathBuf>,

    /// Binary cache directory (default: ~/.cache/cairn/repos).
    #[arg(long, value_name = "DIR")]
    cache_dir: Option<PathBuf>,

    /// Do not read or write the binary cache.
    #[arg(long)]
    no_cache: bool,

    /// Show each package's dependencies and files too.
    #[arg(long)]
    details: bool,
}

pub fn run(args: &RepoArgs, global: &GlobalArgs) -> anyhow::Result<Status> {
    match &args.command {
        RepoCommand::Index(args) => run_index(args, global),
        RepoCommand::Query(args) => run_query(args, global),
    }
}

#[derive(Debug, Serialize)]
struct IndexOutput {
    repodata: String,
    packages: usize,
    reused: usize,
    read: usize,
    signed: bool,
    seconds: f64,
}

fn run_index(args: &IndexArgs, global: &GlobalArgs) -> anyhow::Result<Status> {
    let started = Instant::now();
    if !args.directory.is_dir() {
        return Err(hinted(
            format!("{} is not a directory", args.directory.display()),
            "pass the repository directory that holds the RPMs",
        ));
    }
    let signer = args
        .sign_key
        .as_deref()
        .map(RepoSigner::from_key_file)
        .transpose()?;
    let keyring = args
        .keyring
        .as_deref()
        .map(Keyring::from_file)
        .transpose()?;
    let options = IndexOptions {
        workers: args.workers.unwrap_or(0),
        compression: match args.compress {
            CompressArg::Zstd => Compression::Zstd,
            CompressArg::Gzip => Compression::Gzip,
        },
        update: args.update,
        changelog_limit: args.changelog_limit,
        signer,
        keyring,
    };
    let summary = index(&args.directory, &options)
        .with_context(|| format!("indexing {}", args.directory.display()))?;
    let output = IndexOutput {
        repodata: summary.repodata.display().to_string(),
        packages: summary.packages,
        reused: summary.reused,
        read: summary.read,
        signed: summary.signed,
        seconds: started.elapsed().as_secs_f64(),
    };
    match global.output_format {
        OutputFormat::Json => print_json(&output)?,
        _ if global.quiet => {}
        _ => println!(
            "{}: {} packages ({} read, {} reused){} in {:.2}s",
            output.repodata,
            output.packages,
            output.read,
            output.reused,
            if output.signed { ", signed" } else { "" },
            output.seconds
        ),
    }
    Ok(Status::Success)
}

#[derive(Debug, Serialize)]
struct QueryOutput<'a> {
    repository: &'a str,
    from_cache: bool,
    load_seconds: f64,
    packages: Vec<&'a Package>,
}

fn run_query(args: &QueryArgs, global: &GlobalArgs) -> anyhow::Result<Status> {
    let started = Instant::now();
    let transport = transport_for(&args.repository);
    let needs_files = args
        .provides
        .as_deref()
        .is_some_and(|cap| cap.starts_with('/'));
    let options = LoadOptions {
        filelists: needs_files || args.details,
        other: false,
        cache_dir: if args.no_cache {
            None
        } else {
            args.cache_dir.clone().or_else(default_cache_dir)
        },
        keyring: args
            .keyring
            .as_deref()
            .map(Keyring::from_file)
            .transpose()?,
        ..LoadOptions::default()
    };
    let repository = load(transport.as_ref(), &options)
        .with_context(|| format!("loading the repository {}", args.repository))?;
    let load_seconds = started.elapsed().as_secs_f64();
    let patterns = args
        .names
        .iter()
        .map(|glob| globset::Glob::new(glob).map(|glob| glob.compile_matcher()))
        .collect::<Result<Vec<_>, _>>()
        .context("invalid name glob")?;
    let mut packages: Vec<&Package> = repository
        .packages
        .iter()
        .filter(|package| {
            patterns.is_empty() || patterns.iter().any(|glob| glob.is_match(&package.name))
        })
        .filter(|package| {
            args.provides.as_deref().is_none_or(|cap| {
                package
                    .provides
                    .iter()
                    .any(|dependency| dependency.name == cap)
                    || package.files.iter().any(|file| file.path == cap)
            })
        })
        .filter(|package| {
            args.whatrequires.as_deref().is_none_or(|cap| {
                [DependencyKind::Requires, DependencyKind::Recommends]
                    .into_iter()
                    .any(|kind| {
                        package
                            .dependencies(kind)
                            .iter()
                            .any(|dependency| names_capability(&dependency.name, cap))
                    })
            })
        })
        .collect();
    packages.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.nevra().cmp(&b.nevra())));
    match global.output_format {
        OutputFormat::Json => print_json(&QueryOutput {
            repository: &repository.location,
            from_cache: repository.from_cache,
            load_seconds,
            packages,
        })?,
        _ => {
            for package in &packages {
                println!("{}", package.nevra());
                if args.details {
                    print_details(package);
                }
            }
            tracing::info!(
                packages = repository.packages.len(),
                from_cache = repository.from_cache,
                seconds = load_seconds,
                "loaded {}",
                repository.location
            );
        }
    }
    Ok(Status::Success)
}

/// Whether a dependency entry names `capability`: the whole name, or one of the operands of a
/// rich dependency such as `(a or b)`.
fn names_capability(name: &str, capability: &str) -> bool {
    name == capability
        || (name.starts_with('(')
            && name
                .split(|c: char| c.is_whitespace() || c == '(' || c == ')')
                .any(|token| token == capability))
}

fn print_details(package: &Package) {
    for kind in DependencyKind::ALL {
        for dependency in package.dependencies(kind) {
            println!("  {}: {}", kind.element(), dependency_text(dependency));
        }
    }
    for file in &package.files {
        println!("  file: {}", file.path);
    }
}

fn dependency_text(dependency: &Dependency) -> String {
    let mut text = dependency.name.clone();
    if let Some(flags) = dependency.flags {
        let operator = match flags {
            Comparison::Less => "<",
            Comparison::LessOrEqual => "<=",
            Comparison::Equal => "=",
            Comparison::GreaterOrEqual => ">=",
            Comparison::Greater => ">",
        };
        text.push_str(&format!(" {operator} "));
        if let Some(epoch) = dependency.epoch.as_deref().filter(|epoch| *epoch != "0") {
            text.push_str(&format!("{epoch}:"));
        }
        text.push_str(dependency.version.as_deref().unwrap_or_default());
        if let Some(release) = &dependency.release {
            text.push_str(&format!("-{release}"));
        }
    }
    if dependency.pre {
        text.push_str(" (pre)");
    }
    text
}
