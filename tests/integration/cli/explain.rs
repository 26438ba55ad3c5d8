//! `flyte-secrets explain`.

use crate::support::{Scratch, code, stdout};

fn explain(s: &Scratch, args: &[&str]) -> serde_json::Value {
    let mut all = vec!["explain", "--json"];
    all.extend_from_slice(args);
    let out = s.run(&all);
    assert_eq!(code(&out), 0, "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("explain --json prints JSON")
}

#[test]
fn json_has_names_path_found_hints_and_config() {
    let mut s = Scratch::new();
    s.set("_FSEC_DB_PASSWORD", "canary-in-explain");
    let doc = explain(&s, &["db", "password"]);
    assert_eq!(doc["env_vars"], serde_json::json!(["_FSEC_DB_PASSWORD"]));
    assert_eq!(doc["file"], format!("{}/db/password", s.path().display()));
    assert_eq!(doc["found"]["source"], "env_var");
    assert!(doc["hints"].is_array());
    assert_eq!(doc["config"]["env_prefix"]["value"], "_FSEC_");
    assert_eq!(doc["config"]["env_prefix"]["source"]["kind"], "default");
    assert_eq!(doc["config"]["default_dir"]["source"]["kind"], "env_var");
    assert_eq!(
        doc["config"]["default_dir"]["source"]["name"],
        "FLYTE_SECRETS_DEFAULT_DIR"
    );
    assert!(!doc.to_string().contains("canary-in-explain"));
}

#[test]
fn local_mode_lists_both_names_in_order() {
    let s = Scratch::new();
    let doc = explain(&s, &["--local", "g", "k"]);
    assert_eq!(doc["env_vars"], serde_json::json!(["_FSEC_G_K", "G_K"]));
    assert!(doc["found"].is_null());
}

#[test]
fn found_file_and_unreadable_problem() {
    let s = Scratch::new();
    s.file("g/k", "x".repeat(20));
    let doc = explain(&s, &["--max-size", "10", "g", "k"]);
    assert_eq!(doc["found"]["source"], "file");
    assert!(
        doc["problem"].as_str().unwrap().contains("20 bytes"),
        "{doc}"
    );
}

#[test]
fn config_file_source_names_file_and_line() {
    let mut s = Scratch::new();
    let cfg = s.file("my.config", "# c\n[secrets]\nfile_prefix = pre_\n");
    s.set("FLYTECTL_CONFIG", cfg.to_str().unwrap());
    let doc = explain(&s, &["g", "k"]);
    let source = &doc["config"]["file_prefix"]["source"];
    assert_eq!(source["kind"], "config_file");
    assert_eq!(source["path"], cfg.to_str().unwrap());
    assert_eq!(source["line"], 3);
    assert_eq!(doc["file"], format!("{}/g/pre_k", s.path().display()));
}

#[test]
fn human_output_names_the_places() {
    let s = Scratch::new();
    let out = s.run(&["explain", "g", "k"]);
    assert_eq!(code(&out), 0);
    let text = stdout(&out);
    assert!(
        text.contains("_FSEC_G_K") && text.contains("found        nowhere"),
        "{text}"
    );
}
