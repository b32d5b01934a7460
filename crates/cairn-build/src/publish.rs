//! Publishing: every normal stage's packages linked from the output store into
//! `out/rpms/<channel>/` and `out/srpms/`, what no record names any more removed, and each
//! changed directory indexed (rpm-md, with `cairn-repo`). Packages without a channel go to
//! `rpms/` itself, whose index covers the channels below it too.

use std::collections::{BTreeMap, BTreeSet};
use std::os::unix::fs::MetadataExt as _;
use std::path::{Path, PathBuf};

use cairn_config::Project;
use cairn_plan::Plan;

use crate::error::{BuildError, io};
use crate::record::StageRecord;
use crate::settings::{BuildSettings, rpm_publication};

/// Publishes the recorded packages of every normal stage of `plan`; the directories indexed.
pub(crate) fn publish(
    project: &Project,
    plan: &Plan,
    settings: &BuildSettings,
) -> Result<Vec<PathBuf>, BuildError> {
    let store = settings.store_dir();
    let rpms = settings.output_dir.join("rpms");
    let srpms = settings.output_dir.join("srpms");
    // Directory to (file name to store path).
    let mut wanted: BTreeMap<PathBuf, BTreeMap<String, PathBuf>> = BTreeMap::new();
    wanted.entry(srpms.clone()).or_default();
    for stage in plan.stages.iter().filter(|stage| !stage.bootstrap) {
        let Some(record) = StageRecord::load(&settings.records_dir(), &stage.name) else {
            continue;
        };
        let component = &plan.components[stage.component].name;
        // `publish.srpm-channel = "none"`: the source package is not published.
        let srpm_published = project
            .resolve_component(component)
            .map_or(true, |resolved| {
                resolved.config.publish.srpm_channel.as_deref() != Some("none")
            });
        for output in &record.outputs {
            let directory = if output.source {
                srpm_published.then(|| srpms.clone())
            } else {
                rpm_publication(project, component, &output.name).directory(&settings.output_dir)
            };
            if let Some(directory) = directory {
                wanted
                    .entry(directory)
                    .or_default()
                    .insert(output.file.clone(), record.store(&store).join(&output.file));
            }
        }
    }
    // Channels published before and not any more are emptied too.
    if let Ok(entries) = std::fs::read_dir(&rpms) {
        for entry in entries.flatten() {
            if entry.file_type().is_ok_and(|kind| kind.is_dir()) && entry.file_name() != "repodata"
            {
                wanted.entry(entry.path()).or_default();
            }
        }
    }
    let mut stale = Vec::new();
    for (directory, files) in &wanted {
        if sync(directory, files)?
            || (!files.is_empty() && !directory.join("repodata/repomd.xml").is_file())
        {
            stale.push(directory.clone());
        }
    }
    // `rpms/` itself is indexed over everything under it (cairn-repo, like createrepo_c,
    // walks subdirectories): the union of the channels, which changes with any of them.
    let channel_changed = stale
        .iter()
        .any(|directory| directory.starts_with(&rpms) && *directory != rpms);
    if channel_changed && !stale.contains(&rpms) && rpms.join("repodata/repomd.xml").is_file() {
        stale.push(rpms.clone());
    }
    let options = cairn_repo::IndexOptions {
        update: true,
        ..cairn_repo::IndexOptions::default()
    };
    for directory in &stale {
        cairn_repo::index(directory, &options).map_err(|source| BuildError::Index {
            path: directory.clone(),
            source,
        })?;
    }
    let indexed = stale;
    Ok(indexed)
}

/// Makes the `*.rpm` files of `directory` exactly `files`; whether anything changed.
fn sync(directory: &Path, files: &BTreeMap<String, PathBuf>) -> Result<bool, BuildError> {
    std::fs::create_dir_all(directory).map_err(io(directory))?;
    let mut changed = false;
    let present: BTreeSet<String> = std::fs::read_dir(directory)
        .map_err(io(directory))?
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_ok_and(|kind| kind.is_file()))
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".rpm"))
        .collect();
    for name in present.iter().filter(|name| !files.contains_key(*name)) {
        let path = directory.join(name);
        std::fs::remove_file(&path).map_err(io(&path))?;
        changed = true;
    }
    for (name, source) in files {
        let target = directory.join(name);
        if same_file(source, &target) {
            continue;
        }
        // A hard link costs nothing and the store never rewrites a file; another file system
        // gets a copy, through a temporary file.
        let temporary = directory.join(format!(".{name}.tmp"));
        let _ = std::fs::remove_file(&temporary);
        if std::fs::hard_link(source, &temporary).is_err() {
            std::fs::copy(source, &temporary).map_err(io(&temporary))?;
        }
        std::fs::rename(&temporary, &target).map_err(io(&target))?;
        changed = true;
    }
    Ok(changed)
}

fn same_file(source: &Path, target: &Path) -> bool {
    match (std::fs::metadata(source), std::fs::metadata(target)) {
        (Ok(source_metadata), Ok(target_metadata)) => {
            (source_metadata.dev(), source_metadata.ino())
                == (target_metadata.dev(), target_metadata.ino())
                || (source_metadata.len() == target_metadata.len()
                    && std::fs::read(source).ok() == std::fs::read(target).ok())
        }
        _ => false,
    }
}
