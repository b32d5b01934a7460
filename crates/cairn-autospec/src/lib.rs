//! `%autorelease` and `%autochangelog` expansion, byte for byte as `rpmautospec
//! process-distgit` (0.8.x) writes it, computed in-process from a commit history model instead
//! of a git repository.
//!
//! # Overview
//!
//! - [`History`] / [`Commit`] / [`FileState`]: the dist-git history rpmautospec reads (ids,
//!   parents, signatures, messages, tree ids, and the spec and `changelog` file at each commit).
//! - [`process`]: the head spec with the `## START: Set by rpmautospec` preamble (the
//!   `%autorelease` definition carrying `release_number`) and the generated changelog, or the
//!   input unchanged when the spec uses neither feature.
//! - [`SpecEvaluator`]: how Epoch/Version/Release are evaluated at each commit (rpmautospec asks
//!   rpm). [`PreambleEvaluator`] covers ordinary specs natively; plug in a full macro engine for
//!   the rest.
//! - [`azldev`]: the synthetic history azldev builds for a component (upstream commits plus one
//!   commit per project change to the component's lock fingerprint), ready for [`process`].
//!
//! # Design goals
//!
//! The output must equal rpmautospec's for the same history; the oracle tests build real git
//! repositories and run the real tool to check it. Behaviour is taken from rpmautospec 0.8.3
//! and rpmautospec-core 0.1.x (the versions in Azure Linux 4.0 renders): the algorithm is
//! reimplemented, nothing is copied. Each distinct spec buffer is evaluated at most once per
//! history, and only for commits the walk actually processes.

#![deny(missing_docs)]

pub mod azldev;
#[cfg(test)]
#[expect(clippy::print_stderr, reason = "the corpus report goes to stderr")]
mod corpus_tests;
mod entry;
mod error;
mod evaluate;
mod features;
mod history;
mod message;
mod process;
mod walk;
mod wrap;

pub use error::{EvaluationError, HistoryError, ProcessError};
pub use evaluate::{AUTORELEASE_PROBE, PreambleEvaluator, SpecEvaluator, SpecRequest, SpecValues};
pub use features::SpecFeatures;
pub use history::{Commit, FileState, History, Signature};
pub use process::{DEFAULT_CLAIMED_VERSION, Options, Processed, preamble_text, process};
