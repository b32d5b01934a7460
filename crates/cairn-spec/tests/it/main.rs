//! Integration tests of `cairn-spec`: round trips, outlines, edits, bad input and the corpus.

mod bad_input;
mod common;
mod corpus;
mod edits;
mod generated;
mod model;
mod outline;
