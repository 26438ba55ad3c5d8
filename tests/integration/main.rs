//! One integration test binary, a module per theme.

mod conformance;
mod support;
