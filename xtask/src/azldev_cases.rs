//! `conformance azldev-cases DIR`: the overlay cases extracted from azldev's Go tests
//! (format: `DIR/README.md`). Each case is one overlay applied with azldev's defaults, in
//! `api` mode (no header, macros file or Release bump), to a spec or a sources directory.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use cairn_config::overlay::{DefinedOverlay, Overlay, OverlayOrigin};
use cairn_overlay::{EditOptions, Sources, Spec, apply_overlays, apply_to_spec};
use serde::Deserialize;

use crate::Tally;
use crate::compare::{copy_tree, read, same_text};

/// `case.toml`.
#[derive(Debug, Deserialize)]
struct Case {
    expect: String,
    #[serde(default)]
    error_contains: Option<String>,
    target: String,
    #[serde(default)]
    spec_file: Option<String>,
    overlays: Vec<Overlay>,
    #[serde(default)]
    checks: Vec<Check>,
}

/// One `[[checks]]` entry.
#[derive(Debug, Deserialize)]
struct Check {
    check: String,
    #[serde(default)]
    file: Option<String>,
    #[serde(default)]
    spec: bool,
    #[serde(default)]
    expected: Option<String>,
    #[serde(default)]
    strings: Vec<String>,
}

pub fn run(dir: &Path) -> Result<Tally> {
    let mut cases: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .min_depth(2)
        .max_depth(2)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|entry| entry.path().join("case.toml").is_file())
        .map(walkdir::DirEntry::into_path)
        .collect();
    cases.sort();
    anyhow::ensure!(
        !cases.is_empty(),
        "no cases (*/*/case.toml) under {}",
        dir.display()
    );
    let mut tally = Tally::default();
    for case_dir in &cases {
        let name = case_dir
            .strip_prefix(dir)
            .unwrap_or(case_dir)
            .display()
            .to_string();
        let result =
            run_case(case_dir).unwrap_or_else(|error| Err(format!("runner error: {error:#}")));
        tally.record(&name, result);
    }
    Ok(tally)
}

fn run_case(case_dir: &Path) -> Result<Result<(), String>> {
    let text = std::fs::read_to_string(case_dir.join("case.toml"))?;
    let case: Case = toml::from_str(&text).context("parsing case.toml")?;
    let Ok([overlay]) = <[Overlay; 1]>::try_from(case.overlays) else {
        anyhow::bail!("a case has exactly one [[overlays]] entry");
    };
    let defined = DefinedOverlay {
        overlay,
        origin: OverlayOrigin {
            file: case_dir.join("case.toml"),
            line: None,
        },
    };
    let outcome = match case.target.as_str() {
        "spec" => run_spec(case_dir, &defined, &case.checks, case.expect == "ok")?,
        "sources" => run_sources(
            case_dir,
            &defined,
            case.spec_file.as_deref(),
            &case.checks,
            case.expect == "ok",
        )?,
        other => anyhow::bail!("unknown target {other:?}"),
    };
    Ok(judge(&case.expect, case.error_contains.as_deref(), outcome))
}

/// What applying gave: the error message, or the result of the checks.
enum Outcome {
    Applied(Result<(), String>),
    Failed(String),
}

fn judge(expect: &str, error_contains: Option<&str>, outcome: Outcome) -> Result<(), String> {
    match (expect, outcome) {
        ("ok", Outcome::Applied(checks)) => checks,
        ("ok", Outcome::Failed(message)) => Err(format!("expected success, got error: {message}")),
        (_, Outcome::Applied(_)) => Err(format!(
            "expected an error{}, but the overlay applied",
            error_contains
                .map(|text| format!(" containing {text:?}"))
                .unwrap_or_default()
        )),
        (_, Outcome::Failed(message)) => match error_contains {
            Some(text) if !message.contains(text) => {
                Err(format!("error does not contain {text:?}: {message}"))
            }
            _ => Ok(()),
        },
    }
}

fn run_spec(
    case_dir: &Path,
    defined: &DefinedOverlay,
    checks: &[Check],
    expect_ok: bool,
) -> Result<Outcome> {
    let input = std::fs::read(case_dir.join("input.spec")).context("reading input.spec")?;
    let mut spec = Spec::parse(&input);
    if let Err(error) = apply_to_spec(&mut spec, &defined.overlay, &EditOptions::default()) {
        return Ok(Outcome::Failed(error.to_string()));
    }
    if !expect_ok {
        return Ok(Outcome::Applied(Ok(())));
    }
    let output = spec.to_bytes();
    let expected_path = case_dir.join("expected.spec");
    let exact = if expected_path.is_file() {
        read(&expected_path).and_then(|expected| same_text("spec", &expected, &output))
    } else {
        Ok(())
    };
    let checked = exact.and_then(|()| {
        checks
            .iter()
            .filter(|check| check.spec)
            .try_for_each(|check| text_check(check, "spec", &output))
    });
    Ok(Outcome::Applied(checked))
}

fn run_sources(
    case_dir: &Path,
    defined: &DefinedOverlay,
    spec_file: Option<&str>,
    checks: &[Check],
    expect_ok: bool,
) -> Result<Outcome> {
    let scratch = tempfile::tempdir()?;
    let root = scratch.path().join("sources");
    std::fs::create_dir_all(&root)?;
    if case_dir.join("input").is_dir() {
        copy_tree(&case_dir.join("input"), &root)?;
    }
    if let Some(name) = spec_file {
        std::fs::copy(case_dir.join("input.spec"), root.join(name))?;
    }
    let applied = Sources::load(&root, spec_file)
        .map_err(|error| error.to_string())
        .and_then(|mut sources| {
            apply_overlays(
                &mut sources,
                std::slice::from_ref(defined),
                &EditOptions::default(),
            )
            .map_err(|error| error.to_string())?;
            sources.commit().map_err(|error| error.to_string())
        });
    if let Err(message) = applied {
        return Ok(Outcome::Failed(message));
    }
    if !expect_ok {
        return Ok(Outcome::Applied(Ok(())));
    }
    let checked = checks
        .iter()
        .try_for_each(|check| file_check(case_dir, &root, spec_file, check));
    Ok(Outcome::Applied(checked))
}

fn file_check(
    case_dir: &Path,
    root: &Path,
    spec_file: Option<&str>,
    check: &Check,
) -> Result<(), String> {
    let file = if check.spec {
        spec_file.map(str::to_owned)
    } else {
        check.file.clone()
    };
    let file = file.ok_or_else(|| format!("check {:?} names no file", check.check))?;
    let path = root.join(&file);
    match check.check.as_str() {
        "exists" if path.exists() => Ok(()),
        "exists" => Err(format!("{file}: expected to exist, but it does not")),
        "absent" if !path.exists() => Ok(()),
        "absent" => Err(format!("{file}: expected to be absent, but it exists")),
        "exact" => {
            let expected = check
                .expected
                .as_deref()
                .ok_or("exact check without `expected`")?;
            same_text(&file, &read(&case_dir.join(expected))?, &read(&path)?)
        }
        _ => text_check(check, &file, &read(&path)?),
    }
}

fn text_check(check: &Check, what: &str, content: &[u8]) -> Result<(), String> {
    let text = String::from_utf8_lossy(content);
    for wanted in &check.strings {
        let present = text.contains(wanted.as_str());
        match check.check.as_str() {
            "contains" if !present => return Err(format!("{what}: does not contain {wanted:?}")),
            "not_contains" if present => return Err(format!("{what}: still contains {wanted:?}")),
            "contains" | "not_contains" => {}
            other => return Err(format!("unknown check {other:?}")),
        }
    }
    Ok(())
}
