//! Building one stage: its work directory (rendered files, lookaside sources, macro files),
//! its sysroot, the backend's two steps, and its packages moved into the output store.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use cairn_plan::Stage;
use sha2::{Digest as _, Sha256};

use crate::assess::{Context, Work};
use crate::backend::Job;
use crate::record::{FORMAT, Output, StageRecord};

/// Why a stage's build failed.
#[derive(Debug, Clone)]
pub(crate) struct Failure {
    pub message: String,
    pub log: Option<PathBuf>,
    pub key_lines: Vec<String>,
}

impl Failure {
    fn plain(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            log: None,
            key_lines: Vec::new(),
        }
    }
}

fn io_failure(path: &Path) -> impl FnOnce(std::io::Error) -> Failure + '_ {
    move |error| Failure::plain(format!("{}: {error}", path.display()))
}

/// Builds `stage` from `work`; its record on success.
pub(crate) fn build(
    context: &Context<'_>,
    stage: &Stage,
    work: &Work,
) -> Result<StageRecord, Failure> {
    let started = Instant::now();
    let settings = context.settings;
    let component = &context.plan.components[stage.component];
    let spec = component
        .spec
        .as_ref()
        .and_then(|spec| spec.file_name())
        .map(|name| name.to_string_lossy().into_owned())
        .ok_or_else(|| Failure::plain(format!("{}: no spec file", component.dir.display())))?;
    let directory = settings.stages_dir().join(&stage.name);
    if directory.exists() {
        std::fs::remove_dir_all(&directory).map_err(io_failure(&directory))?;
    }
    for sub in ["SOURCES", "SRPMS", "RPMS", "macros", "home"] {
        let path = directory.join(sub);
        std::fs::create_dir_all(&path).map_err(io_failure(&path))?;
    }
    let lookaside =
        cairn_source::LookasideCache::new(&settings.lookaside_cache).network(settings.network);
    crate::sources::prepare(
        context.project,
        &component.name,
        &component.dir,
        &directory.join("SOURCES"),
        &lookaside,
    )
    .map_err(|message| Failure::plain(format!("sources: {message}")))?;
    let mut macro_files = Vec::new();
    for (number, file) in settings.macro_files.iter().enumerate() {
        let name = format!(
            "{number}-{}",
            file.file_name()
                .map(|name| name.to_string_lossy().into_owned())
                .unwrap_or_default()
        );
        std::fs::copy(file, directory.join("macros").join(&name)).map_err(io_failure(file))?;
        macro_files.push(name);
    }
    let include_links =
        crate::sysroot::host_include_links(&settings.include_dirs).map_err(Failure::plain)?;
    let root_packages: Vec<crate::sysroot::Available> = work
        .build_root
        .iter()
        .zip(&work.root_files)
        .map(|(package, path)| crate::sysroot::Available {
            path: path.clone(),
            sha256: package.sha256.clone(),
            nevra: package.nevra.clone(),
            stage: package.stage.clone(),
        })
        .collect();
    let sysroot = crate::sysroot::materialize(
        &settings.sysroots_dir(),
        &root_packages.iter().collect::<Vec<_>>(),
        &include_links,
    )
    .map_err(|message| Failure::plain(format!("sysroot: {message}")))?;
    let job = Job {
        work: directory.clone(),
        spec,
        macro_files,
        sysroot: Some(sysroot),
        sysroot_macro: settings.sysroot_macro.clone(),
        conditionals: stage.conditionals.arguments(),
        check: settings.check,
        source_date_epoch: settings.source_date_epoch,
        limits: settings.limits.clone(),
    };
    let log = settings.log_file(&stage.name);
    std::fs::create_dir_all(&settings.log_dir).map_err(io_failure(&settings.log_dir))?;
    let backend = settings.backend.backend();
    let source_log = directory.join("srpm.log");
    let binary_log = directory.join("rpm.log");
    let mut result = backend.source_package(&job).run_logged(&source_log);
    let mut source_package = String::new();
    if result.is_ok() {
        match single_file(&directory.join("SRPMS"), ".src.rpm") {
            Ok(name) => {
                source_package = name;
                result = backend
                    .binary_packages(&job, &source_package)
                    .run_logged(&binary_log);
            }
            Err(message) => {
                write_log(&log, stage, work, &[&source_log]).ok();
                return Err(Failure::plain(message));
            }
        }
    }
    write_log(&log, stage, work, &[&source_log, &binary_log]).map_err(io_failure(&log))?;
    if let Err(error) = result {
        // rpmbuild's output only: the log's own header says what was built and why.
        let text: String = [&source_log, &binary_log]
            .iter()
            .map(|step| std::fs::read_to_string(step).unwrap_or_default())
            .collect();
        let step = if source_package.is_empty() {
            "the source package"
        } else {
            "the binary packages"
        };
        let message = match error {
            cairn_tool::ToolError::Failed { status, .. } => {
                format!("building {step} failed ({status})")
            }
            other => format!("building {step}: {}", first_line(&other.to_string())),
        };
        return Err(Failure {
            message,
            log: Some(log),
            key_lines: crate::logs::key_lines(&text),
        });
    }
    let store = settings.store_dir().join(&work.key);
    let partial = settings.store_dir().join(format!(".partial-{}", work.key));
    if partial.exists() {
        std::fs::remove_dir_all(&partial).map_err(io_failure(&partial))?;
    }
    std::fs::create_dir_all(&partial).map_err(io_failure(&partial))?;
    let (source_output, _) = collect(
        &directory.join("SRPMS").join(&source_package),
        &partial,
        true,
    )?;
    let mut outputs = vec![source_output];
    let mut packages = Vec::new();
    let mut binaries = Vec::new();
    find_rpms(&directory.join("RPMS"), &mut binaries).map_err(io_failure(&directory))?;
    binaries.sort();
    for path in binaries {
        let (output, package) = collect(&path, &partial, false)?;
        outputs.push(output);
        packages.extend(package);
    }
    if store.exists() {
        std::fs::remove_dir_all(&store).map_err(io_failure(&store))?;
    }
    std::fs::rename(&partial, &store).map_err(io_failure(&store))?;
    let record = StageRecord {
        format: FORMAT,
        stage: stage.name.clone(),
        inputs: work.inputs.clone(),
        fingerprint: work.fingerprint.clone(),
        pool: work.pool.clone(),
        build_root: work.build_root.clone(),
        key: work.key.clone(),
        outputs,
        packages,
        seconds: started.elapsed().as_secs_f64(),
    };
    let previous = StageRecord::load(&settings.records_dir(), &stage.name);
    record
        .save(&settings.records_dir())
        .map_err(io_failure(&settings.records_dir()))?;
    // The packages of the build this one replaces: no record names them any more (keys are
    // per stage: the stage's name and conditionals are part of the fingerprint).
    if let Some(previous) = previous.filter(|previous| previous.key != record.key) {
        let old = previous.store(&settings.store_dir());
        if let Err(error) = std::fs::remove_dir_all(&old) {
            tracing::debug!("{}: {error}", old.display());
        }
    }
    if !settings.keep_work {
        std::fs::remove_dir_all(&directory).ok();
    }
    Ok(record)
}

fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or_default().to_owned()
}

/// The one file in `directory` whose name ends with `suffix`.
fn single_file(directory: &Path, suffix: &str) -> Result<String, String> {
    let names: Vec<String> = std::fs::read_dir(directory)
        .map_err(|error| format!("{}: {error}", directory.display()))?
        .filter_map(Result::ok)
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(suffix))
        .collect();
    match names.as_slice() {
        [name] => Ok(name.clone()),
        _ => Err(format!(
            "{}: expected one *{suffix} after the source package step, found {}",
            directory.display(),
            names.len()
        )),
    }
}

fn find_rpms(directory: &Path, found: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(directory)? {
        let entry = entry?;
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            find_rpms(&path, found)?;
        } else if path.extension().is_some_and(|extension| extension == "rpm")
            // mock's result directory holds the rebuilt source package beside the binaries.
            && !path.to_string_lossy().ends_with(".src.rpm")
        {
            found.push(path);
        }
    }
    Ok(())
}

/// Moves the package `path` into `store` and describes it; for a binary package, also gives
/// the planner's view of it.
fn collect(
    path: &Path,
    store: &Path,
    source: bool,
) -> Result<(Output, Option<cairn_plan::BinaryPackage>), Failure> {
    let bytes = std::fs::read(path).map_err(io_failure(path))?;
    let sha256 = hex::encode(Sha256::digest(&bytes));
    let metadata = rpm::PackageMetadata::open(path)
        .map_err(|error| Failure::plain(format!("{}: {error}", path.display())))?;
    let name = metadata.get_name().unwrap_or_default().to_owned();
    let epoch = metadata.get_epoch().ok().filter(|epoch| *epoch != 0);
    let version = metadata.get_version().unwrap_or_default();
    let release = metadata.get_release().unwrap_or_default();
    let arch = if source {
        "src"
    } else {
        metadata.get_arch().unwrap_or_default()
    };
    let nevra = match epoch {
        Some(epoch) => format!("{name}-{epoch}:{version}-{release}.{arch}"),
        None => format!("{name}-{version}-{release}.{arch}"),
    };
    let file = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let package = if source {
        None
    } else {
        Some(
            crate::built::from_header(&metadata)
                .map_err(|error| Failure::plain(format!("{}: {error}", path.display())))?,
        )
    };
    let target = store.join(&file);
    std::fs::rename(path, &target).map_err(io_failure(&target))?;
    Ok((
        Output {
            file,
            sha256,
            name,
            nevra,
            source,
        },
        package,
    ))
}

/// The stage's log: what was built and why, then each step's output.
fn write_log(log: &Path, stage: &Stage, work: &Work, steps: &[&Path]) -> std::io::Result<()> {
    let parent = log.parent().unwrap_or(Path::new("."));
    let mut file = tempfile::NamedTempFile::new_in(parent)?;
    writeln!(file, "cairn build: {} (key {})", stage.name, work.key)?;
    for reason in &work.reasons {
        writeln!(file, "because: {reason}")?;
    }
    for package in &work.build_root {
        writeln!(
            file,
            "build root: {} (from {})",
            package.nevra, package.stage
        )?;
    }
    for step in steps {
        if let Ok(text) = std::fs::read(step) {
            file.write_all(&text)?;
        }
    }
    file.persist(log).map_err(|error| error.error)?;
    Ok(())
}
