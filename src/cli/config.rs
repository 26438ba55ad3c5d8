//! `flyte-secrets config`.

use std::process::ExitCode;

use flyte_secrets::SecretsConfig;

use super::Failure;
use super::args::JsonArgs;
use super::output;

pub(crate) fn run(args: &JsonArgs) -> Result<ExitCode, Failure> {
    let config = SecretsConfig::from_env()?;
    if args.json {
        output::stdout_json(&config)?;
    } else {
        output::stdout_text(&config.to_string())?;
    }
    Ok(ExitCode::SUCCESS)
}
