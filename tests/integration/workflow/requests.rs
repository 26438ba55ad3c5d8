//! `get` with Flyte's request fields: --env-var and --mount.

use crate::support::{Scratch, code, stderr};

#[test]
fn env_var_holds_the_value_for_env_var_and_any() {
    let mut s = Scratch::new();
    s.set("DB_PASSWORD", " from-declared ");
    s.set("_FSEC_DB_PASSWORD", "from-prefixed");
    for mount in ["env_var", "any"] {
        let out = s.run(&[
            "get",
            "--mount",
            mount,
            "--env-var",
            "DB_PASSWORD",
            "db",
            "password",
        ]);
        assert_eq!(
            (code(&out), out.stdout.as_slice()),
            (0, &b"from-declared"[..]),
            "{mount}"
        );
    }
}

#[test]
fn env_var_holds_the_path_for_file() {
    let mut s = Scratch::new();
    let file = s.file("mounted/db-password", "from-file\n");
    s.set("DB_PASSWORD_PATH", file.to_str().unwrap());
    let out = s.run(&[
        "get",
        "--mount",
        "file",
        "--env-var",
        "DB_PASSWORD_PATH",
        "db",
        "password",
    ]);
    assert_eq!(
        (code(&out), out.stdout.as_slice()),
        (0, &b"from-file"[..]),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_path_outside_the_secrets_directory_is_refused() {
    let mut s = Scratch::new();
    let outside = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(outside.path(), "canary-outside").unwrap();
    s.set("P", outside.path().to_str().unwrap());
    let out = s.run(&["get", "--mount", "file", "--env-var", "P", "g", "k"]);
    assert_eq!(code(&out), 3);
    assert!(stderr(&out).contains("outside"), "{}", stderr(&out));
    assert!(!String::from_utf8_lossy(&out.stdout).contains("canary-outside"));
    s.set("P", &format!("{}/../escape", s.path().display()));
    let out = s.run(&["get", "--mount", "file", "--env-var", "P", "g", "k"]);
    assert_eq!(code(&out), 3);
}

#[test]
fn mount_restricts_where_flytekits_lookup_looks() {
    let mut s = Scratch::new();
    s.file("g/k", "file");
    s.set("_FSEC_E_K", "env");
    let out = s.run(&["get", "--mount", "env_var", "g", "k"]);
    assert_eq!(code(&out), 1);
    let out = s.run(&["get", "--mount", "file", "g", "k"]);
    assert_eq!((code(&out), out.stdout.as_slice()), (0, &b"file"[..]));
    let out = s.run(&["get", "--mount", "file", "e", "k"]);
    assert_eq!(code(&out), 1);
    let out = s.run(&["get", "--mount", "env_var", "e", "k"]);
    assert_eq!((code(&out), out.stdout.as_slice()), (0, &b"env"[..]));
}

#[test]
fn declared_variable_unset_falls_back_and_is_named_first() {
    let s = Scratch::new();
    let out = s.run(&[
        "get",
        "--mount",
        "env_var",
        "--env-var",
        "DB_PW",
        "db",
        "pw",
    ]);
    assert_eq!(code(&out), 1);
    let err = stderr(&out);
    let first = err.find("DB_PW").unwrap();
    assert!(first < err.find("_FSEC_DB_PW").unwrap(), "{err}");
    assert!(err.contains("files not consulted"), "{err}");
}

#[test]
fn env_var_names_must_match_flytes_pattern() {
    let s = Scratch::new();
    for bad in ["lower", "1A", "A-B", "A\n"] {
        let out = s.run(&["get", "--env-var", bad, "g", "k"]);
        assert_eq!(code(&out), 2, "{bad:?}");
        assert!(
            stderr(&out).contains("^[A-Z_][A-Z0-9_]*$"),
            "{}",
            stderr(&out)
        );
    }
}

#[test]
fn completions_print_a_script() {
    let s = Scratch::new();
    for shell in ["bash", "zsh", "fish"] {
        let out = s.run(&["completions", shell]);
        assert_eq!(code(&out), 0, "{shell}");
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("flyte-secrets"),
            "{shell}"
        );
    }
    assert_eq!(code(&s.run(&["completions", "tcsh"])), 2);
}

#[test]
fn every_command_help_has_an_example() {
    let s = Scratch::new();
    for command in [
        "get",
        "explain",
        "config",
        "check",
        "exec",
        "list",
        "completions",
    ] {
        let out = s.run(&[command, "--help"]);
        assert_eq!(code(&out), 0, "{command}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains(&format!("flyte-secrets {command}")),
            "{command}: {text}"
        );
    }
}

#[test]
fn bash_completion_completes_options_after_a_subcommand() {
    let s = Scratch::new();
    let out = s.run(&["completions", "bash"]);
    let script = s.file("completion.bash", &out.stdout);
    let probe = format!(
        "source {}; COMP_WORDS=(flyte-secrets get --group); COMP_CWORD=2; \
         _flyte__secrets flyte-secrets --group get; echo \"${{COMPREPLY[*]}}\"",
        script.display()
    );
    let out = std::process::Command::new("bash")
        .args(["--norc", "-c", &probe])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "--group-version"
    );
}

#[test]
fn an_empty_path_variable_for_file_is_as_if_unset() {
    let mut s = Scratch::new();
    s.file("db/password", "from-standard-path");
    s.set("P", "");
    let out = s.run(&["get", "--mount", "file", "--env-var", "P", "db", "password"]);
    assert_eq!(
        (code(&out), out.stdout.as_slice()),
        (0, &b"from-standard-path"[..]),
        "{}",
        stderr(&out)
    );
}
