//! Byte-for-byte comparisons with the real `rpmautospec process-distgit`.

use cairn_autospec::{Commit, FileState, Signature};
use rayon::prelude::*;

use crate::generate;
use crate::oracle::{
    Comparison, GitCommit, compare, compare_in_detail, oracle_or_skip, oracle_version,
};

fn spec(version: &str, release: &str, changelog: &str) -> String {
    format!(
        "Name: pkg\nVersion: {version}\nRelease: {release}\nSummary: s\nLicense: MIT\n\n%description\nd\n\n\
         %prep\n\n%files\n\n{changelog}"
    )
}

fn commit(
    id: &str,
    parents: &[&str],
    time: i64,
    message: &str,
    spec_text: Option<String>,
) -> GitCommit {
    let author = Signature::new("Jane Packager", "jane@example.com", time).with_offset(-300);
    let parents = parents.iter().map(|p| (*p).to_owned()).collect();
    let mut commit = Commit::new(id, parents, author, message);
    if let Some(text) = spec_text {
        commit.spec = FileState::text(text);
    }
    GitCommit {
        commit,
        other: None,
    }
}

/// Version bump resets the release number; bump and skip markers; a frozen `changelog` file.
#[test]
fn handwritten_linear_history_matches_rpmautospec() {
    let Some(oracle) = oracle_or_skip() else {
        return;
    };
    let version = oracle_version(&oracle);
    let auto = "%changelog\n%autochangelog\n";
    let mut first = commit(
        "a",
        &[],
        1_700_000_000,
        "Initial import (#123456)\n",
        Some(spec("1.0", "%autorelease", auto)),
    );
    first.commit.changelog =
        FileState::text("* Mon Jan 01 2024 Old <old@example.com> - 0.9-1\n- Old entry\n");
    let commits = vec![
        first,
        commit(
            "b",
            &["a"],
            1_700_086_400,
            "Fix build\n\n- with GCC 14\n- and 100% more %{macros}\n",
            Some(spec("1.0", "%autorelease", &format!("# b\n{auto}"))),
        ),
        commit(
            "c",
            &["b"],
            1_700_172_800,
            "Rebuild\n\n[skip changelog]\n",
            None,
        ),
        commit(
            "d",
            &["c"],
            1_700_259_200,
            "Update to 2.0\n",
            Some(spec("2.0", "%autorelease -b 3", auto)),
        ),
        commit(
            "e",
            &["d"],
            1_700_345_600,
            "Jump ahead\n\n[bump release: 9]\n",
            Some(spec("2.0", "%autorelease -e rc1 -b 3", auto)),
        ),
    ];
    if let Some(difference) = compare(&oracle, &version, &commits) {
        panic!("{difference}");
    }
}

/// A small batch of generated histories (the large batch runs in scripts/conformance-autospec).
#[test]
fn generated_histories_match_rpmautospec() {
    let Some(oracle) = oracle_or_skip() else {
        return;
    };
    let version = oracle_version(&oracle);
    let failures: Vec<String> = (1..=8u64)
        .into_par_iter()
        .filter_map(|seed| {
            let commits = generate::history(seed, 6 + seed % 10);
            compare(&oracle, &version, &commits)
                .map(|difference| format!("seed {seed}: {difference}"))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Hundreds of generated histories: `CAIRN_AUTOSPEC_CASES` (default 300) seeds from
/// `CAIRN_AUTOSPEC_SEED` (default 1000). Prints `N passed, M failed`.
#[test]
#[ignore = "slow: run by scripts/conformance-autospec"]
fn randomized_histories_match_rpmautospec() {
    let Some(oracle) = oracle_or_skip() else {
        return;
    };
    let version = oracle_version(&oracle);
    let number = |name: &str, default: u64| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let cases = number("CAIRN_AUTOSPEC_CASES", 300);
    let first = number("CAIRN_AUTOSPEC_SEED", 1000);
    let outcomes: Vec<(u64, Comparison)> = (first..first + cases)
        .into_par_iter()
        .map(|seed| {
            (
                seed,
                compare_in_detail(&oracle, &version, &generate::history(seed, 3 + seed % 40)),
            )
        })
        .collect();
    let count = |kind: &Comparison| {
        outcomes
            .iter()
            .filter(|(_, outcome)| outcome == kind)
            .count()
    };
    let failures: Vec<String> = outcomes
        .iter()
        .filter_map(|(seed, outcome)| match outcome {
            Comparison::Different(difference) => Some(format!("seed {seed}: {difference}")),
            _ => None,
        })
        .collect();
    for failure in failures.iter().take(10) {
        eprintln!("{failure}\n");
    }
    eprintln!(
        "rpmautospec oracle: {} identical outputs, {} left unchanged by both, {} refused by both",
        count(&Comparison::SameOutput),
        count(&Comparison::BothUnchanged),
        count(&Comparison::BothFailed)
    );
    eprintln!(
        "rpmautospec oracle: {} passed, {} failed",
        cases - failures.len() as u64,
        failures.len()
    );
    assert!(failures.is_empty());
}
