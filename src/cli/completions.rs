//! `flyte-secrets completions SHELL`.

use std::process::ExitCode;

use clap::CommandFactory;

use super::Failure;
use super::args::{Cli, CompletionsArgs};
use super::output;

pub(crate) fn run(args: &CompletionsArgs) -> Result<ExitCode, Failure> {
    let mut script = Vec::new();
    clap_complete::generate(
        args.shell,
        &mut Cli::command(),
        "flyte-secrets",
        &mut script,
    );
    output::stdout_bytes(&script)?;
    Ok(ExitCode::SUCCESS)
}
