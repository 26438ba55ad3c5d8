//! Rotation: Kubernetes replaces a secret by building a new `..<timestamp>`
//! directory, pointing a temporary symlink at it, renaming that over
//! `..data` and removing the old directory. A reader racing with that must
//! get the old or the new value, whole: never a mix, an empty value, or an
//! error.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use flyte_secrets::{ErrorKind, SecretsConfig, SecretsManager, UnreadableReason};
use secrecy::ExposeSecret;

use super::spawn_with_deadline;
use crate::support::{Scratch, binary};

/// The value of generation `i`: its number, then a filler whose length
/// varies with `i` (1 to 3,000 bytes) and which ends in a marker, so that a
/// value cut short or spliced from two generations is told apart.
fn value_of(i: u64) -> String {
    let tag = format!("gen{i:08}:");
    let filler_len = 1 + (i * 7919 % 3000) as usize;
    let filler: String = tag.chars().cycle().take(filler_len).collect();
    format!("{tag}{filler}:end{i:08}")
}

/// Which generation `v` is, if it is exactly one that was written.
fn generation(v: &[u8]) -> Option<u64> {
    let text = std::str::from_utf8(v).ok()?;
    let i: u64 = text.strip_prefix("gen")?.get(..8)?.parse().ok()?;
    (text == value_of(i)).then_some(i)
}

/// A Kubernetes-style secret volume for group `g`: `g/k -> ..data/k`,
/// `g/..data -> ..2026_<n>`. Returns the group directory.
fn k8s_volume(s: &Scratch) -> PathBuf {
    let g = s.join("g");
    std::fs::create_dir_all(&g).unwrap();
    publish(&g, 0);
    std::os::unix::fs::symlink("..data/k", g.join("k")).unwrap();
    g
}

fn timestamp_dir(i: u64) -> String {
    format!("..2026_01_01_00_00_00.{i:08}")
}

/// One atomic update, as kubelet's AtomicWriter does it.
fn publish(g: &Path, i: u64) {
    let ts = g.join(timestamp_dir(i));
    std::fs::create_dir(&ts).unwrap();
    std::fs::write(ts.join("k"), value_of(i)).unwrap();
    let tmp = g.join("..data_tmp");
    let _ = std::fs::remove_file(&tmp);
    std::os::unix::fs::symlink(timestamp_dir(i), &tmp).unwrap();
    std::fs::rename(&tmp, g.join("..data")).unwrap();
    if i > 0 {
        std::fs::remove_dir_all(g.join(timestamp_dir(i - 1))).unwrap();
    }
}

/// A writer that publishes new generations until stopped; returns how many
/// it published.
fn writer(
    g: PathBuf,
    stop: Arc<AtomicBool>,
    latest: Arc<AtomicU64>,
) -> std::thread::JoinHandle<u64> {
    std::thread::spawn(move || {
        let mut i = 0;
        while !stop.load(Ordering::Relaxed) {
            i += 1;
            publish(&g, i);
            latest.store(i, Ordering::SeqCst);
        }
        i
    })
}

#[test]
fn kubernetes_rotation_never_gives_a_mixed_empty_or_failed_read() {
    let s = Scratch::new();
    let g = k8s_volume(&s);
    let stop = Arc::new(AtomicBool::new(false));
    let latest = Arc::new(AtomicU64::new(0));
    let config = SecretsConfig::default().with_default_dir(s.path());
    let env = flyte_secrets::Environment::from_vars(Vec::<(String, String)>::new());
    let kernel = Arc::new(SecretsManager::with_environment(
        config.clone(),
        env.clone(),
    ));
    let portable =
        Arc::new(SecretsManager::with_environment(config, env).with_portable_resolution());
    let failures = Arc::new(Mutex::new(Vec::<String>::new()));
    let seen = Arc::new(Mutex::new(BTreeSet::new()));
    let w = writer(g, stop.clone(), latest.clone());

    let mut readers = Vec::new();
    for r in 0..4 {
        let manager = if r % 2 == 0 { &kernel } else { &portable }.clone();
        let (stop, latest, failures, seen) =
            (stop.clone(), latest.clone(), failures.clone(), seen.clone());
        readers.push(std::thread::spawn(move || {
            let mut reads = 0u64;
            while !stop.load(Ordering::Relaxed) {
                let floor = latest.load(Ordering::SeqCst);
                let outcome = if reads % 2 == 0 {
                    manager
                        .get("g", "k")
                        .map(|v| v.expose_secret().as_bytes().to_vec())
                } else {
                    manager
                        .get_bytes("g", "k")
                        .map(|v| v.expose_secret().to_vec())
                };
                reads += 1;
                match outcome {
                    Ok(v) => match generation(&v) {
                        // A generation older than one already published
                        // before the read began would be a stale cache.
                        Some(i) if i >= floor => {
                            seen.lock().unwrap().insert(i);
                        }
                        Some(i) => failures
                            .lock()
                            .unwrap()
                            .push(format!("reader {r}: stale generation {i} after {floor}")),
                        None => failures.lock().unwrap().push(format!(
                            "reader {r}: a value that was never written ({} bytes)",
                            v.len()
                        )),
                    },
                    Err(e) => failures.lock().unwrap().push(format!("reader {r}: {e}")),
                }
            }
            reads
        }));
    }

    // The binary too, a few times, while the rotation goes on.
    let mut binary_reads = 0;
    let start = Instant::now();
    while start.elapsed() < Duration::from_millis(2500) {
        let mut cmd = std::process::Command::new(binary());
        cmd.args(["get", "g", "k"])
            .env_clear()
            .env("FLYTE_SECRETS_DEFAULT_DIR", s.path())
            .env("HOME", s.join("home"))
            .current_dir(s.path())
            .stdin(std::process::Stdio::null());
        let run = spawn_with_deadline(cmd, "get during rotation");
        assert_eq!(run.code, Some(0), "{}", run.stderr_text());
        assert!(
            generation(&run.stdout).is_some(),
            "the binary printed a value that was never written ({} bytes)",
            run.stdout.len()
        );
        binary_reads += 1;
    }
    stop.store(true, Ordering::Relaxed);
    let published = w.join().unwrap();
    let reads: u64 = readers.into_iter().map(|h| h.join().unwrap()).sum();
    let failures = failures.lock().unwrap();
    assert!(
        failures.is_empty(),
        "{} of {reads} reads failed during {published} rotations, e.g. {:?}",
        failures.len(),
        &failures[..failures.len().min(5)]
    );
    // The race was real: many rotations, many reads, several generations
    // seen by the readers.
    assert!(published > 100, "only {published} rotations");
    assert!(reads > 1000, "only {reads} reads");
    assert!(binary_reads >= 5, "only {binary_reads} binary runs");
    assert!(
        seen.lock().unwrap().len() > 10,
        "readers saw too few generations"
    );
}

#[test]
fn a_plain_file_replaced_by_rename_reads_old_or_new() {
    let s = Scratch::new();
    let g = s.join("g");
    std::fs::create_dir_all(&g).unwrap();
    std::fs::write(g.join("k"), value_of(0)).unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let w = {
        let (g, stop) = (g.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut i = 0;
            while !stop.load(Ordering::Relaxed) {
                i += 1;
                let tmp = g.join(".k.tmp");
                std::fs::write(&tmp, value_of(i)).unwrap();
                std::fs::rename(&tmp, g.join("k")).unwrap();
            }
            i
        })
    };
    let secrets = SecretsManager::with_environment(
        SecretsConfig::default().with_default_dir(s.path()),
        flyte_secrets::Environment::from_vars(Vec::<(String, String)>::new()),
    );
    let start = Instant::now();
    let mut reads = 0;
    while start.elapsed() < Duration::from_millis(700) {
        let v = secrets.get("g", "k").expect("old or new, never an error");
        assert!(generation(v.expose_secret().as_bytes()).is_some());
        reads += 1;
    }
    stop.store(true, Ordering::Relaxed);
    assert!(w.join().unwrap() > 10);
    assert!(reads > 100);
}

#[test]
fn a_file_growing_while_read_is_read_whole_or_refused_never_hung() {
    // Written in place (not renamed): a read may see any prefix, but it
    // ends, and once past the cap it is refused as too large.
    let s = Scratch::new();
    let g = s.join("g");
    std::fs::create_dir_all(&g).unwrap();
    std::fs::write(g.join("k"), "").unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let w = {
        let (g, stop) = (g.clone(), stop.clone());
        std::thread::spawn(move || {
            use std::io::Write;
            let mut f = std::fs::OpenOptions::new()
                .append(true)
                .open(g.join("k"))
                .unwrap();
            // Up to 4 MiB, four times the cap, then it stays.
            for _ in 0..1024 {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                f.write_all(&[b'a'; 4096]).unwrap();
                std::thread::sleep(Duration::from_micros(200));
            }
        })
    };
    let limit = 1 << 20;
    let secrets = SecretsManager::with_environment(
        SecretsConfig::default()
            .with_default_dir(s.path())
            .with_max_file_size(limit),
        flyte_secrets::Environment::from_vars(Vec::<(String, String)>::new()),
    );
    let mut refused = 0;
    let start = Instant::now();
    while start.elapsed() < Duration::from_millis(700) {
        match secrets.get_bytes("g", "k") {
            Ok(v) => {
                assert!(v.expose_secret().len() as u64 <= limit);
                assert!(v.expose_secret().iter().all(|&b| b == b'a'));
            }
            Err(e) => {
                assert_eq!(e.kind(), ErrorKind::Unreadable, "{e}");
                assert!(
                    matches!(
                        e.unreadable_reason(),
                        Some(UnreadableReason::TooLarge { .. })
                    ),
                    "{e}"
                );
                refused += 1;
            }
        }
    }
    stop.store(true, Ordering::Relaxed);
    w.join().unwrap();
    assert!(refused > 0, "the file never passed the cap while read");
}
