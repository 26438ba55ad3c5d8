//! Repeats one kind of lookup N times: for counting system calls
//! (`strace -c`), instructions (`valgrind --tool=callgrind`), and for timing
//! per call beside flytekit (`scripts/bench_flytekit.py`).
//!
//! ```sh
//! cargo build --release --example lookups
//! L=target/release/examples/lookups
//! $L loop file 1000                    # 1000 file lookups in a fresh fixture
//! $L --fixture /tmp/fx time env 100000 # median ns per call, as JSON
//! $L fixture /tmp/fx                   # write the fixture's files under /tmp/fx
//! ```
//!
//! Kinds: `env`, `file`, `bytes`, `missing`, `missing-quiet` (hints off), `k8s` (see
//! `benches/support/fixture.rs`), and `floor-env`, `floor-file`: the bare
//! `var_os` and open/read/close the bench compares against. Counting
//! `loop KIND 0` too and subtracting gives the cost of the lookups alone.

use std::hint::black_box;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Instant;

use flyte_secrets::SecretsManager;

#[path = "../benches/support/fixture.rs"]
mod fixture;

fn usage() -> ! {
    eprintln!(
        "usage: lookups [--fixture DIR] (loop|time) KIND N\n       lookups fixture DIR\n\
         KIND: env file bytes missing missing-quiet k8s floor-env floor-file"
    );
    std::process::exit(2)
}

/// One lookup of `kind`; returns something derived from the value so the
/// work cannot be optimised away.
fn once(kind: &str, secrets: &SecretsManager, root: &Path) -> usize {
    use flyte_secrets::secrecy::ExposeSecret;
    let get = |(g, k): (&str, &str)| {
        secrets
            .get(black_box(g), black_box(k))
            .map(|v| v.expose_secret().len())
    };
    match kind {
        "env" => get(fixture::ENV_SECRET).expect("env secret"),
        "file" => get(fixture::FILE_SECRET).expect("file secret"),
        "k8s" => get(fixture::K8S_SECRET).expect("k8s secret"),
        "bytes" => {
            let (g, k) = fixture::BYTES_SECRET;
            secrets
                .get_bytes(black_box(g), black_box(k))
                .expect("bytes secret")
                .expose_secret()
                .len()
        }
        "missing" | "missing-quiet" => get(fixture::MISSING_SECRET).unwrap_err().hints().len(),
        "floor-env" => std::env::var_os(black_box(fixture::ENV_NAME))
            .expect("env var")
            .len(),
        "floor-file" => {
            let mut buf = [0u8; 4096];
            let path = root.join("secrets/db/password");
            let mut f = std::fs::File::open(black_box(&path)).expect("open");
            f.read(&mut buf).expect("read")
        }
        _ => usage(),
    }
}

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("fixture") {
        let [_, dir] = args.as_slice() else { usage() };
        std::fs::create_dir_all(dir).expect("create the directory");
        fixture::write_layout(Path::new(dir)).expect("write the fixture");
        return;
    }
    let mut existing: Option<PathBuf> = None;
    if args.first().map(String::as_str) == Some("--fixture") && args.len() > 1 {
        existing = Some(PathBuf::from(args.remove(1)));
        args.remove(0);
    }
    let [command, kind, n] = args.as_slice() else {
        usage()
    };
    let n: u64 = n.parse().unwrap_or_else(|_| usage());

    let temporary;
    let root = match existing {
        Some(dir) => dir,
        None => {
            temporary = fixture::Fixture::create().expect("create the fixture");
            temporary.root().to_path_buf()
        }
    };
    // SAFETY: single-threaded; nothing else reads the environment.
    unsafe {
        std::env::set_var(fixture::ENV_NAME, fixture::ENV_VALUE);
        std::env::set_var("HOME", root.join("home"));
        std::env::set_var("FLYTE_SECRETS_DEFAULT_DIR", root.join("secrets"));
    }
    std::env::set_current_dir(&root).expect("cd into the fixture");
    let secrets = SecretsManager::from_env()
        .expect("settings")
        .with_hints(kind != "missing-quiet");

    match command.as_str() {
        "loop" => {
            let mut sum = 0;
            for _ in 0..n {
                sum += once(kind, &secrets, &root);
            }
            black_box(sum);
        }
        "time" => {
            // Warm up, then the median of 21 batches of n calls each.
            for _ in 0..n.min(10_000) {
                black_box(once(kind, &secrets, &root));
            }
            let mut per_call: Vec<f64> = (0..21)
                .map(|_| {
                    let start = Instant::now();
                    for _ in 0..n {
                        black_box(once(kind, &secrets, &root));
                    }
                    start.elapsed().as_nanos() as f64 / n.max(1) as f64
                })
                .collect();
            per_call.sort_by(f64::total_cmp);
            println!(
                "{{\"kind\":\"{kind}\",\"calls_per_batch\":{n},\"median_ns\":{:.1},\"min_ns\":{:.1}}}",
                per_call[per_call.len() / 2],
                per_call[0]
            );
        }
        _ => usage(),
    }
}
