//! A stage's `SOURCES`: the rendered spec directory, plus the lookaside files its `sources`
//! file names, from the content-addressed cache (downloaded and verified on first use).

use std::path::Path;

use cairn_config::Project;
use cairn_source::{ComponentSource, LookasideCache, LookasideFile, SourcesFile};

/// Copies `rendered` into `sources` and installs the lookaside files `rendered/sources` names.
pub(crate) fn prepare(
    project: &Project,
    component: &str,
    rendered: &Path,
    sources: &Path,
    lookaside: &LookasideCache,
) -> Result<(), String> {
    copy_tree(rendered, sources)
        .map_err(|error| format!("copying {}: {error}", rendered.display()))?;
    let list = rendered.join("sources");
    let Ok(text) = std::fs::read_to_string(&list) else {
        return Ok(());
    };
    let file = SourcesFile::parse(&text).map_err(|error| format!("{}: {error}", list.display()))?;
    let missing: Vec<_> = file
        .entries()
        .filter(|entry| !sources.join(&entry.filename).is_file())
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    // azldev fetches from the upstream distro's lookaside with the upstream package name; a
    // local component's files come from the default distro's.
    let (package, template) = match cairn_source::component_source(project, component) {
        Ok(ComponentSource::Upstream(upstream)) => (
            upstream.package.clone(),
            upstream.lookaside_template.clone(),
        ),
        _ => match cairn_source::package_source(project, component) {
            Ok(upstream) => (
                upstream.package.clone(),
                upstream.lookaside_template.clone(),
            ),
            Err(error) => return Err(error.to_string()),
        },
    };
    let Some(template) = template else {
        return Err(format!(
            "{} names {} lookaside file(s) but the upstream distro has no `lookaside-base-uri`",
            list.display(),
            missing.len()
        ));
    };
    let files = missing
        .iter()
        .map(|entry| {
            LookasideFile::from_entry(component, &package, &template, entry)
                .map_err(|error| error.to_string())
        })
        .collect::<Result<Vec<_>, _>>()?;
    for file in &files {
        lookaside
            .install(file, sources)
            .map_err(|error| error.to_string())?;
    }
    Ok(())
}

fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        let target = to.join(&name);
        let kind = std::fs::metadata(entry.path())?;
        if kind.is_dir() {
            copy_tree(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}
