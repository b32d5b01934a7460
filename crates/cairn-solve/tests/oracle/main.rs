//! Oracle tests: the same jobs through libsolv's `testsolv` and through cairn-solve must give the
//! same install sets, on hand-written cases and on generated adversarial repositories (cycles,
//! conflicts, obsoletes, rich dependencies, many providers, weak dependencies).
//!
//! Skips, with a message, when `testsolv` (Debian's libsolv-tools) is not installed.

#![expect(clippy::print_stderr, reason = "a skipped oracle test says why")]

mod generate;
mod testcase;

use cairn_repomd::Package;
use cairn_rpm_types::{Arch, ArchPolicy};
use cairn_solve::{FileMatching, PoolBuilder, Request, Strategy};

use testcase::{Outcome, testsolv};

/// Solves `jobs` with cairn-solve; `Outcome::Problems` when unsolvable.
fn ours(
    repos: &[(&str, i32, Vec<Package>)],
    jobs: &[&str],
    weak: bool,
) -> (Outcome, Option<Strategy>) {
    // libsolv's file semantics: the oracle is libsolv (rpm's differ on versioned path
    // dependencies and on paths directly under `/`).
    let mut builder =
        PoolBuilder::new(ArchPolicy::new(Arch::new("x86_64"))).file_matching(FileMatching::Libsolv);
    for (name, priority, packages) in repos {
        let id = builder.add_repository(*name, *priority);
        for package in packages {
            builder.add_package(id, package);
        }
    }
    let mut pool = builder.build();
    let request = Request {
        install: jobs.iter().map(|s| (*s).to_owned()).collect(),
        weak,
    };
    match cairn_solve::solve(&mut pool, &request) {
        Ok(solution) => {
            let mut names: Vec<String> =
                solution.packages.iter().map(|&id| pool.nevra(id)).collect();
            names.sort();
            (Outcome::Install(names), Some(solution.strategy))
        }
        Err(cairn_solve::SolveError::Unsolvable { .. }) => (Outcome::Problems, None),
        Err(error) => panic!("{error}"),
    }
}

fn available() -> bool {
    let found = cairn_tool::Tool::exists("testsolv");
    if !found {
        eprintln!("skipping: testsolv (libsolv-tools) is not installed");
    }
    found
}

/// Compares with testsolv; returns a description of the difference, if any.
fn compare(repos: &[(&str, i32, Vec<Package>)], jobs: &[&str], weak: bool) -> Option<String> {
    let expected = testsolv(repos, jobs, weak);
    let (got, strategy) = ours(repos, jobs, weak);
    (expected != got).then(|| format!("testsolv: {expected:?}\ncairn:    {got:?} ({strategy:?})"))
}

fn pkg(nevra: &str, deps: &[(&str, &str)]) -> Package {
    generate::package(nevra, deps)
}

#[test]
fn hand_written_cases_match_testsolv() {
    if !available() {
        return;
    }
    let cases: Vec<(&str, Vec<Package>, Vec<&str>)> = vec![
        (
            "best version of a name, versioned requires",
            vec![
                pkg("a-1-1.noarch", &[("requires", "b >= 2")]),
                pkg("b-1-1.noarch", &[]),
                pkg("b-2-1.noarch", &[]),
                pkg("b-3~rc1-1.noarch", &[]),
            ],
            vec!["a"],
        ),
        (
            "several providers: the name that sorts first",
            vec![
                pkg("app-1-1.noarch", &[("requires", "mta")]),
                pkg("sendmail-1-1.noarch", &[("provides", "mta")]),
                pkg("exim-1-1.noarch", &[("provides", "mta")]),
            ],
            vec!["app"],
        ),
        (
            "a provider pulled in anyway satisfies the choice",
            vec![
                pkg(
                    "app-1-1.noarch",
                    &[("requires", "mta"), ("requires", "tools")],
                ),
                pkg("aexim-1-1.noarch", &[("provides", "mta")]),
                pkg("postfix-1-1.noarch", &[("provides", "mta")]),
                pkg("tools-1-1.noarch", &[("requires", "postfix")]),
            ],
            vec!["app"],
        ),
        (
            "conflicts and obsoletes",
            vec![
                pkg(
                    "a-1-1.noarch",
                    &[("requires", "web"), ("conflicts", "nginx")],
                ),
                pkg("httpd-1-1.noarch", &[("provides", "web")]),
                pkg("nginx-1-1.noarch", &[("provides", "web")]),
                pkg(
                    "new-2-1.noarch",
                    &[("obsoletes", "old < 2"), ("provides", "old = 2")],
                ),
                pkg("old-1-1.noarch", &[]),
            ],
            vec!["a", "new"],
        ),
        (
            "rich dependencies",
            vec![
                pkg(
                    "a-1-1.noarch",
                    &[
                        ("requires", "(b or c)"),
                        ("requires", "(d if b)"),
                        ("requires", "(e if f else g)"),
                    ],
                ),
                pkg("b-1-1.noarch", &[]),
                pkg("c-1-1.noarch", &[]),
                pkg("d-1-1.noarch", &[]),
                pkg("e-1-1.noarch", &[]),
                pkg("f-1-1.noarch", &[]),
                pkg("g-1-1.noarch", &[]),
            ],
            vec!["a"],
        ),
        (
            "with and without pick one package for both",
            vec![
                pkg(
                    "a-1-1.noarch",
                    &[
                        ("requires", "(lib >= 2 with lib < 3)"),
                        ("requires", "(tool without tool-old)"),
                    ],
                ),
                pkg("lib-1-1.noarch", &[("provides", "lib = 1")]),
                pkg("lib2-2-1.noarch", &[("provides", "lib = 2.5")]),
                pkg("lib3-3-1.noarch", &[("provides", "lib = 3")]),
                pkg(
                    "t1-1-1.noarch",
                    &[("provides", "tool"), ("provides", "tool-old")],
                ),
                pkg("t2-1-1.noarch", &[("provides", "tool")]),
            ],
            vec!["a"],
        ),
        (
            "unless is `and not`, as in rpm's depends.c",
            vec![
                pkg("a-1-1.noarch", &[("requires", "(b unless c)")]),
                pkg("b-1-1.noarch", &[]),
                pkg("c-1-1.noarch", &[]),
                pkg("d-1-1.noarch", &[("requires", "c")]),
            ],
            vec!["a", "d"],
        ),
        (
            "recommends and supplements",
            vec![
                pkg(
                    "a-1-1.noarch",
                    &[("recommends", "b"), ("recommends", "missing")],
                ),
                pkg("b-1-1.noarch", &[("recommends", "c")]),
                pkg("c-1-1.noarch", &[("conflicts", "a")]),
                pkg("a-de-1-1.noarch", &[("supplements", "(a and lang-de)")]),
                pkg("lang-de-1-1.noarch", &[]),
                pkg("x-1-1.noarch", &[("requires", "lang-de")]),
            ],
            vec!["a", "x"],
        ),
        (
            "a cycle",
            vec![
                pkg("a-1-1.noarch", &[("requires", "b")]),
                pkg("b-1-1.noarch", &[("requires", "c")]),
                pkg("c-1-1.noarch", &[("requires", "a")]),
            ],
            vec!["a"],
        ),
        (
            "unsolvable: nothing provides",
            vec![
                pkg("a-1-1.noarch", &[("requires", "nope >= 2")]),
                pkg("nope-1-1.noarch", &[]),
            ],
            vec!["a"],
        ),
        (
            "unsolvable: conflicting requests",
            vec![
                pkg("a-1-1.noarch", &[("conflicts", "b")]),
                pkg("b-1-1.noarch", &[]),
            ],
            vec!["a", "b"],
        ),
        (
            "a rich Requires whose condition the package meets itself",
            vec![
                pkg(
                    "alpha-1-1.noarch",
                    &[("requires", "(beta if alpha else gamma)")],
                ),
                pkg("beta-1-1.noarch", &[]),
                pkg("gamma-1-1.noarch", &[]),
            ],
            vec!["alpha"],
        ),
        (
            "unsolvable: `unless` the package itself",
            vec![
                pkg("alpha-1-1.noarch", &[("requires", "(tool unless alpha)")]),
                pkg("tool-1-1.noarch", &[]),
            ],
            vec!["alpha"],
        ),
        (
            "a rich Conflicts naming the package itself: the other part still conflicts",
            vec![
                pkg(
                    "alpha-1-1.noarch",
                    &[("provides", "cap"), ("conflicts", "(cap and beta)")],
                ),
                pkg("beta-1-1.noarch", &[]),
            ],
            vec!["alpha", "beta"],
        ),
        (
            "a rich Conflicts only the package itself meets is ignored, other providers are not",
            vec![
                pkg(
                    "alpha-1-1.noarch",
                    &[
                        ("provides", "cap"),
                        ("provides", "cap2"),
                        ("conflicts", "(cap and cap2)"),
                        ("conflicts", "(cap if beta)"),
                        ("requires", "other"),
                    ],
                ),
                pkg("beta-1-1.noarch", &[]),
                pkg(
                    "x-1-1.noarch",
                    &[("provides", "cap"), ("provides", "other")],
                ),
                pkg("y-1-1.noarch", &[("provides", "other")]),
            ],
            vec!["alpha"],
        ),
        (
            "architecture: noarch and x86_64 only",
            vec![
                pkg("a-1-1.x86_64", &[("requires", "libc")]),
                pkg("glibc-1-1.i686", &[("provides", "libc")]),
                pkg("glibc-1-1.x86_64", &[("provides", "libc")]),
            ],
            vec!["a"],
        ),
    ];
    let mut failures = Vec::new();
    for (name, packages, jobs) in cases {
        let repos = [("test", 0, packages)];
        if let Some(difference) = compare(&repos, &jobs, true) {
            failures.push(format!("{name}:\n{difference}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn repository_priority_beats_version() {
    if !available() {
        return;
    }
    let repos = [
        ("low", 0, vec![pkg("a-2-1.noarch", &[])]),
        ("high", 10, vec![pkg("a-1-1.noarch", &[])]),
    ];
    assert_eq!(compare(&repos, &["a"], true), None);
}

#[test]
fn generated_cases_match_testsolv() {
    if !available() {
        return;
    }
    let mut failures = Vec::new();
    let mut fallbacks = 0;
    // More with CAIRN_ORACLE_CASES=N (scripts/conformance runs thousands).
    let cases: u64 = std::env::var("CAIRN_ORACLE_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(150);
    for seed in 0..cases {
        let universe = generate::universe(seed);
        let jobs: Vec<&str> = universe.jobs.iter().map(String::as_str).collect();
        let repos = &universe.repos;
        let expected = testsolv(repos, &jobs, universe.weak);
        let Ok((got, strategy)) = std::panic::catch_unwind(|| ours(repos, &jobs, universe.weak))
        else {
            failures.push(format!(
                "seed {seed}: cairn-solve panicked\n{}",
                testcase::write(repos, &jobs, universe.weak)
            ));
            continue;
        };
        if strategy == Some(Strategy::ResolvoSearch) {
            fallbacks += 1;
            // Without libsolv's choices only solvability must agree.
            if matches!(expected, Outcome::Problems) != matches!(got, Outcome::Problems) {
                failures.push(format!(
                    "seed {seed}: solvability differs\ntestsolv: {expected:?}\ncairn: {got:?}"
                ));
            }
            continue;
        }
        if expected != got {
            let case = testcase::write(repos, &jobs, universe.weak);
            failures.push(format!(
                "seed {seed}:\ntestsolv: {expected:?}\ncairn:    {got:?}\n{case}"
            ));
        }
    }
    eprintln!("{cases} generated cases, {fallbacks} solved by resolvo's own search");
    assert!(
        failures.is_empty(),
        "{} of {cases} differ:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
#[ignore = "debugging aid: CAIRN_SEED=n cargo test --test oracle debug_seed -- --ignored --nocapture"]
fn debug_seed() {
    let seed: u64 = std::env::var("CAIRN_SEED")
        .expect("CAIRN_SEED")
        .parse()
        .expect("a number");
    let _ = tracing_subscriber::fmt()
        .with_env_filter(std::env::var("CAIRN_LOG").unwrap_or("cairn_solve=debug".into()))
        .with_test_writer()
        .try_init();
    let universe = generate::universe(seed);
    let jobs: Vec<&str> = universe.jobs.iter().map(String::as_str).collect();
    eprintln!("{}", testcase::write(&universe.repos, &jobs, universe.weak));
    eprintln!(
        "testsolv: {:?}",
        testsolv(&universe.repos, &jobs, universe.weak)
    );
    eprintln!(
        "cairn:    {:?}",
        ours(&universe.repos, &jobs, universe.weak)
    );
}
