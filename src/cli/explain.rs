//! `flyte-secrets explain`.

use std::process::ExitCode;

use super::Failure;
use super::args::ExplainArgs;
use super::output;

pub(crate) fn run(args: &ExplainArgs) -> Result<ExitCode, Failure> {
    let id = args.secret.id()?;
    let manager = args.secret.lookup.manager()?;
    let explanation = manager.explain(&id);
    if args.json {
        output::stdout_json(&explanation)?;
    } else {
        output::stdout_text(&explanation.to_string())?;
    }
    Ok(ExitCode::SUCCESS)
}
