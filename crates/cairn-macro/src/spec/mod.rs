//! Spec evaluation: rpm 4.18's `parseSpec` reduced to what queries need.
//!
//! The parse loop is rpm's: lines are read with continuation and conditionals
//! ([`reader`]), the preamble and `%package` sections fill packages, section headers
//! (`%description -n x`, `%post -p <lua>`, `%files`) are expanded and parsed. Where rpm expands
//! every line of script bodies, `%files` and `%description`, cairn expands only the lines
//! that can define macros (`%define`, `%global`, `%undefine`, `%{lua:}`, `%{expand:}`,
//! `%{load:}`, `%bcond`), and nothing in `%changelog`: the other lines cannot change a
//! package, a dependency or a Source. `%generate_buildrequires` is not run.
//!
//! A main-package `BuildArch:` makes rpm stop right there and parse the spec again with
//! `_target_cpu` set to that architecture, and the query reports the packages of that pass;
//! cairn does the same for the first architecture compatible with the target.

mod model;
mod preamble;
mod reader;
mod sections;
mod sources;

use std::path::Path;

pub use model::{
    Comparison, Dependency, Package, RichTree, SourceFile, SourcePackage, Spec, source_file_name,
};
pub use sources::{ListedSource, SourceKind};

use crate::context::MacroContext;
use crate::error::SpecError;
use crate::table::level;

/// What to evaluate a spec for.
#[derive(Debug, Clone)]
pub struct EvaluateOptions {
    /// Target architecture (`_target_cpu`).
    pub target_cpu: String,
    /// Target operating system (`_target_os`).
    pub target_os: String,
    /// `_sourcedir` (where Source/Patch files and `%include` sidecars are); rpm's default
    /// when `None`.
    pub source_dir: Option<String>,
}

impl Default for EvaluateOptions {
    fn default() -> Self {
        Self {
            target_cpu: "x86_64".to_owned(),
            target_os: "linux".to_owned(),
            source_dir: None,
        }
    }
}

/// Architectures a build on `target` can produce (rpm's `rpmMachineScore` for build archs,
/// reduced to the common cases).
fn compatible_build_arch(target: &str, arch: &str) -> bool {
    arch == "noarch"
        || arch == target
        || (target == "x86_64" && matches!(arch, "i386" | "i486" | "i586" | "i686" | "athlon"))
}

/// Reads and evaluates the spec at `path` in `context` (which holds the macro files and
/// command-line defines).
pub fn evaluate(
    path: &Path,
    context: &mut MacroContext,
    options: &EvaluateOptions,
) -> Result<Spec, SpecError> {
    let bytes = std::fs::read(path).map_err(|source| SpecError::Read {
        path: path.to_owned(),
        source,
    })?;
    let text = String::from_utf8_lossy(&bytes).into_owned();
    evaluate_text(path, &text, context, options)
}

/// Evaluates spec `text` (read from `path`, used in messages).
pub fn evaluate_text(
    path: &Path,
    text: &str,
    context: &mut MacroContext,
    options: &EvaluateOptions,
) -> Result<Spec, SpecError> {
    context.set_target(&options.target_cpu, &options.target_os);
    if let Some(source_dir) = &options.source_dir {
        context.push("_sourcedir", source_dir, level::CMDLINE);
    }
    context.push("_specfile", &path.to_string_lossy(), level::SPEC);
    let first = sections::parse(
        path,
        text,
        context,
        &options.target_cpu,
        &options.target_os,
        false,
    )?;
    let build_archs = first.source.build_arch.clone();
    if build_archs.is_empty() {
        return Ok(first);
    }
    let Some(arch) = build_archs
        .iter()
        .find(|arch| compatible_build_arch(&options.target_cpu, arch))
    else {
        return Err(SpecError::Spec {
            path: path.to_owned(),
            message: format!(
                "no compatible architectures found for build (BuildArch: {})",
                build_archs.join(" ")
            ),
        });
    };
    context.push("_target_cpu", arch, level::DEFAULT + 4);
    let second = sections::parse(path, text, context, arch, &options.target_os, true);
    context.undefine("_target_cpu");
    // The query reports the second pass; its macros still hold what the first pass defined
    // up to the BuildArch line, as rpm's do.
    let mut second = second?;
    second.source.build_arch = build_archs;
    Ok(second)
}
