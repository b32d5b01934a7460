//! `cairn solve` (the install set for a list of packages) and `cairn why` (the dependency chain
//! that pulls a package into it).

#![expect(clippy::print_stdout, reason = "command output")]

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use cairn_rpm_types::{Arch, ArchPolicy};
use cairn_solve::{
    FileMatching, PackageId, Pool, PoolOptions, RepositorySpec, Request, Solution, SolveError,
};
use clap::Args;
use serde::Serialize;

use crate::cli::GlobalArgs;
use crate::output::{OutputFormat, Status, hinted, print_json};

/// dnf's default repository priority.
const DEFAULT_PRIORITY: i32 = 99;

/// Where packages come from and how the pool is built (shared by `solve` and `why`).
#[derive(Debug, Args)]
pub struct PoolArgs {
    /// A repository: a directory holding `repodata/`, or a file:// or http(s):// URL (repeatable;
    /// earlier repositories win ties, as in dnf).
    #[arg(long = "repo", value_name = "DIR-OR-URL", required = true)]
    repositories: Vec<String>,

    /// dnf-style priority of a repository given with --repo (lower wins; default 99).
    #[arg(long = "repo-priority", value_name = "DIR-OR-URL=N")]
    priorities: Vec<String>,

    /// The machine architecture; `noarch` packages are always eligible.
    #[arg(long, value_name = "ARCH")]
    arch: Option<String>,

    /// Never install packages whose name matches this glob (repeatable).
    #[arg(long, value_name = "GLOB")]
    exclude: Vec<String>,

    /// Do not install what installed packages recommend or what supplements them.
    #[arg(long)]
    no_weak: bool,

    /// Match file dependencies as libsolv and dnf do: never from files directly under `/`.
    #[arg(long)]
    libsolv_file_semantics: bool,

    /// Read repository metadata without the binary cache.
    #[arg(long)]
    no_cache: bool,

    /// Read the names to install from this file, one per line (`#` comments allowed).
    #[arg(long, value_name = "FILE")]
    install_from: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct SolveArgs {
    #[command(flatten)]
    pool: PoolArgs,

    /// Package names, capabilities (`'pkgconfig(zlib) >= 1.2'`), paths or NEVRAs to install.
    #[arg(value_name = "PACKAGE")]
    names: Vec<String>,
}

#[derive(Debug, Args)]
pub struct WhyArgs {
    #[command(flatten)]
    pool: PoolArgs,

    /// What is being installed (repeatable); with --install-from.
    #[arg(long = "install", value_name = "PACKAGE")]
    install: Vec<String>,

    /// The package to explain: a name or NEVRA in the install set.
    #[arg(value_name = "PACKAGE")]
    package: String,
}

impl PoolArgs {
    fn requested(&self, names: &[String]) -> anyhow::Result<Vec<String>> {
        let mut requested = Vec::new();
        for path in &self.install_from {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))?;
            requested.extend(
                text.lines()
                    .map(|line| line.split('#').next().unwrap_or_default().trim())
                    .filter(|line| !line.is_empty())
                    .map(str::to_owned),
            );
        }
        requested.extend(names.iter().cloned());
        if requested.is_empty() {
            return Err(hinted(
                "nothing to install",
                "name packages on the command line or with --install-from FILE",
            ));
        }
        Ok(requested)
    }

    fn load(&self) -> anyhow::Result<Pool> {
        let mut specs: Vec<RepositorySpec> = self
            .repositories
            .iter()
            .map(|location| RepositorySpec {
                location: location.clone(),
                priority: -DEFAULT_PRIORITY,
            })
            .collect();
        for assignment in &self.priorities {
            let (location, priority) = assignment
                .rsplit_once('=')
                .and_then(|(location, priority)| Some((location, priority.parse::<i32>().ok()?)))
                .ok_or_else(|| {
                    hinted(
                        format!("bad --repo-priority `{assignment}`"),
                        "write it as DIR-OR-URL=N",
                    )
                })?;
            let spec = specs
                .iter_mut()
                .find(|spec| spec.location == location)
                .ok_or_else(|| {
                    hinted(
                        format!("--repo-priority names `{location}`, which is not a --repo"),
                        "repeat the location exactly as given to --repo",
                    )
                })?;
            // libsolv prefers larger priorities; dnf's smaller ones (dnf passes the negation).
            spec.priority = -priority;
        }
        let defaults = PoolOptions::default();
        let options = PoolOptions {
            arch: ArchPolicy::new(self.arch.clone().map_or_else(Arch::host, Arch::new)),
            excludes: self.exclude.clone(),
            file_matching: if self.libsolv_file_semantics {
                FileMatching::Libsolv
            } else {
                FileMatching::Rpm
            },
            cache_dir: if self.no_cache {
                None
            } else {
                defaults.cache_dir.clone()
            },
            ..defaults
        };
        let (pool, report) = cairn_solve::load_pool(&specs, &options)?;
        tracing::info!(
            packages = pool.package_count(),
            filelists = report.filelists,
            cached = report.from_cache,
            "loaded repositories in {:.1} ms",
            report.elapsed.as_secs_f64() * 1000.0
        );
        Ok(pool)
    }
}

#[derive(Serialize)]
struct PackageJson {
    nevra: String,
    name: String,
    epoch: Option<String>,
    version: String,
    release: String,
    arch: String,
    repository: String,
    location: String,
    /// `requested`, `dependency` or `weak`.
    reason: &'static str,
}

#[derive(Serialize)]
struct SolveJson {
    solvable: bool,
    count: usize,
    install: Vec<PackageJson>,
    /// `libsolv-policy` (the set dnf would install) or `resolvo-search`.
    strategy: &'static str,
}

#[derive(Serialize)]
struct UnsolvableJson {
    solvable: bool,
    explanation: String,
}

fn package_json(pool: &Pool, solution: &Solution, id: PackageId) -> PackageJson {
    let evr = cairn_rpm_types::Evr::parse(&pool.package_evr(id));
    let reason = if solution.requested.iter().any(|ids| ids.contains(&id)) {
        "requested"
    } else if solution.weak.contains(&id) {
        "weak"
    } else {
        "dependency"
    };
    PackageJson {
        nevra: pool.nevra(id),
        name: pool.package_name(id).to_owned(),
        epoch: evr.epoch().map(str::to_owned),
        version: evr.version().to_owned(),
        release: evr.release().unwrap_or_default().to_owned(),
        arch: pool.package_arch(id).to_owned(),
        repository: pool.package_repository(id).name.clone(),
        location: pool.package_location(id).to_owned(),
        reason,
    }
}

/// Solves, turning "no such package" into a hinted error and "unsolvable" into a printed
/// explanation with exit code 1.
fn solve_or_report(
    pool: &mut Pool,
    request: &Request,
    global: &GlobalArgs,
) -> anyhow::Result<Option<Solution>> {
    let started = Instant::now();
    match cairn_solve::solve(pool, request) {
        Ok(solution) => {
            tracing::info!(
                packages = solution.packages.len(),
                strategy = ?solution.strategy,
                "solved in {:.1} ms",
                started.elapsed().as_secs_f64() * 1000.0
            );
            Ok(Some(solution))
        }
        Err(SolveError::Unsolvable { explanation }) => {
            match global.output_format {
                OutputFormat::Json => print_json(&UnsolvableJson {
                    solvable: false,
                    explanation,
                })?,
                _ => {
                    println!("The request cannot be satisfied:");
                    println!("{}", explanation.trim_end());
                }
            }
            Ok(None)
        }
        Err(error @ SolveError::NoMatch { .. }) => Err(hinted(
            error.to_string(),
            "check the spelling, or list the repository with `cairn repo query --repo DIR`",
        )),
        Err(error) => Err(error.into()),
    }
}

pub fn run_solve(args: &SolveArgs, global: &GlobalArgs) -> anyhow::Result<Status> {
    let install = args.pool.requested(&args.names)?;
    let mut pool = args.pool.load()?;
    let request = Request {
        install,
        weak: !args.pool.no_weak,
    };
    let Some(solution) = solve_or_report(&mut pool, &request, global)? else {
        return Ok(Status::CheckFailed);
    };
    let mut packages: Vec<PackageId> = solution.packages.clone();
    packages.sort_by_cached_key(|&id| pool.nevra(id));
    match global.output_format {
        OutputFormat::Json => print_json(&SolveJson {
            solvable: true,
            count: packages.len(),
            install: packages
                .iter()
                .map(|&id| package_json(&pool, &solution, id))
                .collect(),
            strategy: match solution.strategy {
                cairn_solve::Strategy::LibsolvPolicy => "libsolv-policy",
                _ => "resolvo-search",
            },
        })?,
        _ => {
            use std::io::Write;
            // One write for the whole list: stdout alone flushes every line.
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            for id in packages {
                writeln!(out, "{}", pool.nevra(id))?;
            }
            out.flush()?;
        }
    }
    // The process ends right after this: freeing the pool's many small allocations one by one
    // would cost more than a tenth of a warm run.
    std::mem::forget(pool);
    Ok(Status::Success)
}

#[derive(Serialize)]
struct LinkJson {
    from: String,
    kind: String,
    dependency: String,
    to: String,
}

#[derive(Serialize)]
struct WhyJson {
    package: String,
    requested_as: String,
    start: String,
    chain: Vec<LinkJson>,
}

pub fn run_why(args: &WhyArgs, global: &GlobalArgs) -> anyhow::Result<Status> {
    let install = args.pool.requested(&args.install)?;
    let mut pool = args.pool.load()?;
    let request = Request {
        install: install.clone(),
        weak: !args.pool.no_weak,
    };
    let Some(solution) = solve_or_report(&mut pool, &request, global)? else {
        return Ok(Status::CheckFailed);
    };
    let target = solution
        .packages
        .iter()
        .copied()
        .find(|&id| pool.package_name(id) == args.package || pool.nevra(id) == args.package)
        .ok_or_else(|| {
            hinted(
                format!(
                    "`{}` is not in the install set of {} package(s)",
                    args.package,
                    solution.packages.len()
                ),
                "run `cairn solve` with the same --repo and names to see the install set",
            )
        })?;
    let chain = cairn_solve::why(&pool, &solution, target)
        .context("a package of the install set has a chain")?;
    match global.output_format {
        OutputFormat::Json => print_json(&WhyJson {
            package: pool.nevra(target),
            requested_as: install[chain.request].clone(),
            start: pool.nevra(chain.start),
            chain: chain
                .links
                .iter()
                .map(|link| LinkJson {
                    from: pool.nevra(link.from),
                    kind: link.kind.tag().to_owned(),
                    dependency: link.dependency.clone(),
                    to: pool.nevra(link.to),
                })
                .collect(),
        })?,
        _ => {
            println!(
                "{} (requested as `{}`)",
                pool.nevra(chain.start),
                install[chain.request]
            );
            for link in &chain.links {
                let verb = match link.kind {
                    cairn_rpm_types::DependencyKind::Supplements => "is supplemented by".to_owned(),
                    kind => kind.tag().to_lowercase(),
                };
                println!(
                    "  {} {}: {} -> {}",
                    pool.nevra(link.from),
                    verb,
                    link.dependency,
                    pool.nevra(link.to)
                );
            }
        }
    }
    Ok(Status::Success)
}
