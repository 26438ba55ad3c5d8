//! The command line: arguments, dispatch, and how errors are printed.

mod args;
mod check;
mod completions;
mod config;
mod exec;
mod explain;
mod get;
mod list;
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
        Command::Check(args) => check::run(&args),
        Command::Exec(args) => exec::run(&args),
        Command::List(args) => list::run(&args),
        Command::Completions(args) => completions::run(&args),
    };
    match outcome {
        Ok(code) => code,
        Err(failure) => failure.report(),
    }
}

/// Why a command failed.
pub(crate) enum Failure {
    /// A library error.
    Lookup(flyte_secrets::Error),
    /// Several problems, all reported, with the status to exit with.
    Many(Vec<flyte_secrets::Error>),
    /// Output that could not be written.
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

/// One error as printed: a line, and a line of hints if any.
pub(crate) fn error_text(e: &flyte_secrets::Error) -> String {
    let mut text = format!("flyte-secrets: {e}\n");
    if !e.hints().is_empty() {
        text.push_str(&format!("hint: {}\n", e.hints().join("; ")));
    }
    text
}

impl Failure {
    /// Prints the error(s) and gives the exit status.
    fn report(self) -> ExitCode {
        match self {
            Failure::Lookup(e) => {
                output::stderr(&error_text(&e));
                ExitCode::from(e.kind().exit_code())
            }
            Failure::Many(errors) => {
                let text: String = errors.iter().map(error_text).collect();
                output::stderr(&text);
                ExitCode::from(worst(&errors))
            }
            Failure::Output(e) => {
                // A reader that stopped early (`| head`) is not worth a
                // message; the status still says the output is incomplete.
                if e.kind() != std::io::ErrorKind::BrokenPipe {
                    output::stderr(&format!("flyte-secrets: cannot write the output: {e}\n"));
                }
                ExitCode::from(2)
            }
        }
    }
}

/// The exit status for several problems: an invalid request (2) first, as
/// nothing was looked up; then unreadable (3); then not found (1).
fn worst(errors: &[flyte_secrets::Error]) -> u8 {
    use flyte_secrets::ErrorKind;
    let has = |k: ErrorKind| errors.iter().any(|e| e.kind() == k);
    if has(ErrorKind::InvalidRequest) || has(ErrorKind::Config) {
        2
    } else if has(ErrorKind::Unreadable) {
        3
    } else {
        1
    }
}

/// The requests named by a manifest and by specs, in that order.
pub(crate) fn requests(
    manifest: Option<&std::path::Path>,
    specs: &[String],
) -> Result<Vec<flyte_secrets::SecretRequest>, Failure> {
    let mut requests = match manifest {
        Some(path) => flyte_secrets::manifest::read(path)?,
        None => Vec::new(),
    };
    let mut problems = Vec::new();
    for spec in specs {
        match spec.parse() {
            Ok(r) => requests.push(r),
            Err(e) => problems.push(e),
        }
    }
    if problems.is_empty() {
        Ok(requests)
    } else {
        Err(Failure::Many(problems))
    }
}
