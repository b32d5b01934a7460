//! Builds the full-distro dist-git fixture from the Azure Linux 4.0 corpus (run by
//! `scripts/azl4-fixture.sh OUT_DIR`; prints the `--config-file` to use).
//!
//! For every rendered spec in `specs-4.0/`, a bare repository `OUT_DIR/dist-git/<upstream>.git`
//! whose distro branch (from the component's `upstream-distro`, default Fedora 43 → `f43`) has:
//!
//! - unpinned components: a commit before the 4.0 snapshot holding `<upstream>.spec` (the
//!   rendered spec minus azldev's 3-line header), the `%include` sidecars of
//!   `specs-4.0-include-deps/` and a `sources` file, then a commit after the snapshot that changes
//!   the spec, so a resolver that ignores the snapshot renders something else;
//! - pinned components (`upstream-commit`): an older spec before the snapshot, the real spec after
//!   it, and a later change. The pin cannot be forged (it is a SHA-1 of Fedora's commit), so
//!   `refs/replace/<pin>` points at the real-spec commit: git and gix read the pinned id through
//!   the replace ref, and a resolver that ignores the pin gets the older spec.
//!
//! Components whose spec is `local` are skipped (their spec lives beside their comp.toml).
//! Repositories are written in-process (objects serialized by gix, one pack per repository),
//! lookaside files under `OUT_DIR/lookaside/` in the `$pkg/$filename/$hashtype/$hash/$filename`
//! layout, and `OUT_DIR/fixture.toml` points `[distros.fedora]` at both with `file://` URLs.
//! `OUT_DIR/components.tsv` lists what was made (component, upstream name, branch, pin) for
//! benchmarks. A stamp of the inputs makes a second run with unchanged inputs a no-op.

#![expect(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "a command-line helper"
)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

mod pack;

use cairn_source::{HashType, uri};
use gix::objs::tree::EntryKind;
use rayon::prelude::*;

/// Bump when the generated content changes, so old fixtures are rebuilt.
const GENERATOR_VERSION: &str = "1";
const HEADER: &str = "# This spec file has been modified by azldev to include build configuration overlays.\n\
                      # Do not edit manually; changes may be overwritten.\n\n";
/// 2026-02-01T00:00:00Z, 2026-03-10T00:00:00Z, 2026-04-01T00:00:00Z: before, after and well after
/// the 4.0 snapshot 2026-02-24T00:00:00-08:00.
const BEFORE: i64 = 1_769_904_000;
const AFTER: i64 = 1_773_100_800;
const LATER: i64 = 1_775_001_600;

#[derive(Debug, Clone, Default)]
struct SpecConfig {
    local: bool,
    upstream_name: Option<String>,
    pin: Option<String>,
    version: Option<String>,
}

fn main() {
    if let Err(error) = run() {
        eprintln!("error: {error}");
        std::process::exit(2);
    }
}

fn run() -> Result<(), String> {
    let mut args = std::env::args_os().skip(1);
    let (Some(out), Some(corpus)) = (args.next(), args.next()) else {
        return Err(
            "usage: azl4_fixture OUT_DIR CORPUS_DIR (CORPUS_DIR = ../shared/corpus/azl4)".into(),
        );
    };
    let out = absolute(Path::new(&out))?;
    let corpus = std::fs::canonicalize(&corpus)
        .map_err(|error| format!("{}: {error}", Path::new(&corpus).display()))?;
    let specs_dir = corpus.join("specs-4.0");
    let deps_dir = corpus.join("specs-4.0-include-deps");
    let config_dir = corpus.join("config-4.0");
    let started = Instant::now();

    let configs = read_component_specs(&config_dir.join("base/comps"))?;
    let branches = read_branches(&config_dir.join("distro/fedora.distro.toml"))?;
    let mut specs: Vec<PathBuf> = std::fs::read_dir(&specs_dir)
        .map_err(|error| format!("{}: {error}", specs_dir.display()))?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| {
            path.extension()
                .is_some_and(|extension| extension == "spec")
        })
        .collect();
    specs.sort();

    let stamp = stamp(&out, &specs, &deps_dir, &config_dir)?;
    let stamp_path = out.join(".fixture-stamp");
    let config_path = out.join("fixture.toml");
    if std::fs::read_to_string(&stamp_path).is_ok_and(|existing| existing == stamp)
        && config_path.is_file()
    {
        eprintln!("fixture is up to date ({})", out.display());
        println!("{}", config_path.display());
        return Ok(());
    }
    for directory in ["dist-git", "lookaside"] {
        let path = out.join(directory);
        if path.exists() {
            std::fs::remove_dir_all(&path)
                .map_err(|error| format!("{}: {error}", path.display()))?;
        }
    }
    let _ = std::fs::remove_file(&stamp_path);
    std::fs::create_dir_all(out.join("dist-git"))
        .map_err(|error| format!("{}: {error}", out.display()))?;

    // A stale spec whose name another component fetches through `upstream-name` (the old
    // `redhat-rpm-config.spec` beside `azurelinux-rpm-config`) yields the repository to it.
    let renamed: BTreeMap<String, String> = configs
        .iter()
        .filter_map(|(name, config)| Some((config.upstream_name.clone()?, name.clone())))
        .filter(|(upstream, name)| upstream != name)
        .collect();
    let results: Vec<Result<Option<String>, String>> = specs
        .par_iter()
        .map(|spec| {
            let name = spec
                .file_stem()
                .and_then(|stem| stem.to_str())
                .unwrap_or_default()
                .to_owned();
            let config = configs.get(&name).cloned().unwrap_or_default();
            if config.local {
                return Ok(None);
            }
            if let Some(owner) = renamed.get(&name) {
                eprintln!("note: {name}.spec skipped: its repository is the upstream of `{owner}`");
                return Ok(None);
            }
            let version = config.version.clone().unwrap_or_else(|| "43".into());
            let branch = branches
                .get(&version)
                .cloned()
                .unwrap_or_else(|| format!("f{version}"));
            write_component(&out, spec, &deps_dir.join(&name), &name, &config, &branch)?;
            let upstream = config.upstream_name.as_deref().unwrap_or(&name);
            let pin = config.pin.as_deref().unwrap_or("-");
            Ok(Some(format!("{name}\t{upstream}\t{branch}\t{pin}\n")))
        })
        .collect();
    let (mut repositories, mut pinned) = (0, 0);
    let mut manifest =
        String::from("# component\tupstream-name\tdist-git-branch\tupstream-commit\n");
    for line in results
        .into_iter()
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .flatten()
    {
        repositories += 1;
        pinned += usize::from(!line.trim_end().ends_with("\t-"));
        manifest.push_str(&line);
    }
    write_atomically(&out.join("components.tsv"), manifest.as_bytes())?;
    let dist_git = format!("file://{}/dist-git/$pkg.git", out.display());
    let lookaside = format!(
        "file://{}/lookaside/$pkg/$filename/$hashtype/$hash/$filename",
        out.display()
    );
    let config = format!(
        "# Generated by scripts/azl4-fixture.sh from {}: local dist-git and lookaside for every\n\
         # spec of specs-4.0. Pass with --config-file; it extends [distros.fedora] like\n\
         # overrides/fedora.distro.azl.sources.toml does.\n\n\
         [distros.fedora]\ndist-git-base-uri = {dist_git:?}\nlookaside-base-uri = {lookaside:?}\n",
        corpus.display()
    );
    write_atomically(&config_path, config.as_bytes())?;
    write_atomically(&stamp_path, stamp.as_bytes())?;
    eprintln!(
        "wrote {repositories} dist-git repositories ({pinned} with pins) in {:.1} s under {}",
        started.elapsed().as_secs_f64(),
        out.display()
    );
    println!("{}", config_path.display());
    Ok(())
}

fn absolute(path: &Path) -> Result<PathBuf, String> {
    std::path::absolute(path).map_err(|error| format!("{}: {error}", path.display()))
}

/// The `spec` table of every component defined under `base/comps` (the bare ones have none).
fn read_component_specs(comps: &Path) -> Result<BTreeMap<String, SpecConfig>, String> {
    let mut configs = BTreeMap::new();
    for entry in walkdir::WalkDir::new(comps).sort_by_file_name() {
        let entry = entry.map_err(|error| error.to_string())?;
        if entry
            .path()
            .extension()
            .is_none_or(|extension| extension != "toml")
        {
            continue;
        }
        let text = std::fs::read_to_string(entry.path())
            .map_err(|error| format!("{}: {error}", entry.path().display()))?;
        let table: toml::Table = text
            .parse()
            .map_err(|error| format!("{}: {error}", entry.path().display()))?;
        let Some(components) = table.get("components").and_then(toml::Value::as_table) else {
            continue;
        };
        for (name, component) in components {
            let Some(spec) = component.get("spec").and_then(toml::Value::as_table) else {
                continue;
            };
            let text = |key: &str| {
                spec.get(key)
                    .and_then(toml::Value::as_str)
                    .map(str::to_owned)
            };
            configs.insert(
                name.clone(),
                SpecConfig {
                    local: text("type").as_deref() == Some("local"),
                    upstream_name: text("upstream-name"),
                    pin: text("upstream-commit"),
                    version: spec
                        .get("upstream-distro")
                        .and_then(|distro| distro.get("version"))
                        .and_then(toml::Value::as_str)
                        .map(str::to_owned),
                },
            );
        }
    }
    Ok(configs)
}

/// Fedora version → `dist-git-branch`.
fn read_branches(path: &Path) -> Result<BTreeMap<String, String>, String> {
    let text =
        std::fs::read_to_string(path).map_err(|error| format!("{}: {error}", path.display()))?;
    let table: toml::Table = text
        .parse()
        .map_err(|error| format!("{}: {error}", path.display()))?;
    let versions = table
        .get("distros")
        .and_then(|distros| distros.get("fedora"))
        .and_then(|fedora| fedora.get("versions"))
        .and_then(toml::Value::as_table)
        .ok_or_else(|| format!("{}: no [distros.fedora.versions]", path.display()))?;
    Ok(versions
        .iter()
        .filter_map(|(version, table)| {
            Some((
                version.clone(),
                table.get("dist-git-branch")?.as_str()?.to_owned(),
            ))
        })
        .collect())
}

/// A digest of everything the fixture is made from.
fn stamp(out: &Path, specs: &[PathBuf], deps: &Path, config: &Path) -> Result<String, String> {
    let mut hasher = HashType::Sha256.hasher();
    // The output path too: fixture.toml holds absolute `file://` URLs into it.
    hasher.update(format!("{GENERATOR_VERSION}\0{}\n", out.display()).as_bytes());
    let mut files: Vec<PathBuf> = specs.to_vec();
    for root in [deps, &config.join("base/comps"), &config.join("distro")] {
        files.extend(
            walkdir::WalkDir::new(root)
                .sort_by_file_name()
                .into_iter()
                .filter_map(Result::ok)
                .filter(|entry| entry.file_type().is_file())
                .map(walkdir::DirEntry::into_path),
        );
    }
    for file in files {
        let metadata =
            std::fs::metadata(&file).map_err(|error| format!("{}: {error}", file.display()))?;
        let modified = metadata
            .modified()
            .ok()
            .and_then(|time| time.duration_since(std::time::UNIX_EPOCH).ok());
        hasher
            .update(format!("{}\0{}\0{:?}\n", file.display(), metadata.len(), modified).as_bytes());
    }
    Ok(format!("{}\n", hasher.finalize_hex()))
}

/// The rendered spec without azldev's header, which is the first thing in the file or follows
/// the rpmautospec preamble.
fn upstream_spec(rendered: &str) -> String {
    if let Some(body) = rendered.strip_prefix(HEADER) {
        return body.to_owned();
    }
    const END: &str = "## END: Set by rpmautospec\n\n";
    if rendered.starts_with("## START: Set by rpmautospec")
        && let Some(at) = rendered.find(END)
        && let Some(body) = rendered[at + END.len()..].strip_prefix(HEADER)
    {
        return format!("{}{body}", &rendered[..at + END.len()]);
    }
    rendered.to_owned()
}

fn write_component(
    out: &Path,
    spec_path: &Path,
    deps: &Path,
    name: &str,
    config: &SpecConfig,
    branch: &str,
) -> Result<(), String> {
    let error = |what: &dyn std::fmt::Display| format!("{name}: {what}");
    let upstream = config
        .upstream_name
        .clone()
        .unwrap_or_else(|| name.to_owned());
    let rendered = std::fs::read_to_string(spec_path).map_err(|e| error(&e))?;
    let spec = upstream_spec(&rendered);

    // Sidecars of %include specs, then a `sources` file naming one lookaside file of our own.
    let mut files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    if deps.is_dir() {
        for entry in std::fs::read_dir(deps).map_err(|e| error(&e))? {
            let entry = entry.map_err(|e| error(&e))?;
            if entry.file_type().map_err(|e| error(&e))?.is_file() {
                let file_name = entry.file_name().to_string_lossy().into_owned();
                files.insert(
                    file_name,
                    std::fs::read(entry.path()).map_err(|e| error(&e))?,
                );
            }
        }
    }
    let lookaside_name = format!("{upstream}-fixture-source.txt");
    let lookaside_content = format!("lookaside content of {upstream}\n");
    let digest = HashType::Sha512.digest(lookaside_content.as_bytes());
    if !files.contains_key("sources") {
        files.insert(
            "sources".into(),
            format!("SHA512 ({lookaside_name}) = {digest}\n").into_bytes(),
        );
    }
    let lookaside_path = out
        .join("lookaside")
        .join(uri::path_escape(&upstream))
        .join(uri::path_escape(&lookaside_name))
        .join("sha512")
        .join(&digest)
        .join(uri::path_escape(&lookaside_name));
    std::fs::create_dir_all(lookaside_path.parent().unwrap_or(out)).map_err(|e| error(&e))?;
    std::fs::write(&lookaside_path, &lookaside_content).map_err(|e| error(&e))?;

    let repo_path = out
        .join("dist-git")
        .join(format!("{}.git", uri::path_escape(&upstream)));
    init_bare(&repo_path, branch).map_err(|e| error(&e))?;
    let objects = std::cell::RefCell::new(pack::PackBuilder::default());
    let spec_name = format!("{upstream}.spec");
    let write_tree = |spec_text: &str| -> Result<gix::ObjectId, String> {
        let mut all = files.clone();
        all.insert(spec_name.clone(), spec_text.as_bytes().to_vec());
        let mut entries = Vec::with_capacity(all.len());
        for (file_name, data) in &all {
            let oid = objects.borrow_mut().blob(data);
            entries.push(gix::objs::tree::Entry {
                mode: EntryKind::Blob.into(),
                filename: file_name.as_str().into(),
                oid,
            });
        }
        Ok(objects.borrow_mut().object(&gix::objs::Tree { entries }))
    };
    let commit = |tree,
                  parent: Option<gix::ObjectId>,
                  seconds,
                  message: &str|
     -> Result<gix::ObjectId, String> {
        let signature = gix::actor::Signature {
            name: "Fixture Packager".into(),
            email: "packager@fixture.invalid".into(),
            time: gix::date::Time { seconds, offset: 0 },
        };
        let object = gix::objs::Commit {
            tree,
            parents: parent.into_iter().collect(),
            author: signature.clone(),
            committer: signature,
            encoding: None,
            message: message.into(),
            extra_headers: Vec::new(),
        };
        Ok(objects.borrow_mut().object(&object))
    };
    let changed = |note: &str| format!("{spec}# fixture: {note}\n");
    let mut refs = vec![];
    let tip = if let Some(pin) = &config.pin {
        let older = commit(
            write_tree(&changed("older upstream state, before the pinned commit"))?,
            None,
            BEFORE,
            "Older state\n",
        )?;
        let pinned = commit(
            write_tree(&spec)?,
            Some(older),
            AFTER,
            &format!("Pinned state of {upstream}\n"),
        )?;
        refs.push((format!("refs/replace/{}", pin.to_ascii_lowercase()), pinned));
        commit(
            write_tree(&changed("upstream change after the pinned commit"))?,
            Some(pinned),
            LATER,
            "Later change\n",
        )?
    } else {
        let snapshot = commit(
            write_tree(&spec)?,
            None,
            BEFORE,
            &format!("Import {upstream}\n"),
        )?;
        commit(
            write_tree(&changed("upstream change after the snapshot"))?,
            Some(snapshot),
            AFTER,
            "Change after the snapshot\n",
        )?
    };
    refs.push((format!("refs/heads/{branch}"), tip));
    objects
        .into_inner()
        .write(&repo_path)
        .map_err(|e| error(&e))?;
    for (reference, id) in refs {
        let path = repo_path.join(&reference);
        std::fs::create_dir_all(path.parent().unwrap_or(&repo_path)).map_err(|e| error(&e))?;
        std::fs::write(path, format!("{id}\n")).map_err(|e| error(&e))?;
    }
    Ok(())
}

/// A minimal bare repository (no sample hooks: 7,600 copies of them would dominate the fixture).
fn init_bare(path: &Path, branch: &str) -> Result<(), String> {
    for directory in ["objects/info", "objects/pack", "refs/heads", "refs/tags"] {
        std::fs::create_dir_all(path.join(directory))
            .map_err(|error| format!("{}: {error}", path.display()))?;
    }
    let config = "[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = true\n";
    std::fs::write(path.join("config"), config)
        .map_err(|error| format!("{}: {error}", path.display()))?;
    std::fs::write(path.join("HEAD"), format!("ref: refs/heads/{branch}\n"))
        .map_err(|error| format!("{}: {error}", path.display()))?;
    Ok(())
}

fn write_atomically(path: &Path, data: &[u8]) -> Result<(), String> {
    let directory = path.parent().unwrap_or(Path::new("."));
    let mut temporary = tempfile::NamedTempFile::new_in(directory)
        .map_err(|error| format!("{}: {error}", path.display()))?;
    std::io::Write::write_all(&mut temporary, data)
        .map_err(|error| format!("{}: {error}", path.display()))?;
    temporary
        .persist(path)
        .map_err(|error| format!("{}: {error}", path.display()))?;
    Ok(())
}
