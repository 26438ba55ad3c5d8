//! Python's text rules, byte for byte: which characters `str.isspace()` calls
//! whitespace, `str.strip()` over bytes that may not be UTF-8, `bytes.strip()`,
//! and the universal-newline translation of a file opened in text mode.
//!
//! Everything here works in place on a caller's buffer so that a secret value
//! is never copied into a second allocation that would outlive the read.

/// Whether Python's `str.isspace()` is true for `c`.
///
/// That is Unicode's White_Space set plus U+001C..U+001F, which Python counts
/// (bidirectional class B or S) and Rust's [`char::is_whitespace`] does not.
///
/// ```
/// use flyte_secrets::text::is_python_space;
/// assert!(is_python_space('\u{1f}'));
/// assert!(is_python_space('\u{85}'));
/// assert!(!is_python_space('\u{200b}'));
/// assert!(!is_python_space('\u{feff}'));
/// ```
#[must_use]
pub fn is_python_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// The range of `bytes` that Python's `str.strip()` keeps, reading the bytes
/// as Python reads an environment variable (UTF-8, invalid bytes kept as
/// non-space characters).
///
/// ```
/// use flyte_secrets::text::python_strip_range;
/// assert_eq!(python_strip_range(b" \xe3\x80\x80a b\n"), 4..7);
/// assert_eq!(python_strip_range(b"\xff "), 0..1);
/// ```
#[must_use]
pub fn python_strip_range(bytes: &[u8]) -> std::ops::Range<usize> {
    // Fast path: when both ends are ASCII, only the spaces at the ends need
    // looking at. An ASCII byte is always a character of its own in UTF-8
    // (never part of a longer or invalid sequence), so these are exactly
    // the characters the full decoding below would see there.
    let is_space = |b: u8| matches!(b, b'\t'..=b'\r' | 0x1c..=0x1f | b' ');
    let Some(start) = bytes.iter().position(|&b| !(b.is_ascii() && is_space(b))) else {
        return 0..0;
    };
    if bytes[start].is_ascii() {
        // `start` holds a character that is not a space, so `end` exists.
        let end = bytes
            .iter()
            .rposition(|&b| !(b.is_ascii() && is_space(b)))
            .map_or(start, |i| i + 1);
        if bytes[end - 1].is_ascii() {
            return start..end;
        }
    }
    full_python_strip_range(bytes)
}

/// [`python_strip_range`] by decoding every character.
fn full_python_strip_range(bytes: &[u8]) -> std::ops::Range<usize> {
    let mut start = None;
    let mut end = 0;
    let mut pos = 0;
    for chunk in bytes.utf8_chunks() {
        for (offset, c) in chunk.valid().char_indices() {
            if !is_python_space(c) {
                start.get_or_insert(pos + offset);
                end = pos + offset + c.len_utf8();
            }
        }
        pos += chunk.valid().len();
        if !chunk.invalid().is_empty() {
            start.get_or_insert(pos);
            pos += chunk.invalid().len();
            end = pos;
        }
    }
    match start {
        Some(start) => start..end,
        None => 0..0,
    }
}

/// The range of `bytes` that Python's `bytes.strip()` keeps: ASCII space,
/// `\t`, `\n`, `\r`, `\x0b` and `\x0c` are removed from both ends.
///
/// ```
/// use flyte_secrets::text::ascii_strip_range;
/// assert_eq!(ascii_strip_range(b"\x0b\x0cbin\r\n"), 2..5);
/// assert_eq!(ascii_strip_range(b"\xc2\x85x"), 0..3);
/// ```
#[must_use]
pub fn ascii_strip_range(bytes: &[u8]) -> std::ops::Range<usize> {
    let is_space = |b: &u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c);
    let Some(start) = bytes.iter().position(|b| !is_space(b)) else {
        return 0..0;
    };
    let end = bytes
        .iter()
        .rposition(|b| !is_space(b))
        .map_or(start, |i| i + 1);
    start..end
}

/// Keeps only `range` of `buf`, moving it to the front in place.
///
/// The bytes left behind stay in the allocation until the owner wipes it,
/// which is why callers hold values in zeroizing buffers.
///
/// ```
/// let mut v = b"  abc ".to_vec();
/// flyte_secrets::text::keep_range(&mut v, 2..5);
/// assert_eq!(v, b"abc");
/// ```
pub fn keep_range(buf: &mut Vec<u8>, range: std::ops::Range<usize>) {
    let len = range.len();
    buf.copy_within(range, 0);
    buf.truncate(len);
}

/// Translates `\r\n` and lone `\r` into `\n` in place, as Python's text mode
/// (universal newlines) does when it reads a file.
///
/// ```
/// let mut v = b"a\r\nb\rc\n".to_vec();
/// flyte_secrets::text::translate_newlines(&mut v);
/// assert_eq!(v, b"a\nb\nc\n");
/// ```
pub fn translate_newlines(buf: &mut Vec<u8>) {
    let Some(first) = buf.iter().position(|&b| b == b'\r') else {
        return;
    };
    let mut write = first;
    let mut read = first;
    while read < buf.len() {
        let b = buf[read];
        read += 1;
        if b == b'\r' {
            buf[write] = b'\n';
            if buf.get(read) == Some(&b'\n') {
                read += 1;
            }
        } else {
            buf[write] = b;
        }
        write += 1;
    }
    buf.truncate(write);
}

/// Python's `str.strip()` for a `&str`, used on settings and INI values.
///
/// ```
/// assert_eq!(flyte_secrets::text::python_strip("\u{1e} x \u{3000}"), "x");
/// ```
#[must_use]
pub fn python_strip(s: &str) -> &str {
    s.trim_matches(is_python_space)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every code point for which Python 3.11's `str.isspace()` is true, as
    /// the oracle's interpreter printed them.
    const PYTHON_SPACES: &[u32] = &[
        0x9, 0xa, 0xb, 0xc, 0xd, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0, 0x1680, 0x2000, 0x2001,
        0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029,
        0x202f, 0x205f, 0x3000,
    ];

    #[test]
    fn space_set_matches_python_exactly() {
        let ours: Vec<u32> = (0..=0x10ffff)
            .filter_map(char::from_u32)
            .filter(|&c| is_python_space(c))
            .map(u32::from)
            .collect();
        assert_eq!(ours, PYTHON_SPACES);
    }

    #[test]
    fn strip_keeps_invalid_bytes_as_content() {
        assert_eq!(python_strip_range(b"  \xff\xfe  "), 2..4);
        // A truncated sequence before a valid space: the space is still space.
        assert_eq!(python_strip_range(b"x\xe2\xe2\x80\xa8"), 0..2);
    }

    #[test]
    fn fast_path_agrees_with_full_decoding() {
        let pieces: &[&[u8]] = &[
            b" ",
            b"\t",
            b"\n",
            b"\x0b",
            b"\x0c",
            b"\r",
            b"\x1c",
            b"\x1f",
            b"\x1b",
            b"a",
            b"\xc2\x85",
            b"\xe2\x80\xa8",
            b"\xe2",
            b"\xff",
            b"\x80",
            b"\xc2",
            b"\xe3\x80\x80",
        ];
        // Every sequence of up to four pieces.
        let mut level: Vec<Vec<u8>> = vec![Vec::new()];
        for _ in 0..4 {
            level = level
                .iter()
                .flat_map(|input| {
                    pieces
                        .iter()
                        .map(move |piece| [input.as_slice(), piece].concat())
                })
                .collect();
            for input in &level {
                assert_eq!(
                    python_strip_range(input),
                    full_python_strip_range(input),
                    "{input:?}"
                );
            }
        }
    }

    #[test]
    fn strip_of_only_spaces_is_empty() {
        assert_eq!(python_strip_range(b" \t\n\x1c\xc2\x85"), 0..0);
        assert_eq!(ascii_strip_range(b" \t\n\x0b\x0c\r"), 0..0);
        assert_eq!(python_strip_range(b""), 0..0);
    }

    #[test]
    fn zero_width_and_bom_are_not_space() {
        assert_eq!(python_strip_range("\u{feff}a\u{200b}".as_bytes()), 0..7);
    }

    #[test]
    fn ascii_strip_keeps_unicode_spaces_and_fs() {
        // bytes.strip() does not know U+0085 or \x1c.
        assert_eq!(ascii_strip_range(b"\x1cx\xc2\x85"), 0..4);
    }

    #[test]
    fn newline_translation_handles_runs_and_ends() {
        let mut v = b"\r\r\n\r".to_vec();
        translate_newlines(&mut v);
        assert_eq!(v, b"\n\n\n");
        let mut w = b"no carriage returns".to_vec();
        translate_newlines(&mut w);
        assert_eq!(w, b"no carriage returns");
    }
}
