//! The one wrapper through which cairn runs external tools.
//!
//! Every subprocess cairn starts (rpmbuild, bwrap, git, createrepo_c in tests,
//! mkfs.erofs, veritysetup, qemu...) goes through [`Tool`], so that:
//!
//! - the full argv is logged (at `debug`, target `cairn::tool`) before it runs,
//! - a missing program is reported with the package that provides it,
//! - a failure carries the exit status and the tail of stderr, never just "failed".

use std::ffi::{OsStr, OsString};
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Output, Stdio};

/// How many trailing lines of stderr a [`ToolError::Failed`] keeps.
const STDERR_TAIL_LINES: usize = 20;

/// Errors from running an external tool.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ToolError {
    /// The program is not installed (not found on `PATH`).
    #[error("`{program}` is not installed{hint}")]
    NotFound {
        /// The program name as given.
        program: String,
        /// A hint naming the package to install, with a leading separator, or empty.
        hint: String,
    },
    /// The program could not be started for another reason.
    #[error("could not start `{command}`: {source}")]
    Spawn {
        /// The command line.
        command: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The program ran and exited unsuccessfully.
    #[error("`{command}` failed ({status}){}", stderr_suffix(.stderr_tail))]
    Failed {
        /// The command line.
        command: String,
        /// The exit status.
        status: ExitStatus,
        /// The last lines of standard error.
        stderr_tail: String,
    },
}

fn stderr_suffix(tail: &str) -> String {
    if tail.is_empty() {
        String::new()
    } else {
        format!(":\n{tail}")
    }
}

/// The Debian/Fedora package that provides a program, for install hints.
fn package_hint(program: &str) -> Option<&'static str> {
    Some(match program {
        "rpm" | "rpmbuild" | "rpmspec" | "rpmkeys" | "rpm2cpio" => {
            "rpm (Debian: `apt-get install rpm`)"
        }
        "createrepo_c" => "createrepo-c (Debian) / createrepo_c (Fedora)",
        "dnf" => "dnf",
        "bwrap" => "bubblewrap",
        "git" => "git",
        "mkfs.erofs" => "erofs-utils",
        "mksquashfs" | "unsquashfs" => "squashfs-tools",
        "veritysetup" => "cryptsetup-bin (Debian) / cryptsetup (Fedora)",
        "qemu-img" => "qemu-utils (Debian) / qemu-img (Fedora)",
        "qemu-system-x86_64" => "qemu-system-x86",
        "testsolv" | "repo2solv" => "libsolv-tools",
        "gpg" => "gnupg",
        _ => return None,
    })
}

/// An external command, built up like [`std::process::Command`] and run with logging.
#[derive(Debug)]
pub struct Tool {
    program: OsString,
    args: Vec<OsString>,
    envs: Vec<(OsString, Option<OsString>)>,
    current_dir: Option<PathBuf>,
    stdin_null: bool,
}

impl Tool {
    /// A new invocation of `program`.
    pub fn new(program: impl AsRef<OsStr>) -> Self {
        Self {
            program: program.as_ref().to_owned(),
            args: Vec::new(),
            envs: Vec::new(),
            current_dir: None,
            stdin_null: true,
        }
    }

    /// Whether `program` can be found on `PATH` (or is an existing path).
    pub fn exists(program: &str) -> bool {
        find_program(program).is_some()
    }

    /// Adds one argument.
    #[must_use]
    pub fn arg(mut self, arg: impl AsRef<OsStr>) -> Self {
        self.args.push(arg.as_ref().to_owned());
        self
    }

    /// Adds several arguments.
    #[must_use]
    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.args
            .extend(args.into_iter().map(|a| a.as_ref().to_owned()));
        self
    }

    /// Sets an environment variable for the child.
    #[must_use]
    pub fn env(mut self, key: impl AsRef<OsStr>, value: impl AsRef<OsStr>) -> Self {
        self.envs
            .push((key.as_ref().to_owned(), Some(value.as_ref().to_owned())));
        self
    }

    /// Removes an environment variable for the child.
    #[must_use]
    pub fn env_remove(mut self, key: impl AsRef<OsStr>) -> Self {
        self.envs.push((key.as_ref().to_owned(), None));
        self
    }

    /// Runs the child in `dir`.
    #[must_use]
    pub fn current_dir(mut self, dir: impl AsRef<Path>) -> Self {
        self.current_dir = Some(dir.as_ref().to_owned());
        self
    }

    /// The command line as a shell-like string, for logs and errors.
    pub fn command_line(&self) -> String {
        let mut line = quote(&self.program);
        for arg in &self.args {
            line.push(' ');
            line.push_str(&quote(arg));
        }
        line
    }

    fn command(&self) -> Command {
        let mut command = Command::new(&self.program);
        command.args(&self.args);
        for (key, value) in &self.envs {
            match value {
                Some(value) => command.env(key, value),
                None => command.env_remove(key),
            };
        }
        if let Some(dir) = &self.current_dir {
            command.current_dir(dir);
        }
        if self.stdin_null {
            command.stdin(Stdio::null());
        }
        command
    }

    fn log(&self) {
        match &self.current_dir {
            Some(dir) => {
                tracing::debug!(target: "cairn::tool", cwd = %dir.display(), "run: {}", self.command_line())
            }
            None => tracing::debug!(target: "cairn::tool", "run: {}", self.command_line()),
        }
    }

    fn spawn_error(&self, source: std::io::Error) -> ToolError {
        if source.kind() == std::io::ErrorKind::NotFound {
            let program = self.program.to_string_lossy().into_owned();
            let hint = package_hint(&program)
                .map(|package| format!("; install {package}"))
                .unwrap_or_default();
            ToolError::NotFound { program, hint }
        } else {
            ToolError::Spawn {
                command: self.command_line(),
                source,
            }
        }
    }

    /// Runs the tool, capturing stdout and stderr; a non-zero exit is an error.
    pub fn output(&self) -> Result<Output, ToolError> {
        let output = self.output_unchecked()?;
        if output.status.success() {
            Ok(output)
        } else {
            Err(ToolError::Failed {
                command: self.command_line(),
                status: output.status,
                stderr_tail: tail(&output.stderr, STDERR_TAIL_LINES),
            })
        }
    }

    /// Runs the tool, capturing stdout and stderr, whatever its exit status.
    pub fn output_unchecked(&self) -> Result<Output, ToolError> {
        self.log();
        self.command().output().map_err(|e| self.spawn_error(e))
    }

    /// Runs the tool and returns its stdout as (lossy) UTF-8.
    pub fn read_stdout(&self) -> Result<String, ToolError> {
        let output = self.output()?;
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    }

    /// Runs the tool with stdout and stderr sent to `log` (both streams, in order).
    pub fn run_logged(&self, log: &Path) -> Result<(), ToolError> {
        self.log();
        let file = std::fs::File::create(log).map_err(|source| ToolError::Spawn {
            command: self.command_line(),
            source,
        })?;
        let err_file = file.try_clone().map_err(|source| ToolError::Spawn {
            command: self.command_line(),
            source,
        })?;
        let status = self
            .command()
            .stdout(file)
            .stderr(err_file)
            .status()
            .map_err(|e| self.spawn_error(e))?;
        if status.success() {
            Ok(())
        } else {
            let contents = std::fs::read(log).unwrap_or_default();
            Err(ToolError::Failed {
                command: self.command_line(),
                status,
                stderr_tail: tail(&contents, STDERR_TAIL_LINES),
            })
        }
    }

    /// Runs the tool with inherited stdio.
    pub fn status(&self) -> Result<(), ToolError> {
        self.log();
        let status = self.command().status().map_err(|e| self.spawn_error(e))?;
        if status.success() {
            Ok(())
        } else {
            Err(ToolError::Failed {
                command: self.command_line(),
                status,
                stderr_tail: String::new(),
            })
        }
    }
}

impl fmt::Display for Tool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.command_line())
    }
}

fn find_program(program: &str) -> Option<PathBuf> {
    if program.contains('/') {
        let path = PathBuf::from(program);
        return path.is_file().then_some(path);
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| candidate.is_file())
}

fn quote(arg: &OsStr) -> String {
    let text = arg.to_string_lossy();
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+%@".contains(c));
    if plain {
        text.into_owned()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

fn tail(bytes: &[u8], lines: usize) -> String {
    let text = String::from_utf8_lossy(bytes);
    let all: Vec<&str> = text.trim_end().lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_only_when_needed() {
        let tool = Tool::new("rpmbuild")
            .arg("-bs")
            .arg("--define")
            .arg("_topdir /tmp/x y");
        assert_eq!(
            tool.command_line(),
            "rpmbuild -bs --define '_topdir /tmp/x y'"
        );
    }

    #[test]
    fn missing_program_names_the_package() {
        let error = Tool::new("veritysetup-does-not-exist")
            .output()
            .unwrap_err();
        assert!(matches!(error, ToolError::NotFound { .. }), "{error}");
        let error = Tool {
            program: "bwrap".into(),
            ..Tool::new("x")
        }
        .spawn_error(std::io::ErrorKind::NotFound.into());
        assert_eq!(
            error.to_string(),
            "`bwrap` is not installed; install bubblewrap"
        );
    }

    #[test]
    fn failure_keeps_the_stderr_tail() {
        let error = Tool::new("sh")
            .args(["-c", "echo one >&2; echo two >&2; exit 3"])
            .output()
            .unwrap_err();
        let text = error.to_string();
        assert!(text.contains("exit status: 3"), "{text}");
        assert!(text.ends_with("one\ntwo"), "{text}");
    }

    #[test]
    fn success_returns_stdout() {
        assert_eq!(
            Tool::new("sh")
                .args(["-c", "printf hi"])
                .read_stdout()
                .unwrap(),
            "hi"
        );
    }
}
