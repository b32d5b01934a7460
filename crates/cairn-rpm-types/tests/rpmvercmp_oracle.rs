//! Compares our version ordering with rpm's own (`rpm.vercmp()` through `rpm --eval` and Lua) on
//! thousands of generated pairs built from the characters that matter: digits with leading zeros,
//! letters, separators, `~`, `^`, and for whole EVRs `:` and `-`. Skips, with a message, when rpm
//! is not installed.

#![expect(clippy::print_stderr, reason = "a skipped oracle test says why")]

use std::cmp::Ordering;

use cairn_rpm_types::{EvrParts, rpmvercmp};
use cairn_tool::Tool;

/// A small deterministic generator (xorshift64*), so failures reproduce.
struct Generator(u64);

impl Generator {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn version(&mut self, pieces: &[&str]) -> String {
        (0..1 + self.below(6))
            .map(|_| pieces[self.below(pieces.len())])
            .collect()
    }
}

const VERSION_PIECES: &[&str] = &[
    "0",
    "1",
    "2",
    "9",
    "10",
    "007",
    "a",
    "b",
    "rc",
    "Z",
    ".",
    ".",
    "_",
    "+",
    "~",
    "^",
    "git",
    "99999999999999999999",
];

/// Answers of `rpm.vercmp(a, b)` for every pair, in order.
fn rpm_answers(pairs: &[(String, String)]) -> Vec<i32> {
    let directory = tempfile::tempdir().expect("temporary directory");
    let script = directory.path().join("pairs.lua");
    let mut lua = String::from("local pairs_ = {\n");
    for (a, b) in pairs {
        lua.push_str(&format!("{{{a:?},{b:?}}},\n"));
    }
    // rpm's Lua `print` appends to the macro output without a newline: join the answers first.
    lua.push_str("}\nlocal out = {}\nfor _, p in ipairs(pairs_) do out[#out + 1] = rpm.vercmp(p[1], p[2]) end\n");
    lua.push_str("print(table.concat(out, \"\\n\"))\n");
    std::fs::write(&script, lua).expect("write the Lua script");
    let output = Tool::new("rpm")
        .arg("--eval")
        .arg(format!(
            "%{{lua: dofile({:?})}}",
            script.display().to_string()
        ))
        .read_stdout()
        .expect("rpm --eval runs");
    let answers: Vec<i32> = output
        .lines()
        .filter(|l| !l.is_empty())
        .map(|l| {
            l.trim()
                .parse()
                .unwrap_or_else(|_| panic!("rpm printed {l:?}"))
        })
        .collect();
    assert_eq!(
        answers.len(),
        pairs.len(),
        "rpm printed one answer per pair"
    );
    answers
}

fn check(pairs: &[(String, String)], ours: impl Fn(&str, &str) -> Ordering) {
    let mut mismatches = Vec::new();
    for ((a, b), rpm) in pairs.iter().zip(rpm_answers(pairs)) {
        let ours = ours(a, b) as i32;
        if ours != rpm.signum() {
            mismatches.push(format!("({a:?}, {b:?}): ours {ours}, rpm {rpm}"));
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} mismatches:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}

#[test]
fn rpmvercmp_matches_rpm_on_generated_versions() {
    if !Tool::exists("rpm") {
        eprintln!("skipping: rpm is not installed");
        return;
    }
    let mut generator = Generator(0x5eed_cafe_f00d_1234);
    let mut pairs: Vec<(String, String)> = (0..3000)
        .map(|_| {
            (
                generator.version(VERSION_PIECES),
                generator.version(VERSION_PIECES),
            )
        })
        .collect();
    // Near-equal pairs exercise the separator and tail rules.
    for index in 0..500 {
        let base = pairs[index].0.clone();
        let suffix = generator.version(VERSION_PIECES);
        pairs.push((base.clone(), format!("{base}{suffix}")));
    }
    check(&pairs, rpmvercmp);
}

/// `rpm.vercmp()` compares whole EVRs as `rpmverCmp()` does: epochs (missing = 0), versions, and
/// releases only when both sides have one. Our total order differs only in that last point (a
/// missing release sorts first), so releases are always present here.
#[test]
fn evr_order_matches_rpm_on_generated_evrs() {
    if !Tool::exists("rpm") {
        eprintln!("skipping: rpm is not installed");
        return;
    }
    let mut generator = Generator(0xfeed_beef_0bad_c0de);
    let evr = |generator: &mut Generator| {
        let epoch = match generator.below(4) {
            0 => String::new(),
            1 => "0:".into(),
            _ => format!("{}:", generator.below(3)),
        };
        let version = generator.version(VERSION_PIECES);
        let release = generator.version(VERSION_PIECES);
        format!("{epoch}{version}-{release}")
    };
    let pairs: Vec<(String, String)> = (0..2000)
        .map(|_| (evr(&mut generator), evr(&mut generator)))
        .collect();
    check(&pairs, |a, b| {
        EvrParts::split(a).compare(&EvrParts::split(b))
    });
}
