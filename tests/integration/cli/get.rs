//! `flyte-secrets get`.

use crate::support::{Scratch, code, stderr};

#[test]
fn prints_the_value_exactly_without_a_newline_when_piped() {
    let s = Scratch::new();
    s.file("db/password", "  hunter2 \r\n");
    let out = s.run(&["get", "db", "password"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(out.stdout, b"hunter2");
    assert!(out.stderr.is_empty());
}

#[test]
fn modes_bytes_and_raw() {
    let s = Scratch::new();
    s.file("tls/cert", b"\x0b \xff\x00cert\r\n \x0c");
    let bytes = s.run(&["get", "--bytes", "tls", "cert"]);
    assert_eq!(code(&bytes), 0);
    assert_eq!(bytes.stdout, b"\xff\x00cert");
    let raw = s.run(&["get", "--raw", "tls", "cert"]);
    assert_eq!(code(&raw), 0);
    assert_eq!(raw.stdout, b"\x0b \xff\x00cert\r\n \x0c");
    // Text mode refuses bytes that are not UTF-8: unreadable, exit 3.
    let text = s.run(&["get", "tls", "cert"]);
    assert_eq!(code(&text), 3);
    assert!(stderr(&text).contains("UTF-8"), "{}", stderr(&text));
}

#[test]
fn bytes_and_raw_conflict() {
    let s = Scratch::new();
    let out = s.run(&["get", "--bytes", "--raw", "g", "k"]);
    assert_eq!(code(&out), 2);
}

#[test]
fn key_only_and_group_only_secrets() {
    let mut s = Scratch::new();
    s.set("_FSEC_TOKEN", "t");
    s.file("onlygroup", "g");
    let out = s.run(&["get", "--", "", "token"]);
    assert_eq!((code(&out), out.stdout.as_slice()), (0, &b"t"[..]));
    let out = s.run(&["get", "--", "onlygroup", ""]);
    assert_eq!((code(&out), out.stdout.as_slice()), (0, &b"g"[..]));
}

#[test]
fn empty_request_is_invalid() {
    let s = Scratch::new();
    let out = s.run(&["get", "--", "", ""]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("nothing to look up"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn names_starting_with_a_dash_need_the_separator() {
    let s = Scratch::new();
    s.file("g/-k", "dash");
    let out = s.run(&["get", "--", "g", "-k"]);
    assert_eq!((code(&out), out.stdout.as_slice()), (0, &b"dash"[..]));
}

#[test]
fn not_found_names_every_place_tried_on_one_line() {
    let s = Scratch::new();
    let out = s.run(&["get", "--local", "--group-version", "v1", "g", "k"]);
    assert_eq!(code(&out), 1);
    let err = stderr(&out);
    assert!(
        err.contains("_FSEC_G_V1_K") && err.contains("G_V1_K"),
        "{err}"
    );
    assert!(
        err.contains(&format!("{}/g/v1/k", s.path().display())),
        "{err}"
    );
    assert!(err.lines().count() <= 2, "{err}");
    assert!(out.stdout.is_empty());
}

#[test]
fn json_output_carries_value_and_origin() {
    let mut s = Scratch::new();
    s.set("_FSEC_G_K", " v\"q ");
    let out = s.run(&["get", "--json", "g", "k"]);
    assert_eq!(code(&out), 0);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["value"], "v\"q");
    assert_eq!(doc["found"]["source"], "env_var");
    assert_eq!(doc["found"]["name"], "_FSEC_G_K");
    assert_eq!(doc["secret"], "g/k");
}

#[test]
fn json_output_of_binary_values_is_base64() {
    let s = Scratch::new();
    s.file("g/k", b"\xff\xfe");
    let out = s.run(&["get", "--json", "--bytes", "g", "k"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["value_base64"], "//4=");
    assert_eq!(doc["found"]["source"], "file");
}

#[test]
fn max_size_refuses_larger_files() {
    let s = Scratch::new();
    s.file("g/k", "0123456789");
    let out = s.run(&["get", "--max-size", "9", "g", "k"]);
    assert_eq!(code(&out), 3);
    assert!(stderr(&out).contains("10 bytes"), "{}", stderr(&out));
    let out = s.run(&["get", "--max-size", "10", "g", "k"]);
    assert_eq!((code(&out), out.stdout.as_slice()), (0, &b"0123456789"[..]));
}

#[test]
fn unknown_flags_are_usage_errors() {
    let s = Scratch::new();
    let out = s.run(&["get", "--no-such-flag", "g", "k"]);
    assert_eq!(code(&out), 2);
    let out = s.run(&["get", "g"]);
    assert_eq!(code(&out), 2);
    let out = s.run(&["frobnicate"]);
    assert_eq!(code(&out), 2);
}

#[test]
fn help_and_version_succeed() {
    let s = Scratch::new();
    for args in [&["--help"][..], &["--version"], &["get", "--help"]] {
        let out = s.run(args);
        assert_eq!(code(&out), 0, "{args:?}");
        assert!(!out.stdout.is_empty());
    }
}

#[test]
fn a_bad_config_file_is_exit_2_naming_file_and_line() {
    let mut s = Scratch::new();
    let cfg = s.file("bad.config", "[secrets]\nenv_prefix = A\n[secrets]\n");
    s.set("FLYTECTL_CONFIG", cfg.to_str().unwrap());
    let out = s.run(&["get", "g", "k"]);
    assert_eq!(code(&out), 2);
    let err = stderr(&out);
    assert!(
        err.contains("bad.config") && err.contains("line 3"),
        "{err}"
    );
}
