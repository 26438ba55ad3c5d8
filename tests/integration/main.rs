//! One integration test binary, a module per theme.

mod cli;
mod conformance;
mod safety;
mod support;
mod workflow;
