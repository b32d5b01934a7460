//! The Azure Linux 4.0 rendered specs as a format reference (run by `scripts/conformance`):
//! every `## START: Set by rpmautospec` preamble must be exactly what we write for its release
//! number, the first generated entry's EVR must be what our evaluator computes for the spec,
//! and every generated entry must be reproducible by our formatter from some commit message
//! (entries that are not are the verbatim `changelog` file tail, which must come last).

use std::path::PathBuf;

use crate::entry::{Entry, EntryBody, changelog_date};
use crate::evaluate::{PreambleEvaluator, SpecEvaluator, SpecRequest, VersionFlags};
use crate::process::preamble_text;

/// Specs whose EVR depends on the build environment azldev rendered in, not on rpmautospec:
/// Fedora macro packs (`%forgeversion`), `%fedora` being defined, rpm >= 4.19 tolerating a
/// failed `%global` expansion (rpm 4.18 rejects `%autorelease -e %{nil}`), and a component
/// whose generated entries start below its current version.
const ENVIRONMENT_DEPENDENT: &[&str] = &[
    "azurelinux-rpm-config.spec",
    "krb5.spec",
    "mstflint.spec",
    "python-beartype.spec",
    "samba.spec",
    "skopeo.spec",
];

fn corpus() -> Option<PathBuf> {
    let path = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/corpus/azl4/specs-4.0"
    ));
    if path.is_dir() {
        Some(path)
    } else {
        eprintln!("skipping: {} is absent", path.display());
        None
    }
}

#[derive(Default)]
struct Tally {
    specs: usize,
    preamble_ok: usize,
    evr_ok: usize,
    evr_unsupported: usize,
    evr_not_evaluated: usize,
    evr_environment: usize,
    evr_failures: Vec<String>,
    entries: usize,
    entries_explained: usize,
    layout_failures: Vec<String>,
}

/// Reproduces an entry from its text: header fields and items re-wrapped by our formatter.
fn explain(entry: &str) -> bool {
    let mut lines = entry.lines();
    let Some(header) = lines.next().and_then(|h| h.strip_prefix("* ")) else {
        return false;
    };
    if header.len() < 16 {
        return false;
    }
    let (date, rest) = header.split_at(15);
    let Ok(day) = jiff::civil::Date::strptime("%a %b %d %Y", date) else {
        return false;
    };
    let Ok(noon) = day.at(12, 0, 0, 0).to_zoned(jiff::tz::TimeZone::UTC) else {
        return false;
    };
    let time = noon.timestamp().as_second();
    if changelog_date(time) != date {
        return false;
    }
    let rest = rest.strip_prefix(' ').unwrap_or(rest);
    let (author, evr) = match rest.rfind("> - ") {
        Some(index) => (&rest[..=index], Some(&rest[index + 4..])),
        None => (rest, None),
    };
    let (epoch_version, release_complete) = match evr.and_then(|evr| evr.rsplit_once('-')) {
        Some((ev, release)) => (Some(ev.to_owned()), release.to_owned()),
        None => (evr.map(str::to_owned), String::new()),
    };
    let mut items: Vec<String> = Vec::new();
    for line in lines {
        if let Some(item) = line
            .strip_prefix("- ")
            .or_else(|| (line == "-").then_some(""))
        {
            items.push(item.to_owned());
        } else if let Some(more) = line.strip_prefix("  ") {
            let Some(last) = items.last_mut() else {
                return false;
            };
            if !last.ends_with('-') {
                last.push(' ');
            }
            last.push_str(more);
        } else {
            return false;
        }
    }
    let Some((subject, rest)) = items.split_first() else {
        return false;
    };
    let mut message = subject.replace("%%", "%");
    if !rest.is_empty() {
        message.push_str("\n\n");
        for item in rest {
            message.push_str("- ");
            message.push_str(&item.replace("%%", "%"));
            message.push('\n');
        }
    }
    let entry_model = Entry {
        author: author.to_owned(),
        commit_time: time,
        epoch_version,
        release_complete,
        body: EntryBody::Message(message.into()),
    };
    let mut out = String::new();
    entry_model.format(&mut out);
    out == entry
}

fn check(name: &str, text: &str, tally: &mut Tally) {
    tally.specs += 1;
    let number = text.lines().find_map(|line| {
        line.trim()
            .strip_prefix("release_number = ")?
            .strip_suffix(';')?
            .parse::<u64>()
            .ok()
    });
    let claimed = text.lines().nth(1).and_then(|l| {
        l.strip_prefix("## (rpmautospec version ")?
            .strip_suffix(')')
    });
    let features = text
        .lines()
        .nth(2)
        .and_then(|l| l.strip_prefix("## RPMAUTOSPEC: "))
        .unwrap_or("");
    let uses_autorelease = features.contains("autorelease");
    let uses_autochangelog = features.contains("autochangelog");
    let expected = claimed.map(|claimed| {
        preamble_text(
            uses_autorelease,
            uses_autochangelog,
            number.unwrap_or(0),
            claimed,
        )
    });
    let Some(body) = expected
        .as_deref()
        .and_then(|preamble| text.strip_prefix(preamble))
    else {
        tally
            .layout_failures
            .push(format!("{name}: preamble differs"));
        return;
    };
    tally.preamble_ok += 1;

    let generated = body
        .split_once("%changelog\n## START: Generated by rpmautospec\n")
        .and_then(|(_, block)| block.strip_suffix("\n## END: Generated by rpmautospec\n"));
    let Some(block) = generated else {
        if uses_autochangelog {
            tally
                .layout_failures
                .push(format!("{name}: no generated changelog block at the end"));
        }
        return;
    };
    let mut entries: Vec<String> = Vec::new();
    for part in block.split("\n\n") {
        match entries.last_mut() {
            Some(last) if !part.starts_with("* ") => {
                last.push_str("\n\n");
                last.push_str(part);
            }
            _ => entries.push(part.to_owned()),
        }
    }
    let explained = entries.iter().take_while(|entry| explain(entry)).count();
    tally.entries += entries.len();
    tally.entries_explained += explained;

    // A first entry that is not in the generated format is the verbatim `changelog` file.
    let Some(first) = entries.first().filter(|_| explained > 0) else {
        return;
    };
    let first_evr = first
        .lines()
        .next()
        .and_then(|h| h.rsplit_once("> - "))
        .map(|(_, evr)| evr.to_owned());
    match PreambleEvaluator::new().evaluate(&SpecRequest {
        spec: body.as_bytes(),
        commit: name,
    }) {
        Ok(values) => {
            let flags = VersionFlags::from_values(values);
            let release = match number {
                Some(number) => {
                    let base = i128::from(flags.flags.base);
                    let mut text = String::from(if flags.flags.prerelease { "0." } else { "" });
                    text.push_str(&(i128::from(number) + base - 1).to_string());
                    for tag in [&flags.flags.extraver, &flags.flags.snapinfo]
                        .into_iter()
                        .flatten()
                    {
                        text.push('.');
                        text.push_str(tag);
                    }
                    Some(text)
                }
                None => None,
            };
            let ours = format!("{}-", flags.epoch_version);
            let matches = first_evr.as_deref().is_some_and(|evr| {
                evr.starts_with(&ours)
                    && release
                        .as_deref()
                        .is_none_or(|release| evr[ours.len()..] == *release)
            });
            if matches {
                tally.evr_ok += 1;
            } else if ENVIRONMENT_DEPENDENT.contains(&name) {
                tally.evr_environment += 1;
            } else {
                tally.evr_failures.push(format!(
                    "{name}: corpus {first_evr:?}, ours {ours}{release:?}"
                ));
            }
        }
        Err(crate::EvaluationError::Unsupported { .. }) => tally.evr_unsupported += 1,
        // rpm parsed every corpus spec, so an error here is a limit of the native evaluator.
        Err(_) if ENVIRONMENT_DEPENDENT.contains(&name) => tally.evr_environment += 1,
        Err(_) => tally.evr_not_evaluated += 1,
    }
}

#[test]
#[ignore = "corpus-wide: run by scripts/conformance"]
fn corpus_rpmautospec_regions_are_reproducible() {
    let Some(directory) = corpus() else { return };
    let mut tally = Tally::default();
    let mut paths: Vec<_> = std::fs::read_dir(&directory)
        .expect("corpus readable")
        .flatten()
        .map(|e| e.path())
        .collect();
    paths.sort();
    for path in paths {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        if text.starts_with("## START: Set by rpmautospec\n") {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            check(&name, &text, &mut tally);
        }
    }
    for failure in tally
        .layout_failures
        .iter()
        .chain(&tally.evr_failures)
        .take(15)
    {
        eprintln!("{failure}");
    }
    eprintln!(
        "rpmautospec corpus: {} specs; preamble exact {}; first-entry EVR equal {} (native evaluator: {} unsupported, {} failed, {} environment-dependent); \
         entries reproduced by the formatter {}/{}",
        tally.specs,
        tally.preamble_ok,
        tally.evr_ok,
        tally.evr_unsupported,
        tally.evr_not_evaluated,
        tally.evr_environment,
        tally.entries_explained,
        tally.entries
    );
    let failed = tally.layout_failures.len() + tally.evr_failures.len();
    eprintln!(
        "autospec-corpus: {} passed, {} failed",
        tally.specs - failed,
        failed
    );
    assert_eq!(failed, 0);
}
