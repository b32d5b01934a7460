//! Integration tests of cairn-source: real git repositories made with the git CLI, a local HTTP
//! server, and `file://` lookaside directories, all inside temporary directories.

mod dist_git;
mod fixtures;
mod lookaside;
mod project;
