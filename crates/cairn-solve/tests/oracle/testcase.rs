//! Writing a libsolv testcase (`testtags` inline repositories) and reading testsolv's answer.

use std::fmt::Write as _;

use cairn_repomd::{Dependency, Package};
use cairn_rpm_types::RichDependency;
use cairn_tool::Tool;

/// What a solver answered.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The sorted NEVRAs to install.
    Install(Vec<String>),
    /// The job cannot be satisfied.
    Problems,
}

/// A dependency in testcase syntax: rich operators are `&`, `|`, `<IF>`, `<UNLESS>`, `<ELSE>`,
/// `+` (with) and `-` (without).
fn dependency(dep: &Dependency) -> String {
    if dep.name.starts_with('(') {
        return rich(&RichDependency::parse(&dep.name).expect("generated rich dependencies parse"));
    }
    let mut text = dep.name.clone();
    if let (Some(flags), Some(version)) = (dep.flags, &dep.version) {
        write!(text, " {} ", flags.operator()).unwrap();
        if let Some(epoch) = dep.epoch.as_deref().filter(|e| *e != "0") {
            write!(text, "{epoch}:").unwrap();
        }
        text.push_str(version);
        if let Some(release) = &dep.release {
            write!(text, "-{release}").unwrap();
        }
    }
    text
}

fn rich(dep: &RichDependency) -> String {
    let join = |operands: &[RichDependency], word: &str| {
        format!(
            "({})",
            operands
                .iter()
                .map(rich)
                .collect::<Vec<_>>()
                .join(&format!(" {word} "))
        )
    };
    match dep {
        RichDependency::Simple(simple) => simple.to_string(),
        RichDependency::And(operands) => join(operands, "&"),
        RichDependency::Or(operands) => join(operands, "|"),
        RichDependency::With(operands) => join(operands, "+"),
        RichDependency::Without(left, right) => format!("({} - {})", rich(left), rich(right)),
        RichDependency::If {
            then,
            condition,
            otherwise,
        }
        | RichDependency::Unless {
            then,
            condition,
            otherwise,
        } => {
            let word = if matches!(dep, RichDependency::If { .. }) {
                "<IF>"
            } else {
                "<UNLESS>"
            };
            match otherwise {
                Some(otherwise) => format!(
                    "({} {word} ({} <ELSE> {}))",
                    rich(then),
                    rich(condition),
                    rich(otherwise)
                ),
                None => format!("({} {word} {})", rich(then), rich(condition)),
            }
        }
    }
}

/// The testcase text for `repos` (name, libsolv priority, packages) and install `jobs`.
pub fn write(repos: &[(&str, i32, Vec<Package>)], jobs: &[&str], weak: bool) -> String {
    let mut text = String::from("repo system 0 testtags <inline>\n");
    for (name, priority, packages) in repos {
        writeln!(text, "repo {name} {priority} testtags <inline>").unwrap();
        for package in packages {
            let version = if package.epoch == 0 {
                package.version.clone()
            } else {
                format!("{}:{}", package.epoch, package.version)
            };
            writeln!(
                text,
                "#>=Pkg: {} {} {} {}",
                package.name, version, package.release, package.arch
            )
            .unwrap();
            for (tag, deps) in [
                ("Prv", &package.provides),
                ("Req", &package.requires),
                ("Con", &package.conflicts),
                ("Obs", &package.obsoletes),
                ("Rec", &package.recommends),
                ("Sug", &package.suggests),
                ("Sup", &package.supplements),
                ("Enh", &package.enhances),
            ] {
                for dep in deps {
                    writeln!(text, "#>={tag}: {}", dependency(dep)).unwrap();
                }
            }
            for file in &package.files {
                writeln!(text, "#>=Prv: {}", file.path).unwrap();
            }
        }
    }
    text.push_str("system x86_64 rpm system\n");
    if !weak {
        text.push_str("solverflags ignorerecommended\n");
    }
    for job in jobs {
        writeln!(text, "job install name {job}").unwrap();
    }
    text.push_str("result transaction,problems <inline>\n");
    text
}

/// Runs testsolv on the testcase and reads its answer.
pub fn testsolv(repos: &[(&str, i32, Vec<Package>)], jobs: &[&str], weak: bool) -> Outcome {
    let directory = tempfile::tempdir().expect("temporary directory");
    let path = directory.path().join("case.t");
    std::fs::write(&path, write(repos, jobs, weak)).expect("write the testcase");
    // testsolv exits 1 when the result differs from the (empty) expected one: that is the answer.
    let output = Tool::new("testsolv")
        .arg(&path)
        .output_unchecked()
        .expect("testsolv runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    if stdout.lines().any(|line| line.starts_with("+problem")) {
        return Outcome::Problems;
    }
    let mut installed: Vec<String> = stdout
        .lines()
        .filter_map(|line| line.strip_prefix("+install "))
        .map(|nevra| {
            nevra
                .rsplit_once('@')
                .map_or(nevra, |(nevra, _)| nevra)
                .to_owned()
        })
        .collect();
    installed.sort();
    Outcome::Install(installed)
}
