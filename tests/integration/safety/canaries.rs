//! Leak canaries at library level: on every error path, and for the values
//! that were found, `Display`, `Debug` (plain and pretty), error sources,
//! hints, explanations (and their JSON) and panic messages never contain a
//! canary value. The binary's output is checked by every hostile case and
//! by the `explain`/`config` cases at the end.

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;
use std::panic::{AssertUnwindSafe, catch_unwind};

use flyte_secrets::{
    Environment, Error, ErrorKind, ReadMode, SecretId, SecretsConfig, SecretsManager,
};
use secrecy::ExposeSecret;

use super::{canary, leaks, planted, refs, run};

/// Everything an error can show about itself, in one string.
fn everything_shown(e: &Error) -> String {
    let mut text = format!("{e}\n{e:?}\n{e:#?}\n{:?}\n", e.hints());
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text.push_str(&format!("{s}\n{s:?}\n"));
        source = s.source();
    }
    if let Some(nf) = e.not_found() {
        text.push_str(&format!("{nf:?}\n"));
    }
    if let Some(o) = e.origin() {
        text.push_str(&format!("{o}\n{o:?}\n"));
    }
    if let Some(r) = e.unreadable_reason() {
        text.push_str(&format!("{r}\n{r:?}\n"));
    }
    text
}

#[track_caller]
fn assert_clean(what: &str, text: &str, canaries: &[&str]) {
    for c in canaries {
        assert!(!leaks(text.as_bytes(), c), "{what} shows a canary: {text}");
    }
}

/// The message a panic carried.
fn panic_message(f: impl FnOnce()) -> String {
    let payload = catch_unwind(AssertUnwindSafe(f)).expect_err("it should have panicked");
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}

/// A secrets directory full of canaries, and an environment with more.
struct Setup {
    dir: tempfile::TempDir,
    _outside: tempfile::TempDir,
    canaries: Vec<String>,
    env: Environment,
}

impl Setup {
    fn new() -> Setup {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let d = dir.path();
        let mut canaries = Vec::new();
        let mut plant = |rel: &str, bytes: Vec<u8>, c: String| {
            let p = d.join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, bytes).unwrap();
            canaries.push(c);
        };
        let c = canary("file-ok");
        plant("g/ok", c.clone().into_bytes(), c);
        let c = canary("too-large");
        plant("g/large", c.repeat(40_000).into_bytes(), c);
        let c = canary("not-utf8");
        plant("g/latin1", [c.as_bytes(), b"\xe9\xff"].concat(), c);
        let c = canary("sibling");
        plant("g/sibling", c.clone().into_bytes(), c);
        // Case-different file: a near-miss hint names it.
        let c = canary("upper-file");
        plant("g/Near", c.clone().into_bytes(), c);
        std::fs::create_dir_all(d.join("g/adir")).unwrap();
        rustix::fs::mkfifoat(
            rustix::fs::CWD,
            d.join("g/fifo"),
            rustix::fs::Mode::from_raw_mode(0o600),
        )
        .unwrap();
        let c = canary("outside");
        std::fs::write(outside.path().join("k"), &c).unwrap();
        canaries.push(c);
        std::os::unix::fs::symlink(outside.path().join("k"), d.join("g/escape")).unwrap();

        let env_ok = canary("env-ok");
        let env_bare = canary("env-bare");
        let env_other = canary("env-other");
        let env_bad = canary("env-not-utf8");
        let mut bad = env_bad.clone().into_bytes();
        bad.push(0xff);
        canaries.extend([env_ok.clone(), env_bare.clone(), env_other.clone(), env_bad]);
        let env = Environment::from_vars([
            (OsString::from("_FSEC_E_OK"), OsString::from(env_ok)),
            // Unprefixed: a near miss for g/missing and e/bare.
            (
                OsString::from("G_MISSING"),
                OsString::from(env_bare.clone()),
            ),
            (OsString::from("E_BARE"), OsString::from(env_bare)),
            (OsString::from("_FSEC_OTHER"), OsString::from(env_other)),
            (OsString::from("_FSEC_E_BAD"), OsString::from_vec(bad)),
        ]);
        Setup {
            dir,
            _outside: outside,
            canaries,
            env,
        }
    }

    fn managers(&self) -> Vec<SecretsManager> {
        let config = SecretsConfig::default()
            .with_default_dir(self.dir.path())
            .with_max_file_size(64 * 1024);
        vec![
            SecretsManager::with_environment(config.clone(), self.env.clone()),
            SecretsManager::with_environment(config.clone(), self.env.clone())
                .with_portable_resolution(),
            SecretsManager::with_environment(config, self.env.clone()).with_local_mode(true),
        ]
    }

    fn canaries(&self) -> Vec<&str> {
        self.canaries.iter().map(String::as_str).collect()
    }
}

#[test]
fn no_error_path_shows_a_value() {
    let setup = Setup::new();
    let c = setup.canaries();
    // (group, key, expected kind) for every way a lookup can fail.
    let cases = [
        ("g", "missing", ErrorKind::NotFound),
        ("e", "bare", ErrorKind::NotFound),
        ("g", "near", ErrorKind::NotFound),
        ("g", "large", ErrorKind::Unreadable),
        ("g", "latin1", ErrorKind::Unreadable),
        ("g", "adir", ErrorKind::Unreadable),
        ("g", "fifo", ErrorKind::Unreadable),
        ("g", "escape", ErrorKind::Unreadable),
        ("e", "bad", ErrorKind::Unreadable),
        ("g", "../ok", ErrorKind::InvalidRequest),
        ("", "", ErrorKind::InvalidRequest),
    ];
    for (i, secrets) in setup.managers().iter().enumerate() {
        for (g, k, want) in cases {
            // Local mode finds the unprefixed variables: not an error there.
            if i == 2 && matches!((g, k), ("e", "bare") | ("g", "missing")) {
                continue;
            }
            let err = secrets.get(g, k).unwrap_err();
            assert_eq!(err.kind(), want, "{g}/{k}: {err}");
            assert_clean(&format!("{g}/{k}"), &everything_shown(&err), &c);
            if let Ok(id) = SecretId::new(g, k) {
                for mode in [ReadMode::Text, ReadMode::Bytes, ReadMode::Raw] {
                    if let Err(e) = secrets.find(&id, mode) {
                        assert_clean(&format!("{g}/{k} {mode:?}"), &everything_shown(&e), &c);
                    }
                }
                let explained = secrets.explain(&id);
                assert_clean("explain", &format!("{explained:?}"), &c);
                assert_clean(
                    "explain JSON",
                    &serde_json::to_string(&explained).unwrap(),
                    &c,
                );
            }
        }
    }
}

#[test]
fn found_values_never_print_themselves() {
    let setup = Setup::new();
    for secrets in setup.managers() {
        for (g, k) in [("g", "ok"), ("e", "ok")] {
            let value = secrets.get(g, k).unwrap();
            let bytes = secrets.get_bytes(g, k).unwrap();
            let found = secrets
                .find(&SecretId::new(g, k).unwrap(), ReadMode::Raw)
                .unwrap();
            let exposed = found.value().expose_secret().to_vec();
            assert!(setup.canaries.iter().any(|c| c.as_bytes() == exposed));
            let shown = format!(
                "{value:?} {bytes:?} {found:?} {found:#?} {:?} {secrets:?} {:?}",
                found.origin(),
                secrets.explain(&SecretId::new(g, k).unwrap())
            );
            assert_clean(&format!("{g}/{k}"), &shown, &setup.canaries());
            assert_clean(
                "explain JSON",
                &serde_json::to_string(&secrets.explain(&SecretId::new(g, k).unwrap())).unwrap(),
                &setup.canaries(),
            );
        }
    }
}

#[test]
fn settings_and_environments_show_no_values() {
    let setup = Setup::new();
    let c = setup.canaries();
    assert_clean(
        "Environment",
        &format!("{:?} {:#?}", setup.env, setup.env),
        &c,
    );
    for secrets in setup.managers() {
        let config = secrets.config();
        assert_clean("SecretsConfig", &format!("{config:?}"), &c);
        assert_clean(
            "SecretsConfig JSON",
            &serde_json::to_string(config).unwrap(),
            &c,
        );
        assert_clean("SecretsManager", &format!("{secrets:?} {secrets:#?}"), &c);
    }
    // A config read from an environment full of canaries.
    let config = SecretsConfig::from_environment(&setup.env).unwrap();
    assert_clean("config from env", &format!("{config:?}"), &c);
}

#[test]
fn panics_on_results_never_carry_a_value() {
    let setup = Setup::new();
    let c = setup.canaries();
    for secrets in setup.managers().into_iter().filter(|m| !m.is_local()) {
        // unwrap() of an error: the panic message is the error's Debug.
        for (g, k) in [
            ("g", "large"),
            ("g", "latin1"),
            ("g", "missing"),
            ("e", "bad"),
        ] {
            let msg = panic_message(|| {
                let _ = secrets.get(g, k).unwrap();
            });
            assert!(msg.contains("called `Result::unwrap()`"), "{msg}");
            assert_clean("unwrap panic", &msg, &c);
        }
        // (Bytes mode reads what is not UTF-8.)
        for (g, k) in [("g", "large"), ("g", "missing"), ("g", "escape")] {
            let msg = panic_message(|| {
                let _ = secrets.get_bytes(g, k).expect("reading the secret");
            });
            assert!(msg.starts_with("reading the secret: "), "{msg}");
            assert_clean("expect panic", &msg, &c);
        }
        // unwrap_err() of a value: the panic message is the value's Debug.
        for (g, k) in [("g", "ok"), ("e", "ok")] {
            let msg = panic_message(|| {
                let _ = secrets.get(g, k).unwrap_err();
            });
            assert!(msg.contains("REDACTED"), "{msg}");
            assert_clean("unwrap_err panic", &msg, &c);
            let msg = panic_message(|| {
                let found = secrets
                    .find(&SecretId::new(g, k).unwrap(), ReadMode::Text)
                    .unwrap();
                panic!("{found:?}");
            });
            assert_clean("Found in a panic", &msg, &c);
        }
    }
}

#[test]
fn the_binary_explains_and_configures_without_values() {
    let (mut s, mut canaries) = planted("g", "k");
    let env_value = canary("explained-env");
    let file_value = canary("explained-file");
    s.set("_FSEC_G_K", &env_value);
    s.file("g/k", &file_value);
    s.file("h/k", &file_value);
    canaries.extend([env_value, file_value]);
    let c = refs(&canaries);
    for args in [
        &["explain", "g", "k"][..],
        &["explain", "--json", "g", "k"],
        &["explain", "--json", "h", "k"],
        &["explain", "--local", "h", "k"],
        &["explain", "--json", "g", "missing"],
        &["config"],
        &["config", "--json"],
    ] {
        run(&s, args).answers(0, &c);
    }
    // get prints its own value and nothing else.
    let r = run(&s, &["get", "--json", "h", "k"]);
    r.answers(
        0,
        &c.iter()
            .copied()
            .filter(|x| !x.ends_with("-explained-file"))
            .collect::<Vec<_>>(),
    );
    assert!(r.stdout_text().contains("-explained-file"));
}
