//! How to build: directories, the `[cairn.build]` table, options, and where each package is
//! published.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use cairn_config::Project;
use cairn_source::Network;
use sha2::{Digest as _, Sha256};

use crate::backend::BackendKind;
use crate::sandbox::Limits;

/// `SOURCE_DATE_EPOCH` when none is given: 2024-01-01T00:00:00Z. Fixed so that a build made
/// twice from the same inputs gives the same file times and build time (rpm's
/// `use_source_date_epoch_as_buildtime`, `clamp_mtime_to_source_date_epoch`).
pub const DEFAULT_SOURCE_DATE_EPOCH: i64 = 1_704_067_200;

/// Everything a build run needs besides the plan.
#[derive(Debug, Clone)]
pub struct BuildSettings {
    /// cairn's build state: stage work directories, records, the output store, sysroots.
    pub state_dir: PathBuf,
    /// `out/`: `rpms/<channel>/`, `srpms/`.
    pub output_dir: PathBuf,
    /// One log per stage.
    pub log_dir: PathBuf,
    /// The distribution's macro files (`[cairn.build] macro-files`).
    pub macro_files: Vec<PathBuf>,
    /// The macro that carries the sysroot path (`[cairn.build] sysroot-macro`).
    pub sysroot_macro: Option<String>,
    /// Capabilities the host provides.
    pub host_provides: Vec<String>,
    /// Host header directories linked into every sysroot.
    pub include_dirs: Vec<String>,
    /// Run `%check`.
    pub check: bool,
    /// Stages built at once.
    pub jobs: usize,
    /// Keep building what does not depend on a failure.
    pub continue_on_error: bool,
    /// `SOURCE_DATE_EPOCH` of every build.
    pub source_date_epoch: i64,
    /// Resource limits of every build.
    pub limits: Limits,
    /// Whether lookaside files may be downloaded.
    pub network: Network,
    /// The lookaside cache root.
    pub lookaside_cache: PathBuf,
    /// The architecture built for.
    pub target_cpu: String,
    /// The backend.
    pub backend: BackendKind,
    /// Keep each stage's work directory after a successful build.
    pub keep_work: bool,
}

impl BuildSettings {
    /// The settings `project` configures: `<work-dir>/cairn-build`, `<output-dir>` (default
    /// `out/` beside the project file), `<log-dir>` (default `<output-dir>/logs`), and
    /// `[cairn.build]`.
    pub fn from_project(project: &Project) -> Self {
        let info = project.info();
        let root = project.root_dir();
        let output_dir = info.output_dir.clone().unwrap_or_else(|| root.join("out"));
        let work_dir = info.work_dir.clone().unwrap_or_else(|| root.join(".cairn"));
        let build = &project.cairn().build;
        Self {
            state_dir: work_dir.join("cairn-build"),
            log_dir: info
                .log_dir
                .clone()
                .unwrap_or_else(|| output_dir.join("logs")),
            output_dir,
            macro_files: build.macro_files.clone(),
            sysroot_macro: build.sysroot_macro.clone(),
            host_provides: build.host_provides.capabilities.clone(),
            include_dirs: build.host_provides.include_dirs.clone(),
            check: true,
            jobs: 1,
            continue_on_error: false,
            source_date_epoch: DEFAULT_SOURCE_DATE_EPOCH,
            limits: Limits::default(),
            network: Network::Online,
            lookaside_cache: cairn_source::LookasideCache::default_root(),
            target_cpu: cairn_plan::TARGET_CPU.to_owned(),
            backend: BackendKind::Host,
            keep_work: false,
        }
    }

    /// The settings that shape what a build produces, by name, each as a digest or value:
    /// part of every stage's fingerprint.
    pub(crate) fn fingerprint_inputs(&self) -> BTreeMap<String, String> {
        let mut inputs = BTreeMap::new();
        for file in &self.macro_files {
            let content = std::fs::read(file).unwrap_or_default();
            inputs.insert(
                format!("macro-file:{}", file.display()),
                hex::encode(Sha256::digest(&content)),
            );
        }
        inputs.insert(
            "sysroot-macro".into(),
            self.sysroot_macro.clone().unwrap_or_default(),
        );
        inputs.insert("host-provides".into(), self.host_provides.join(" "));
        inputs.insert("include-dirs".into(), self.include_dirs.join(" "));
        inputs.insert("check".into(), self.check.to_string());
        inputs.insert(
            "source-date-epoch".into(),
            self.source_date_epoch.to_string(),
        );
        inputs.insert("target".into(), self.target_cpu.clone());
        inputs.insert("backend".into(), self.backend.name().to_owned());
        inputs
    }

    pub(crate) fn records_dir(&self) -> PathBuf {
        self.state_dir.join("records")
    }

    pub(crate) fn store_dir(&self) -> PathBuf {
        self.state_dir.join("store")
    }

    pub(crate) fn sysroots_dir(&self) -> PathBuf {
        self.state_dir.join("sysroots")
    }

    pub(crate) fn stages_dir(&self) -> PathBuf {
        self.state_dir.join("stages")
    }

    /// The log of a stage.
    pub fn log_file(&self, stage: &str) -> PathBuf {
        self.log_dir.join(format!("{stage}.log"))
    }
}

/// Where a binary package goes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Publication {
    /// `out/rpms/<channel>/`, or `out/rpms/` for the empty channel.
    Channel(String),
    /// The channel `none`: built (later builds may use it) but not published.
    Unpublished,
}

impl Publication {
    fn from_channel(channel: Option<&str>) -> Self {
        match channel {
            Some("none") => Self::Unpublished,
            Some(channel) => Self::Channel(channel.to_owned()),
            None => Self::Channel(String::new()),
        }
    }

    /// The directory under `output_dir`, when published.
    pub fn directory(&self, output_dir: &Path) -> Option<PathBuf> {
        match self {
            Self::Channel(channel) if channel.is_empty() => Some(output_dir.join("rpms")),
            Self::Channel(channel) => Some(output_dir.join("rpms").join(channel)),
            Self::Unpublished => None,
        }
    }
}

/// The publish channel of binary package `package` of `component`, in azldev's order: the
/// component's `publish.rpm-channel` (with the project's and groups' defaults already layered
/// in), the project's `default-package-config`, the package group naming the package, the
/// component's `packages.<name>` (azldev-reference: package-groups). A later non-empty value
/// wins.
pub fn rpm_publication(project: &Project, component: &str, package: &str) -> Publication {
    let resolved = project.resolve_component(component).ok();
    let mut channel: Option<String> = None;
    let mut set = |value: Option<&str>| {
        if let Some(value) = value.filter(|value| !value.is_empty()) {
            channel = Some(value.to_owned());
        }
    };
    if let Some(resolved) = &resolved {
        set(resolved.config.publish.rpm_channel.as_deref());
    }
    set(project
        .default_package_config()
        .publish
        .effective_rpm_channel());
    for group in project.package_groups().values() {
        if group.config.packages.iter().any(|name| name == package) {
            set(group
                .config
                .default_package_config
                .publish
                .effective_rpm_channel());
        }
    }
    if let Some(resolved) = &resolved
        && let Some(config) = resolved.config.packages.get(package)
    {
        set(config.publish.effective_rpm_channel());
    }
    Publication::from_channel(channel.as_deref())
}
