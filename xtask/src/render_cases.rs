//! `conformance render-cases DIR`: Azure Linux render cases (format: the `render-cases`
//! section of `azl4/README.md`). For every case of kind `user-overlays`, the delta overlays
//! (after the macros-file overlays azldev synthesizes when the `[build]` table asks for
//! them, and before its `%check` skip) are applied to the body of `input.spec` below the
//! azldev header and rpmautospec block, the static Release bump is modelled from
//! `meta.json` with the April 2026 rule the renders used, and the result is compared at the
//! case's level. Cases of other kinds need the render pipeline and are skipped; with
//! `--include-build-config`, `build-config-only` cases run with the overlays
//! `cairn_overlay::synthesized` builds from their `[build]` table.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result};
use cairn_config::overlay::{DefinedOverlay, Overlay, OverlayOrigin};
use cairn_overlay::release::{ReleaseBumpOptions, ReleaseRule, bump_release};
use cairn_overlay::{EditOptions, Sources, Spec, apply_overlays, synthesized};
use serde::Deserialize;

use crate::Tally;
use crate::compare::{copy_tree, files_below, read, same_text};

#[derive(Debug, Deserialize)]
struct IndexEntry {
    case: String,
    component: String,
    kind: String,
    level: String,
    #[serde(default)]
    synthesized: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
struct Build {
    #[serde(default)]
    with: Vec<String>,
    #[serde(default)]
    without: Vec<String>,
    #[serde(default)]
    defines: BTreeMap<String, String>,
    #[serde(default)]
    undefines: Vec<String>,
    #[serde(default)]
    check: Check,
}

#[derive(Debug, Default, Deserialize)]
struct Check {
    #[serde(default)]
    skip: bool,
    #[serde(default)]
    skip_reason: String,
}

#[derive(Debug, Deserialize)]
struct Component {
    #[serde(default)]
    overlays: Vec<Overlay>,
    #[serde(default)]
    build: Build,
}

#[derive(Debug, Deserialize)]
struct OverlaysFile {
    components: BTreeMap<String, Component>,
}

pub fn run(dir: &Path, include_build_config: bool) -> Result<Tally> {
    let index: Vec<IndexEntry> = serde_json::from_slice(
        &std::fs::read(dir.join("index.json")).context("reading index.json")?,
    )
    .context("parsing index.json")?;
    let mut tally = Tally::default();
    for entry in &index {
        if entry.kind != "user-overlays"
            && !(include_build_config && entry.kind == "build-config-only")
        {
            tally.skip(
                &entry.case,
                &format!("skipped (render pipeline): kind {}", entry.kind),
            );
            continue;
        }
        let result = run_case(&dir.join(&entry.case), entry)
            .unwrap_or_else(|error| Err(format!("runner error: {error:#}")));
        tally.record(&format!("{} [{}]", entry.case, entry.level), result);
    }
    Ok(tally)
}

fn run_case(case_dir: &Path, entry: &IndexEntry) -> Result<Result<(), String>> {
    let meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(case_dir.join("meta.json"))?)?;
    let file: OverlaysFile =
        toml::from_str(&std::fs::read_to_string(case_dir.join("overlays.toml"))?)
            .context("parsing overlays.toml")?;
    let component = file
        .components
        .get(&entry.component)
        .context("overlays.toml lacks the component")?;

    let input = std::fs::read(case_dir.join("input.spec"))?;
    let (prefix, body) = split_header(&input);
    let scratch = tempfile::tempdir()?;
    let root = scratch.path().join(&entry.component);
    std::fs::create_dir_all(&root)?;
    if case_dir.join("input-files").is_dir() {
        copy_tree(&case_dir.join("input-files"), &root)?;
    }
    let spec_name = format!("{}.spec", entry.component);
    std::fs::write(root.join(&spec_name), body)?;

    // Overlay sources were harvested into overlay-sources/; resolve `source` there.
    let origin = OverlayOrigin {
        file: case_dir.join("overlay-sources").join("overlays.toml"),
        line: None,
    };
    let defined = |overlay: Overlay| DefinedOverlay {
        overlay,
        origin: origin.clone(),
    };
    let mut overlays = Vec::new();
    if entry.synthesized.iter().any(|name| name == "macros-load") {
        let build = &component.build;
        if let Some(text) = synthesized::macros_file(
            &build.with,
            &build.without,
            &build.defines,
            &build.undefines,
        ) {
            std::fs::write(
                root.join(synthesized::macros_file_name(&entry.component)),
                text,
            )?;
            overlays.extend(synthesized::macros_load_overlays(&entry.component).map(defined));
        }
    }
    overlays.extend(component.overlays.iter().cloned().map(defined));
    if entry.synthesized.iter().any(|name| name == "check-skip") && component.build.check.skip {
        overlays.push(defined(synthesized::check_skip_overlay(
            &component.build.check.skip_reason,
        )));
    }

    let mut sources = Sources::load(&root, Some(&spec_name))?;
    // The renders come from the azldev of April 2026, which removed sections without
    // balancing conditionals.
    let options = EditOptions {
        unbalanced_section_removal: true,
        ..EditOptions::default()
    };
    if let Err(error) = apply_overlays(&mut sources, &overlays, &options) {
        return Ok(Err(format!("applying overlays: {error}")));
    }
    sources.commit()?;

    let mut rendered = prefix.to_vec();
    rendered.extend(std::fs::read(root.join(&spec_name))?);
    let commits = release_bump(&meta);
    if commits > 0 {
        let mut spec = Spec::parse(&rendered);
        let options = ReleaseBumpOptions {
            rule: ReleaseRule::AnyLeadingInteger,
            ..ReleaseBumpOptions::default()
        };
        if let Err(error) = bump_release(&mut spec, commits, &options) {
            return Ok(Err(format!("release bump: {error}")));
        }
        rendered = spec.to_bytes();
    }
    let expected =
        std::fs::read(case_dir.join("expected.spec")).context("reading expected.spec")?;
    let spec_result = match entry.level.as_str() {
        "equal-modulo-rpmautospec" => same_text(
            "spec (outside rpmautospec regions)",
            &strip_rpmautospec(&expected),
            &strip_rpmautospec(&rendered),
        ),
        _ => same_text("spec", &expected, &rendered),
    };
    std::fs::remove_file(root.join(&spec_name))?;
    Ok(spec_result.and_then(|()| compare_files(case_dir, &root, &meta)))
}

/// Splits a rendered spec after azldev's three header lines (below any rpmautospec block).
fn split_header(spec: &[u8]) -> (&[u8], &[u8]) {
    let header = format!("{}\n{}\n\n", synthesized::HEADER[0], synthesized::HEADER[1]);
    match spec
        .windows(header.len())
        .position(|window| window == header.as_bytes())
    {
        Some(start) if start == 0 || spec[start - 1] == b'\n' => {
            spec.split_at(start + header.len())
        }
        _ => (&[], spec),
    }
}

/// The number of synthetic commits the expected render counted beyond the input's.
fn release_bump(meta: &serde_json::Value) -> u64 {
    let model = &meta["verification"]["release_bump_model"];
    let expected = model["expected_bump"].as_u64().unwrap_or(0);
    let input = model["input_bump"].as_u64().unwrap_or(0);
    expected.saturating_sub(input)
}

/// Drops the lines between the `## START/END: ... by rpmautospec` markers (markers included).
fn strip_rpmautospec(spec: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(spec.len());
    let mut inside = false;
    for line in spec.split_inclusive(|&byte| byte == b'\n') {
        let text = String::from_utf8_lossy(line);
        if text.starts_with("## START: ") && text.contains("by rpmautospec") {
            inside = true;
        }
        if !inside {
            out.extend_from_slice(line);
        }
        if text.starts_with("## END: ") && text.contains("by rpmautospec") {
            inside = false;
        }
    }
    out
}

/// Every expected file the overlays produce must match; input files that the expected
/// render no longer has must be gone. Files the case lists as produced by azldev's file
/// filter rather than by overlays are not checked.
fn compare_files(case_dir: &Path, root: &Path, meta: &serde_json::Value) -> Result<(), String> {
    let not_produced: Vec<&str> = meta["files"]["expected_files_not_produced_by_overlays"]
        .as_array()
        .map(|names| names.iter().filter_map(serde_json::Value::as_str).collect())
        .unwrap_or_default();
    let expected_dir = case_dir.join("expected-files");
    let expected = files_below(&expected_dir);
    for name in &expected {
        if not_produced.contains(&name.as_str()) {
            continue;
        }
        let actual = root.join(name);
        if !actual.exists() {
            return Err(format!("{name}: expected file was not produced"));
        }
        same_text(name, &read(&expected_dir.join(name))?, &read(&actual)?)?;
    }
    for name in files_below(&case_dir.join("input-files")) {
        if !expected.contains(&name)
            && !not_produced.contains(&name.as_str())
            && root.join(&name).exists()
        {
            return Err(format!(
                "{name}: expected to be gone after the overlays, but it is still there"
            ));
        }
    }
    Ok(())
}
