//! `flyte-secrets explain`.

use std::fmt::Write as _;
use std::process::ExitCode;

use flyte_secrets::Explanation;
use flyte_secrets::shown::Shown;

use super::Failure;
use super::args::ExplainArgs;
use super::config::settings_text;
use super::output;

pub(crate) fn run(args: &ExplainArgs) -> Result<ExitCode, Failure> {
    let id = args.secret.id()?;
    let manager = args.secret.lookup.manager()?;
    let explanation = manager.explain(&id);
    if args.json {
        output::stdout_json(&explanation)?;
    } else {
        output::stdout_text(&for_a_person(&explanation))?;
    }
    Ok(ExitCode::SUCCESS)
}

fn for_a_person(e: &Explanation) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "secret       {}", Shown(&e.secret));
    let _ = writeln!(
        out,
        "env vars     {}{}",
        Shown(&e.env_vars.join(", then ")),
        if e.local { " (local mode)" } else { "" }
    );
    let _ = writeln!(out, "file         {}", Shown(&e.file.to_string_lossy()));
    match &e.found {
        Some(origin) => {
            let _ = writeln!(out, "found        in the {origin}");
        }
        None => {
            let _ = writeln!(out, "found        nowhere");
        }
    }
    if let Some(problem) = &e.problem {
        let _ = writeln!(out, "problem      it would not be read: {problem}");
    }
    for hint in &e.hints {
        let _ = writeln!(out, "hint         {}", Shown(hint));
    }
    out.push('\n');
    out.push_str(&settings_text(&e.config));
    out
}
