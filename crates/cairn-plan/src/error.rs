//! Errors of planning as a whole (problems of single components are part of the plan).

/// Planning could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PlanError {
    /// A macro definition of the evaluation settings is invalid.
    #[error("invalid macro definition for spec evaluation: {0}")]
    Macro(#[from] cairn_macro::MacroError),
    /// The project configuration could not be resolved.
    #[error(transparent)]
    Config(#[from] cairn_config::ConfigError),
    /// A component has no rendered-spec directory because the project sets none.
    #[error(
        "the project has no `rendered-specs-dir`; set it under [project] so components can be planned"
    )]
    NoRenderedSpecsDir,
}
