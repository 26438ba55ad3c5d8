//! Python 3.11's `str.upper()` and `str.lower()`.
//!
//! flytekit upper-cases the parts of an env var name and lower-cases the parts
//! of a file path with Python's own case tables, which are Unicode 14. Rust's
//! tables are newer: a few scripts and letters gained case pairs since. Those
//! code points are listed here and left as they are, so a name maps to the
//! same variable and file as under flytekit. `tests/data/python_casing.tsv`
//! holds Python's answer for every cased code point, and a test compares.
//!
//! A capital sigma lower-cases to a final `ς` depending on its neighbours,
//! which are judged cased or case-ignorable by those same tables; that
//! judgement follows Python's too (`tests/data/python_sigma.tsv`).

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
    // Code point by code point: only a capital sigma depends on its
    // neighbours, and it is decided here with Python's tables (Rust's
    // `str::to_lowercase` would decide it with its own, newer ones).
    let chars: Vec<char> = s.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c == CAPITAL_SIGMA {
            out.push(if is_final_sigma(&chars, i) {
                'ς'
            } else {
                'σ'
            });
        } else if uncased_in_python(c) {
            out.push(c);
        } else {
            out.extend(c.to_lowercase());
        }
    }
}

const CAPITAL_SIGMA: char = 'Σ';

/// Python's `handle_capital_sigma`: final when a cased code point comes
/// before `chars[i]` and none after it, case-ignorable ones skipped on
/// both sides.
fn is_final_sigma(chars: &[char], i: usize) -> bool {
    let not_skipped = |c: &char| sigma_context(*c) != SigmaContext::Ignorable;
    let before = chars[..i].iter().rev().find(|c| not_skipped(c));
    if before.is_none_or(|&c| sigma_context(c) != SigmaContext::Cased) {
        return false;
    }
    let after = chars[i + 1..].iter().find(|c| not_skipped(c));
    after.is_none_or(|&c| sigma_context(c) != SigmaContext::Cased)
}

/// How a code point takes part in the final-sigma rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SigmaContext {
    /// Case-ignorable: skipped when looking for a cased neighbour.
    Ignorable,
    /// Cased, and not case-ignorable.
    Cased,
    /// Neither: ends the look without a cased neighbour.
    Neither,
}

/// Code points whose part in the final-sigma rule differs between Python
/// 3.11 (Unicode 14) and Rust's tables, with Python's answer. Written by
/// comparing Python's table (`tests/data/python_sigma.tsv`) with Rust's
/// behaviour; a test compares every code point.
const SIGMA_CONTEXT_IN_PYTHON: &[(u32, u32, SigmaContext)] = {
    use SigmaContext::{Cased, Ignorable, Neither};
    &[
        (0x0295, 0x0295, Cased),
        (0x0897, 0x0897, Neither),
        (0x0ECE, 0x0ECE, Neither),
        (0x1ACF, 0x1ADD, Neither),
        (0x1AE0, 0x1AEB, Neither),
        (0x1C89, 0x1C8A, Neither),
        (0xA7CB, 0xA7CF, Neither),
        (0xA7D2, 0xA7D2, Neither),
        (0xA7D4, 0xA7D4, Neither),
        (0xA7DA, 0xA7DC, Neither),
        (0xA7F1, 0xA7F1, Neither),
        (0x10D4E, 0x10D4E, Neither),
        (0x10D50, 0x10D65, Neither),
        (0x10D69, 0x10D6D, Neither),
        (0x10D6F, 0x10D85, Neither),
        (0x10EC5, 0x10EC5, Neither),
        (0x10EFA, 0x10EFF, Neither),
        (0x11241, 0x11241, Neither),
        (0x113BB, 0x113C0, Neither),
        (0x113CE, 0x113CE, Neither),
        (0x113D0, 0x113D0, Neither),
        (0x113D2, 0x113D2, Neither),
        (0x113E1, 0x113E2, Neither),
        (0x1171E, 0x1171E, Ignorable),
        (0x11B60, 0x11B60, Neither),
        (0x11B62, 0x11B64, Neither),
        (0x11B66, 0x11B66, Neither),
        (0x11DD9, 0x11DD9, Neither),
        (0x11F00, 0x11F01, Neither),
        (0x11F36, 0x11F3A, Neither),
        (0x11F40, 0x11F40, Neither),
        (0x11F42, 0x11F42, Neither),
        (0x11F5A, 0x11F5A, Neither),
        (0x13439, 0x13440, Neither),
        (0x13447, 0x13455, Neither),
        (0x1611E, 0x16129, Neither),
        (0x1612D, 0x1612F, Neither),
        (0x16D40, 0x16D42, Neither),
        (0x16D6B, 0x16D6C, Neither),
        (0x16EA0, 0x16EB8, Neither),
        (0x16EBB, 0x16ED3, Neither),
        (0x16FF2, 0x16FF3, Neither),
        (0x1DF25, 0x1DF2A, Neither),
        (0x1E030, 0x1E06D, Neither),
        (0x1E08F, 0x1E08F, Neither),
        (0x1E4EB, 0x1E4EF, Neither),
        (0x1E5EE, 0x1E5EF, Neither),
        (0x1E6E3, 0x1E6E3, Neither),
        (0x1E6E6, 0x1E6E6, Neither),
        (0x1E6EE, 0x1E6EF, Neither),
        (0x1E6F5, 0x1E6F5, Neither),
        (0x1E6FF, 0x1E6FF, Neither),
    ]
};

/// Python's [`SigmaContext`] of `c`.
fn sigma_context(c: char) -> SigmaContext {
    let cp = u32::from(c);
    if let Some(&(_, _, context)) = SIGMA_CONTEXT_IN_PYTHON
        .iter()
        .find(|(first, last, _)| (*first..=*last).contains(&cp))
    {
        return context;
    }
    // Rust's Cased and Case_Ignorable properties are not public; its
    // `to_lowercase` applies them to a sigma next to `c`.
    let mut probe = String::with_capacity(8);
    probe.extend(['Α', CAPITAL_SIGMA, c]);
    if probe.to_lowercase().chars().nth(1) == Some('σ') {
        return SigmaContext::Cased;
    }
    probe.clear();
    probe.extend(['Α', c, CAPITAL_SIGMA]);
    if probe.to_lowercase().ends_with('ς') {
        SigmaContext::Ignorable
    } else {
        SigmaContext::Neither
    }
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

    /// The role of every code point in the final-sigma rule, read off
    /// `lower` the way `tests/data/make_python_sigma.py` reads it off
    /// Python's `str.lower()`, against the table Python 3.11 wrote.
    #[test]
    fn final_sigma_context_matches_python_for_every_code_point() {
        let table = include_str!("../tests/data/python_sigma.tsv");
        let mut expected = std::collections::HashMap::new();
        for line in table.lines().filter(|l| !l.starts_with('#')) {
            let fields: Vec<&str> = line.split('\t').collect();
            let first = u32::from_str_radix(fields[0], 16).unwrap();
            let last = u32::from_str_radix(fields[1], 16).unwrap();
            for cp in first..=last {
                expected.insert(cp, fields[2]);
            }
        }
        assert!(expected.len() > 4000, "the Python table looks truncated");
        let mut mismatches = Vec::new();
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let cased = lower(&format!("ΑΣ{c}")).chars().nth(1) == Some('σ');
            let ignorable = !cased && lower(&format!("Α{c}Σ")).ends_with('ς');
            let got = if cased {
                Some("C")
            } else if ignorable {
                Some("I")
            } else {
                None
            };
            if got != expected.get(&u32::from(c)).copied() {
                mismatches.push(format!("{:X}", u32::from(c)));
            }
        }
        assert!(mismatches.is_empty(), "differ from Python: {mismatches:?}");
    }

    #[test]
    fn final_sigma_around_letters_python_knows_differently() {
        // Expected values printed by Python 3.11's str.lower().
        // U+019B is a cased letter for Python, without an upper case.
        assert_eq!(lower("ΑƛΣ"), "αƛς");
        // U+11F00 (Unicode 15) is nothing to Python: it stops the look back.
        assert_eq!(lower("Α\u{11F00}Σ"), "α\u{11F00}σ");
        // U+0295 was a cased letter in Unicode 14.
        assert_eq!(lower("ΑΣ\u{295}"), "ασ\u{295}");
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
