//! Hostile names for group, key and group_version: refused before any
//! system call when they could build a path out of the directory (exit 2),
//! answered (never panicked on) when they are merely odd or too long.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;

use flyte_secrets::{Environment, ErrorKind, SecretId, SecretsConfig, SecretsManager};

use super::{canary, planted, refs, run, spawn_with_deadline};

/// The names that must be refused, in every position.
const UNSAFE: &[&str] = &[
    ".",
    "..",
    "/",
    "//",
    "a/b",
    "/etc/hostname",
    "../../etc/passwd",
    "../",
    "./",
    "g/..",
    "..\\/..",
];

/// Runs `get` and `explain` with `name` as the group, the key and the
/// group version in turn; `get` must exit `want`, `explain` the same for an
/// invalid request and 0 (it explains) for a secret that is not found.
fn in_every_position(name: &str, want: i32) {
    let explained = if want == 1 { 0 } else { want };
    // With `=`, so that a name starting with '-' is the option's value.
    let version = format!("--group-version={name}");
    let (s, canaries) = planted("g", "k");
    // Something a traversal could reach, inside and just outside.
    s.file("g/k", canary("the-real-one"));
    let c = refs(&canaries);
    for args in [
        vec!["get", "--", name, "k"],
        vec!["get", "--", "g", name],
        vec!["get", &version, "--", "g", "k"],
    ] {
        run(&s, &args).answers(want, &c);
    }
    for args in [
        vec!["explain", "--json", "--", name, "k"],
        vec!["explain", "--", "g", name],
        vec!["explain", &version, "--", "g", "k"],
    ] {
        run(&s, &args).answers(explained, &c);
    }
}

#[test]
fn traversal_names_are_invalid_requests_in_every_position() {
    for name in UNSAFE {
        in_every_position(name, 2);
    }
}

#[test]
fn an_empty_request_is_invalid() {
    let (s, canaries) = planted("g", "k");
    let c = refs(&canaries);
    run(&s, &["get", "--", "", ""]).answers(2, &c);
    run(&s, &["get", "--group-version", "", "--", "", ""]).answers(2, &c);
    run(&s, &["explain", "--", "", ""]).answers(2, &c);
}

#[test]
fn the_error_names_which_part_is_unsafe() {
    let (s, _) = planted("g", "k");
    let err = run(&s, &["get", "--group-version", "..", "g", "k"]).stderr_text();
    assert!(err.contains("group_version"), "{err}");
    let err = run(&s, &["get", "g", "a/b"]).stderr_text();
    assert!(err.contains("key") && err.contains("a/b"), "{err}");
}

#[test]
fn names_that_only_look_odd_are_looked_up() {
    // Not found, but asked for: flytekit looks these up too.
    for name in [
        "...",
        ".hidden",
        "a..b",
        "-k",
        " ",
        "a=b",
        "ß",
        "\u{202e}kcah",
        "%",
        "*",
    ] {
        in_every_position(name, 1);
    }
}

#[test]
fn odd_names_that_exist_are_read() {
    let (s, canaries) = planted("g", "k");
    let value = canary("dotted");
    s.file("g/...", &value);
    let r = run(&s, &["get", "g", "..."]);
    r.answers(0, &refs(&canaries));
    assert_eq!(r.stdout, value.as_bytes());
}

#[test]
fn control_characters_are_looked_up_and_printed_escaped() {
    for name in [
        "a\nb",
        "\u{1b}[2J",
        "tab\there",
        "cr\r",
        "\u{7f}",
        "\u{85}x",
        "bell\u{7}",
    ] {
        in_every_position(name, 1);
    }
    let (s, _) = planted("g", "k");
    let err = run(&s, &["get", "g", "\u{1b}]0;owned\u{7}"]).stderr;
    assert!(!err.contains(&0x1b) && !err.contains(&0x07), "{err:?}");
}

#[test]
fn a_file_named_with_control_characters_is_read() {
    let (s, canaries) = planted("g", "k");
    let value = canary("ctl");
    s.file("g/a\nb", &value);
    let r = run(&s, &["get", "g", "a\nb"]);
    r.answers(0, &refs(&canaries));
    assert_eq!(r.stdout, value.as_bytes());
}

#[test]
fn extremely_long_names_are_answered() {
    // 255 bytes is the longest file name; 256 gets ENAMETOOLONG; a 4096+
    // byte path is past PATH_MAX; 100,000 bytes is near the kernel's
    // limit for one argument.
    let (s, canaries) = planted("g", "k");
    let value = canary("long-but-fine");
    let max = "m".repeat(255);
    s.file(&format!("g/{max}"), &value);
    let r = run(&s, &["get", "g", &max]);
    r.answers(0, &refs(&canaries));
    assert_eq!(r.stdout, value.as_bytes());
    for len in [256, 4097, 100_000] {
        let long = "l".repeat(len);
        in_every_position(&long, 1);
    }
    // Three parts of the longest length each: found, and not found.
    let part = "p".repeat(255);
    let (s, canaries) = planted("g", "k");
    let value = canary("three-long-parts");
    s.file(&format!("{part}/{part}/{part}"), &value);
    let version = format!("--group-version={part}");
    let r = run(&s, &["get", &version, &part, &part]);
    r.answers(0, &refs(&canaries));
    assert_eq!(r.stdout, value.as_bytes());
    let other = "q".repeat(255);
    run(&s, &["get", &version, &part, &other]).answers(1, &refs(&canaries));
}

#[test]
fn long_names_next_to_long_neighbours_are_answered_in_time() {
    // A not-found lookup compares the key with the keys of the same group
    // (env vars and files) to suggest a typo; with names of 100,000
    // characters that comparison must not run for seconds.
    let (mut s, mut canaries) = planted("g", "k");
    let key = "k".repeat(100_000);
    let neighbour = format!("_FSEC_G_{}{}", "K".repeat(99_990), "X".repeat(10));
    let value = canary("long-neighbour");
    s.set(&neighbour, &value);
    for i in 0..40 {
        s.file(
            &format!("g/{}{i}", "k".repeat(250)),
            canary("file-neighbour"),
        );
    }
    canaries.push(value);
    let c = refs(&canaries);
    run(&s, &["get", "g", &key]).answers(1, &c);
    run(&s, &["explain", "g", &key]).answers(0, &c);
    run(&s, &["check", &format!("g/{key}")]).answers(1, &c);
    run(&s, &["check", "--json", &format!("g/{key}")]).answers(1, &c);
}

#[test]
fn check_answers_a_request_longer_than_a_format_width() {
    // check aligns its table on the longest request; a request of more
    // than 65,535 characters is past what a format width can hold.
    let (s, canaries) = planted("g", "k");
    let c = refs(&canaries);
    let long = "w".repeat(70_000);
    let r = run(&s, &["check", "g/k", &long]);
    r.answers(1, &c);
    assert!(r.stdout_text().contains(&long), "the request is listed");
}

#[test]
fn hints_survive_names_whose_case_changes_their_length() {
    // Lower-casing changes byte lengths ('ẞ' 3 -> 'ß' 2, 'İ' 2 -> "i̇" 3):
    // a file "ẞİx" lowers to as many bytes as it has, and ends with the
    // lowered key "i̇x", but not at a character boundary of its own name.
    let (s, canaries) = planted("g", "k");
    let value = canary("shifted");
    s.file("g/ẞİx", &value);
    s.file("g/İẞx", canary("shifted-2"));
    let c = refs(&canaries);
    for key in ["İx", "ẞx", "x", "ßx"] {
        run(&s, &["get", "g", key]).answers(1, &c);
        run(&s, &["explain", "g", key]).answers(0, &c);
        run(&s, &["check", &format!("g/{key}")]).answers(1, &c);
    }
}

#[test]
fn a_name_too_long_for_the_file_system_gets_a_hint() {
    let (s, _) = planted("g", "k");
    std::fs::create_dir(s.join("g")).unwrap();
    let r = run(&s, &["get", "g", &"n".repeat(300)]);
    assert_eq!(r.code, Some(1));
    assert!(
        r.stderr_text().contains("longer than"),
        "{}",
        r.stderr_text()
    );
}

#[test]
fn arguments_that_are_not_utf8_are_a_usage_error() {
    let (s, canaries) = planted("g", "k");
    let mut cmd = s.command(&["get", "g"]);
    cmd.arg(OsStr::from_bytes(b"k\xff"));
    let r = spawn_with_deadline(cmd, "non-UTF-8 key");
    r.answers(2, &refs(&canaries));
}

/// Library level: the same rules for the three names, checked when the
/// request is built, before a manager (and so any system call) is
/// involved.
#[test]
fn the_library_refuses_unsafe_names_when_the_request_is_built() {
    let mut unsafe_names: Vec<String> = UNSAFE.iter().map(|s| s.to_string()).collect();
    unsafe_names.extend(["\0".into(), "a\0b".into(), "k\0/".into(), "\0..".into()]);
    for bad in &unsafe_names {
        for (g, k, v) in [
            (bad.as_str(), "k", ""),
            ("g", bad.as_str(), ""),
            ("g", "k", bad.as_str()),
        ] {
            let err = SecretId::from_parts(g.into(), k.into(), v.into()).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{g:?} {k:?} {v:?}");
            assert_eq!(err.kind().exit_code(), 2);
        }
        let err = SecretId::new("g", "k")
            .unwrap()
            .with_group_version(bad.as_str())
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    }
    // get() and get_bytes() validate too, with the same answer.
    let value = canary("lib-traversal");
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("g")).unwrap();
    std::fs::write(dir.path().join("k"), &value).unwrap();
    let secrets = SecretsManager::with_environment(
        SecretsConfig::default().with_default_dir(dir.path().join("g")),
        Environment::from_vars([("_FSEC_G_K", value.as_str())]),
    );
    for bad in &unsafe_names {
        let err = secrets.get("g", bad).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{bad:?}");
        let err = secrets.get_bytes(bad, "k").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{bad:?}");
        assert!(!format!("{err} {err:?}").contains(&value));
    }
}

#[test]
fn the_library_answers_long_and_odd_names_without_panicking() {
    let dir = tempfile::tempdir().unwrap();
    let secrets = SecretsManager::with_environment(
        SecretsConfig::default().with_default_dir(dir.path()),
        Environment::from_vars(Vec::<(String, String)>::new()),
    );
    for name in [
        "x".repeat(256),
        "x".repeat(5000),
        "x".repeat(1 << 20),
        "\u{1b}".into(),
        "\u{fffd}".into(),
        "\u{10ffff}".into(),
        "ǅ".into(),
        "ΣΑΣ".into(),
    ] {
        for portable in [false, true] {
            let mut m = SecretsManager::with_environment(
                secrets.config().clone(),
                secrets.environment().clone(),
            );
            if portable {
                m = m.with_portable_resolution();
            }
            let err = m.get("g", &name).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::NotFound, "{}", name.len());
            let _ = m.explain(&SecretId::new(name.as_str(), "k").unwrap());
        }
    }
}
