//! Whether a stage must be built: its inputs (rendered files, settings, toolchain,
//! conditionals) and its build root (BuildRequires solved over the packages its dependencies
//! produced) against the record of its last successful build.

use std::collections::BTreeMap;
use std::path::PathBuf;

use cairn_config::Project;
use cairn_plan::{Plan, Stage};
use sha2::{Digest as _, Sha256};

use crate::record::{self, RootPackage, StageRecord};
use crate::settings::BuildSettings;
use crate::sysroot::{self, Available, Headers, RootFailure};

/// What a run shares between stages.
pub(crate) struct Context<'a> {
    pub project: &'a Project,
    pub plan: &'a Plan,
    pub settings: &'a BuildSettings,
    /// Settings and toolchain inputs of every stage.
    pub base_inputs: BTreeMap<String, String>,
    pub headers: Headers,
}

impl<'a> Context<'a> {
    pub(crate) fn new(project: &'a Project, plan: &'a Plan, settings: &'a BuildSettings) -> Self {
        let mut base_inputs = settings.fingerprint_inputs();
        let toolchain = match &settings.backend {
            // mock builds in its own build root: the host's compilers play no part.
            crate::BackendKind::Host => crate::toolchain::identity(),
            crate::BackendKind::Mock { config } => vec![format!("mock: {config}")],
        };
        base_inputs.insert("toolchain".into(), crate::toolchain::digest(&toolchain));
        Self {
            project,
            plan,
            settings,
            base_inputs,
            headers: Headers::default(),
        }
    }
}

/// A stage that must be built, and from what.
#[derive(Debug, Clone)]
pub(crate) struct Work {
    pub inputs: BTreeMap<String, String>,
    pub fingerprint: String,
    pub pool: String,
    pub build_root: Vec<RootPackage>,
    pub root_files: Vec<PathBuf>,
    pub key: String,
    pub reasons: Vec<String>,
}

/// The verdict on one stage.
#[derive(Debug, Clone)]
pub(crate) enum Decision {
    /// Its outputs stand.
    UpToDate(StageRecord),
    /// Build it.
    Build(Work),
    /// It cannot be built (not rendered, not evaluable, a BuildRequires nothing provides).
    Fail(String),
}

/// The BuildRequires of `stage`, as rpm writes them.
fn build_requires(plan: &Plan, stage: &Stage) -> Result<Vec<String>, String> {
    let component = &plan.components[stage.component];
    let (summary, error) = match (&component.bootstrap, stage.bootstrap) {
        (Some(bootstrap), true) => (bootstrap.summary.as_ref(), bootstrap.error.as_ref()),
        _ => (component.summary.as_ref(), component.error.as_ref()),
    };
    match summary {
        Some(summary) => Ok(summary
            .build_requires
            .iter()
            .map(ToString::to_string)
            .collect()),
        None => Err(error
            .cloned()
            .unwrap_or_else(|| "the spec was not evaluated".to_owned())),
    }
}

/// The named inputs of `stage` besides its build root.
pub(crate) fn inputs(context: &Context<'_>, stage: &Stage) -> BTreeMap<String, String> {
    let component = &context.plan.components[stage.component];
    let mut inputs = context.base_inputs.clone();
    for (file, digest) in &component.files.files {
        inputs.insert(format!("file:{file}"), digest.clone());
    }
    inputs.insert("conditionals".into(), stage.conditionals.to_string());
    inputs.insert("stage".into(), stage.name.clone());
    inputs
}

/// The packages of the stages before a wave, and their identity.
#[derive(Debug, Default)]
pub(crate) struct WavePool {
    pub packages: Vec<Available>,
    /// A digest of the packages' checksums.
    pub digest: String,
    by_sha: std::collections::HashMap<String, usize>,
}

impl WavePool {
    fn new(packages: Vec<Available>) -> Self {
        let mut sums: Vec<&str> = packages
            .iter()
            .map(|package| package.sha256.as_str())
            .collect();
        sums.sort_unstable();
        let mut hasher = Sha256::new();
        for sum in sums {
            hasher.update(sum.as_bytes());
            hasher.update(b"\n");
        }
        let by_sha = packages
            .iter()
            .enumerate()
            .map(|(index, package)| (package.sha256.clone(), index))
            .collect();
        Self {
            packages,
            digest: hex::encode(hasher.finalize()),
            by_sha,
        }
    }
}

/// What a stage's build root is solved from: the packages to choose from, its BuildRequires
/// and the host's capabilities.
fn pool_identity(pool: &WavePool, build_requires: &[String], host_provides: &[String]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(pool.digest.as_bytes());
    hasher.update(b"\n--\n");
    for requirement in build_requires {
        hasher.update(requirement.as_bytes());
        hasher.update(b"\n");
    }
    for capability in host_provides {
        hasher.update(b"host ");
        hasher.update(capability.as_bytes());
        hasher.update(b"\n");
    }
    hex::encode(hasher.finalize())
}

/// Decides about `stage`, whose build root is solved from `pool`.
pub(crate) fn assess(context: &Context<'_>, stage: &Stage, pool_packages: &WavePool) -> Decision {
    let available = pool_packages.packages.as_slice();
    let requires = match build_requires(context.plan, stage) {
        Ok(requires) => requires,
        Err(error) => return Decision::Fail(error),
    };
    let inputs = inputs(context, stage);
    let fingerprint = record::fingerprint(&inputs);
    let settings = context.settings;
    let pool = pool_identity(pool_packages, &requires, &settings.host_provides);
    let previous = StageRecord::load(&settings.records_dir(), &stage.name);
    // The same packages to choose from and the same BuildRequires give the same build root:
    // no need to solve again.
    let reused = previous
        .as_ref()
        .filter(|previous| previous.pool == pool)
        .and_then(|previous| {
            let files: Option<Vec<PathBuf>> = previous
                .build_root
                .iter()
                .map(|package| {
                    pool_packages
                        .by_sha
                        .get(&package.sha256)
                        .map(|&found| available[found].path.clone())
                })
                .collect();
            files.map(|files| (previous.build_root.clone(), files))
        });
    // mock installs BuildRequires from its own configured repositories.
    let reused = match settings.backend {
        crate::BackendKind::Host => reused,
        crate::BackendKind::Mock { .. } => Some((Vec::new(), Vec::new())),
    };
    let (build_root, root_files) = match reused {
        Some(found) => found,
        None => {
            let chosen = match sysroot::solve(
                available,
                &context.headers,
                &requires,
                &settings.host_provides,
                &settings.target_cpu,
            ) {
                Ok(chosen) => chosen,
                Err(RootFailure::Missing(capability)) => {
                    return Decision::Fail(format!(
                        "BuildRequires `{capability}`: no package built so far provides it and the host does not declare it ([cairn.build.host-provides] capabilities)"
                    ));
                }
                Err(RootFailure::Unsolvable(message)) => {
                    return Decision::Fail(format!(
                        "the BuildRequires cannot be installed together: {message}"
                    ));
                }
            };
            let mut root: Vec<(RootPackage, PathBuf)> = chosen
                .into_iter()
                .map(|index| {
                    let package = &available[index];
                    (
                        RootPackage {
                            nevra: package.nevra.clone(),
                            sha256: package.sha256.clone(),
                            stage: package.stage.clone(),
                        },
                        package.path.clone(),
                    )
                })
                .collect();
            root.sort_by(|left, right| left.0.cmp(&right.0));
            root.into_iter().unzip()
        }
    };
    let key = record::key(&fingerprint, &build_root);
    let store = settings.store_dir();
    let reasons = match &previous {
        None => vec!["never built".to_owned()],
        Some(previous) if previous.key == key && previous.outputs_present(&store) => {
            let mut record = previous.clone();
            if record.pool != pool {
                // Remembered so that the next run need not solve this build root again.
                record.pool = pool;
                if let Err(error) = record.save(&settings.records_dir()) {
                    tracing::warn!("{}: {error}", settings.records_dir().display());
                }
            }
            return Decision::UpToDate(record);
        }
        Some(previous) if previous.key == key => {
            vec!["its packages are missing from the store".to_owned()]
        }
        Some(previous) => {
            let mut reasons = record::input_changes(&previous.inputs, &inputs);
            reasons.extend(record::root_changes(&previous.build_root, &build_root));
            if reasons.is_empty() {
                reasons.push("its build inputs changed".to_owned());
            }
            reasons
        }
    };
    Decision::Build(Work {
        inputs,
        fingerprint,
        pool,
        build_root,
        root_files,
        key,
        reasons,
    })
}

/// The packages a build in `wave` may use: those of every stage of an earlier wave (which
/// holds all its dependencies), from their records. The plan knows a package's Requires from
/// its spec only; rpm adds more while building (`/usr/bin/pkg-config` for every `.pc` file,
/// sonames), whose providers are then found among the earlier waves. A component's normal
/// build replaces its bootstrap build.
pub(crate) fn wave_pool(
    plan: &Plan,
    records: &[Option<StageRecord>],
    wave: usize,
    store: &std::path::Path,
) -> WavePool {
    let closure: Vec<usize> = (0..plan.stages.len())
        .filter(|&other| plan.stages[other].wave < wave)
        .collect();
    let normal_built: std::collections::HashSet<usize> = closure
        .iter()
        .filter(|&&stage| !plan.stages[stage].bootstrap)
        .map(|&stage| plan.stages[stage].component)
        .collect();
    let mut packages = Vec::new();
    for stage in closure {
        let planned = &plan.stages[stage];
        if planned.bootstrap && normal_built.contains(&planned.component) {
            continue;
        }
        let Some(record) = &records[stage] else {
            continue;
        };
        let dir = record.store(store);
        packages.extend(
            record
                .outputs
                .iter()
                .filter(|output| !output.source)
                .map(|output| Available {
                    path: dir.join(&output.file),
                    sha256: output.sha256.clone(),
                    nevra: output.nevra.clone(),
                    stage: planned.name.clone(),
                }),
        );
    }
    WavePool::new(packages)
}
