//! `flyte-secrets completions SHELL`.

use std::process::ExitCode;

use clap::CommandFactory;
use clap_complete::Shell;

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
    let mut script = String::from_utf8_lossy(&script).into_owned();
    if args.shell == Shell::Bash {
        script = repair_bash(&script);
    }
    output::stdout_text(&script)?;
    Ok(ExitCode::SUCCESS)
}

/// clap_complete's bash script names a subcommand's state
/// `flyte__secrets__subcmd__get` where it is set but
/// `flyte__subcmd__secrets__subcmd__get` in the `case` that reads it, for a
/// binary name with a `-` (clap-rs/clap#6421), so no option after a
/// subcommand would ever complete. Use the first spelling throughout.
fn repair_bash(script: &str) -> String {
    script.replace("flyte__subcmd__secrets", "flyte__secrets")
}
