//! `flyte-secrets list`.

use crate::support::{Scratch, code, stdout};

#[test]
fn lists_names_with_requests_and_never_values() {
    let mut s = Scratch::new();
    s.set("_FSEC_DB_PASSWORD", "canary-list-env");
    s.set("_FSEC_TOKEN", "canary-list-env2");
    s.set("UNRELATED", "x");
    s.file("db/password", "canary-list-file");
    s.file("g/v1/k", "canary-list-file2");
    s.file("k8s/..2026_01_01/key", "canary-list-k8s");
    s.link("k8s/..data", "..2026_01_01");
    s.link("k8s/key", "..data/key");
    s.file("Upper/Case", "x");
    let out = s.run(&["list", "--json"]);
    assert_eq!(code(&out), 0);
    let text = stdout(&out);
    assert!(!text.contains("canary-list"), "{text}");
    assert!(
        !text.contains("UNRELATED") && !text.contains("..data"),
        "{text}"
    );
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let by_name = |n: &str| {
        doc["secrets"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["name"] == n)
            .unwrap_or_else(|| panic!("{n} not listed: {text}"))
            .clone()
    };
    assert_eq!(by_name("_FSEC_DB_PASSWORD")["request"], "db/password");
    assert_eq!(by_name("_FSEC_TOKEN")["request"], "token");
    assert_eq!(by_name("db/password")["request"], "db/password");
    assert_eq!(by_name("g/v1/k")["request"], "g/k@v1");
    assert_eq!(by_name("k8s/key")["request"], "k8s/key");
    assert!(by_name("Upper/Case")["request"].is_null());
    assert!(
        by_name("Upper/Case")["note"]
            .as_str()
            .unwrap()
            .contains("upper-case")
    );
}

#[test]
fn symlinks_out_of_the_directory_are_marked_not_followed() {
    let s = Scratch::new();
    s.link("g/out", "/etc/hostname");
    let out = s.run(&["list"]);
    assert_eq!(code(&out), 0);
    let text = stdout(&out);
    assert!(text.contains("g/out") && text.contains("outside"), "{text}");
}

#[test]
fn a_missing_directory_is_reported() {
    let mut s = Scratch::new();
    let gone = s.join("gone");
    s.set("FLYTE_SECRETS_DEFAULT_DIR", gone.to_str().unwrap());
    let out = s.run(&["list", "--json"]);
    assert_eq!(code(&out), 0);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(doc["dir_problem"].is_string(), "{doc}");
}

#[test]
fn files_over_the_size_cap_are_marked_not_read() {
    let s = Scratch::new();
    s.file("g/big", vec![b'x'; (1 << 20) + 1]);
    s.file("g/small", "x");
    let out = s.run(&["list", "--json"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let big = doc["secrets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == "g/big")
        .unwrap()
        .clone();
    assert!(big["request"].is_null(), "{big}");
    assert!(big["note"].as_str().unwrap().contains("over the"), "{big}");
    let small = doc["secrets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == "g/small")
        .unwrap()
        .clone();
    assert_eq!(small["request"], "g/small");
}
