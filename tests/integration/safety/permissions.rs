//! Permission advice from `explain`: a secret file or a directory on its
//! way that others may write, or a file everyone may read, gets a hint
//! naming the path and mode; never a value, never an error.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use flyte_secrets::{Environment, SecretId, SecretsConfig, SecretsManager};

use super::{canary, leaks, planted, refs, run};
use crate::support::path_str;

fn chmod(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// A secrets directory (0755) with `g/k` (a canary) in `g` at the given
/// modes; returns the explanation's hints.
struct Layout {
    dir: tempfile::TempDir,
    value: String,
}

impl Layout {
    fn plain(dir_mode: u32, file_mode: u32) -> Layout {
        let dir = tempfile::tempdir().unwrap();
        let value = canary("perm");
        std::fs::create_dir(dir.path().join("g")).unwrap();
        std::fs::write(dir.path().join("g/k"), &value).unwrap();
        chmod(dir.path(), 0o755);
        chmod(&dir.path().join("g"), dir_mode);
        chmod(&dir.path().join("g/k"), file_mode);
        Layout { dir, value }
    }

    /// Kubernetes' secret volume: `g` is the (sticky, world-writable)
    /// volume root, `g/k -> ..data/k`, `..data -> ..<timestamp>` (0755).
    fn kubernetes(file_mode: u32) -> Layout {
        let dir = tempfile::tempdir().unwrap();
        let value = canary("perm-k8s");
        let g = dir.path().join("g");
        let ts = g.join("..2026_01_01_00_00_00.000000001");
        std::fs::create_dir_all(&ts).unwrap();
        std::fs::write(ts.join("k"), &value).unwrap();
        std::os::unix::fs::symlink("..2026_01_01_00_00_00.000000001", g.join("..data")).unwrap();
        std::os::unix::fs::symlink("..data/k", g.join("k")).unwrap();
        chmod(dir.path(), 0o755);
        chmod(&g, 0o1777);
        chmod(&ts, 0o755);
        chmod(&ts.join("k"), file_mode);
        Layout { dir, value }
    }

    fn file(&self) -> String {
        path_str(&self.dir.path().join("g/k"))
    }

    fn hints(&self) -> Vec<String> {
        let secrets = SecretsManager::with_environment(
            SecretsConfig::default().with_default_dir(self.dir.path()),
            Environment::from_vars(Vec::<(String, String)>::new()),
        );
        let e = secrets.explain(&SecretId::new("g", "k").unwrap());
        assert!(e.found.is_some(), "the file is found");
        for h in &e.hints {
            assert!(
                !leaks(h.as_bytes(), &self.value),
                "a hint shows the value: {h}"
            );
        }
        // And it is still read: advice, not an error.
        assert!(secrets.get("g", "k").is_ok());
        e.hints
    }
}

fn about<'a>(hints: &'a [String], needle: &str) -> Vec<&'a String> {
    hints.iter().filter(|h| h.contains(needle)).collect()
}

#[test]
fn a_private_file_in_private_directories_gets_no_advice() {
    for mode in [0o600, 0o400, 0o640, 0o440] {
        let l = Layout::plain(0o755, mode);
        assert_eq!(l.hints(), Vec::<String>::new(), "mode {mode:o}");
    }
}

#[test]
fn a_file_everyone_can_read_is_named_with_its_mode() {
    let l = Layout::plain(0o755, 0o644);
    let hints = l.hints();
    assert_eq!(hints.len(), 1, "{hints:?}");
    assert!(hints[0].contains(&l.file()), "{hints:?}");
    assert!(hints[0].contains("readable by everyone"), "{hints:?}");
    assert!(hints[0].contains("0644"), "{hints:?}");
}

#[test]
fn a_file_others_can_write_is_named() {
    let l = Layout::plain(0o755, 0o666);
    let hints = l.hints();
    assert_eq!(about(&hints, "writable by everyone").len(), 1, "{hints:?}");
    assert_eq!(about(&hints, "readable by everyone").len(), 1, "{hints:?}");
    assert!(hints.iter().all(|h| h.contains(&l.file())), "{hints:?}");

    let l = Layout::plain(0o755, 0o660);
    let hints = l.hints();
    assert_eq!(hints.len(), 1, "{hints:?}");
    assert!(hints[0].contains("writable by its group"), "{hints:?}");
    assert!(hints[0].contains("0660"), "{hints:?}");
}

#[test]
fn a_directory_others_can_write_is_named() {
    let l = Layout::plain(0o777, 0o600);
    let hints = l.hints();
    assert_eq!(hints.len(), 1, "{hints:?}");
    let dir = path_str(&l.dir.path().join("g"));
    assert!(hints[0].contains(&format!("directory {dir} ")), "{hints:?}");
    assert!(hints[0].contains("0777"), "{hints:?}");

    let l = Layout::plain(0o775, 0o600);
    let hints = l.hints();
    assert_eq!(hints.len(), 1, "{hints:?}");
    assert!(hints[0].contains("writable by its group"), "{hints:?}");

    // The secrets directory itself.
    let l = Layout::plain(0o755, 0o600);
    chmod(l.dir.path(), 0o777);
    let hints = l.hints();
    assert_eq!(hints.len(), 1, "{hints:?}");
    assert!(
        hints[0].contains(&format!("directory {} ", path_str(l.dir.path()))),
        "{hints:?}"
    );
}

#[test]
fn a_sticky_world_writable_directory_is_not_flagged() {
    // Others may add entries there but not replace ours.
    let l = Layout::plain(0o1777, 0o600);
    assert_eq!(l.hints(), Vec::<String>::new());
}

#[test]
fn kubernetes_defaults_get_one_hint_with_the_fix() {
    // Kubernetes' default defaultMode 0644, behind ..data symlinks in a
    // sticky 1777 volume root: one hint, saying how to fix it.
    let l = Layout::kubernetes(0o644);
    let hints = l.hints();
    assert_eq!(hints.len(), 1, "{hints:?}");
    assert!(hints[0].contains(&l.file()), "{hints:?}");
    assert!(hints[0].contains("readable by everyone"), "{hints:?}");
    assert!(hints[0].contains("defaultMode"), "{hints:?}");
    // With defaultMode 0400 there is nothing to say.
    assert_eq!(Layout::kubernetes(0o400).hints(), Vec::<String>::new());
}

#[test]
fn the_real_directory_behind_a_symlink_is_checked_too() {
    let l = Layout::kubernetes(0o600);
    let ts = l.dir.path().join("g/..2026_01_01_00_00_00.000000001");
    chmod(&ts, 0o777);
    let hints = l.hints();
    assert_eq!(hints.len(), 1, "{hints:?}");
    assert!(
        hints[0].contains("..2026_01_01_00_00_00.000000001"),
        "{hints:?}"
    );
}

#[test]
fn the_binary_shows_the_advice_and_still_reads_the_secret() {
    let (s, mut canaries) = planted("g", "k");
    let value = canary("binary-perm");
    let p = s.file("g/k", &value);
    chmod(s.path(), 0o755);
    chmod(&s.join("g"), 0o755);
    chmod(&p, 0o666);
    let r = run(&s, &["explain", "--json", "g", "k"]);
    canaries.push(value.clone());
    r.answers(0, &refs(&canaries));
    let doc: serde_json::Value = serde_json::from_slice(&r.stdout).unwrap();
    let hints: Vec<&str> = doc["hints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h.as_str().unwrap())
        .collect();
    assert!(
        hints
            .iter()
            .any(|h| h.contains("writable by everyone") && h.contains(&path_str(&p))),
        "{hints:?}"
    );
    let r = run(&s, &["get", "g", "k"]);
    canaries.pop();
    r.answers(0, &refs(&canaries));
    assert_eq!(r.stdout, value.as_bytes());
}
