//! What can go wrong when loading repositories and solving.

/// Why a solve did not produce an install set.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SolveError {
    /// A requested name matches no package, capability, path or NEVRA.
    #[error(
        "no package matches `{spec}`: it is not a package name, a capability, a path or a NEVRA in these repositories"
    )]
    NoMatch {
        /// The request as given.
        spec: String,
    },
    /// No install set satisfies every request.
    #[error("the request cannot be satisfied:\n{explanation}")]
    Unsolvable {
        /// resolvo's explanation: the packages and dependencies in conflict.
        explanation: String,
    },
}

/// Why repositories could not be loaded into a pool.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LoadError {
    /// A repository could not be read.
    #[error("repository {location}: {source}")]
    Repository {
        /// Where it was read from.
        location: String,
        /// What failed.
        #[source]
        source: cairn_repo::LoadError,
    },
    /// An `--exclude` pattern is not a valid glob.
    #[error("invalid exclude pattern: {source}")]
    Exclude {
        /// The parser's complaint, naming the pattern.
        #[source]
        source: globset::Error,
    },
}
