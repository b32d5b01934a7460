//! Output formats, exit codes and user-facing error hints.

use std::fmt;
use std::io::Write;

use serde::Serialize;

/// Exit code for a failed check (drift, unsolvable job...): the command worked, the answer is "no".
pub const EXIT_CHECK_FAILED: u8 = 1;
/// Exit code for an error (bad input, missing tool, I/O failure).
pub const EXIT_ERROR: u8 = 2;

/// How a command prints its result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// For people.
    Text,
    /// For programs: one JSON document on stdout.
    Json,
    /// TOML (only where the result is configuration).
    Toml,
}

/// The outcome of a command that did not fail with an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Everything as asked.
    Success,
    /// The command ran, and what it checked did not hold.
    CheckFailed,
}

impl From<Status> for std::process::ExitCode {
    fn from(status: Status) -> Self {
        match status {
            Status::Success => Self::SUCCESS,
            Status::CheckFailed => Self::from(EXIT_CHECK_FAILED),
        }
    }
}

/// An error with a hint on how to fix it, printed as `hint: ...` under the error.
#[derive(Debug)]
pub struct Hinted {
    pub message: String,
    pub hint: String,
}

impl fmt::Display for Hinted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Hinted {}

/// Builds an error with a hint.
pub fn hinted(message: impl Into<String>, hint: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(Hinted {
        message: message.into(),
        hint: hint.into(),
    })
}

/// Writes `value` as pretty JSON and a newline to stdout.
pub fn print_json<T: Serialize>(value: &T) -> anyhow::Result<()> {
    // Stdout is line-buffered: without a buffer of its own a large report costs one write per line.
    let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
    serde_json::to_writer_pretty(&mut stdout, value)?;
    writeln!(stdout)?;
    stdout.flush()?;
    Ok(())
}
