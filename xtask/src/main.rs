//! `cargo xtask <task>`: project tasks that are not part of the `cairn` binary.
//!
//! - `conformance azldev-cases DIR`: azldev's own overlay test cases, as data.
//! - `conformance render-cases DIR`: Azure Linux render cases of every kind, through the
//!   render pipeline (`--include-build-config`, once needed for the `build-config-only` cases,
//!   is still accepted and changes nothing).
//!
//! - `bench overlay SPECS_DIR`: the overlay engine's throughput on real specs.
//!
//! Each suite prints one line per failing case with the first differing line, then
//! `N passed, M failed`, and exits non-zero when any case fails.

#![expect(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "task runner output"
)]

mod azldev_cases;
mod bench;
mod compare;
mod render_cases;

use std::path::PathBuf;
use std::process::ExitCode;

/// The outcome of a suite.
#[derive(Debug, Default)]
pub struct Tally {
    passed: usize,
    failed: usize,
    skipped: usize,
}

impl Tally {
    /// Records one case; prints the failure line.
    pub fn record(&mut self, case: &str, result: Result<(), String>) {
        match result {
            Ok(()) => self.passed += 1,
            Err(reason) => {
                self.failed += 1;
                println!("FAIL {case}: {reason}");
            }
        }
    }

    /// Records a case the suite cannot run yet.
    pub fn skip(&mut self, case: &str, reason: &str) {
        self.skipped += 1;
        println!("skip {case}: {reason}");
    }
}

const USAGE: &str = "usage: cargo xtask conformance azldev-cases DIR\n       cargo xtask conformance render-cases DIR\n       cargo xtask bench overlay SPECS_DIR";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let tally = match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["conformance", "azldev-cases", dir] => azldev_cases::run(&PathBuf::from(dir)),
        ["conformance", "render-cases", dir]
        | ["conformance", "render-cases", "--include-build-config", dir] => {
            render_cases::run(&PathBuf::from(dir))
        }
        ["bench", "overlay", dir] => {
            return match bench::run(&PathBuf::from(dir)) {
                Ok(()) => ExitCode::SUCCESS,
                Err(error) => {
                    eprintln!("error: {error:#}");
                    ExitCode::from(2)
                }
            };
        }
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match tally {
        Ok(tally) => {
            let skipped = if tally.skipped > 0 {
                format!(", {} skipped", tally.skipped)
            } else {
                String::new()
            };
            println!("{} passed, {} failed{skipped}", tally.passed, tally.failed);
            if tally.failed == 0 {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(2)
        }
    }
}
