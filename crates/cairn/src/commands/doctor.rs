//! `cairn doctor`: which external tools are present, and what each is needed for.

#![expect(clippy::print_stdout, reason = "command output")]

use clap::Args;
use serde::Serialize;

use crate::cli::GlobalArgs;
use crate::output::{OutputFormat, Status, print_json};

#[derive(Debug, Args)]
pub struct DoctorArgs {}

/// External tools, the package that provides them, and what cairn uses them for.
const TOOLS: &[(&str, &str, &str)] = &[
    ("git", "git", "upstream dist-git (tests and fixtures)"),
    ("rpm", "rpm", "oracle tests, installing built packages"),
    ("rpmbuild", "rpm", "building SRPMs and RPMs"),
    ("rpmspec", "rpm", "oracle tests for spec evaluation"),
    ("bwrap", "bubblewrap", "sandboxed builds"),
    (
        "createrepo_c",
        "createrepo-c",
        "oracle tests for repository metadata",
    ),
    (
        "dnf",
        "dnf",
        "installing images and oracle tests for the solver",
    ),
    ("testsolv", "libsolv-tools", "oracle tests for the solver"),
];

#[derive(Debug, Serialize)]
struct ToolStatus {
    tool: &'static str,
    package: &'static str,
    used_for: &'static str,
    found: bool,
}

pub fn run(_args: &DoctorArgs, global: &GlobalArgs) -> anyhow::Result<Status> {
    let statuses: Vec<ToolStatus> = TOOLS
        .iter()
        .map(|&(tool, package, used_for)| ToolStatus {
            tool,
            package,
            used_for,
            found: cairn_tool::Tool::exists(tool),
        })
        .collect();
    let all_found = statuses.iter().all(|s| s.found);
    match global.output_format {
        OutputFormat::Json => print_json(&statuses)?,
        _ => {
            for s in &statuses {
                let mark = if s.found { "ok     " } else { "missing" };
                println!("{mark} {:<13} {:<14} {}", s.tool, s.package, s.used_for);
            }
        }
    }
    Ok(if all_found {
        Status::Success
    } else {
        Status::CheckFailed
    })
}
