//! The identity of the host toolchain a build runs with: a new compiler or rpm makes every
//! build stale, as a new buildroot does for mock.

use cairn_tool::Tool;
use sha2::{Digest as _, Sha256};

/// The programs whose version makes a build.
const PROGRAMS: &[(&str, &[&str])] = &[
    ("rpmbuild", &["--version"]),
    ("gcc", &["--version"]),
    ("ld", &["--version"]),
    ("make", &["--version"]),
];

/// One line per program: its name and the first line of its version output (or `missing`).
pub fn identity() -> Vec<String> {
    PROGRAMS
        .iter()
        .map(|(program, arguments)| {
            let version = Tool::new(program)
                .args(arguments.iter())
                .read_stdout()
                .ok()
                .and_then(|output| output.lines().next().map(str::to_owned))
                .unwrap_or_else(|| "missing".to_owned());
            format!("{program}: {version}")
        })
        .collect()
}

/// A digest of [`identity`].
pub fn digest(identity: &[String]) -> String {
    hex::encode(Sha256::digest(identity.join("\n").as_bytes()))
}
