//! rpm's macro engine and spec evaluation, in Rust.
//!
//! [`MacroContext`] expands text as rpm 4.18's `rpmExpandMacros` does: `%define`/`%global`/
//! `%undefine`, parametric macros with getopt options and `%*`/`%#`/`%1`, `%{?x:...}`/
//! `%{!?x:...}`, `%{expand:}`, `%[...]` expressions, `%(...)` shell output, the string
//! builtins and `%{lua:...}` through an embedded Lua 5.4 with rpm's Lua API. [`MacroSet`]
//! loads macro files (the host rpm's macro path, or a distro's macro files) once; each
//! evaluation clones it.
//!
//! [`spec::evaluate`] runs rpm's spec parse loop (line continuation, `%if`/`%ifarch`/`%elif`,
//! `%include`, sections, preamble tags, `%package`) and returns plain data: the source
//! package (BuildRequires, ExclusiveArch, Source/Patch) and every binary package with its
//! dependencies, as `rpmspec -q` reports them.
//!
//! # Design goals
//!
//! - Same answers as rpm 4.18 (the oracle installed on the project machine); deviations are
//!   listed in the conformance report of `scripts/conformance-query`.
//! - Fast: macro files are parsed once per run, body sections that cannot change the query
//!   result are not expanded (see [`spec`]), Lua starts only for specs that use it.
//! - Bad input never panics or hangs: recursion depth (64, as rpm) and output size are capped.
#![deny(missing_docs)]

mod args;
mod builtins;
mod context;
mod error;
mod expand;
pub mod expression;
mod files;
mod lua;
pub mod spec;
pub mod table;

pub use context::{ContextConfig, MacroContext, Message, ShellCache, ShellPolicy, ShellStatistics};
pub use error::{MacroError, SpecError};
pub use files::{HOST_MACRO_PATH, MacroSet};
