//! Printing names and paths in messages so that a control character in a
//! name cannot break a one-line error or drive the terminal.

use std::fmt;

/// Displays a name or path with control characters escaped (`\n`, `\u{1b}`)
/// and everything else as it is.
///
/// A tab is the exception: it neither ends a line nor drives a terminal,
/// and flytekit's own message names the variable and path with it, so it
/// is shown as it is.
///
/// ```
/// use flyte_secrets::shown::Shown;
/// assert_eq!(Shown("a\nb\u{1b}[0m").to_string(), "a\\nb\\u{1b}[0m");
/// assert_eq!(Shown("/etc/secrets/ß").to_string(), "/etc/secrets/ß");
/// assert_eq!(Shown("g\tx").to_string(), "g\tx");
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Shown<'a>(pub &'a str);

impl fmt::Display for Shown<'_> {
    /// Honours width and alignment (`{:<20}`), like `str`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.0.contains(escaped) {
            return f.pad(self.0);
        }
        let mut escaped_text = String::with_capacity(self.0.len() + 8);
        for c in self.0.chars() {
            if escaped(c) {
                escaped_text.extend(c.escape_debug());
            } else {
                escaped_text.push(c);
            }
        }
        f.pad(&escaped_text)
    }
}

/// Whether `c` is shown escaped: every control character but the tab.
fn escaped(c: char) -> bool {
    c.is_control() && c != '\t'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn width_and_alignment_apply() {
        assert_eq!(format!("[{:<5}]", Shown("ab")), "[ab   ]");
        assert_eq!(format!("[{:>6}]", Shown("a\rb")), "[  a\\rb]");
        assert_eq!(format!("[{:>4}]", Shown("a\tb")), "[ a\tb]");
    }
}
