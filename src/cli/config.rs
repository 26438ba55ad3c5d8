//! `flyte-secrets config`.

use std::process::ExitCode;

use flyte_secrets::shown::Shown;
use flyte_secrets::{Environment, SecretsConfig};

use super::Failure;
use super::args::JsonArgs;
use super::output;

pub(crate) fn run(args: &JsonArgs) -> Result<ExitCode, Failure> {
    let config = SecretsConfig::from_env()?;
    let misspelt = SecretsConfig::misspelt_variables(&Environment::process());
    if args.json {
        let mut doc = serde_json::to_value(&config).map_err(std::io::Error::from)?;
        if !misspelt.is_empty() {
            doc["misspelt_variables"] = misspelt.into();
        }
        output::stdout_json(&doc)?;
    } else {
        let mut text = config.to_string();
        for note in &misspelt {
            text.push_str(&format!("{:<12} note: {}\n", "", Shown(note)));
        }
        output::stdout_text(&text)?;
    }
    Ok(ExitCode::SUCCESS)
}
