//! `flyte-secrets check`.

use std::fmt::Write as _;
use std::process::ExitCode;

use flyte_secrets::shown::Shown;

use super::args::CheckArgs;
use super::{Failure, output, requests};

/// The widest the REQUEST column is padded to: a longer request overflows
/// its column (and a format width past 65,535 would panic).
const MAX_WIDTH: usize = 80;

pub(crate) fn run(args: &CheckArgs) -> Result<ExitCode, Failure> {
    let requests = requests(args.manifest.as_deref(), &args.specs)?;
    let manager = args.lookup.manager()?;
    let report = manager.check(&requests, args.mode.mode());
    let code = report.exit_code();
    if args.json {
        let mut doc = serde_json::to_value(&report).map_err(std::io::Error::from)?;
        doc["exit"] = code.into();
        output::stdout_json(&doc)?;
        return Ok(ExitCode::from(code));
    }
    let width = report
        .results
        .iter()
        .map(|r| r.request.chars().count())
        .max()
        .unwrap_or(0)
        .clamp(7, MAX_WIDTH);
    let mut out = String::new();
    let _ = writeln!(out, "{:<width$}  {:<10}  WHERE / WHY", "REQUEST", "STATUS");
    for r in &report.results {
        let detail = match (&r.found, &r.problem) {
            (Some(origin), None) => origin.to_string(),
            (_, Some(problem)) => problem.clone(),
            (None, None) => String::new(),
        };
        let _ = writeln!(
            out,
            "{:<width$}  {:<10}  {}",
            Shown(&r.request),
            r.status,
            Shown(&detail)
        );
        for hint in &r.hints {
            let _ = writeln!(out, "{:<width$}  {:<10}  hint: {}", "", "", Shown(hint));
        }
    }
    output::stdout_text(&out)?;
    Ok(ExitCode::from(code))
}
