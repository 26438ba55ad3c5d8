//! Lookups measured against their floors, in one run.
//!
//! Each group pairs what flyte-secrets does with the least a program could
//! do to get the same bytes:
//!
//! | group | measured | floor |
//! |---|---|---|
//! | `env` | `SecretsManager::get` of a secret in an env var | `std::env::var_os` of the same name |
//! | `file` | `get` of a 22-byte file | `File::open` + one `read` + close of the same path |
//! | `bytes` | `get_bytes` of a 1,679-byte certificate | the same bare open/read/close |
//! | `not_found` | `get` of a secret that is nowhere | `var_os` of its name + a failed `File::open` |
//! | `k8s` | `get` through `password -> ..data/password` | bare open/read/close of the same path |
//! | `startup` | `SecretsConfig::from_env` (config-file discovery) | `stat` of the same three candidates |
//! | `process` | the whole `flyte-secrets get db password` process | `cat` of the same file |
//!
//! The `file` group also has `floor_openat`: `openat` relative to a held
//! directory descriptor, which is what an unconfined reader at the limit
//! would do; and `floor_confined`: the very system calls a lookup makes
//! (`openat2` beneath the held directory, `fstat`, one `read` of size + 1,
//! `close`) with nothing around them, so that `get / floor_confined` is the
//! cost of the library's own work.
//!
//! Run with `cargo bench --bench lookup` (or `scripts/bench.sh`, which adds
//! hyperfine, peak RSS and syscall counts). After criterion's own report a
//! table gives each median as a ratio to its floor, with the target from
//! BENCHMARKS.md.

use std::hint::black_box;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, SystemTime};

use criterion::Criterion;
use flyte_secrets::{SecretsConfig, SecretsManager};

#[path = "support/fixture.rs"]
mod fixture;

use fixture::Fixture;

/// Bare open + one read + close: the floor for a file lookup.
fn bare_read(path: &Path) -> usize {
    let mut buf = [0u8; 4096];
    let mut f = std::fs::File::open(path).expect("open");
    f.read(&mut buf).expect("read")
}

fn bench_env(c: &mut Criterion, secrets: &SecretsManager) {
    let mut g = c.benchmark_group("env");
    g.bench_function("floor_var_os", |b| {
        b.iter(|| std::env::var_os(black_box(fixture::ENV_NAME)))
    });
    let (group, key) = fixture::ENV_SECRET;
    g.bench_function("get", |b| {
        b.iter(|| secrets.get(black_box(group), black_box(key)).unwrap())
    });
    g.finish();
}

fn bench_file(c: &mut Criterion, fx: &Fixture, secrets: &SecretsManager) {
    let path = fx.file(fixture::FILE_SECRET);
    let dir = rustix::fs::open(
        fx.secrets(),
        rustix::fs::OFlags::PATH | rustix::fs::OFlags::DIRECTORY | rustix::fs::OFlags::CLOEXEC,
        rustix::fs::Mode::empty(),
    )
    .expect("open the secrets directory");
    let relative = Path::new(fixture::FILE_SECRET.0).join(fixture::FILE_SECRET.1);
    let mut g = c.benchmark_group("file");
    g.bench_function("floor", |b| b.iter(|| bare_read(black_box(&path))));
    g.bench_function("floor_openat", |b| {
        b.iter(|| {
            let fd = rustix::fs::openat(
                &dir,
                black_box(&relative),
                rustix::fs::OFlags::RDONLY | rustix::fs::OFlags::CLOEXEC,
                rustix::fs::Mode::empty(),
            )
            .unwrap();
            let mut buf = [0u8; 4096];
            rustix::io::read(&fd, &mut buf).unwrap()
        })
    });
    // The system calls a confined lookup makes, and nothing else.
    g.bench_function("floor_confined", |b| {
        b.iter(|| {
            let fd = rustix::fs::openat2(
                &dir,
                black_box(&relative),
                rustix::fs::OFlags::RDONLY
                    | rustix::fs::OFlags::NONBLOCK
                    | rustix::fs::OFlags::CLOEXEC
                    | rustix::fs::OFlags::NOCTTY,
                rustix::fs::Mode::empty(),
                rustix::fs::ResolveFlags::BENEATH | rustix::fs::ResolveFlags::NO_MAGICLINKS,
            )
            .unwrap();
            let stat = rustix::fs::fstat(&fd).unwrap();
            let mut buf = [0u8; 4096];
            let want = usize::try_from(stat.st_size).unwrap() + 1;
            rustix::io::read(&fd, &mut buf[..want]).unwrap()
        })
    });
    let (group, key) = fixture::FILE_SECRET;
    g.bench_function("get", |b| {
        b.iter(|| secrets.get(black_box(group), black_box(key)).unwrap())
    });
    g.finish();
}

fn bench_bytes(c: &mut Criterion, fx: &Fixture, secrets: &SecretsManager) {
    let path = fx.file(fixture::BYTES_SECRET);
    let mut g = c.benchmark_group("bytes");
    g.bench_function("floor", |b| b.iter(|| bare_read(black_box(&path))));
    let (group, key) = fixture::BYTES_SECRET;
    g.bench_function("get_bytes", |b| {
        b.iter(|| secrets.get_bytes(black_box(group), black_box(key)).unwrap())
    });
    g.finish();
}

fn bench_not_found(c: &mut Criterion, fx: &Fixture, secrets: &SecretsManager) {
    let path = fx.file(fixture::MISSING_SECRET);
    let (group, key) = fixture::MISSING_SECRET;
    let var = format!("_FSEC_{}_{}", group.to_uppercase(), key.to_uppercase());
    let mut g = c.benchmark_group("not_found");
    g.bench_function("floor", |b| {
        b.iter(|| {
            assert!(std::env::var_os(black_box(&var)).is_none());
            std::fs::File::open(black_box(&path)).is_err()
        })
    });
    g.bench_function("get", |b| {
        b.iter(|| secrets.get(black_box(group), black_box(key)).unwrap_err())
    });
    g.finish();
}

fn bench_k8s(c: &mut Criterion, fx: &Fixture, secrets: &SecretsManager) {
    let path = fx.file(fixture::K8S_SECRET);
    let mut g = c.benchmark_group("k8s");
    g.bench_function("floor", |b| b.iter(|| bare_read(black_box(&path))));
    let (group, key) = fixture::K8S_SECRET;
    g.bench_function("get", |b| {
        b.iter(|| secrets.get(black_box(group), black_box(key)).unwrap())
    });
    g.finish();
}

fn bench_startup(c: &mut Criterion, fx: &Fixture) {
    // The process's HOME and working directory hold no config file, so
    // discovery looks at ./flytekit.config, ~/.flyte/config and
    // ~/.flyte/config.yaml and finds none.
    let candidates = [
        std::env::current_dir().unwrap().join("flytekit.config"),
        fx.home().join(".flyte/config"),
        fx.home().join(".flyte/config.yaml"),
    ];
    let mut g = c.benchmark_group("startup");
    g.bench_function("floor", |b| {
        b.iter(|| {
            candidates
                .iter()
                .filter(|p| std::fs::metadata(black_box(p)).is_ok())
                .count()
        })
    });
    g.bench_function("config_from_env", |b| {
        b.iter(|| SecretsConfig::from_env().unwrap())
    });
    g.finish();
}

fn bench_process(c: &mut Criterion, fx: &Fixture) {
    let bin = env!("CARGO_BIN_EXE_flyte-secrets");
    let path = fx.file(fixture::FILE_SECRET);
    let run = |cmd: &mut Command| {
        let status = cmd
            .current_dir(fx.root())
            .env("HOME", fx.home())
            .env("FLYTE_SECRETS_DEFAULT_DIR", fx.secrets())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .status()
            .expect("spawn");
        assert!(status.success());
    };
    let mut g = c.benchmark_group("process");
    g.bench_function("floor_cat", |b| {
        b.iter(|| run(Command::new("cat").arg(&path)))
    });
    let (group, key) = fixture::FILE_SECRET;
    g.bench_function("get", |b| {
        b.iter(|| run(Command::new(bin).args(["get", group, key])))
    });
    g.finish();
}

/// One line of the summary: a measured benchmark, its floor, and the
/// target ratio (if the issue set one).
struct Row {
    what: &'static str,
    bench: &'static str,
    floor: &'static str,
    target: Option<f64>,
}

const ROWS: &[Row] = &[
    Row {
        what: "env lookup vs var_os",
        bench: "env/get",
        floor: "env/floor_var_os",
        target: Some(3.0),
    },
    Row {
        what: "file lookup vs open/read/close",
        bench: "file/get",
        floor: "file/floor",
        target: Some(1.5),
    },
    Row {
        what: "file lookup vs openat/read/close",
        bench: "file/get",
        floor: "file/floor_openat",
        target: None,
    },
    Row {
        what: "file lookup vs its own syscalls, bare",
        bench: "file/get",
        floor: "file/floor_confined",
        target: None,
    },
    Row {
        what: "bytes mode (1.6 KiB) vs open/read/close",
        bench: "bytes/get_bytes",
        floor: "bytes/floor",
        target: None,
    },
    Row {
        what: "not found vs var_os + failed open",
        bench: "not_found/get",
        floor: "not_found/floor",
        target: None,
    },
    Row {
        what: "k8s ..data lookup vs open/read/close",
        bench: "k8s/get",
        floor: "k8s/floor",
        target: None,
    },
    Row {
        what: "config discovery vs 3 stats",
        bench: "startup/config_from_env",
        floor: "startup/floor",
        target: None,
    },
    Row {
        what: "flyte-secrets get process vs cat",
        bench: "process/get",
        floor: "process/floor_cat",
        target: Some(2.0),
    },
];

/// Where criterion writes its results: as criterion decides it
/// (`CRITERION_HOME`, else the cargo target directory), with the target
/// directory found from this executable's path (`target/release/deps/`).
fn criterion_dirs() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if let Some(home) = std::env::var_os("CRITERION_HOME") {
        dirs.push(PathBuf::from(home));
    }
    if let Some(target) = std::env::var_os("CARGO_TARGET_DIR") {
        dirs.push(PathBuf::from(target).join("criterion"));
    }
    if let Ok(exe) = std::env::current_exe() {
        for up in exe.ancestors().skip(3).take(2) {
            dirs.push(up.join("criterion"));
        }
    }
    dirs.push(PathBuf::from("target/criterion"));
    dirs
}

/// The median, in nanoseconds, of `id` if it was measured by this run.
fn median_ns(dirs: &[PathBuf], id: &str, since: SystemTime) -> Option<f64> {
    dirs.iter().find_map(|dir| {
        let file = dir.join(id).join("new/estimates.json");
        let fresh = std::fs::metadata(&file)
            .and_then(|m| m.modified())
            .is_ok_and(|t| t >= since);
        if !fresh {
            return None;
        }
        let json: serde_json::Value = serde_json::from_slice(&std::fs::read(file).ok()?).ok()?;
        json["median"]["point_estimate"].as_f64()
    })
}

fn human(ns: f64) -> String {
    if ns >= 1e6 {
        format!("{:.3} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.3} µs", ns / 1e3)
    } else {
        format!("{ns:.1} ns")
    }
}

fn summary(since: SystemTime) {
    let dirs = criterion_dirs();
    println!();
    println!("Ratios to the floor (medians of this run):");
    println!(
        "{:<42} {:>12} {:>12} {:>8} {:>8}  verdict",
        "", "measured", "floor", "ratio", "target"
    );
    for row in ROWS {
        let (Some(m), Some(f)) = (
            median_ns(&dirs, row.bench, since),
            median_ns(&dirs, row.floor, since),
        ) else {
            continue;
        };
        let ratio = m / f;
        let (target, verdict) = match row.target {
            Some(t) => (format!("≤{t}×"), if ratio <= t { "met" } else { "NOT MET" }),
            None => (String::new(), ""),
        };
        println!(
            "{:<42} {:>12} {:>12} {:>7.2}× {:>8}  {verdict}",
            row.what,
            human(m),
            human(f),
            ratio,
            target
        );
    }
}

fn main() {
    // SAFETY: no other thread exists yet; nothing reads the environment
    // concurrently.
    unsafe { std::env::set_var(fixture::ENV_NAME, fixture::ENV_VALUE) };
    let started = SystemTime::now();
    let fx = Fixture::create().expect("create the fixture");
    // SAFETY: as above, still single-threaded.
    unsafe {
        std::env::set_var("HOME", fx.home());
        std::env::set_var("FLYTE_SECRETS_DEFAULT_DIR", fx.secrets());
    }
    std::env::set_current_dir(fx.root()).expect("cd into the fixture");

    let secrets = SecretsManager::from_env().expect("settings");
    assert_eq!(
        secrets
            .get("db", "password")
            .map(|_| ())
            .map_err(|e| e.to_string()),
        Ok(())
    );

    let mut c = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    bench_env(&mut c, &secrets);
    bench_file(&mut c, &fx, &secrets);
    bench_bytes(&mut c, &fx, &secrets);
    bench_not_found(&mut c, &fx, &secrets);
    bench_k8s(&mut c, &fx, &secrets);
    bench_startup(&mut c, &fx);
    bench_process(&mut c, &fx);
    c.final_summary();
    summary(started);
}
