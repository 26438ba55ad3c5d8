//! Python 3.11's `str.upper()` and `str.lower()`.
//!
//! flytekit upper-cases the parts of an env var name and lower-cases the parts
//! of a file path with Python's own case tables, which are Unicode 14. Rust's
//! tables are newer: a few scripts and letters gained case pairs since. Those
//! code points are listed here and left as they are, so a name maps to the
//! same variable and file as under flytekit. `tests/data/python_casing.tsv`
//! holds Python's answer for every cased code point, and a test compares.

use std::ops::RangeInclusive;

/// Code points whose case mapping Rust knows and Python 3.11 does not
/// (case pairs added in Unicode 15 and 16).
const UNCASED_IN_PYTHON: &[RangeInclusive<u32>] = &[
    0x019B..=0x019B,
    0x0264..=0x0264,
    0x1C89..=0x1C8A,
    0xA7CB..=0xA7CF,
    0xA7D2..=0xA7D5,
    0xA7DA..=0xA7DC,
    0x10D50..=0x10D65,
    0x10D70..=0x10D85,
    0x16EA0..=0x16EB8,
    0x16EBB..=0x16ED3,
];

fn uncased_in_python(c: char) -> bool {
    let c = u32::from(c);
    UNCASED_IN_PYTHON.iter().any(|r| r.contains(&c))
}

/// Appends Python's `s.upper()` to `out`.
///
/// ```
/// let mut out = String::new();
/// flyte_secrets::casing::push_upper(&mut out, "straße-1.a");
/// assert_eq!(out, "STRASSE-1.A");
/// ```
pub fn push_upper(out: &mut String, s: &str) {
    if s.is_ascii() {
        let start = out.len();
        out.push_str(s);
        out[start..].make_ascii_uppercase();
        return;
    }
    for c in s.chars() {
        if uncased_in_python(c) {
            out.push(c);
        } else {
            out.extend(c.to_uppercase());
        }
    }
}

/// Appends Python's `s.lower()` to `out`, including the final-sigma rule.
///
/// ```
/// let mut out = String::new();
/// flyte_secrets::casing::push_lower(&mut out, "ΟΔΟΣ/İ");
/// assert_eq!(out, "οδος/i\u{307}");
/// ```
pub fn push_lower(out: &mut String, s: &str) {
    if s.is_ascii() {
        let start = out.len();
        out.push_str(s);
        out[start..].make_ascii_lowercase();
        return;
    }
    // Lower-case the runs between the code points Python leaves alone, so
    // that the final-sigma context is decided within each run, as Python
    // (for which those code points are neither cased nor case-ignorable)
    // decides it.
    let mut rest = s;
    while let Some(at) = rest.find(uncased_in_python) {
        out.push_str(&rest[..at].to_lowercase());
        let c = rest[at..].chars().next().unwrap_or_default();
        out.push(c);
        rest = &rest[at + c.len_utf8()..];
    }
    out.push_str(&rest.to_lowercase());
}

/// Python's `s.lower()`.
///
/// ```
/// assert_eq!(flyte_secrets::casing::lower("ENV_Prefix"), "env_prefix");
/// ```
#[must_use]
pub fn lower(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_lower(&mut out, s);
    out
}

/// Python's `s.upper()`.
///
/// ```
/// assert_eq!(flyte_secrets::casing::upper("db-main"), "DB-MAIN");
/// ```
#[must_use]
pub fn upper(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_upper(&mut out, s);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> String {
        s.chars()
            .map(|c| format!("{:X}", u32::from(c)))
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Compares every code point with the table Python 3.11 wrote.
    #[test]
    fn single_code_points_match_python() {
        let table = include_str!("../tests/data/python_casing.tsv");
        let mut expected = std::collections::HashMap::new();
        for line in table.lines().filter(|l| !l.starts_with('#')) {
            let mut fields = line.split('\t');
            let cp = u32::from_str_radix(fields.next().unwrap(), 16).unwrap();
            let up = fields.next().unwrap().to_string();
            let low = fields.next().unwrap().to_string();
            expected.insert(cp, (up, low));
        }
        assert!(expected.len() > 2000, "the Python table looks truncated");
        let mut mismatches = Vec::new();
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let s = c.to_string();
            let (want_up, want_low) = expected
                .get(&u32::from(c))
                .cloned()
                .unwrap_or_else(|| (hex(&s), hex(&s)));
            if hex(&upper(&s)) != want_up || hex(&lower(&s)) != want_low {
                mismatches.push(format!("{:X}", u32::from(c)));
            }
        }
        assert!(mismatches.is_empty(), "differ from Python: {mismatches:?}");
    }

    #[test]
    fn final_sigma_follows_python() {
        // Expected values printed by Python 3.11's str.lower().
        assert_eq!(lower("ΑΣ"), "ας");
        assert_eq!(lower("ΣΑ"), "σα");
        assert_eq!(lower("Σ"), "σ");
        // '.' is case-ignorable, so a cased letter after it still follows Σ.
        assert_eq!(lower("ΑΣ.Β"), "ασ.β");
        assert_eq!(lower("ΑΣ-Β"), "ας-β");
        assert_eq!(lower("ΑΣ\u{345}"), "ας\u{345}");
    }

    #[test]
    fn sharp_s_and_ligatures_expand_when_upper_cased() {
        assert_eq!(upper("ß"), "SS");
        assert_eq!(upper("ﬁ"), "FI");
        assert_eq!(upper("ŉ"), "ʼN");
    }
}
