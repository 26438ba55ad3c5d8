//! `flyte-secrets check` and manifests.

use crate::support::{Scratch, code, stderr, stdout};

#[test]
fn all_present_is_exit_0_and_shows_no_value() {
    let mut s = Scratch::new();
    s.file("db/password", "canary-check-file");
    s.set("_FSEC_API_TOKEN", "canary-check-env");
    let out = s.run(&["check", "db/password", "api/token"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("db/password") && text.contains("_FSEC_API_TOKEN"),
        "{text}"
    );
    assert!(!text.contains("canary-check"), "{text}");
}

#[test]
fn every_missing_secret_is_listed_and_exit_is_1() {
    let s = Scratch::new();
    s.file("db/password", "x");
    let out = s.run(&["check", "db/password", "a/one", "b/two@v3", "three"]);
    assert_eq!(code(&out), 1);
    let text = stdout(&out);
    for name in ["_FSEC_A_ONE", "_FSEC_B_V3_TWO", "_FSEC_THREE"] {
        assert!(text.contains(name), "{name} in {text}");
    }
    assert_eq!(text.matches("missing").count(), 3, "{text}");
}

#[test]
fn unreadable_wins_over_missing_with_exit_3() {
    let s = Scratch::new();
    std::fs::create_dir_all(s.join("g/dir")).unwrap();
    let out = s.run(&["check", "--json", "g/dir", "g/missing"]);
    assert_eq!(code(&out), 3);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["exit"], 3);
    assert_eq!(doc["results"][0]["status"], "unreadable");
    assert_eq!(doc["results"][1]["status"], "missing");
}

#[test]
fn manifests_in_yaml_and_json_with_each_mount_requirement() {
    let mut s = Scratch::new();
    s.file("db/password", "pw");
    s.set("_FSEC_API_TOKEN", "tok");
    s.set("DECLARED", "d");
    let yaml = s.file(
        "m.yaml",
        "- group: db\n  key: password\n  mount_requirement: FILE\n\
         - group: api\n  key: token\n  mount_requirement: ENV_VAR\n\
         - key: anything\n  env_var: DECLARED\n",
    );
    let out = s.run(&["check", "--manifest", yaml.to_str().unwrap()]);
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    // The same secrets with the mounts swapped are missing.
    let json = s.file(
        "m.json",
        r#"{"secrets": [{"group": "db", "key": "password", "mount_requirement": "ENV_VAR"},
                        {"group": "api", "key": "token", "mount_requirement": "FILE"}]}"#,
    );
    let out = s.run(&["check", "--json", "--manifest", json.to_str().unwrap()]);
    assert_eq!(code(&out), 1);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["results"][0]["status"], "missing");
    assert_eq!(doc["results"][1]["status"], "missing");
}

#[test]
fn manifest_errors_name_the_file_and_the_entry() {
    let s = Scratch::new();
    let m = s.file("bad.yaml", "- key: a\n- key: b\n  mount: FILE\n");
    let out = s.run(&["check", "--manifest", m.to_str().unwrap()]);
    assert_eq!(code(&out), 2);
    let err = stderr(&out);
    assert!(
        err.contains("bad.yaml") && err.contains("entry 2") && err.contains("mount"),
        "{err}"
    );
    let m = s.file("bad2.yaml", "- key: a\n  mount_requirement: SOMETIMES\n");
    let out = s.run(&["check", "--manifest", m.to_str().unwrap()]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("SOMETIMES"), "{}", stderr(&out));
    let out = s.run(&["check", "--manifest", s.join("nope.yaml").to_str().unwrap()]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("nope.yaml"), "{}", stderr(&out));
}

#[test]
fn bad_specs_are_all_reported_with_exit_2() {
    let s = Scratch::new();
    let out = s.run(&["check", "a/b/c", "g/..", "ok/spec"]);
    assert_eq!(code(&out), 2);
    let err = stderr(&out);
    assert!(err.contains("a/b/c") && err.contains(".."), "{err}");
}

#[test]
fn nothing_to_check_is_a_usage_error() {
    let s = Scratch::new();
    assert_eq!(code(&s.run(&["check"])), 2);
}

#[test]
fn an_empty_manifest_is_an_error_not_a_pass() {
    let s = Scratch::new();
    for (name, content) in [("empty.yaml", ""), ("list.json", "[]")] {
        let m = s.file(name, content);
        let out = s.run(&["check", "--manifest", m.to_str().unwrap()]);
        assert_eq!(code(&out), 2, "{name}");
        assert!(
            stderr(&out).contains("no secret requests"),
            "{}",
            stderr(&out)
        );
    }
}
