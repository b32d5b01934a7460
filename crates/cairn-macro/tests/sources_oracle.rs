//! The Source/Patch listing against rpm itself: python3-rpm's `rpm.spec(path).sources`, the
//! data `spectool -l -a` prints (rpmdevtools is not packaged for Debian 12; spectool is a thin
//! printer over this call). Runs on a sample of the Azure Linux 4.0 corpus when it and
//! `/usr/bin/python3` with the `rpm` module are present, and skips with a message otherwise.

#![allow(clippy::print_stderr, reason = "tests say why they skip")]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use cairn_macro::spec::{EvaluateOptions, SourceKind};
use cairn_macro::{MacroContext, MacroSet};

const ORACLE: &str = r#"
import json, os, sys
import rpm
rpm.setVerbosity(rpm.RPMLOG_EMERG)
for path, sourcedir in zip(sys.argv[1::2], sys.argv[2::2]):
    rpm.reloadConfig()
    rpm.addMacro("_sourcedir", sourcedir)
    rpm.addMacro("dist", ".azl4")
    try:
        spec = rpm.spec(path)
        entries = [[value, number, flags] for value, number, flags in spec.sources]
        print(json.dumps({"path": path, "sources": entries}))
    except Exception as error:
        print(json.dumps({"path": path, "error": str(error)}))
"#;

fn corpus() -> Option<PathBuf> {
    let shared = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared"));
    // rpm cleans paths lexically (`a/b/..` is `a`), so hand it one without `..`.
    std::fs::canonicalize(shared.join("corpus/azl4/specs-4.0")).ok()
}

fn source_dir(spec: &Path) -> PathBuf {
    let stem = spec.file_stem().unwrap_or_default();
    let sidecars = spec
        .parent()
        .unwrap_or(Path::new("."))
        .join("../specs-4.0-include-deps");
    let candidate = sidecars.join(stem);
    if candidate.is_dir() {
        candidate
    } else {
        spec.parent().unwrap_or(Path::new(".")).to_owned()
    }
}

#[test]
fn listing_matches_rpm_spec_sources() {
    let Some(specs_dir) = corpus() else {
        eprintln!("skipping: ../shared/corpus/azl4/specs-4.0 is absent");
        return;
    };
    let has_rpm_module = cairn_tool::Tool::new("/usr/bin/python3")
        .args(["-c", "import rpm"])
        .output()
        .is_ok();
    if !has_rpm_module {
        eprintln!("skipping: /usr/bin/python3 with the rpm module (python3-rpm) is not installed");
        return;
    }
    let mut all: Vec<PathBuf> = std::fs::read_dir(&specs_dir)
        .expect("corpus directory")
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|e| e == "spec"))
        .collect();
    all.sort();
    // Every 100th spec, plus specs with unusual numbering and hundreds of sources.
    let mut sample: Vec<PathBuf> = all.iter().step_by(100).cloned().collect();
    for name in ["e2fsprogs", "texlive-base", "python-dbus-next"] {
        let path = specs_dir.join(format!("{name}.spec"));
        if path.is_file() && !sample.contains(&path) {
            sample.push(path);
        }
    }
    let mut oracle = cairn_tool::Tool::new("/usr/bin/python3").args(["-c", ORACLE]);
    for spec in &sample {
        oracle = oracle.arg(spec).arg(source_dir(spec));
    }
    let output = oracle.read_stdout().expect("python3-rpm oracle runs");
    let mut set = MacroSet::host("x86_64");
    set.define(&["dist .azl4".to_owned()]).expect("define");
    let (config, cache) = (Arc::default(), Arc::default());
    let (mut compared, mut mismatched) = (0, Vec::new());
    for line in output.lines() {
        let record: serde_json::Value = serde_json::from_str(line).expect("oracle JSON line");
        let Some(entries) = record["sources"].as_array() else {
            continue;
        };
        let path = PathBuf::from(record["path"].as_str().unwrap_or_default());
        // spectool's view: per kind, number -> value.
        let mut want: BTreeMap<(u8, u64), String> = BTreeMap::new();
        for entry in entries {
            let flags = entry[2].as_u64().unwrap_or(0);
            let kind = if flags & 2 != 0 { 1 } else { 0 };
            let number = entry[1].as_u64().unwrap_or(0);
            want.insert(
                (kind, number),
                entry[0].as_str().unwrap_or_default().to_owned(),
            );
        }
        let mut context = MacroContext::new(&set, Arc::clone(&config), Arc::clone(&cache));
        let options = EvaluateOptions {
            source_dir: Some(source_dir(&path).to_string_lossy().into_owned()),
            ..EvaluateOptions::default()
        };
        let have: BTreeMap<(u8, u64), String> =
            match cairn_macro::spec::evaluate(&path, &mut context, &options) {
                Ok(spec) => spec
                    .sources_and_patches()
                    .iter()
                    .map(|entry| {
                        let kind = u8::from(entry.kind == SourceKind::Patch);
                        ((kind, u64::from(entry.number)), entry.location.to_owned())
                    })
                    .collect(),
                Err(error) => {
                    mismatched.push(format!("{}: cairn fails: {error}", path.display()));
                    continue;
                }
            };
        compared += 1;
        if have != want {
            mismatched.push(format!("{}: rpm {want:?}\ncairn {have:?}", path.display()));
        }
    }
    eprintln!("sources listing: {compared} specs compared with python3-rpm");
    assert!(compared > 50, "too few specs compared: {compared}");
    assert!(mismatched.is_empty(), "{}", mismatched.join("\n"));
}
