//! One integration test binary, a module per theme.

mod conformance;
mod safety;
mod support;
