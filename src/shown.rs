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
    /// Honours width and alignment (`{:<20}`), like `str`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.0.contains(char::is_control) {
            return f.pad(self.0);
        }
        let mut escaped = String::with_capacity(self.0.len() + 8);
        for c in self.0.chars() {
            if c.is_control() {
                escaped.extend(c.escape_debug());
            } else {
                escaped.push(c);
            }
        }
        f.pad(&escaped)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn width_and_alignment_apply() {
        assert_eq!(format!("[{:<5}]", Shown("ab")), "[ab   ]");
        assert_eq!(format!("[{:>6}]", Shown("a\tb")), "[  a\\tb]");
    }
}
