//! Build backends: how a prepared stage becomes a source package and binary packages.
//!
//! - [`HostBackend`] runs the host's `rpmbuild` inside the [`Sandbox`](crate::sandbox::Sandbox),
//!   over the stage's sysroot of BuildRequires.
//! - [`MockBackend`] runs `mock` (Fedora's chroot builder), which makes its own build root from
//!   the distribution's repositories. Only the command lines are built here; mock is not
//!   packaged for Debian 12, so its builds are not exercised on such hosts.

use std::path::{Path, PathBuf};

use cairn_tool::Tool;

use crate::sandbox::{SYSROOT, Sandbox, WORK};

/// Which backend builds.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum BackendKind {
    /// rpmbuild on the host toolchain, in a bubblewrap sandbox.
    Host,
    /// mock with the named configuration (`mock -r NAME`).
    Mock {
        /// The mock configuration (`fedora-rawhide-x86_64`, a path to a `.cfg`).
        config: String,
    },
}

impl BackendKind {
    /// The name recorded in fingerprints and shown to people.
    pub fn name(&self) -> &str {
        match self {
            Self::Host => "host",
            Self::Mock { .. } => "mock",
        }
    }

    /// The backend.
    pub fn backend(&self) -> Box<dyn Backend> {
        match self {
            Self::Host => Box::new(HostBackend),
            Self::Mock { config } => Box::new(MockBackend {
                config: config.clone(),
            }),
        }
    }
}

/// One prepared build: where its files are and how to build them.
#[derive(Debug, Clone)]
pub struct Job {
    /// The stage's work directory (host path): `SOURCES/` holds the spec and its sources,
    /// `macros/` the distribution's macro files.
    pub work: PathBuf,
    /// The spec's file name in `SOURCES/`.
    pub spec: String,
    /// Macro file names in `macros/`, in load order.
    pub macro_files: Vec<String>,
    /// The sysroot of BuildRequires (host path), when the build needs one.
    pub sysroot: Option<PathBuf>,
    /// The macro that carries the sysroot's path.
    pub sysroot_macro: Option<String>,
    /// `--with`/`--without` arguments.
    pub conditionals: Vec<String>,
    /// Run `%check`.
    pub check: bool,
    /// `SOURCE_DATE_EPOCH`.
    pub source_date_epoch: i64,
    /// Resource limits.
    pub limits: crate::sandbox::Limits,
}

/// Turns a prepared stage into packages.
pub trait Backend: Send + Sync {
    /// The command that writes the source package into `<work>/SRPMS/`.
    fn source_package(&self, job: &Job) -> Tool;
    /// The command that rebuilds `source_package` (a file in `<work>/SRPMS/`) into binary
    /// packages under `<work>/RPMS/`.
    fn binary_packages(&self, job: &Job, source_package: &str) -> Tool;
}

/// rpmbuild on the host, sandboxed.
#[derive(Debug, Clone, Copy, Default)]
pub struct HostBackend;

impl HostBackend {
    fn sandbox(job: &Job) -> Sandbox {
        let mut sandbox = Sandbox::new(&job.work, job.source_date_epoch);
        sandbox.sysroot.clone_from(&job.sysroot);
        sandbox.limits = job.limits.clone();
        sandbox
    }

    /// The rpmbuild options every step shares: the top directory inside the sandbox, the
    /// distribution's macros, the sysroot macro, reproducibility settings.
    fn common(job: &Job) -> Vec<String> {
        let mut arguments = Vec::new();
        for file in &job.macro_files {
            arguments.extend(["--load".to_owned(), format!("{WORK}/macros/{file}")]);
        }
        let mut define = |text: String| arguments.extend(["--define".to_owned(), text]);
        define(format!("_topdir {WORK}"));
        define(format!("_sourcedir {WORK}/SOURCES"));
        define(format!("_specdir {WORK}/SOURCES"));
        // rpm 4.18: with SOURCE_DATE_EPOCH set these make build times and file times
        // reproducible (build/build.c, build/files.c).
        define("use_source_date_epoch_as_buildtime 1".to_owned());
        define("clamp_mtime_to_source_date_epoch 1".to_owned());
        define("_buildhost cairn-build".to_owned());
        if let (Some(name), Some(_)) = (&job.sysroot_macro, &job.sysroot) {
            define(format!("{name} {SYSROOT}"));
        }
        arguments
    }
}

impl Backend for HostBackend {
    fn source_package(&self, job: &Job) -> Tool {
        let mut argv = vec![
            "rpmbuild".to_owned(),
            "-bs".to_owned(),
            "--nodeps".to_owned(),
        ];
        argv.extend(Self::common(job));
        argv.extend(job.conditionals.iter().cloned());
        argv.push(format!("{WORK}/SOURCES/{}", job.spec));
        Self::sandbox(job).command(&argv)
    }

    fn binary_packages(&self, job: &Job, source_package: &str) -> Tool {
        // BuildRequires were solved and unpacked into the sysroot before; rpm's database is
        // the host's and knows none of them.
        let mut argv = vec![
            "rpmbuild".to_owned(),
            "--rebuild".to_owned(),
            "--nodeps".to_owned(),
        ];
        if !job.check {
            argv.push("--nocheck".to_owned());
        }
        argv.extend(Self::common(job));
        argv.extend(job.conditionals.iter().cloned());
        argv.push(format!("{WORK}/SRPMS/{source_package}"));
        Self::sandbox(job).command(&argv)
    }
}

/// mock, with its own build roots.
#[derive(Debug, Clone)]
pub struct MockBackend {
    /// `mock -r` configuration.
    pub config: String,
}

impl MockBackend {
    fn common(&self, job: &Job, result: &Path) -> Vec<String> {
        let mut arguments = vec![
            "-r".to_owned(),
            self.config.clone(),
            "--resultdir".to_owned(),
            result.display().to_string(),
            "--define".to_owned(),
            "use_source_date_epoch_as_buildtime 1".to_owned(),
            "--define".to_owned(),
            "clamp_mtime_to_source_date_epoch 1".to_owned(),
        ];
        arguments.extend(job.conditionals.iter().cloned());
        arguments
    }
}

impl Backend for MockBackend {
    fn source_package(&self, job: &Job) -> Tool {
        let sources = job.work.join("SOURCES");
        Tool::new("mock")
            .args(self.common(job, &job.work.join("SRPMS")))
            .arg("--buildsrpm")
            .arg("--spec")
            .arg(sources.join(&job.spec))
            .arg("--sources")
            .arg(sources)
            .env("SOURCE_DATE_EPOCH", job.source_date_epoch.to_string())
    }

    fn binary_packages(&self, job: &Job, source_package: &str) -> Tool {
        let mut tool = Tool::new("mock").args(self.common(job, &job.work.join("RPMS")));
        if !job.check {
            tool = tool.arg("--nocheck");
        }
        tool.arg("--rebuild")
            .arg(job.work.join("SRPMS").join(source_package))
            .env("SOURCE_DATE_EPOCH", job.source_date_epoch.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job() -> Job {
        Job {
            work: "/srv/stages/musl".into(),
            spec: "musl.spec".into(),
            macro_files: vec!["0-macros.example".into()],
            sysroot: Some("/srv/sysroots/ab".into()),
            sysroot_macro: Some("sysroot".into()),
            conditionals: vec!["--with".into(), "bootstrap".into()],
            check: false,
            source_date_epoch: 1_700_000_000,
            limits: crate::sandbox::Limits::default(),
        }
    }

    #[test]
    fn the_host_backend_runs_rpmbuild_in_the_sandbox() {
        let line = HostBackend
            .binary_packages(&job(), "musl-1-1.src.rpm")
            .command_line();
        assert!(line.starts_with("bwrap --unshare-all "), "{line}");
        assert!(line.contains(" --bind /srv/stages/musl /build "), "{line}");
        assert!(
            line.contains(" --ro-bind /srv/sysroots/ab /sysroot "),
            "{line}"
        );
        assert!(
            line.contains(
                " -- rpmbuild --rebuild --nodeps --nocheck --load /build/macros/0-macros.example --define '_topdir /build' "
            ),
            "{line}"
        );
        assert!(line.contains(" --define 'sysroot /sysroot' "), "{line}");
        assert!(
            line.ends_with(" --with bootstrap /build/SRPMS/musl-1-1.src.rpm"),
            "{line}"
        );
        let line = HostBackend.source_package(&job()).command_line();
        assert!(line.contains(" -- rpmbuild -bs --nodeps "), "{line}");
        assert!(
            line.ends_with(" --with bootstrap /build/SOURCES/musl.spec"),
            "{line}"
        );
    }

    #[test]
    fn the_mock_backend_builds_with_its_configuration() {
        let backend = BackendKind::Mock {
            config: "fedora-rawhide-x86_64".into(),
        }
        .backend();
        let line = backend.source_package(&job()).command_line();
        assert!(
            line.starts_with(
                "mock -r fedora-rawhide-x86_64 --resultdir /srv/stages/musl/SRPMS --define 'use_source_date_epoch_as_buildtime 1'"
            ),
            "{line}"
        );
        assert!(
            line.ends_with(
                " --with bootstrap --buildsrpm --spec /srv/stages/musl/SOURCES/musl.spec --sources /srv/stages/musl/SOURCES"
            ),
            "{line}"
        );
        let line = backend
            .binary_packages(&job(), "musl-1-1.src.rpm")
            .command_line();
        assert!(
            line.contains(" --resultdir /srv/stages/musl/RPMS "),
            "{line}"
        );
        assert!(
            line.ends_with(" --nocheck --rebuild /srv/stages/musl/SRPMS/musl-1-1.src.rpm"),
            "{line}"
        );
    }
}
