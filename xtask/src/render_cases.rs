//! `conformance render-cases DIR`: Azure Linux render cases (format: the `render-cases`
//! section of `azl4/README.md`), every kind, through the render pipeline
//! ([`cairn_render::MemoryRenderer`]).
//!
//! Each case is a rendered spec (input) and the render made after the component's
//! configuration changed (expected). The runner renders the input with the change alone: the
//! component's configuration at the expected commit (`config-after.toml`, loaded with
//! cairn-config), its overlays replaced by the delta (`overlays.toml`, whose `source` files
//! were harvested into `overlay-sources/`), and its `[build]` table minus what the input
//! already reflects (a `%check` skip present before). The pipeline then adds the macros file,
//! its load line and `Source9999`, the `%check` skip and azldev's header itself, bumps a
//! static `Release` once per synthetic commit the expected render counted beyond the input's,
//! and runs rpmautospec and the file filter. The input is the body of `input.spec` below
//! azldev's header (and rpmautospec block) plus `input-files/`. Outputs are compared at the
//! case's level; the renders come from the azldev of April 2026
//! ([`cairn_render::Compatibility::APRIL_2026`]).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use cairn_config::{LoadOptions, Project, ResolvedComponent};
use cairn_overlay::{MemoryEntry, synthesized};
use cairn_render::{
    Compatibility, MemoryComponent, MemoryRenderer, ProjectChange, output::Tree, overlay_plan,
};
use cairn_source::Network;
use serde::Deserialize;

use crate::Tally;
use crate::compare::{files_below, read, same_text};

#[derive(Debug, Deserialize)]
struct IndexEntry {
    case: String,
    component: String,
    kind: String,
    level: String,
    #[serde(default)]
    synthesized: Vec<String>,
}

/// The first-pass render of 2026-04-06 predates the synthetic commits: its Release is unbumped.
const FIRST_PASS_RENDER: &str = "4b2ebc9e1d";

pub fn run(dir: &Path) -> Result<Tally> {
    let index: Vec<IndexEntry> = serde_json::from_slice(
        &std::fs::read(dir.join("index.json")).context("reading index.json")?,
    )
    .context("parsing index.json")?;
    let scratch = tempfile::tempdir()?;
    let renderer = MemoryRenderer::new(
        Compatibility::APRIL_2026,
        &scratch.path().join("lookaside"),
        Network::Offline,
    );
    let mut tally = Tally::default();
    for entry in &index {
        let result = run_case(&dir.join(&entry.case), entry, &renderer, scratch.path())
            .unwrap_or_else(|error| Err(format!("runner error: {error:#}")));
        tally.record(
            &format!("{} [{}, {}]", entry.case, entry.kind, entry.level),
            result,
        );
    }
    Ok(tally)
}

fn load_component(file: &Path, name: &str) -> Result<Option<ResolvedComponent>> {
    let options = LoadOptions {
        embedded_defaults: false,
        ..LoadOptions::default()
    };
    let project = Project::load_file(file, &options)
        .with_context(|| format!("loading {}", file.display()))?;
    if !project.components().contains_key(name) {
        return Ok(None);
    }
    Ok(Some(project.resolve_component(name)?))
}

/// The configuration that turns the input into the expected render: the expected commit's,
/// with the delta overlays and the `[build]` effects the input does not have yet.
fn delta_component(
    case_dir: &Path,
    entry: &IndexEntry,
    meta: &serde_json::Value,
    scratch: &Path,
) -> Result<ResolvedComponent> {
    let name = &entry.component;
    let mut component = load_component(&case_dir.join("config-after.toml"), name)?
        .context("config-after.toml lacks the component")?;

    // Overlay `source` paths resolve against the overlays file, so it is loaded from a copy
    // beside the harvested sources.
    let delta_dir = scratch.join("delta");
    std::fs::create_dir_all(&delta_dir)?;
    std::fs::copy(
        case_dir.join("overlays.toml"),
        delta_dir.join("overlays.toml"),
    )?;
    let sources = case_dir.join("overlay-sources");
    if sources.is_dir() {
        for file in files_below(&sources) {
            std::fs::copy(sources.join(&file), delta_dir.join(&file))?;
        }
    }
    let delta = load_component(&delta_dir.join("overlays.toml"), name)?
        .context("overlays.toml lacks the component")?;

    // `overlays.toml` carries the whole `[build]` table of the expected commit when it changed
    // (config-after.toml lacks what `component-check-disablement.toml` adds); without one, the
    // input already reflects the table. The `[build]` table before the change is recorded in
    // meta.json: a `%check` skip already there is not applied again.
    let config = &mut component.config;
    config.overlays = delta.config.overlays;
    config.build = delta.config.build;
    let before = &meta["build_before"];
    if before["check"]["skip"].as_bool() == Some(true) {
        config.build.check.skip = Some(false);
    }
    if ["with", "without", "defines"].iter().any(|key| {
        before[key].as_array().is_some_and(|list| !list.is_empty())
            || before[key].as_object().is_some_and(|map| !map.is_empty())
    }) {
        bail!("the input already loads a macros file; the runner cannot render a change to it");
    }
    Ok(component)
}

fn run_case(
    case_dir: &Path,
    entry: &IndexEntry,
    renderer: &MemoryRenderer,
    scratch: &Path,
) -> Result<Result<(), String>> {
    let meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(case_dir.join("meta.json"))?)?;
    let case_scratch = scratch.join(&entry.case);
    let component = delta_component(case_dir, entry, &meta, &case_scratch)?;
    let name = &entry.component;

    // The synthesized overlays the configuration implies must be the ones the case expects.
    let plan = overlay_plan(name, &component.config, PathBuf::new());
    let mut implied = Vec::new();
    if plan.macros_file.is_some() {
        implied.push("macros-load");
    }
    if component.config.build.skips_check() {
        implied.push("check-skip");
    }
    if implied != entry.synthesized {
        return Ok(Err(format!(
            "the configuration implies synthesized overlays {implied:?}, the case expects {:?}",
            entry.synthesized
        )));
    }

    let input = std::fs::read(case_dir.join("input.spec"))?;
    let spec_name = format!("{name}.spec");
    let mut files: Tree = vec![(
        spec_name.clone(),
        MemoryEntry::File {
            data: unprocess_rpmautospec(body(&input)),
            mode: 0o644,
        },
    )];
    let input_files = case_dir.join("input-files");
    for file in files_below(&input_files) {
        let data = std::fs::read(input_files.join(&file))?;
        files.push((file, MemoryEntry::File { data, mode: 0o644 }));
    }
    files.sort_by(|left, right| left.0.cmp(&right.0));

    let changes = synthetic_changes(&meta, name);
    let rendered = match renderer.render(MemoryComponent {
        component: &component,
        defined_in: case_dir.join("config-after.toml"),
        files,
        changes: &changes,
    }) {
        Ok(tree) => tree,
        Err(error) => return Ok(Err(format!("render: {error}"))),
    };

    let Some(spec) = file(&rendered, &spec_name) else {
        return Ok(Err(format!("the render has no {spec_name}")));
    };
    let expected =
        std::fs::read(case_dir.join("expected.spec")).context("reading expected.spec")?;
    let spec_result = match entry.level.as_str() {
        "equal-modulo-rpmautospec" => same_text(
            "spec (outside rpmautospec regions)",
            &strip_rpmautospec(&expected),
            &strip_rpmautospec(spec),
        ),
        "exact" | "exact-with-release-bump-model" => same_text("spec", &expected, spec),
        other => return Ok(Err(format!("unknown level `{other}`"))),
    };
    Ok(spec_result.and_then(|()| compare_files(case_dir, &rendered, &spec_name, &meta)))
}

/// The synthetic commits to render with. A static `Release` is bumped by the commits the
/// expected render counted beyond the input's (the case's release-bump model; without one,
/// one when the input is the first-pass render, which predates synthetic commits). An
/// `%autorelease` spec is not bumped: it gets the expected render's own synthetic commit, so
/// rpmautospec runs on it as it did.
fn synthetic_changes(meta: &serde_json::Value, name: &str) -> Vec<ProjectChange> {
    let model = &meta["verification"]["release_bump_model"];
    let count = match (
        model["expected_bump"].as_u64(),
        model["input_bump"].as_u64(),
    ) {
        (Some(expected), Some(input)) => expected.saturating_sub(input),
        _ if model["skipped"].as_str() == Some("autorelease") => 1,
        _ => {
            let input_commit = meta["input"]["commit"].as_str().unwrap_or_default();
            u64::from(input_commit.starts_with(FIRST_PASS_RENDER))
        }
    };
    let project_commit = meta["expected"]["commit"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    (0..count)
        .map(|_| ProjectChange {
            project_commit: project_commit.clone(),
            author_name: "azldev".to_owned(),
            author_email: "azurelinux@microsoft.com".to_owned(),
            time: 0,
            subject: format!("Latest state for {name}"),
            upstream_commit: None,
        })
        .collect()
}

/// The body of a rendered spec below azldev's three header lines (and any rpmautospec block
/// above them).
fn body(spec: &[u8]) -> &[u8] {
    let header = format!("{}\n{}\n\n", synthesized::HEADER[0], synthesized::HEADER[1]);
    match spec
        .windows(header.len())
        .position(|window| window == header.as_bytes())
    {
        Some(start) if start == 0 || spec[start - 1] == b'\n' => &spec[start + header.len()..],
        _ => spec,
    }
}

/// The spec as it was before rpmautospec processed it: its generated changelog (between the
/// `## START/END: Generated by rpmautospec` markers) back to `%autochangelog`. (The
/// `## START/END: Set by rpmautospec` preamble sits above azldev's header and is already gone.)
fn unprocess_rpmautospec(spec: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(spec.len());
    let mut inside = false;
    for line in spec.split_inclusive(|&byte| byte == b'\n') {
        if line.starts_with(b"## START: Generated by rpmautospec") {
            inside = true;
            out.extend_from_slice(b"%autochangelog\n");
        }
        if !inside {
            out.extend_from_slice(line);
        }
        if line.starts_with(b"## END: Generated by rpmautospec") {
            inside = false;
        }
    }
    out
}

fn file<'t>(tree: &'t Tree, path: &str) -> Option<&'t [u8]> {
    tree.iter().find_map(|(name, entry)| match entry {
        MemoryEntry::File { data, .. } if name == path => Some(data.as_slice()),
        _ => None,
    })
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

/// Every expected file must be rendered identically, and the render must hold no other file
/// besides the spec. Files the case lists as not produced by the configuration change (they
/// come from upstream files the case does not carry, or from azldev's file filter of the
/// time) are not checked.
fn compare_files(
    case_dir: &Path,
    rendered: &Tree,
    spec_name: &str,
    meta: &serde_json::Value,
) -> Result<(), String> {
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
        let Some(actual) = file(rendered, name) else {
            return Err(format!("{name}: expected file was not rendered"));
        };
        same_text(name, &read(&expected_dir.join(name))?, actual)?;
    }
    for (name, _) in rendered {
        if name != spec_name && !expected.contains(name) && !not_produced.contains(&name.as_str()) {
            return Err(format!(
                "{name}: rendered, but the expected render lacks it"
            ));
        }
    }
    Ok(())
}
