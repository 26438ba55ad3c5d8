//! Writing to stdout and stderr without buffering copies of values.

use std::io::{self, IsTerminal};

use rustix::io::Errno;

/// Writes `bytes` straight to stdout's descriptor. Nothing passes through
/// std's buffer, so no copy of a value lingers there.
pub(crate) fn stdout_bytes(bytes: &[u8]) -> io::Result<()> {
    let out = io::stdout();
    let mut rest = bytes;
    while !rest.is_empty() {
        match rustix::io::write(&out, rest) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => rest = &rest[n..],
            Err(Errno::INTR) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

/// Whether stdout is a terminal (then a newline ends a printed value).
pub(crate) fn stdout_is_terminal() -> bool {
    io::stdout().is_terminal()
}

/// Writes text that holds no value to stdout.
pub(crate) fn stdout_text(text: &str) -> io::Result<()> {
    stdout_bytes(text.as_bytes())
}

/// Writes `doc` (which holds no value) to stdout as pretty JSON and a newline.
pub(crate) fn stdout_json(doc: &impl serde::Serialize) -> io::Result<()> {
    let mut text = serde_json::to_string_pretty(doc).map_err(io::Error::from)?;
    text.push('\n');
    stdout_text(&text)
}

/// Writes an error report to stderr; there is nowhere to report a failure.
pub(crate) fn stderr(text: &str) {
    let err = io::stderr();
    let mut rest = text.as_bytes();
    while !rest.is_empty() {
        match rustix::io::write(&err, rest) {
            Ok(0) => return,
            Ok(n) => rest = &rest[n..],
            Err(Errno::INTR) => {}
            Err(_) => return,
        }
    }
}
