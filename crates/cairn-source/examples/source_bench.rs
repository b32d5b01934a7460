//! Resolves and reads every component of the azl4 fixture through [`DistGitCache`]: what a render
//! does before it edits specs. Run by `scripts/bench-source`.
//!
//! `source_bench FIXTURE_DIR CACHE_DIR [MANIFEST]` reads `MANIFEST` (default
//! `FIXTURE_DIR/components.tsv`, written by the fixture), resolves every component against the 4.0 snapshot (fetching into `CACHE_DIR` what is
//! missing), reads each resolved tree into memory, renames the spec for `upstream-name`, and
//! checks that no resolved spec carries a `# fixture:` marker (the marker exists only in commits a
//! correct resolution must not pick). Timings go to stderr as one JSON line; exit 1 on a wrong
//! resolution.

#![expect(clippy::print_stderr, reason = "a command-line helper")]

use std::path::PathBuf;
use std::time::Instant;

use cairn_source::{DistGitCache, Refresh, SourceRequest};
use rayon::prelude::*;

const SNAPSHOT: &str = "2026-02-24T00:00:00-08:00";

fn main() {
    let mut args = std::env::args_os().skip(1).map(PathBuf::from);
    let (Some(fixture), Some(cache_root)) = (args.next(), args.next()) else {
        eprintln!("usage: source_bench FIXTURE_DIR CACHE_DIR [MANIFEST]");
        std::process::exit(2);
    };
    let manifest_path = args
        .next()
        .unwrap_or_else(|| fixture.join("components.tsv"));
    let manifest = std::fs::read_to_string(&manifest_path).unwrap_or_else(|error| {
        eprintln!("error: {}: {error}", manifest_path.display());
        std::process::exit(2);
    });
    let template = format!("file://{}/dist-git/$pkg.git", fixture.display());
    let snapshot: jiff::Timestamp = SNAPSHOT.parse().expect("valid snapshot");
    let mut requests = Vec::new();
    let mut upstreams = Vec::new();
    for line in manifest.lines().filter(|line| !line.starts_with('#')) {
        let fields: Vec<&str> = line.split('\t').collect();
        let [component, upstream, branch, pin] = fields[..] else {
            continue;
        };
        requests.push(SourceRequest {
            component: component.to_owned(),
            url: cairn_source::uri::dist_git_url(&template, upstream).expect("plain names"),
            branch: branch.to_owned(),
            pin: (pin != "-").then(|| pin.to_owned()),
            snapshot: Some(snapshot),
        });
        upstreams.push(upstream.to_owned());
    }

    let cache = DistGitCache::new(&cache_root)
        .jobs(std::thread::available_parallelism().map_or(2, usize::from) * 4);
    let started = Instant::now();
    let resolved = cache.resolve_all(&requests, Refresh::IfNeeded);
    let resolve_seconds = started.elapsed().as_secs_f64();

    let started = Instant::now();
    let outcomes: Vec<Result<(usize, usize), String>> = resolved
        .par_iter()
        .zip(upstreams.par_iter())
        .map(|(resolved, upstream)| {
            let resolved = resolved
                .as_ref()
                .map_err(|error| format!("{error}: {:?}", std::error::Error::source(error)))?;
            let mirror = resolved.open().map_err(|error| error.to_string())?;
            let mut tree = mirror
                .read_tree(resolved.commit)
                .map_err(|error| error.to_string())?;
            let spec = format!("{}.spec", resolved.component);
            tree.rename(&format!("{upstream}.spec"), &spec);
            let text = tree
                .get(&spec)
                .ok_or_else(|| format!("{}: no {spec}", resolved.component))?;
            if text.data.windows(11).any(|window| window == b"# fixture: ") {
                return Err(format!(
                    "{}: resolved {} holds a commit that must not be picked",
                    resolved.component, resolved.commit
                ));
            }
            Ok((
                tree.files.len(),
                tree.files.iter().map(|file| file.data.len()).sum(),
            ))
        })
        .collect();
    let read_seconds = started.elapsed().as_secs_f64();

    let (mut files, mut bytes, mut failures) = (0, 0, 0);
    for outcome in &outcomes {
        match outcome {
            Ok((count, size)) => {
                files += count;
                bytes += size;
            }
            Err(error) => {
                failures += 1;
                if failures <= 10 {
                    eprintln!("error: {error}");
                }
            }
        }
    }
    let components = requests.len();
    let total = resolve_seconds + read_seconds;
    eprintln!(
        "{{\"components\":{components},\"failures\":{failures},\"files\":{files},\"bytes\":{bytes},\"resolve_s\":{resolve_seconds:.3},\"read_s\":{read_seconds:.3},\"per_component_us\":{:.1}}}",
        total * 1e6 / components.max(1) as f64
    );
    if failures > 0 {
        std::process::exit(1);
    }
}
