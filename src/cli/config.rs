//! `flyte-secrets config`, and the settings block `explain` shares.

use std::fmt::Write as _;
use std::process::ExitCode;

use flyte_secrets::SecretsConfig;
use flyte_secrets::shown::Shown;

use super::Failure;
use super::args::JsonArgs;
use super::output;

pub(crate) fn run(args: &JsonArgs) -> Result<ExitCode, Failure> {
    let config = SecretsConfig::from_env()?;
    if args.json {
        output::stdout_json(&config)?;
    } else {
        output::stdout_text(&settings_text(&config))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The settings, their sources and the config file, for a person.
pub(crate) fn settings_text(config: &SecretsConfig) -> String {
    let mut out = String::new();
    for (name, setting) in config.settings() {
        let value = setting.value().to_string_lossy();
        let _ = writeln!(
            out,
            "{name:<12} {:<24} from {}",
            format!("\"{}\"", Shown(&value)),
            setting.source()
        );
        for note in setting.notes() {
            let _ = writeln!(out, "{:<12} note: {}", "", Shown(note));
        }
    }
    let _ = writeln!(out, "{:<12} {} bytes", "max size", config.max_file_size());
    let report = config.config_file();
    match &report.used {
        Some(used) => {
            let _ = writeln!(
                out,
                "config file  {} (found via {}, read as {})",
                Shown(&used.path.to_string_lossy()),
                used.found_via,
                match used.format {
                    flyte_secrets::config::ConfigFormat::Ini => "INI",
                    flyte_secrets::config::ConfigFormat::Yaml =>
                        "YAML: supplies no secrets settings",
                }
            );
        }
        None => {
            let _ = writeln!(out, "config file  none");
        }
    }
    for passed in &report.passed_over {
        let what = passed.path.as_ref().map_or_else(
            || passed.found_via.to_string(),
            |p| p.to_string_lossy().into_owned(),
        );
        let _ = writeln!(
            out,
            "{:<12} passed over {}: {}",
            "",
            Shown(&what),
            passed.why
        );
    }
    out
}
