//! Integration tests: the real rpmautospec as an oracle, Python's textwrap as the wrapping
//! oracle, and the Azure Linux corpus as a format reference.

#![expect(clippy::print_stderr, reason = "tests explain why they skip")]

mod azldev;
mod bench;
mod generate;
mod oracle;
mod oracle_cases;
