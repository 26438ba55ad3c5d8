//! flytekit-parity cases: data measured on flytekit 1.16.31 (the oracle), run
//! against both the library and the binary.
//!
//! `tests/data/conformance/*.json` hold the cases; each has the inputs the
//! oracle took and what flytekit answered ("expect"), and optionally "cli"
//! where this project deliberately differs. The expectation rules are the
//! shared conformance runner's.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};

use base64::Engine as _;
use flyte_secrets::{Environment, ErrorKind, ReadMode, SecretId, SecretsConfig, SecretsManager};
use secrecy::ExposeSecret;
use serde_json::Value;

use crate::support::binary;

#[derive(Debug, Clone, PartialEq)]
enum Expect {
    Skip,
    Exit(i32),
    Value(Vec<u8>),
    Explain { method: String, value: String },
    NotFound { mentions: Vec<String> },
}

fn expectation(case: &Value) -> Expect {
    let cli = &case["cli"];
    if cli.get("skip").is_some() {
        return Expect::Skip;
    }
    if let Some(code) = cli.get("exit").and_then(Value::as_i64) {
        return Expect::Exit(code as i32);
    }
    let res = &case["expect"];
    let method = case["call"]["method"].as_str().unwrap_or("get");
    if let Some(ok) = res.get("ok").and_then(Value::as_str) {
        if method == "env_var" || method == "file" {
            return Expect::Explain {
                method: method.into(),
                value: ok.into(),
            };
        }
        return Expect::Value(ok.as_bytes().to_vec());
    }
    if let Some(b64) = res.get("ok_bytes_b64").and_then(Value::as_str) {
        return Expect::Value(
            base64::engine::general_purpose::STANDARD
                .decode(b64)
                .unwrap(),
        );
    }
    let kind = res["error"]["type"].as_str().unwrap();
    let message = res["error"]["message"].as_str().unwrap_or("");
    if kind == "ValueError" && message.contains("Unable to find secret") {
        let tail = message.split("in Env Var:").last().unwrap();
        let (var, path) = tail.split_once(" and FilePath: ").unwrap();
        return Expect::NotFound {
            mentions: vec![var.into(), path.into()],
        };
    }
    match kind {
        "IsADirectoryError" | "UnicodeDecodeError" | "PermissionError" | "NotADirectoryError" => {
            Expect::Exit(3)
        }
        "IndexError"
        | "DuplicateSectionError"
        | "MissingSectionHeaderError"
        | "FlyteAssertion"
        | "ParsingError"
        | "DuplicateOptionError" => Expect::Exit(2),
        _ => Expect::Skip,
    }
}

/// Lays out a case's files, links and config file under `d`; returns the
/// environment the reader gets.
fn lay_out(case: &Value, d: &Path) -> BTreeMap<String, String> {
    let dir = d.to_str().unwrap();
    if let Some(files) = case["files"].as_object() {
        for (rel, content) in files {
            let p = d.join(rel);
            if content.is_null() {
                std::fs::create_dir_all(&p).unwrap();
                continue;
            }
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            let data = match content {
                Value::String(s) => s.as_bytes().to_vec(),
                other => base64::engine::general_purpose::STANDARD
                    .decode(other["b64"].as_str().unwrap())
                    .unwrap(),
            };
            std::fs::write(&p, data).unwrap();
        }
    }
    if let Some(links) = case["links"].as_object() {
        for (rel, target) in links {
            let p = d.join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::os::unix::fs::symlink(target.as_str().unwrap().replace("{dir}", dir), &p).unwrap();
        }
    }
    let mut env = BTreeMap::new();
    env.insert("FLYTE_SECRETS_DEFAULT_DIR".to_string(), dir.to_string());
    env.insert("HOME".to_string(), format!("{dir}/home"));
    std::fs::create_dir_all(d.join("home")).unwrap();
    if let Some(cfg) = case["config_file"].as_object() {
        let p = d.join(cfg["name"].as_str().unwrap());
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        let content = cfg.get("content").and_then(Value::as_str).unwrap_or("");
        std::fs::write(&p, content.replace("{dir}", dir)).unwrap();
        if cfg.get("select").and_then(Value::as_str).unwrap_or("env") == "env" {
            env.insert("FLYTECTL_CONFIG".into(), p.to_str().unwrap().into());
        }
    }
    if let Some(vars) = case["env"].as_object() {
        for (k, v) in vars {
            match v.as_str() {
                None => {
                    env.remove(k);
                }
                Some(v) => {
                    env.insert(k.clone(), v.replace("{dir}", dir));
                }
            }
        }
    }
    env
}

struct Call {
    group: String,
    key: String,
    version: String,
    method: String,
    local: bool,
    bytes: bool,
}

fn call(case: &Value) -> Call {
    let c = &case["call"];
    let s = |k: &str| c[k].as_str().unwrap_or("").to_string();
    Call {
        group: s("group"),
        key: s("key"),
        version: s("group_version"),
        method: c["method"].as_str().unwrap_or("get").into(),
        local: c["mode"].as_str() == Some("local"),
        bytes: c["encode_mode"].as_str() == Some("rb"),
    }
}

/// Runs one case on the binary; returns a failure description.
fn check_binary(case: &Value, want: &Expect, d: &Path) -> Option<String> {
    let env = lay_out(case, d);
    let c = call(case);
    let explain = c.method == "env_var" || c.method == "file";
    let mut args: Vec<String> = vec![if explain { "explain" } else { "get" }.into()];
    if !c.version.is_empty() {
        args.extend(["--group-version".into(), c.version.clone()]);
    }
    if explain {
        args.push("--json".into());
    } else {
        if c.local {
            args.push("--local".into());
        }
        if c.bytes {
            args.push("--bytes".into());
        }
    }
    args.extend(["--".into(), c.group.clone(), c.key.clone()]);
    let out = Command::new(binary())
        .args(&args)
        .env_clear()
        .envs(&env)
        .current_dir(d)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let code = out.status.code().unwrap_or(-1);
    let err = String::from_utf8_lossy(&out.stderr);
    let shown = format!(
        "exit {code}, stdout {:?}, stderr {err:?}",
        String::from_utf8_lossy(&out.stdout)
    );
    let dir = d.to_str().unwrap();
    let want_code = match want {
        Expect::Exit(c) => *c,
        Expect::NotFound { .. } => 1,
        _ => 0,
    };
    if code != want_code {
        return Some(format!("binary: expected exit {want_code}; got {shown}"));
    }
    match want {
        Expect::Value(v) if &out.stdout != v => {
            Some(format!("binary: expected stdout {v:?}; got {shown}"))
        }
        Expect::Explain { method, value } => {
            let Ok(doc) = serde_json::from_slice::<Value>(&out.stdout) else {
                return Some(format!(
                    "binary: explain --json printed no JSON; got {shown}"
                ));
            };
            let got = if method == "env_var" {
                &doc["env_vars"][0]
            } else {
                &doc["file"]
            };
            let want = value.replace("{dir}", dir);
            (got.as_str() != Some(want.as_str()))
                .then(|| format!("binary: expected {method} {want:?}; got {got}"))
        }
        Expect::NotFound { mentions } => mentions
            .iter()
            .map(|m| m.replace("{dir}", dir))
            .find(|m| !err.contains(m.as_str()))
            .map(|m| format!("binary: stderr should name {m:?}; got {shown}")),
        _ => None,
    }
}

/// Runs one case through the library, with an explicit environment and the
/// kernel's `openat2` resolution.
fn check_library(case: &Value, want: &Expect, d: &Path) -> Option<String> {
    library(case, want, d, false)
}

/// The same through the portable, user-space resolution that old kernels get.
fn check_library_portable(case: &Value, want: &Expect, d: &Path) -> Option<String> {
    library(case, want, d, true)
}

fn library(case: &Value, want: &Expect, d: &Path, portable: bool) -> Option<String> {
    let label = if portable {
        "library (portable)"
    } else {
        "library"
    };
    let env = Environment::from_vars(lay_out(case, d)).with_current_dir(d);
    let c = call(case);
    let dir = d.to_str().unwrap();
    let result = SecretsConfig::from_environment(&env).and_then(|config| {
        let mut manager = SecretsManager::with_environment(config, env).with_local_mode(c.local);
        if portable {
            manager = manager.with_portable_resolution();
        }
        let id = SecretId::from_parts(c.group.clone(), c.key.clone(), c.version.clone())?;
        match c.method.as_str() {
            "env_var" => Ok(manager.explain(&id).env_vars[0].clone().into_bytes()),
            "file" => Ok(manager
                .explain(&id)
                .file
                .to_str()
                .unwrap()
                .as_bytes()
                .to_vec()),
            _ => {
                let mode = if c.bytes {
                    ReadMode::Bytes
                } else {
                    ReadMode::Text
                };
                manager
                    .find(&id, mode)
                    .map(|f| f.value().expose_secret().to_vec())
            }
        }
    });
    match (want, result) {
        (Expect::Value(v), Ok(got)) if &got == v => None,
        (Expect::Explain { value, .. }, Ok(got))
            if got == value.replace("{dir}", dir).into_bytes() =>
        {
            None
        }
        (Expect::Exit(code), Err(e)) if i32::from(e.kind().exit_code()) == *code => None,
        (Expect::NotFound { mentions }, Err(e)) if e.kind() == ErrorKind::NotFound => {
            let text = e.to_string();
            mentions
                .iter()
                .map(|m| m.replace("{dir}", dir))
                .find(|m| !text.contains(m.as_str()))
                .map(|m| format!("{label}: error should name {m:?}; got {text}"))
        }
        (want, Ok(got)) => Some(format!(
            "{label}: expected {want:?}; got value {:?}",
            String::from_utf8_lossy(&got)
        )),
        (want, Err(e)) => Some(format!("{label}: expected {want:?}; got error {e}")),
    }
}

/// One way of running a case: returns a failure description.
type Check = fn(&Value, &Expect, &Path) -> Option<String>;

fn run_file(name: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/conformance")
        .join(name);
    let cases: Vec<Value> = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert!(!cases.is_empty());
    let mut failures = Vec::new();
    let mut ran = 0;
    for case in &cases {
        let want = expectation(case);
        if want == Expect::Skip {
            continue;
        }
        ran += 1;
        let name = case["name"].as_str().unwrap_or("?");
        let checks: [Check; 3] = [check_binary, check_library, check_library_portable];
        for check in checks {
            let scratch = tempfile::tempdir().unwrap();
            let d = scratch.path().join("d");
            std::fs::create_dir(&d).unwrap();
            if let Some(problem) = check(case, &want, &d) {
                failures.push(format!("{name}: {problem}"));
            }
        }
    }
    assert!(ran > 0, "no case ran from {name}");
    assert!(
        failures.is_empty(),
        "{} failing:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn flytekit_cases_from_the_shared_suite() {
    run_file("flytekit_cases.json");
}

#[test]
fn extra_cases_measured_on_the_oracle() {
    run_file("extra_cases.json");
}
