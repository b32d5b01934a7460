//! Loads repositories and solves one install job, reporting the time each phase takes: a
//! profiling driver (`valgrind --tool=callgrind`) that links only this crate.
//!
//! `cargo run --release -p cairn-solve --example solve-repo -- [--no-cache] REPO SET-FILE`

#![expect(clippy::print_stdout, reason = "the example's output")]

use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut arguments: Vec<String> = std::env::args().skip(1).collect();
    let no_cache = arguments.iter().any(|argument| argument == "--no-cache");
    arguments.retain(|argument| argument != "--no-cache");
    let [repository, set] = arguments.as_slice() else {
        return Err("usage: solve-repo [--no-cache] REPO SET-FILE".into());
    };
    let names: Vec<String> = std::fs::read_to_string(set)?
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(str::to_owned)
        .collect();
    let mut options = cairn_solve::PoolOptions {
        arch: cairn_rpm_types::ArchPolicy::new(cairn_rpm_types::Arch::new("x86_64")),
        ..cairn_solve::PoolOptions::default()
    };
    if no_cache {
        options.cache_dir = None;
    }
    let spec = cairn_solve::RepositorySpec {
        location: repository.clone(),
        priority: -99,
    };
    let started = Instant::now();
    let (mut pool, report) = cairn_solve::load_pool(&[spec], &options)?;
    let loaded = started.elapsed();
    let solution = cairn_solve::solve(&mut pool, &cairn_solve::Request::new(names))?;
    let solved = started.elapsed() - loaded;
    println!(
        "{} packages (filelists: {}, cached: {}); load {:.1} ms, solve {:.1} ms; {} installed ({:?})",
        pool.package_count(),
        report.filelists,
        report.from_cache,
        loaded.as_secs_f64() * 1000.0,
        solved.as_secs_f64() * 1000.0,
        solution.packages.len(),
        solution.strategy
    );
    Ok(())
}
