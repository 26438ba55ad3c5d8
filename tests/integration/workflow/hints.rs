//! Each near miss is named in the not-found error of `get` and in `explain`.

use crate::support::{Scratch, code, stderr};

/// Runs `get` (must be not found) and `explain --json`; returns both hint
/// texts joined, after checking that the hint names `needle`.
fn hinted(s: &Scratch, args: &[&str], needle: &str) -> String {
    let mut get = vec!["get"];
    get.extend_from_slice(args);
    let out = s.run(&get);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let err = stderr(&out);
    let hint_line = err
        .lines()
        .find(|l| l.starts_with("hint: "))
        .unwrap_or_default();
    assert!(
        hint_line.contains(needle),
        "get's hint should name {needle:?}: {err}"
    );
    let mut explain = vec!["explain", "--json"];
    explain.extend_from_slice(args);
    let out = s.run(&explain);
    assert_eq!(code(&out), 0);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let hints = doc["hints"].to_string();
    assert!(
        hints.contains(needle),
        "explain's hints should name {needle:?}: {hints}"
    );
    format!("{err}\n{hints}")
}

#[test]
fn file_that_differs_only_by_case() {
    let s = Scratch::new();
    s.file("db/HELLO", "canary-case");
    let all = hinted(&s, &["db", "hello"], "db/HELLO");
    assert!(!all.contains("canary-case"));
}

#[test]
fn group_directory_that_differs_only_by_case() {
    let s = Scratch::new();
    s.file("MyGroup/key", "x");
    hinted(&s, &["MyGroup", "key"], "MyGroup");
}

#[test]
fn file_without_the_configured_prefix() {
    let mut s = Scratch::new();
    s.set("FLYTE_SECRETS_FILE_PREFIX", "pre_");
    s.file("g/k", "x");
    let all = hinted(&s, &["g", "k"], "/g/k");
    assert!(all.contains("pre_"), "{all}");
}

#[test]
fn file_with_a_prefix_that_is_not_configured() {
    let s = Scratch::new();
    s.file("g/app_k", "x");
    hinted(&s, &["g", "k"], "g/app_k");
}

#[test]
fn versioned_request_with_only_the_unversioned_file() {
    let s = Scratch::new();
    s.file("g/k", "x");
    hinted(&s, &["--group-version", "v1", "g", "k"], "/g/k");
}

#[test]
fn unversioned_request_with_only_a_versioned_file() {
    let s = Scratch::new();
    s.file("g/v2/k", "x");
    let all = hinted(&s, &["g", "k"], "g/v2/k");
    assert!(all.contains("--group-version v2"), "{all}");
}

#[test]
fn unprefixed_variable_outside_local_mode() {
    let mut s = Scratch::new();
    s.set("G_K", "canary-unprefixed");
    let all = hinted(&s, &["g", "k"], "G_K");
    assert!(
        all.contains("--local") && !all.contains("canary-unprefixed"),
        "{all}"
    );
}

#[test]
fn variable_that_differs_by_dash_or_underscore() {
    let mut s = Scratch::new();
    s.set("_FSEC_MY_GROUP_K", "canary-dash");
    let all = hinted(&s, &["my-group", "k"], "_FSEC_MY_GROUP_K");
    assert!(!all.contains("canary-dash"));
}

#[test]
fn variable_that_differs_by_case() {
    let mut s = Scratch::new();
    s.set("_fsec_g_k", "canary-lower");
    let all = hinted(&s, &["g", "k"], "_fsec_g_k");
    assert!(!all.contains("canary-lower"));
}

#[test]
fn same_group_other_key_suggests_it() {
    let mut s = Scratch::new();
    s.set("_FSEC_DB_PASSWD", "canary-sibling");
    let all = hinted(&s, &["db", "password"], "_FSEC_DB_PASSWD");
    assert!(all.contains("did you mean passwd"), "{all}");
    assert!(!all.contains("canary-sibling"));
}

#[test]
fn similar_file_name_is_suggested() {
    let s = Scratch::new();
    s.file("db/passwd", "x");
    hinted(&s, &["db", "password"], "db/passwd");
}

#[test]
fn secrets_directory_missing() {
    let mut s = Scratch::new();
    let missing = s.join("not-there");
    s.set("FLYTE_SECRETS_DEFAULT_DIR", missing.to_str().unwrap());
    let all = hinted(&s, &["g", "k"], "not-there");
    assert!(all.contains("does not exist"), "{all}");
}

#[test]
fn secrets_directory_empty() {
    let mut s = Scratch::new();
    let empty = s.join("empty");
    std::fs::create_dir(&empty).unwrap();
    s.set("FLYTE_SECRETS_DEFAULT_DIR", empty.to_str().unwrap());
    let all = hinted(&s, &["g", "k"], "empty");
    assert!(all.contains("is empty"), "{all}");
}

#[test]
fn secret_under_the_platform_mount_path() {
    // The hint looks at /etc/flyte/secrets; only run where this test may
    // create it and nothing else uses it.
    let platform = std::path::Path::new("/etc/flyte/secrets");
    if platform.exists() || std::fs::create_dir_all(platform).is_err() {
        eprintln!("skipped: cannot use /etc/flyte/secrets here");
        return;
    }
    let result = std::panic::catch_unwind(|| {
        let file = platform.join("plat-grp/plat-key");
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, "x").unwrap();
        let s = Scratch::new();
        hinted(
            &s,
            &["plat-grp", "plat-key"],
            "/etc/flyte/secrets/plat-grp/plat-key",
        );
    });
    let _ = std::fs::remove_dir_all("/etc/flyte");
    result.unwrap();
}

#[test]
fn hints_are_limited_to_the_mount_requirement() {
    let mut s = Scratch::new();
    s.file("db/HELLO", "x");
    s.set("_fsec_db_hello", "y");
    let out = s.run(&["get", "--mount", "env_var", "db", "hello"]);
    assert_eq!(code(&out), 1);
    let err = stderr(&out);
    assert!(
        err.contains("_fsec_db_hello") && !err.contains("db/HELLO"),
        "{err}"
    );
}

#[test]
fn same_name_behind_another_prefix() {
    let mut s = Scratch::new();
    s.set("FLYTE_SECRETS_ENV_PREFIX", "FSEC_");
    s.set("_FSEC_X_Y", "canary-prefix");
    let all = hinted(&s, &["x", "y"], "_FSEC_X_Y");
    assert!(
        all.contains("FSEC_") && !all.contains("canary-prefix"),
        "{all}"
    );
}

#[test]
fn another_group_version_holds_the_secret() {
    let s = Scratch::new();
    s.file("api/v2/token", "x");
    let all = hinted(
        &s,
        &["--group-version", "v1", "api", "token"],
        "api/v2/token",
    );
    assert!(all.contains("--group-version v2"), "{all}");
}

#[test]
fn secrets_directory_set_to_the_group_directory() {
    let mut s = Scratch::new();
    s.file("db/password", "x");
    let group_dir = s.join("db");
    s.set("FLYTE_SECRETS_DEFAULT_DIR", group_dir.to_str().unwrap());
    hinted(&s, &["db", "password"], "db/password");
}

#[test]
fn key_only_request_whose_underscore_splits_group_and_key() {
    let s = Scratch::new();
    s.file("db/password", "x");
    let all = hinted(&s, &["", "db_password"], "db/password");
    assert!(all.contains("group db"), "{all}");
}

#[test]
fn a_longer_sibling_name_is_suggested() {
    let s = Scratch::new();
    s.file("db/username", "x");
    hinted(&s, &["db", "user"], "db/username");
}

#[test]
fn names_no_request_can_read_are_not_suggested() {
    let s = Scratch::new();
    s.file("db/PASSWORD", "x");
    let out = s.run(&["get", "db", "password2"]);
    assert_eq!(code(&out), 1);
    assert!(!stderr(&out).contains("did you mean"), "{}", stderr(&out));
}

#[test]
fn the_file_is_there_but_the_mount_reads_only_env_vars() {
    let mut s = Scratch::new();
    s.file("db/password", "x");
    s.set("_FSEC_API_TOKEN", "canary-mount");
    let out = s.run(&["get", "--mount", "env_var", "db", "password"]);
    assert_eq!(code(&out), 1);
    assert!(
        stderr(&out).contains("ENV_VAR reads only env vars"),
        "{}",
        stderr(&out)
    );
    let out = s.run(&["get", "--mount", "file", "api", "token"]);
    assert_eq!(code(&out), 1);
    let err = stderr(&out);
    assert!(
        err.contains("_FSEC_API_TOKEN") && err.contains("FILE reads only files"),
        "{err}"
    );
    assert!(!err.contains("canary-mount"));
}

#[test]
fn misspelt_settings_are_named() {
    let mut s = Scratch::new();
    s.set("FLYTE_SECRET_FILE_PREFIX", "p_");
    s.file(
        "home/.flyte/config",
        "[Secrets]\nenv_prefix = A_\n[secrets]\nenv-prefix = B_\nfile_prefix = \"q_\"\n",
    );
    let all = hinted(&s, &["g", "k"], "FLYTE_SECRET_FILE_PREFIX");
    for needle in [
        "FLYTE_SECRETS_FILE_PREFIX",
        "[Secrets]",
        "env-prefix",
        "quotes",
    ] {
        assert!(all.contains(needle), "{needle} in {all}");
    }
    let out = s.run(&["config"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("[Secrets]") && text.contains("env-prefix"),
        "{text}"
    );
    assert!(text.contains("FLYTE_SECRET_FILE_PREFIX"), "{text}");
}
