//! Printing names and paths in messages so that a control character in a
//! name cannot break a one-line error or drive the terminal.

use std::fmt;

/// Displays a name or path with control characters escaped (`\n`, `\u{1b}`)
/// and everything else as it is.
///
/// ```
/// use flyte_secrets::shown::Shown;
/// assert_eq!(Shown("a\nb\u{1b}[0m").to_string(), "a\\nb\\u{1b}[0m");
/// assert_eq!(Shown("/etc/secrets/ß").to_string(), "/etc/secrets/ß");
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Shown<'a>(pub &'a str);

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rest = self.0;
        while let Some(at) = rest.find(|c: char| c.is_control()) {
            f.write_str(&rest[..at])?;
            let c = rest[at..].chars().next().unwrap_or_default();
            write!(f, "{}", c.escape_debug())?;
            rest = &rest[at + c.len_utf8()..];
        }
        f.write_str(rest)
    }
}
