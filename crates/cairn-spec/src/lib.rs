//! A lossless model of RPM spec files.
//!
//! [`Spec::parse`] reads any bytes into a [`Spec`] that owns them and lays a tree of spans over
//! them; [`Spec::to_bytes`] gives the input back byte for byte, always. Editing splices text
//! at spans ([`Spec::edit`]), so everything that is not edited stays identical.
//!
//! # Overview
//!
//! - [`Line`]: the spec as a sequence of logical lines covering every byte. A logical line is
//!   one physical line, or several when rpm's reader joins them (an open `%{`/`%(`/`%[`
//!   group, or a backslash-continued `%define`, `%global` or conditional). Each line has a
//!   [`LineKind`]: blank, comment (`#` or `%dnl`), [`SectionHeader`], [`Tag`], conditional
//!   [`Directive`], macro [`Definition`], [`Undefine`], [`Include`], [`MacroCall`] or text.
//! - [`Section`]: the preamble, then one section per header line (`%package` in suffix and
//!   `-n` forms, `%description`, `%prep`, `%conf`, `%build`, `%install`, `%check`, `%files`,
//!   `%changelog`, every scriptlet and trigger, `%generate_buildrequires`, `%patchlist`,
//!   `%sourcelist`...), with the header's options (`-f`, `-l`, `-p`, `-e`) and trigger condition.
//!   [`Spec::package_name`] resolves the package a section belongs to.
//! - [`Conditional`]: the `%if`/`%ifarch`/`%ifnarch`/`%ifos`/`%ifnos`/`%elif`/`%elifarch`/
//!   `%elifos`/`%else`/`%endif` tree, unevaluated. Conditionals and sections overlap freely (an
//!   `%if` around a whole subpackage is common), so each line records both its section and its
//!   innermost [`BranchRef`].
//! - [`Diagnostic`]: what rpm would reject (an `%endif` without `%if`, NUL bytes, an
//!   unclosed macro) or what looks wrong. Parsing never fails on content.
//! - [`Outline`]: a serializable summary (what `cairn spec show` prints).
//!
//! # Design goals
//!
//! - **Lossless.** Lines tile the source; CRLF endings, a missing final newline, NUL bytes and
//!   invalid UTF-8 are kept exactly. Text is `&str` when the source is UTF-8, and replaced
//!   lossily only for display otherwise ([`Spec::text`]); [`Spec::bytes`] is always exact.
//! - **rpm's lexical rules.** Lines are joined, classified and split into sections the way
//!   rpm's `build/parseSpec.c` does on the raw text: section headers start in column 1 and
//!   match case-insensitively; conditionals may be indented; a header inside a multi-line
//!   `%define` body or a `%{lua:}` block is not a section. What macro expansion would produce
//!   (a header inside `%{expand:}`, the value of a branch) is left to the evaluator, which can
//!   classify expanded text by parsing it as a spec.
//! - **Positions everywhere.** Lines, sections, tags, definitions and diagnostics carry a
//!   1-based line and column ([`Position`]); [`Spec::position`] maps any offset.
//! - **Fast.** One pass over the bytes, no regular expressions, no allocation per line
//!   except for section headers and conditionals.

mod check;
mod conditional;
mod diagnostic;
mod edit;
mod error;
mod lex;
mod line;
mod outline;
mod section;
mod span;
mod spec;
mod tag;

pub use conditional::{Branch, BranchRef, Conditional, ConditionalId};
pub use diagnostic::{Diagnostic, DiagnosticKind, Severity};
pub use edit::Edits;
pub use error::{EditError, ParseSpecError, ReadSpecError, StructureError};
pub use line::{
    CommentStyle, Definition, DefinitionScope, Directive, DirectiveKind, Include, LineKind,
    MacroCall, Undefine,
};
pub use outline::{
    Outline, OutlineBranch, OutlineConditional, OutlineDefinition, OutlineInclude, OutlineOption,
    OutlinePackage, OutlineSection, OutlineTag,
};
pub use section::{PackageForm, PackageQualifier, SectionHeader, SectionKind, SectionOption};
pub use span::{Position, Span};
pub use spec::{Line, LineId, LineRange, MAX_SPEC_SIZE, Section, SectionId, Spec};
pub use tag::{Tag, TagKind};
