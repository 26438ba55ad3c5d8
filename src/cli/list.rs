//! `flyte-secrets list`.

use std::fmt::Write as _;
use std::process::ExitCode;

use flyte_secrets::shown::Shown;
use flyte_secrets::{SecretsConfig, SecretsManager};

use super::Failure;
use super::args::JsonArgs;
use super::output;

pub(crate) fn run(args: &JsonArgs) -> Result<ExitCode, Failure> {
    let manager = SecretsManager::new(SecretsConfig::from_env()?);
    let listing = manager.list();
    if args.json {
        output::stdout_json(&listing)?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "env vars with prefix \"{}\"; files under {}",
        Shown(&listing.env_prefix),
        Shown(&listing.dir.to_string_lossy())
    );
    if let Some(problem) = &listing.dir_problem {
        let _ = writeln!(
            out,
            "the secrets directory cannot be listed: {}",
            Shown(problem)
        );
    }
    for secret in &listing.secrets {
        let kind = if secret.source == "file" {
            "file"
        } else {
            "env var"
        };
        let read_by = match (&secret.request, &secret.note) {
            (Some(request), _) => format!("read by {}", Shown(request)),
            (None, Some(note)) => Shown(note).to_string(),
            (None, None) => "not read".to_string(),
        };
        let _ = writeln!(out, "{kind:<8} {:<40} {read_by}", Shown(&secret.name));
    }
    if listing.secrets.is_empty() {
        out.push_str("no secrets visible\n");
    }
    output::stdout_text(&out)?;
    Ok(ExitCode::SUCCESS)
}
