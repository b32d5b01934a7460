//! Preamble lines rpm 4.18 refuses (build/parsePreamble.c `handlePreambleTag`): cairn fails on
//! them with rpm's message, and `rpmspec -q` (when installed) fails with the same one.
#![allow(clippy::print_stderr, reason = "tests say why they skip")]

use std::path::Path;

use cairn_macro::spec::EvaluateOptions;
use cairn_macro::{MacroContext, MacroSet};

const HEAD: &str = "Summary: s\nLicense: MIT\n";

/// (preamble lines, the message both must print).
const CASES: &[(&str, &str)] = &[
    (
        "Name: a\nVersion: 1\nRelease: 1\nExclusiveArch: %{?nothing}\n",
        "Empty tag: ExclusiveArch:",
    ),
    (
        "Name: a\nVersion: 1 2\nRelease: 1\n",
        "Tag takes single token only: Version:",
    ),
    (
        "Name: a\nVersion: 1\nRelease: 1\nURL: https://a b\n",
        "Tag takes single token only: URL:",
    ),
    ("Name: a\nVersion: 1\nRelease:\n", "Empty tag: Release:"),
];

fn spec_text(preamble: &str) -> String {
    format!("{preamble}{HEAD}\n%description\nd\n")
}

#[test]
fn cairn_refuses_what_rpm_refuses() {
    let set = MacroSet::host("x86_64");
    for (preamble, message) in CASES {
        let mut context = MacroContext::new(&set, Default::default(), Default::default());
        let error = cairn_macro::spec::evaluate_text(
            Path::new("a.spec"),
            &spec_text(preamble),
            &mut context,
            &EvaluateOptions::default(),
        )
        .expect_err(message);
        assert!(error.to_string().contains(message), "{error}");
    }
}

#[test]
fn rpmspec_refuses_them_too() {
    if std::process::Command::new("rpmspec")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("skipping: rpmspec is not installed");
        return;
    }
    let directory = tempfile::tempdir().unwrap();
    for (preamble, message) in CASES {
        let path = directory.path().join("a.spec");
        std::fs::write(&path, spec_text(preamble)).unwrap();
        let output = std::process::Command::new("rpmspec")
            .arg("-q")
            .arg(&path)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{preamble}");
        assert!(stderr.contains(message), "{preamble}: {stderr}");
    }
}
