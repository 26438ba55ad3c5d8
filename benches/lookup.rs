//! Lookups measured against their floors, in one run.
//!
//! Each case pairs what flyte-secrets does with the least a program could
//! do to get the same bytes:
//!
//! | case | measured | floor |
//! |---|---|---|
//! | `env` | `SecretsManager::get` of a secret in an env var | `std::env::var_os` of the same name |
//! | `file` | `get` of a 22-byte file | `File::open` + one `read` + close of the same path |
//! | `file_openat` | the same | `openat` on a held directory descriptor + `read` + close |
//! | `file_confined` | the same | the very system calls `get` makes, bare: `openat2` beneath the held directory, `fstat`, one `read` of size + 1, `close` |
//! | `bytes` | `get_bytes` of a 1,679-byte certificate | bare open/read/close |
//! | `not_found` | `get` of a secret that is nowhere | `var_os` of its name + a failed `File::open` |
//! | `k8s` | `get` through `password -> ..data/password` | bare open/read/close of the same path |
//! | `startup` | `SecretsConfig::from_env` (config-file discovery) | `stat` of the same three candidates |
//! | `process` | the whole `flyte-secrets get db password` process | `cat` of the same file |
//!
//! Run with `cargo bench --bench lookup` (or `scripts/bench.sh`, which adds
//! hyperfine, peak RSS, syscall counts and flytekit). Criterion measures
//! every floor and every lookup. Then, because a shared 2-core machine
//! drifts between one criterion benchmark and the next, each case is
//! measured again in *paired rounds*: a batch of floor calls and a batch
//! of lookups back to back (in alternating order), many times; the ratio
//! printed is the median of the per-round ratios, beside the ratio of
//! criterion's medians, and the verdict against the target uses the
//! paired one.

use std::hint::black_box;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

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

/// One thing to time: called once per iteration.
type Op<'a> = Box<dyn FnMut() + 'a>;

/// A lookup and its floor.
struct Case<'a> {
    /// Criterion group name.
    name: &'static str,
    /// What the summary calls it.
    what: &'static str,
    /// The target ratio, if it set one.
    target: Option<f64>,
    /// Calls per batch in the paired rounds (about a millisecond's worth).
    batch: u32,
    floor: Op<'a>,
    measured: Op<'a>,
}

fn cases<'a>(fx: &'a Fixture, secrets: &'a SecretsManager) -> Vec<Case<'a>> {
    let file = fx.file(fixture::FILE_SECRET);
    let cert = fx.file(fixture::BYTES_SECRET);
    let k8s = fx.file(fixture::K8S_SECRET);
    let missing = fx.file(fixture::MISSING_SECRET);
    let dir = rustix::fs::open(
        fx.secrets(),
        rustix::fs::OFlags::PATH | rustix::fs::OFlags::DIRECTORY | rustix::fs::OFlags::CLOEXEC,
        rustix::fs::Mode::empty(),
    )
    .expect("open the secrets directory");
    let dir = std::rc::Rc::new(dir);
    let relative = Path::new(fixture::FILE_SECRET.0).join(fixture::FILE_SECRET.1);
    let get = move |(group, key): (&'static str, &'static str)| -> Op<'a> {
        Box::new(move || {
            black_box(secrets.get(black_box(group), black_box(key)).unwrap());
        })
    };
    let (mg, mk) = fixture::MISSING_SECRET;
    let missing_var = format!("_FSEC_{}_{}", mg.to_uppercase(), mk.to_uppercase());
    // The process's HOME and working directory hold no config file, so
    // discovery looks at ./flytekit.config, ~/.flyte/config and
    // ~/.flyte/config.yaml and finds none.
    let candidates = [
        fx.root().join("flytekit.config"),
        fx.home().join(".flyte/config"),
        fx.home().join(".flyte/config.yaml"),
    ];
    let run = move |cmd: &mut Command| {
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
    let bin = env!("CARGO_BIN_EXE_flyte-secrets");
    let (fg, fk) = fixture::FILE_SECRET;
    let file_for_cat = file.clone();

    vec![
        Case {
            name: "env",
            what: "env lookup vs var_os",
            target: Some(3.0),
            batch: 5000,
            floor: Box::new(|| {
                black_box(std::env::var_os(black_box(fixture::ENV_NAME)));
            }),
            measured: get(fixture::ENV_SECRET),
        },
        Case {
            name: "file",
            what: "file lookup vs open/read/close",
            target: Some(1.5),
            batch: 300,
            floor: Box::new({
                let file = file.clone();
                move || {
                    black_box(bare_read(black_box(&file)));
                }
            }),
            measured: get(fixture::FILE_SECRET),
        },
        Case {
            name: "file_openat",
            what: "file lookup vs openat/read/close",
            target: None,
            batch: 300,
            floor: Box::new({
                let dir = dir.clone();
                let relative = relative.clone();
                move || {
                    let fd = rustix::fs::openat(
                        &*dir,
                        black_box(&relative),
                        rustix::fs::OFlags::RDONLY | rustix::fs::OFlags::CLOEXEC,
                        rustix::fs::Mode::empty(),
                    )
                    .unwrap();
                    let mut buf = [0u8; 4096];
                    black_box(rustix::io::read(&fd, &mut buf).unwrap());
                }
            }),
            measured: get(fixture::FILE_SECRET),
        },
        Case {
            name: "file_confined",
            what: "file lookup vs its own syscalls, bare",
            target: None,
            batch: 300,
            floor: Box::new(move || {
                let fd = rustix::fs::openat2(
                    &*dir,
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
                black_box(rustix::io::read(&fd, &mut buf[..want]).unwrap());
            }),
            measured: get(fixture::FILE_SECRET),
        },
        Case {
            name: "bytes",
            what: "bytes mode (1.6 KiB) vs open/read/close",
            target: None,
            batch: 300,
            floor: Box::new(move || {
                black_box(bare_read(black_box(&cert)));
            }),
            measured: Box::new(move || {
                let (g, k) = fixture::BYTES_SECRET;
                black_box(secrets.get_bytes(black_box(g), black_box(k)).unwrap());
            }),
        },
        Case {
            name: "not_found",
            what: "not found vs var_os + failed open",
            target: None,
            batch: 300,
            floor: Box::new(move || {
                assert!(std::env::var_os(black_box(&missing_var)).is_none());
                assert!(std::fs::File::open(black_box(&missing)).is_err());
            }),
            measured: Box::new(move || {
                black_box(secrets.get(black_box(mg), black_box(mk)).unwrap_err());
            }),
        },
        Case {
            name: "k8s",
            what: "k8s ..data lookup vs open/read/close",
            target: None,
            batch: 300,
            floor: Box::new(move || {
                black_box(bare_read(black_box(&k8s)));
            }),
            measured: get(fixture::K8S_SECRET),
        },
        Case {
            name: "startup",
            what: "config discovery vs 3 stats",
            target: None,
            batch: 300,
            floor: Box::new(move || {
                let found = candidates
                    .iter()
                    .filter(|p| std::fs::metadata(black_box(p)).is_ok())
                    .count();
                black_box(found);
            }),
            measured: Box::new(|| {
                black_box(SecretsConfig::from_env().unwrap());
            }),
        },
        Case {
            name: "process",
            what: "flyte-secrets get process vs cat",
            target: Some(2.0),
            batch: 2,
            floor: Box::new(move || run(Command::new("cat").arg(&file_for_cat))),
            measured: Box::new(move || run(Command::new(bin).args(["get", fg, fk]))),
        },
    ]
}

/// Paired rounds for `rounds` rounds: returns the median time per call of
/// the floor and of the lookup (ns), and the median per-round ratio.
fn paired(case: &mut Case<'_>, rounds: usize) -> (f64, f64, f64) {
    let time = |op: &mut Op<'_>, n: u32| {
        let start = Instant::now();
        for _ in 0..n {
            op();
        }
        start.elapsed().as_nanos() as f64 / f64::from(n)
    };
    // Warm-up.
    time(&mut case.floor, case.batch);
    time(&mut case.measured, case.batch);
    let (mut floors, mut lookups, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..rounds {
        let (f, m) = if round % 2 == 0 {
            let f = time(&mut case.floor, case.batch);
            (f, time(&mut case.measured, case.batch))
        } else {
            let m = time(&mut case.measured, case.batch);
            (time(&mut case.floor, case.batch), m)
        };
        floors.push(f);
        lookups.push(m);
        ratios.push(m / f);
    }
    (median(floors), median(lookups), median(ratios))
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

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

/// The median, in nanoseconds, of `id` if criterion measured it in this run.
fn criterion_median(dirs: &[PathBuf], id: &str, since: SystemTime) -> Option<f64> {
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
    assert!(secrets.get("db", "password").is_ok());

    let mut c = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    let mut cases = cases(&fx, &secrets);
    for case in &mut cases {
        let mut g = c.benchmark_group(case.name);
        g.bench_function("floor", |b| b.iter(&mut case.floor));
        g.bench_function("lookup", |b| b.iter(&mut case.measured));
        g.finish();
    }
    c.final_summary();

    // The paired rounds and the table, for the cases criterion ran (a
    // filter such as `cargo bench --bench lookup -- env` selects cases).
    let dirs = criterion_dirs();
    let rounds = std::env::var("PAIRED_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(201);
    let mut table = Vec::new();
    for case in &mut cases {
        let (Some(cm), Some(cf)) = (
            criterion_median(&dirs, &format!("{}/lookup", case.name), started),
            criterion_median(&dirs, &format!("{}/floor", case.name), started),
        ) else {
            continue;
        };
        let (pf, pm, ratio) = paired(case, rounds);
        table.push((case.what, case.target, cm, cf, pm, pf, ratio));
    }
    if table.is_empty() {
        return;
    }
    println!();
    println!("Ratios to the floor. criterion: medians of its runs above; paired: {rounds} rounds");
    println!("of a floor batch and a lookup batch back to back, median of the per-round ratios.");
    println!(
        "{:<40} {:>10} {:>10} {:>6} | {:>10} {:>10} {:>6} {:>6}  verdict",
        "", "lookup", "floor", "ratio", "lookup", "floor", "ratio", "target"
    );
    println!("{:<40} {:^28} | {:^35}", "", "criterion", "paired");
    for (what, target, cm, cf, pm, pf, ratio) in table {
        let (target, verdict) = match target {
            Some(t) => (format!("≤{t}×"), if ratio <= t { "met" } else { "NOT MET" }),
            None => (String::new(), ""),
        };
        println!(
            "{what:<40} {:>10} {:>10} {:>5.2}× | {:>10} {:>10} {:>5.2}× {target:>6}  {verdict}",
            human(cm),
            human(cf),
            cm / cf,
            human(pm),
            human(pf),
            ratio,
        );
    }
}
