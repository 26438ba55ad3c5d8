//! The command line: arguments, dispatch, and how errors are printed.

mod args;
mod config;
mod explain;
mod get;
mod output;

use std::process::ExitCode;

use clap::Parser;

pub(crate) use args::{Cli, Command};

/// Parses the arguments, runs the command, and turns errors into the
/// documented exit statuses: 0 success, 1 not found, 2 usage, invalid
/// request or configuration, 3 unreadable.
pub(crate) fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // clap prints help and version to stdout (exit 0) and usage
            // errors to stderr (exit 2).
            let _ = e.print();
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
        }
    };
    let outcome = match cli.command {
        Command::Get(args) => get::run(&args),
        Command::Explain(args) => explain::run(&args),
        Command::Config(args) => config::run(&args),
    };
    match outcome {
        Ok(code) => code,
        Err(failure) => failure.report(),
    }
}

/// Why a command failed: a library error, or output that could not be
/// written.
pub(crate) enum Failure {
    Lookup(flyte_secrets::Error),
    Output(std::io::Error),
}

impl From<flyte_secrets::Error> for Failure {
    fn from(e: flyte_secrets::Error) -> Self {
        Failure::Lookup(e)
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        Failure::Output(e)
    }
}

impl Failure {
    /// Prints the error (one line, plus one line of hints) and gives the
    /// exit status.
    fn report(self) -> ExitCode {
        match self {
            Failure::Lookup(e) => {
                let mut text = format!("flyte-secrets: {e}\n");
                if !e.hints().is_empty() {
                    text.push_str(&format!("hint: {}\n", e.hints().join("; ")));
                }
                output::stderr(&text);
                ExitCode::from(e.kind().exit_code())
            }
            Failure::Output(e) => {
                output::stderr(&format!("flyte-secrets: cannot write the output: {e}\n"));
                ExitCode::from(2)
            }
        }
    }
}
