//! `cargo xtask <task>`: project tasks that are not part of the `cairn` binary.

#![expect(clippy::print_stderr, reason = "task runner output")]

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        _ => {
            eprintln!("usage: cargo xtask <task>\n\ntasks:\n  (none yet)");
            ExitCode::from(2)
        }
    }
}
