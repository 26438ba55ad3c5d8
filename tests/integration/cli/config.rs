//! `flyte-secrets config`.

use crate::support::{Scratch, code, stdout};

#[test]
fn reports_each_setting_and_why_no_config_file() {
    let mut s = Scratch::new();
    s.set("FLYTE_SECRETS_ENV_PREFIX", "");
    let out = s.run(&["config", "--json"]);
    assert_eq!(code(&out), 0);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["env_prefix"]["value"], "_FSEC_");
    let notes = doc["env_prefix"]["notes"].to_string();
    assert!(notes.contains("set but empty"), "{notes}");
    assert!(doc["config_file"]["used"].is_null());
    let passed = doc["config_file"]["passed_over"].as_array().unwrap();
    assert_eq!(passed.len(), 3, "{passed:?}");
    assert_eq!(passed[0]["found_via"], "working_directory");
    assert_eq!(passed[0]["why"], "does not exist");
}

#[test]
fn names_the_config_file_used_and_how_it_was_found() {
    let s = Scratch::new();
    s.file("home/.flyte/config", "[secrets]\nenv_prefix = H_\n");
    let out = s.run(&["config"]);
    assert_eq!(code(&out), 0);
    let text = stdout(&out);
    assert!(text.contains("\"H_\""), "{text}");
    assert!(text.contains("home/.flyte/config, line 2"), "{text}");
    assert!(text.contains("found via ~/.flyte/config"), "{text}");
}

#[test]
fn yaml_config_is_named_and_supplies_nothing() {
    let mut s = Scratch::new();
    let cfg = s.file("c.yaml", "secrets:\n  env_prefix: Y_\n");
    s.set("FLYTECTL_CONFIG", cfg.to_str().unwrap());
    let out = s.run(&["config", "--json"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["config_file"]["used"]["format"], "yaml");
    assert_eq!(doc["env_prefix"]["value"], "_FSEC_");
}

#[test]
fn without_variables_the_defaults_apply() {
    let mut s = Scratch::new();
    s.unset("FLYTE_SECRETS_DEFAULT_DIR");
    let out = s.run(&["config", "--json"]);
    assert_eq!(code(&out), 0);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["default_dir"]["value"], "/etc/secrets");
    assert_eq!(doc["default_dir"]["source"]["kind"], "default");
    assert_eq!(doc["file_prefix"]["value"], "");
}
