//! The build sandbox: bubblewrap with every namespace unshared (no network but loopback), the
//! host system read-only, a private `/tmp`, the build's work directory as the only writable
//! place, no capabilities, and resource limits set by `prlimit` before the build starts.
//!
//! Paths inside are fixed ([`WORK`], [`SYSROOT`]) so that what a build records (debug paths,
//! generated scripts) does not depend on where the project lives.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use cairn_tool::Tool;

/// The work directory inside the sandbox.
pub const WORK: &str = "/build";
/// The read-only sysroot of BuildRequires inside the sandbox.
pub const SYSROOT: &str = "/sysroot";

/// Host directories a build sees, read-only, when they exist. `/etc` is not shared whole: a
/// build needs the user database, the dynamic loader's cache and Debian's alternatives links
/// (`/usr/bin/cc` points into `/etc/alternatives`), not the host's secrets.
const SYSTEM_DIRECTORIES: &[&str] = &["/usr", "/opt"];
const SYSTEM_LINKS_OR_DIRECTORIES: &[&str] =
    &["/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"];
const ETC_ENTRIES: &[&str] = &[
    "/etc/alternatives",
    "/etc/debian_version",
    "/etc/group",
    "/etc/hosts",
    "/etc/ld.so.cache",
    "/etc/ld.so.conf",
    "/etc/ld.so.conf.d",
    "/etc/localtime",
    "/etc/nsswitch.conf",
    "/etc/os-release",
    "/etc/passwd",
    "/etc/rpm",
];

/// Resource limits of one build (`prlimit`, per process; `None`: the host's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// CPU seconds per process.
    pub cpu_seconds: Option<u64>,
    /// Address space per process, bytes.
    pub address_space: Option<u64>,
    /// Largest file a process may write, bytes.
    pub file_size: Option<u64>,
    /// Processes of the user (the kernel counts them per user, sandbox or not).
    pub processes: Option<u64>,
    /// Open files per process.
    pub open_files: Option<u64>,
}

impl Default for Limits {
    fn default() -> Self {
        const GIB: u64 = 1 << 30;
        Self {
            cpu_seconds: Some(6 * 3600),
            address_space: Some(32 * GIB),
            file_size: Some(16 * GIB),
            processes: Some(16_384),
            open_files: Some(16_384),
        }
    }
}

impl Limits {
    fn arguments(&self) -> Vec<String> {
        [
            ("--cpu", self.cpu_seconds),
            ("--as", self.address_space),
            ("--fsize", self.file_size),
            ("--nproc", self.processes),
            ("--nofile", self.open_files),
        ]
        .into_iter()
        .filter_map(|(flag, value)| value.map(|value| format!("{flag}={value}")))
        .collect()
    }
}

/// One sandboxed command's surroundings.
#[derive(Debug, Clone)]
pub struct Sandbox {
    /// Bound read-write at [`WORK`]; the command starts there.
    pub work: PathBuf,
    /// Bound read-only at [`SYSROOT`].
    pub sysroot: Option<PathBuf>,
    /// Resource limits.
    pub limits: Limits,
    /// The environment (everything else is cleared).
    pub environment: Vec<(String, String)>,
}

impl Sandbox {
    /// A sandbox around `work` with default limits and a build environment (`PATH`, `HOME` in
    /// the work directory, `TMPDIR`, `LANG`, `SOURCE_DATE_EPOCH`).
    pub fn new(work: impl Into<PathBuf>, source_date_epoch: i64) -> Self {
        Self {
            work: work.into(),
            sysroot: None,
            limits: Limits::default(),
            environment: vec![
                (
                    "PATH".into(),
                    "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin".into(),
                ),
                ("HOME".into(), format!("{WORK}/home")),
                ("TMPDIR".into(), "/tmp".into()),
                ("LANG".into(), "C.UTF-8".into()),
                ("SOURCE_DATE_EPOCH".into(), source_date_epoch.to_string()),
            ],
        }
    }

    /// The `bwrap` arguments before the command.
    pub fn arguments(&self) -> Vec<OsString> {
        let mut arguments: Vec<OsString> = [
            "--unshare-all",
            "--die-with-parent",
            "--new-session",
            "--cap-drop",
            "ALL",
            "--clearenv",
            "--hostname",
            "cairn-build",
        ]
        .iter()
        .map(OsString::from)
        .collect();
        let mut push = |items: &[&dyn AsRef<std::ffi::OsStr>]| {
            arguments.extend(items.iter().map(|item| item.as_ref().to_owned()));
        };
        for directory in SYSTEM_DIRECTORIES {
            if Path::new(directory).is_dir() {
                push(&[&"--ro-bind", directory, directory]);
            }
        }
        for entry in SYSTEM_LINKS_OR_DIRECTORIES {
            let path = Path::new(entry);
            match std::fs::read_link(path) {
                // Merged /usr: keep /bin -> usr/bin a link, as on the host.
                Ok(target) => push(&[&"--symlink", &target, entry]),
                Err(_) if path.is_dir() => push(&[&"--ro-bind", entry, entry]),
                Err(_) => {}
            }
        }
        push(&[&"--dir", &"/etc"]);
        for entry in ETC_ENTRIES {
            if Path::new(entry).exists() {
                push(&[&"--ro-bind", entry, entry]);
            }
        }
        push(&[&"--proc", &"/proc", &"--dev", &"/dev"]);
        push(&[&"--tmpfs", &"/tmp", &"--tmpfs", &"/var/tmp"]);
        push(&[&"--bind", &self.work, &WORK]);
        if let Some(sysroot) = &self.sysroot {
            push(&[&"--ro-bind", sysroot, &SYSROOT]);
        }
        // Everything mounted so far stays; the root itself becomes read-only, so the only
        // writable places are the work directory and the private temporary directories.
        push(&[&"--remount-ro", &"/", &"--chdir", &WORK]);
        for (name, value) in &self.environment {
            push(&[&"--setenv", name, value]);
        }
        arguments
    }

    /// `argv` run in the sandbox, under its limits.
    pub fn command<S: AsRef<std::ffi::OsStr>>(&self, argv: &[S]) -> Tool {
        let limits = self.limits.arguments();
        let mut tool = Tool::new("bwrap").args(self.arguments());
        if !limits.is_empty() {
            tool = tool.arg("prlimit").args(limits).arg("--");
        }
        tool.args(argv)
    }

    /// Whether bubblewrap can create a sandbox here (user namespaces allowed, `bwrap`
    /// installed): the error text when it cannot.
    pub fn check() -> Result<(), String> {
        let work = tempfile::tempdir()
            .map_err(|error| format!("cannot create a temporary directory: {error}"))?;
        let mut sandbox = Self::new(work.path(), 0);
        sandbox.limits = Limits::default();
        sandbox
            .command(&["/bin/sh", "-c", "true"])
            .output()
            .map(|_| ())
            .map_err(|error| error.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_shares_only_the_work_directory_writably() {
        let mut sandbox = Sandbox::new("/srv/work", 1_700_000_000);
        sandbox.sysroot = Some("/srv/sysroot".into());
        let line = sandbox
            .command(&["rpmbuild", "-bs", "x.spec"])
            .command_line();
        assert!(
            line.starts_with(
                "bwrap --unshare-all --die-with-parent --new-session --cap-drop ALL --clearenv"
            ),
            "{line}"
        );
        assert!(line.contains(" --ro-bind /usr /usr "), "{line}");
        assert!(line.contains(" --bind /srv/work /build "), "{line}");
        assert!(line.contains(" --ro-bind /srv/sysroot /sysroot "), "{line}");
        assert!(line.contains(" --remount-ro / --chdir /build "), "{line}");
        assert!(
            line.contains(" --setenv SOURCE_DATE_EPOCH 1700000000 "),
            "{line}"
        );
        assert!(line.ends_with(" prlimit --cpu=21600 --as=34359738368 --fsize=17179869184 --nproc=16384 --nofile=16384 -- rpmbuild -bs x.spec"), "{line}");
        assert!(!line.contains("--share-net"), "{line}");
        assert_eq!(line.matches(" --bind ").count(), 1, "{line}");
    }
}
