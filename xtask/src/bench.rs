//! `bench overlay SPECS_DIR`: the overlay engine's throughput on a directory of real specs.
//!
//! Every spec gets the overlays azldev synthesizes on every render (the macros-file load
//! prepend, `spec-insert-tag Source9999`, the header prepend) plus a `spec-search-replace`
//! over the whole file, applied in memory and serialized, one spec after another on one
//! thread. It prints a Markdown table row for BENCHMARKS.md.

use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result};
use cairn_config::overlay::{DefinedOverlay, Overlay, OverlayOrigin, OverlayType};
use cairn_overlay::{EditOptions, apply_to_spec_text, synthesized};

pub fn run(dir: &Path) -> Result<()> {
    let mut specs = Vec::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry?;
        if entry.file_type().is_file() && entry.path().extension().is_some_and(|ext| ext == "spec")
        {
            specs.push(
                std::fs::read(entry.path()).with_context(|| entry.path().display().to_string())?,
            );
        }
    }
    anyhow::ensure!(!specs.is_empty(), "no *.spec under {}", dir.display());
    let bytes: usize = specs.iter().map(Vec::len).sum();
    let origin = OverlayOrigin {
        file: "bench.toml".into(),
        line: None,
    };
    let defined = |overlay: Overlay| DefinedOverlay {
        overlay,
        origin: origin.clone(),
    };
    let mut replace = Overlay::new(OverlayType::SpecSearchReplace);
    replace.regex = Some(r"^(%global\s+\w+)\s+".to_owned());
    replace.replacement = Some("%global renamed ".to_owned());
    let mut overlays: Vec<DefinedOverlay> = synthesized::macros_load_overlays("bench")
        .into_iter()
        .map(defined)
        .collect();
    overlays.push(defined(synthesized::header_overlay()));
    let with_replace: Vec<DefinedOverlay> =
        overlays.iter().cloned().chain([defined(replace)]).collect();

    let options = EditOptions::default();
    let mut best = f64::MAX;
    let (mut applied, mut failed) = (0, 0);
    for _ in 0..3 {
        let start = Instant::now();
        (applied, failed) = (0, 0);
        for spec in &specs {
            // Not every spec has a `%global` line; those fail the search-replace as in azldev.
            match apply_to_spec_text(spec, &with_replace, &options) {
                Ok(_) => applied += 1,
                Err(_) => {
                    apply_to_spec_text(spec, &overlays, &options)
                        .context("synthesized overlays always apply")?;
                    failed += 1;
                }
            }
        }
        best = best.min(start.elapsed().as_secs_f64());
    }
    println!(
        "| {} specs, {:.1} MB | 4 overlays each ({applied} with the search-replace, {failed} without a `%global`) | {best:.2} s | {:.0} specs/s | {:.0} MB/s |",
        specs.len(),
        bytes as f64 / 1e6,
        specs.len() as f64 / best,
        bytes as f64 / 1e6 / best
    );
    Ok(())
}
