//! `flyte-secrets`: read Flyte runtime secrets from the command line.
//!
//! Parsing and printing only; every decision lives in the library.

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    cli::run()
}
