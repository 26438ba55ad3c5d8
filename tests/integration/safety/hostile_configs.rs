//! Hostile config files: a FIFO, a directory, a device, binary garbage, a
//! huge or sparse file, no permission, not UTF-8, an interpolation bomb.
//! Each is a config error naming the file (exit 2), at once: no blocking
//! open, no unbounded read.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use super::{As, canary, planted, refs, run, run_as, spawn_with_deadline, unprivileged_can_use};
use crate::support::{Scratch, binary, mkfifo, path_str};

/// Every command must fail the same way on a bad config file.
const COMMANDS: &[&[&str]] = &[
    &["get", "g", "k"],
    &["get", "--bytes", "g", "k"],
    &["explain", "--json", "g", "k"],
    &["config"],
    &["config", "--json"],
];

/// A scratch whose `g/k` secret exists as an env var and a file, both
/// canaries: a config error must not print either.
fn scratch() -> (Scratch, Vec<String>) {
    let (mut s, mut canaries) = planted("g", "k");
    let env_value = canary("env");
    let file_value = canary("file");
    s.set("_FSEC_G_K", &env_value);
    s.file("g/k", &file_value);
    canaries.extend([env_value, file_value]);
    (s, canaries)
}

/// Points `var` at `path` and expects a config error naming it from every
/// command.
/// The canaries other than `value` (the one a successful `get` prints).
fn others<'a>(canaries: &'a [String], value: &str) -> Vec<&'a str> {
    canaries
        .iter()
        .filter(|c| *c != value)
        .map(String::as_str)
        .collect()
}

/// The env var canary of [`scratch`]: the value `get g k` prints.
fn env_value(canaries: &[String]) -> String {
    canaries[canaries.len() - 2].clone()
}

fn refused_via(s: &mut Scratch, canaries: &[String], var: &str, path: &Path) {
    s.set(var, &path_str(path));
    refused(s, canaries, path);
}

fn refused(s: &Scratch, canaries: &[String], path: &Path) {
    for cmd in COMMANDS {
        let r = run(s, cmd);
        r.answers(2, &refs(canaries));
        let err = r.stderr_text();
        assert!(
            err.contains(&path_str(path)),
            "{cmd:?}: the error names the file: {err}"
        );
    }
}

#[test]
fn a_fifo_as_config_file_is_refused_at_once() {
    for var in ["FLYTECTL_CONFIG", "_FLYTECTL_CONFIG_PYFLYTE_OVERRIDE"] {
        let (mut s, canaries) = scratch();
        let p = s.join("fifo.config");
        mkfifo(&p);
        refused_via(&mut s, &canaries, var, &p);
    }
    // Found by discovery: ./flytekit.config and ~/.flyte/config.
    let (s, canaries) = scratch();
    mkfifo(&s.join("flytekit.config"));
    refused(&s, &canaries, &s.join("flytekit.config"));
    let (s, canaries) = scratch();
    std::fs::create_dir_all(s.join("home/.flyte")).unwrap();
    mkfifo(&s.join("home/.flyte/config"));
    refused(&s, &canaries, &s.join("home/.flyte/config"));
}

#[test]
fn a_fifo_with_a_writer_is_refused_too() {
    let (mut s, canaries) = scratch();
    let p = s.join("fifo.config");
    mkfifo(&p);
    let _writer = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(&p)
        .unwrap();
    refused_via(&mut s, &canaries, "FLYTECTL_CONFIG", &p);
}

#[test]
fn a_directory_as_config_file_is_refused() {
    let (mut s, canaries) = scratch();
    let p = s.join("cfgdir");
    std::fs::create_dir(&p).unwrap();
    refused_via(&mut s, &canaries, "FLYTECTL_CONFIG", &p);
    let (s, canaries) = scratch();
    std::fs::create_dir_all(s.join("home/.flyte/config")).unwrap();
    refused(&s, &canaries, &s.join("home/.flyte/config"));
    // A YAML name does not change that: it is still read as text first.
    let (mut s, canaries) = scratch();
    let p = s.join("config.yaml");
    std::fs::create_dir(&p).unwrap();
    refused_via(&mut s, &canaries, "FLYTECTL_CONFIG", &p);
}

#[test]
fn devices_and_sockets_as_config_files_are_refused() {
    for dev in ["/dev/zero", "/dev/null", "/dev/urandom"] {
        let (mut s, canaries) = scratch();
        refused_via(&mut s, &canaries, "FLYTECTL_CONFIG", Path::new(dev));
        // Behind a symlink.
        let (mut s, canaries) = scratch();
        let link = s.link("zero.config", dev);
        refused_via(&mut s, &canaries, "FLYTECTL_CONFIG", &link);
    }
    let (mut s, canaries) = scratch();
    let p = s.join("sock.config");
    let _l = std::os::unix::net::UnixListener::bind(&p).unwrap();
    refused_via(&mut s, &canaries, "FLYTECTL_CONFIG", &p);
}

/// A seeded generator (xorshift), so that "garbage" is the same each run.
fn garbage(len: usize, mut seed: u64) -> Vec<u8> {
    (0..len)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed >> 24) as u8
        })
        .collect()
}

#[test]
fn binary_garbage_is_refused() {
    for seed in [1, 2, 3, 0x5eed] {
        let (mut s, canaries) = scratch();
        let p = s.file("garbage.config", garbage(4096, seed));
        refused_via(&mut s, &canaries, "FLYTECTL_CONFIG", &p);
    }
    // Garbage that happens to be UTF-8 (but has no section header), and
    // NUL bytes.
    let (mut s, canaries) = scratch();
    let p = s.file("nul.config", b"\0\0\0\0[secrets]\0\n");
    refused_via(&mut s, &canaries, "FLYTECTL_CONFIG", &p);
    let (mut s, canaries) = scratch();
    let p = s.file("utf8.config", "ꙮ".repeat(5000));
    refused_via(&mut s, &canaries, "FLYTECTL_CONFIG", &p);
}

#[test]
fn a_config_file_that_is_not_utf8_is_refused_with_its_line() {
    let (mut s, canaries) = scratch();
    let p = s.file(
        "latin1.config",
        b"[secrets]\nenv_prefix = A_\nfile_prefix = caf\xe9\n",
    );
    refused_via(&mut s, &canaries, "FLYTECTL_CONFIG", &p);
    let err = run(&s, &["get", "g", "k"]).stderr_text();
    assert!(err.contains("line 3"), "{err}");
}

#[test]
fn huge_config_files_are_refused_without_reading_them() {
    // Sparse 2 GiB; and a real file just over the 1 MiB config cap.
    let (mut s, canaries) = scratch();
    let p = s.file("huge.config", "[secrets]\n");
    std::fs::OpenOptions::new()
        .write(true)
        .open(&p)
        .unwrap()
        .set_len(2 << 30)
        .unwrap();
    refused_via(&mut s, &canaries, "FLYTECTL_CONFIG", &p);
    let (mut s, canaries) = scratch();
    let mut text = b"[secrets]\n".to_vec();
    text.resize((1 << 20) + 1, b'\n');
    let p = s.file("big.config", text);
    refused_via(&mut s, &canaries, "FLYTECTL_CONFIG", &p);
    // Just under the cap is read (and is valid INI).
    let (mut s, canaries) = scratch();
    let mut text = b"[secrets]\n".to_vec();
    text.resize(1 << 20, b'\n');
    let p = s.file("fine.config", text);
    s.set("FLYTECTL_CONFIG", &path_str(&p));
    let r = run(&s, &["get", "g", "k"]);
    r.answers(0, &others(&canaries, &env_value(&canaries)));
    assert_eq!(r.stdout, env_value(&canaries).as_bytes());
}

#[test]
fn a_very_long_line_and_many_sections_are_answered() {
    let (mut s, canaries) = scratch();
    let mut text = String::from("[secrets]\nfile_prefix = ");
    text.push_str(&"x".repeat(900_000));
    text.push('\n');
    let p = s.file("long-line.config", text);
    s.set("FLYTECTL_CONFIG", &path_str(&p));
    // The env var wins: the config only had to be parsed.
    let r = run(&s, &["get", "g", "k"]);
    r.answers(0, &others(&canaries, &env_value(&canaries)));
    let (mut s, canaries) = scratch();
    let text: String = (0..60_000).map(|i| format!("[s{i}]\n")).collect();
    let p = s.file("sections.config", text);
    s.set("FLYTECTL_CONFIG", &path_str(&p));
    run(&s, &["config"]).answers(0, &refs(&canaries));
}

#[test]
fn an_interpolation_bomb_is_refused_at_once() {
    // a: 60,000 references to b; b: 60,000 references to c: 28 GB.
    let n = 60_000;
    for innermost in ["xxxxxxxx", ""] {
        let (mut s, canaries) = scratch();
        let text = format!(
            "[secrets]\nenv_prefix = {}\nb = {}\nc = {innermost}\n",
            "%(b)s".repeat(n),
            "%(c)s".repeat(n)
        );
        let p = s.file("bomb.config", text);
        refused_via(&mut s, &canaries, "FLYTECTL_CONFIG", &p);
        let err = run(&s, &["get", "g", "k"]).stderr_text();
        assert!(err.contains("line 2"), "{err}");
    }
}

#[test]
fn a_config_file_without_permission_is_refused() {
    let (mut s, canaries) = scratch();
    if !unprivileged_can_use(s.path()) {
        return;
    }
    let p = s.file("secret.config", "[secrets]\nenv_prefix = X_\n");
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o000)).unwrap();
    s.set("FLYTECTL_CONFIG", &path_str(&p));
    for cmd in COMMANDS {
        let r = run_as(&s, As::Unprivileged, cmd);
        r.answers(2, &refs(&canaries));
        assert!(
            r.stderr_text().contains(&path_str(&p)),
            "{}",
            r.stderr_text()
        );
    }
    // Found by discovery in a directory that cannot be searched: flytekit
    // would crash on Path.exists(); here a config error.
    let (s, canaries) = scratch();
    if !unprivileged_can_use(s.path()) {
        return;
    }
    std::fs::create_dir_all(s.join("home/.flyte")).unwrap();
    std::fs::set_permissions(s.join("home"), std::fs::Permissions::from_mode(0o700)).unwrap();
    let r = run_as(&s, As::Unprivileged, &["get", "g", "k"]);
    r.answers(2, &refs(&canaries));
    assert!(r.stderr_text().contains("home"), "{}", r.stderr_text());
}

#[test]
fn a_config_path_too_long_or_looping_is_answered() {
    // Too long: Path.exists() raises in flytekit; a config error here.
    let (mut s, canaries) = scratch();
    let long = PathBuf::from(format!("/{}", "c".repeat(5000)));
    s.set("FLYTECTL_CONFIG", &path_str(&long));
    run(&s, &["get", "g", "k"]).answers(2, &refs(&canaries));
    // A symlink loop does not exist for Path.exists(): skipped, and the
    // env var is read.
    let (mut s, canaries) = scratch();
    let l = s.link("loop.config", "loop.config");
    s.set("FLYTECTL_CONFIG", &path_str(&l));
    let r = run(&s, &["get", "g", "k"]);
    r.answers(0, &others(&canaries, &env_value(&canaries)));
    assert_eq!(r.stdout, env_value(&canaries).as_bytes());
}

#[test]
fn a_nul_in_a_path_setting_is_not_found_as_in_flytekit() {
    // os.path.exists() is False for a path with a NUL in it.
    let (mut s, canaries) = scratch();
    s.unset("_FSEC_G_K");
    s.unset("FLYTE_SECRETS_DEFAULT_DIR");
    let dir = path_str(s.path());
    let p = s.file(
        "nul.config",
        format!("[secrets]\ndefault_dir = {dir}\nfile_prefix = a\0b\n"),
    );
    s.set("FLYTECTL_CONFIG", &path_str(&p));
    run(&s, &["get", "g", "k"]).answers(1, &refs(&canaries));
    let p = s.file(
        "nul2.config",
        format!("[secrets]\ndefault_dir = {dir}\0x\n"),
    );
    s.set("FLYTECTL_CONFIG", &path_str(&p));
    run(&s, &["get", "g", "k"]).answers(1, &refs(&canaries));
}

#[test]
fn a_config_file_swapped_for_a_fifo_cannot_block() {
    // Discovery sees a regular file; then it becomes a FIFO before the
    // read. The open is non-blocking, so either answer comes at once.
    let (mut s, canaries) = scratch();
    let p = s.file("swap.config", "[secrets]\n");
    s.set("FLYTECTL_CONFIG", &path_str(&p));
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let swapper = {
        let stop = stop.clone();
        let dir = s.path().to_path_buf();
        std::thread::spawn(move || {
            let mut i = 0u64;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let tmp = dir.join(format!("swap.tmp{i}"));
                if i % 2 == 0 {
                    mkfifo(&tmp);
                } else {
                    std::fs::write(&tmp, "[secrets]\n").unwrap();
                }
                std::fs::rename(&tmp, dir.join("swap.config")).unwrap();
                i += 1;
            }
        })
    };
    let others = others(&canaries, &env_value(&canaries));
    for _ in 0..20 {
        let mut cmd = std::process::Command::new(binary());
        cmd.args(["get", "g", "k"])
            .env_clear()
            .envs(&s.env)
            .current_dir(s.path())
            .stdin(std::process::Stdio::null());
        let r = spawn_with_deadline(cmd, "swapping config");
        let code = r.code.expect("not killed");
        assert!(code == 0 || code == 2, "{r:?}");
        r.answers(code, &others);
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    swapper.join().unwrap();
}

#[test]
fn an_absolute_file_prefix_is_followed_only_inside_the_directory() {
    // os.path.join drops the directory before an absolute last part:
    // flytekit reads <prefix><key> wherever it is. Here: refused outside
    // (3) when it exists, not found (1) when it does not, read inside.
    let (outside, out_value) = {
        let d = tempfile::tempdir().unwrap();
        let v = canary("outside-by-prefix");
        std::fs::write(d.path().join("k"), &v).unwrap();
        (d, v)
    };
    let (mut s, mut canaries) = planted("g", "k");
    canaries.push(out_value);
    let prefix = format!("{}/", path_str(outside.path()));
    s.set("FLYTE_SECRETS_FILE_PREFIX", &prefix);
    for args in [
        &["get", "g", "k"][..],
        &["get", "--", "", "k"],
        &["get", "--bytes", "g", "k"],
    ] {
        let r = run(&s, args);
        r.answers(3, &refs(&canaries));
        // The path named is the one flytekit would read.
        assert!(
            r.stderr_text().contains(&format!("{prefix}k")),
            "{}",
            r.stderr_text()
        );
    }
    run(&s, &["get", "g", "missing"]).answers(1, &refs(&canaries));
    let r = run(&s, &["explain", "--json", "g", "k"]);
    r.answers(0, &refs(&canaries));
    let doc: serde_json::Value = serde_json::from_slice(&r.stdout).unwrap();
    assert_eq!(doc["file"], format!("{prefix}k"));
    // Pointing inside the directory: read, as flytekit would.
    let inside = canary("inside-by-prefix");
    s.file("in/k", &inside);
    s.set(
        "FLYTE_SECRETS_FILE_PREFIX",
        &format!("{}/in/", path_str(s.path())),
    );
    let r = run(&s, &["get", "g", "k"]);
    r.answers(0, &refs(&canaries));
    assert_eq!(r.stdout, inside.as_bytes());
    // Through '..' out of it again: refused or not found, never read.
    s.set(
        "FLYTE_SECRETS_FILE_PREFIX",
        &format!("{}/in/../../", path_str(s.path())),
    );
    let r = run(&s, &["get", "g", "k"]);
    assert!(matches!(r.code, Some(1 | 3)), "{r:?}");
    r.answers(r.code.unwrap(), &refs(&canaries));
}
