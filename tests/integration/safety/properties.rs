//! Properties of naming and stripping, for any Unicode input (proptest), and
//! a sample of Python's own answers (`tests/data/strip/python_sample.json`,
//! written by `make_sample.py` beside it with Python 3.11, partly through
//! flytekit itself).

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt;
use std::path::{Component, Path};

use base64::Engine as _;
use flyte_secrets::casing::{lower, upper};
use flyte_secrets::naming::{env_var_name, join_like_python, relative_file_path};
use flyte_secrets::text::{
    ascii_strip_range, is_python_space, python_strip_range, translate_newlines,
};
use flyte_secrets::{Environment, ErrorKind, ReadMode, SecretId, SecretsConfig, SecretsManager};
use proptest::prelude::*;
use secrecy::ExposeSecret;
use serde_json::Value;

/// Characters that make names and values interesting: every kind of
/// whitespace Python knows, near misses, case oddities, path characters.
const TRICKY: &[char] = &[
    ' ',
    '\t',
    '\n',
    '\r',
    '\u{b}',
    '\u{c}',
    '\u{1c}',
    '\u{1f}',
    '\u{85}',
    '\u{a0}',
    '\u{1680}',
    '\u{2000}',
    '\u{2028}',
    '\u{3000}',
    '\u{200b}',
    '\u{feff}',
    '\u{180e}',
    '\0',
    '.',
    '/',
    '_',
    '-',
    '=',
    'ß',
    'İ',
    'ı',
    'Σ',
    'ς',
    'ǅ',
    'ﬁ',
    'ŉ',
    'a',
    'Z',
    '\u{345}',
    '\u{10ffff}',
];

fn tricky_char() -> impl Strategy<Value = char> {
    prop_oneof![
        3 => prop::sample::select(TRICKY),
        2 => any::<char>(),
        2 => prop::char::range('a', 'z'),
    ]
}

fn tricky_string(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(tricky_char(), 0..max).prop_map(|v| v.into_iter().collect())
}

/// A name that is sometimes exactly `.`, `..` or empty.
fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        1 => prop::sample::select(vec!["", ".", "..", "...", "a/b", "/"]).prop_map(String::from),
        6 => tricky_string(12),
    ]
}

fn is_unsafe(n: &str) -> bool {
    n.contains('/') || n.contains('\0') || n == "." || n == ".."
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// Any three names: refused exactly when one is unsafe or all are
    /// empty; otherwise the file path has one plain component per present
    /// part, lower-cased, with the prefix on the last one only; the env
    /// name is the prefix and the upper-cased parts joined by `_`.
    #[test]
    fn names_build_confined_paths_and_flytekit_env_names(
        group in name(),
        key in name(),
        version in name(),
        prefix in tricky_string(4).prop_map(|p| p.replace(['/', '\0'], "")),
    ) {
        let id = SecretId::from_parts(group.clone(), key.clone(), version.clone());
        let parts: Vec<&str> = [group.as_str(), version.as_str(), key.as_str()]
            .into_iter()
            .filter(|p| !p.is_empty())
            .collect();
        if [&group, &key, &version].iter().any(|n| is_unsafe(n)) || parts.is_empty() {
            prop_assert_eq!(id.unwrap_err().kind(), ErrorKind::InvalidRequest);
            return Ok(());
        }
        let id = id.unwrap();

        let rel = relative_file_path(OsStr::new(&prefix), &id);
        let comps: Vec<Component<'_>> = rel.components().collect();
        prop_assert_eq!(comps.len(), parts.len());
        for (i, (c, part)) in comps.iter().zip(&parts).enumerate() {
            let Component::Normal(c) = c else {
                return Err(TestCaseError::fail(format!("{rel:?}: {c:?} is not a plain name")));
            };
            let want = if i + 1 == parts.len() {
                format!("{prefix}{}", lower(part))
            } else {
                lower(part)
            };
            prop_assert_eq!(c.as_bytes(), want.as_bytes());
        }
        prop_assert!(!rel.as_os_str().as_bytes().contains(&0));
        let base = Path::new("/etc/secrets");
        let full = join_like_python(base, &rel);
        prop_assert!(full.starts_with(base));
        prop_assert_eq!(full.components().count(), 3 + parts.len());

        let env = env_var_name(OsStr::new("_FSEC_"), &id);
        let want: Vec<String> = parts.iter().map(|p| upper(p)).collect();
        prop_assert_eq!(env, OsString::from(format!("_FSEC_{}", want.join("_"))));
        let bare = env_var_name(OsStr::new(""), &id);
        prop_assert!(!bare.as_bytes().iter().any(u8::is_ascii_lowercase));
    }

    /// Python's str.strip() over any bytes: only whitespace is removed, no
    /// whitespace is left at either end, and stripping again changes
    /// nothing.
    #[test]
    fn python_strip_removes_only_and_all_outer_whitespace(
        s in tricky_string(16),
        junk in prop::collection::vec(any::<u8>(), 0..3),
    ) {
        // Mostly text, sometimes with bytes that are not UTF-8.
        let mut b = s.into_bytes();
        b.extend(&junk);
        let r = python_strip_range(&b);
        prop_assert!(r.start <= r.end && r.end <= b.len());
        let kept = &b[r.clone()];
        for outer in [&b[..r.start], &b[r.end..]] {
            let text = std::str::from_utf8(outer);
            prop_assert!(text.is_ok_and(|t| t.chars().all(is_python_space)), "{:?}", outer);
        }
        if let Some(chunk) = kept.utf8_chunks().next() {
            if let Some(c) = chunk.valid().chars().next() {
                prop_assert!(!is_python_space(c));
            }
        }
        if let Some(chunk) = kept.utf8_chunks().last() {
            if chunk.invalid().is_empty() {
                if let Some(c) = chunk.valid().chars().next_back() {
                    prop_assert!(!is_python_space(c));
                }
            }
        }
        let again = python_strip_range(kept);
        prop_assert_eq!(again, 0..kept.len());
    }

    /// Python's bytes.strip(): the same three properties with ASCII
    /// whitespace.
    #[test]
    fn bytes_strip_removes_only_and_all_outer_ascii_whitespace(
        b in prop::collection::vec(
            prop_oneof![prop::sample::select(b" \t\n\r\x0b\x0c\x1c\x85\xa0".to_vec()), any::<u8>()],
            0..16,
        ),
    ) {
        let space = |c: &u8| b" \t\n\r\x0b\x0c".contains(c);
        let r = ascii_strip_range(&b);
        prop_assert!(b[..r.start].iter().all(space) && b[r.end..].iter().all(space));
        let kept = &b[r.clone()];
        prop_assert!(kept.first().is_none_or(|c| !space(c)));
        prop_assert!(kept.last().is_none_or(|c| !space(c)));
        prop_assert_eq!(ascii_strip_range(kept), 0..kept.len());
    }

    /// Universal newlines: no `\r` is left, every other byte is kept in
    /// order, and translating again changes nothing.
    #[test]
    fn newline_translation_leaves_no_carriage_return(
        b in prop::collection::vec(prop::sample::select(b"\r\nab".to_vec()), 0..24),
    ) {
        let mut t = b.clone();
        translate_newlines(&mut t);
        prop_assert!(!t.contains(&b'\r'));
        let letters = |v: &[u8]| v.iter().filter(|c| c.is_ascii_alphabetic()).count();
        prop_assert_eq!(letters(&t), letters(&b));
        let crlf = b.windows(2).filter(|w| w == b"\r\n").count();
        prop_assert_eq!(t.len(), b.len() - crlf);
        let mut again = t.clone();
        translate_newlines(&mut again);
        prop_assert_eq!(again, t);
    }
}

fn b64(v: &Value) -> Option<Vec<u8>> {
    v.as_str()
        .map(|s| base64::engine::general_purpose::STANDARD.decode(s).unwrap())
}

fn sample() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/strip/python_sample.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn stripping_and_casing_match_python_on_the_sample() {
    let doc = sample();
    let cases = doc["cases"].as_array().unwrap();
    assert!(cases.len() >= 180, "the sample looks truncated");
    // The whitespace set the sample was made with is ours.
    let spaces: Vec<u32> = doc["spaces"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap() as u32)
        .collect();
    let ours: Vec<u32> = (0..=0x10ffff)
        .filter_map(char::from_u32)
        .filter(|&c| is_python_space(c))
        .map(u32::from)
        .collect();
    assert_eq!(ours, spaces);
    let mut failures = Vec::new();
    for case in cases {
        let input = b64(&case["input"]).unwrap();
        let got = input[python_strip_range(&input)].to_vec();
        if Some(&got) != b64(&case["str_strip"]).as_ref() {
            failures.push(format!("str.strip {input:?}: got {got:?}"));
        }
        let got = input[ascii_strip_range(&input)].to_vec();
        if Some(&got) != b64(&case["bytes_strip"]).as_ref() {
            failures.push(format!("bytes.strip {input:?}: got {got:?}"));
        }
        let text_file = std::str::from_utf8(&input).ok().map(|_| {
            let mut t = input.clone();
            translate_newlines(&mut t);
            t[python_strip_range(&t)].to_vec()
        });
        if text_file != b64(&case["text_file"]) {
            failures.push(format!("text file {input:?}: got {text_file:?}"));
        }
        if let Ok(text) = std::str::from_utf8(&input) {
            if Some(upper(text).into_bytes()) != b64(&case["upper"]) {
                failures.push(format!("upper {text:?}"));
            }
            if Some(lower(text).into_bytes()) != b64(&case["lower"]) {
                failures.push(format!("lower {text:?}"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} differ from Python:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn values_match_flytekit_on_the_sample() {
    let doc = sample();
    let cases = doc["flytekit"]
        .as_array()
        .expect("the sample includes flytekit's answers");
    assert!(cases.len() >= 30);
    let mut failures = Vec::new();
    for case in cases {
        let input = b64(&case["input"]).unwrap();
        let want = b64(&case["flytekit"]);
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("g")).unwrap();
        let source = case["source"].as_str().unwrap();
        let (env, mode) = match source {
            "env" => (
                Environment::from_vars([(
                    OsString::from("_FSEC_G_K"),
                    OsString::from(OsStr::from_bytes(&input)),
                )]),
                ReadMode::Text,
            ),
            _ => {
                std::fs::write(dir.path().join("g/k"), &input).unwrap();
                let mode = if source == "file_bytes" {
                    ReadMode::Bytes
                } else {
                    ReadMode::Text
                };
                (Environment::from_vars(Vec::<(String, String)>::new()), mode)
            }
        };
        let secrets = SecretsManager::with_environment(
            SecretsConfig::default().with_default_dir(dir.path()),
            env,
        );
        let got = secrets
            .find(&SecretId::new("g", "k").unwrap(), mode)
            .map(|f| f.value().expose_secret().to_vec());
        match (&want, &got) {
            (Some(w), Ok(g)) if w == g => {}
            (None, Err(e)) if e.kind() == ErrorKind::Unreadable => {}
            _ => failures.push(format!(
                "{source} {input:?}: flytekit {want:?}, here {got:?}"
            )),
        }
    }
    assert!(
        failures.is_empty(),
        "{} differ from flytekit:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
