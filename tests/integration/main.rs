//! One integration test binary, a module per theme.

mod cli;
mod conformance;
mod support;
mod workflow;
