//! Safety: hostile files, names and configs; rotation; leak canaries;
//! permission advice; properties of naming and stripping.
//!
//! Every hostile case runs the real binary under the conditions of the
//! issue's matrix: a 512 MiB address-space cap, a 3-second deadline that
//! this harness enforces itself (the child is killed past it), and checks
//! that the exact exit status came back, that no canary value (nor any
//! 12-byte piece of one) reached stdout or stderr, and that nothing
//! panicked.

mod canaries;
mod commands;
mod hostile_configs;
mod hostile_files;
mod hostile_names;
mod permissions;
mod properties;
mod rotation;

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::support::{Scratch, binary};

/// The hang detector: every answer must come back within this.
pub const DEADLINE: Duration = Duration::from_secs(3);

/// The address-space cap the binary runs under, in KiB (512 MiB).
pub const ADDRESS_SPACE_KIB: u64 = 512 * 1024;

/// The uid and gid an unprivileged run uses when the tests run as root.
pub const NOBODY: u32 = 65534;

/// A secret value that must never be printed except by the `get` that asks
/// for it: a random core of 32 hex digits (unique per call) and a tag
/// saying what it is, with no whitespace so that stripping keeps it whole.
pub fn canary(tag: &str) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    let seed =
        nanos ^ (u64::from(std::process::id()) << 32) ^ n.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    format!(
        "{:016x}{:016x}-{tag}",
        splitmix(seed),
        splitmix(seed ^ 0xdead_beef)
    )
}

fn splitmix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// Whether `haystack` holds `canary`, or any 12-byte piece of its random
/// core (a truncated or partly escaped leak counts).
pub fn leaks(haystack: &[u8], canary: &str) -> bool {
    let core = canary.split('-').next().unwrap_or(canary).as_bytes();
    let whole = canary.as_bytes();
    let found = |needle: &[u8]| haystack.windows(needle.len()).any(|h| h == needle);
    found(whole) || core.windows(12.min(core.len())).any(found)
}

/// What one run of the binary did.
#[derive(Debug)]
pub struct Run {
    /// The exit status, `None` when killed (by the deadline or a signal).
    pub code: Option<i32>,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    pub elapsed: Duration,
    pub timed_out: bool,
    /// The arguments, for messages.
    pub label: String,
}

impl Run {
    pub fn stderr_text(&self) -> String {
        String::from_utf8_lossy(&self.stderr).into_owned()
    }

    pub fn stdout_text(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }

    /// Asserts the conditions: the exact status, within the
    /// deadline, no panic, no canary anywhere in the output.
    #[track_caller]
    pub fn answers(&self, want: i32, canaries: &[&str]) -> &Self {
        assert!(
            !self.timed_out,
            "{}: no answer within {DEADLINE:?} (killed)",
            self.label
        );
        assert!(
            self.elapsed < DEADLINE,
            "{}: took {:?}",
            self.label,
            self.elapsed
        );
        let err = self.stderr_text();
        assert!(
            !err.contains("panicked at") && !err.contains("RUST_BACKTRACE"),
            "{}: panicked: {err}",
            self.label
        );
        for c in canaries {
            assert!(
                !leaks(&self.stdout, c),
                "{}: a canary reached stdout",
                self.label
            );
            assert!(
                !leaks(&self.stderr, c),
                "{}: a canary reached stderr",
                self.label
            );
        }
        assert_eq!(
            self.code,
            Some(want),
            "{}: wrong exit status; stdout {:?}, stderr {err:?}",
            self.label,
            self.stdout_text()
        );
        if want != 0 && err.starts_with("flyte-secrets:") {
            // DESIGN.md: errors are one or two lines on stderr, nothing on
            // stdout. (Usage errors are clap's, with a usage block.)
            assert!(self.stdout.is_empty(), "{}: stdout on an error", self.label);
            let lines = err.lines().count();
            assert!(
                (1..=2).contains(&lines),
                "{}: {lines} lines on stderr: {err:?}",
                self.label
            );
            assert!(
                !self.stderr.contains(&0x1b),
                "{}: a raw escape character on stderr",
                self.label
            );
        }
        self
    }
}

/// Who runs the binary.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum As {
    /// The test process's own user.
    Me,
    /// An unprivileged user, so that file permissions apply (`setpriv` to
    /// uid/gid 65534 when the tests run as root; the own user otherwise).
    Unprivileged,
}

/// Whether the tests run as root (permissions are then bypassed).
pub fn is_root() -> bool {
    rustix::process::geteuid().is_root()
}

/// `setpriv` arguments that drop to [`NOBODY`], up to the command.
fn setpriv_args() -> Vec<String> {
    vec![
        format!("--reuid={NOBODY}"),
        format!("--regid={NOBODY}"),
        "--clear-groups".into(),
        "--".into(),
    ]
}

/// Makes the scratch directory `path` (ours, created 0700) and what is in
/// it so far readable and traversable whatever the umask, and says whether an unprivileged run can use it: as root, whether `setpriv`
/// works and the unprivileged user can enter `path` and run the binary
/// (directories above them are left alone; where one of them is private,
/// the case is skipped with a note).
pub fn unprivileged_can_use(path: &Path) -> bool {
    open_up(path);
    if !is_root() {
        return true;
    }
    let ok = Command::new("setpriv")
        .args(setpriv_args())
        .args(["sh", "-c", "cd \"$1\" && exec \"$2\" --version", "sh"])
        .arg(path)
        .arg(binary())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        eprintln!(
            "note: running as root, and uid {NOBODY} cannot use setpriv, enter {} or run the \
             binary; permission case skipped",
            path.display()
        );
    }
    ok
}

/// Directories 0755 and files 0644, from `path` down (symlinks untouched).
fn open_up(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return;
    };
    let mode = if meta.is_dir() {
        0o755
    } else if meta.is_file() {
        0o644
    } else {
        return;
    };
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    if meta.is_dir() {
        for entry in std::fs::read_dir(path).unwrap() {
            open_up(&entry.unwrap().path());
        }
    }
}

/// Runs the binary as `who` with `scratch`'s environment (plus `extra`),
/// in the scratch directory, under the address-space cap and the deadline.
pub fn run_as(scratch: &Scratch, who: As, args: &[&str]) -> Run {
    run_in(scratch, who, args, Stdio::null())
}

/// [`run_as`] with our own user.
pub fn run(scratch: &Scratch, args: &[&str]) -> Run {
    run_as(scratch, As::Me, args)
}

/// [`run_as`] with a chosen standard input.
pub fn run_in(scratch: &Scratch, who: As, args: &[&str], stdin: Stdio) -> Run {
    let mut cmd = if who == As::Unprivileged && is_root() {
        let mut c = Command::new("setpriv");
        c.args(setpriv_args()).arg("sh");
        c
    } else {
        Command::new("sh")
    };
    cmd.arg("-c")
        .arg(format!("ulimit -v {ADDRESS_SPACE_KIB} && exec \"$@\""))
        .arg("sh")
        .arg(binary())
        .args(args)
        .env_clear()
        .envs(&scratch.env)
        .current_dir(scratch.path())
        .stdin(stdin);
    spawn_with_deadline(cmd, &format!("{args:?}"))
}

/// Spawns `cmd` with piped output and waits at most [`DEADLINE`] (plus
/// slack for a loaded machine before killing, so that a slow answer is
/// told apart from a hang); the child is killed past that.
pub fn spawn_with_deadline(mut cmd: Command, label: &str) -> Run {
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let start = Instant::now();
    let mut child = cmd.spawn().expect("spawn the binary");
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    // Read both pipes on threads so that a large output cannot block the
    // child while we wait for it.
    let out_reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = out.read_to_end(&mut v);
        v
    });
    let err_reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = err.read_to_end(&mut v);
        v
    });
    let kill_at = DEADLINE + Duration::from_secs(2);
    let mut timed_out = false;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if start.elapsed() > kill_at {
            timed_out = true;
            let _ = child.kill();
            break child.wait().expect("wait after kill");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let elapsed = start.elapsed();
    Run {
        code: status.code(),
        stdout: out_reader.join().unwrap(),
        stderr: err_reader.join().unwrap(),
        elapsed,
        timed_out,
        label: label.to_string(),
    }
}

/// A scratch secrets directory with canary values planted around it: in
/// the prefixed and unprefixed env vars of *other* secrets, in the
/// unprefixed variable of the secret asked for (a near miss that a hint
/// names), and in a sibling file. Returns the scratch and its canaries.
pub fn planted(group: &str, key: &str) -> (Scratch, Vec<String>) {
    let mut s = Scratch::new();
    let near = canary("near-env");
    let other = canary("other-env");
    let sibling = canary("sibling-file");
    let bare = format!("{}_{}", group.to_uppercase(), key.to_uppercase());
    s.set(&bare, &near);
    s.set("_FSEC_OTHER_SECRET", &other);
    s.file("other/secret", &sibling);
    (s, vec![near, other, sibling])
}

/// Borrowed canaries, for [`Run::answers`].
pub fn refs(canaries: &[String]) -> Vec<&str> {
    canaries.iter().map(String::as_str).collect()
}

/// The harness itself: a capped, timed run answers as a plain run does,
/// and a run that really hangs is killed and reported.
#[test]
fn the_capped_run_answers_as_a_plain_run() {
    use crate::support::{code, stderr, stdout};
    let (s, canaries) = planted("g", "k");
    let value = canary("harness");
    s.file("g/k", &value);
    for args in [
        &["get", "g", "k"][..],
        &["get", "g", "missing"],
        &["get", "g", ".."],
    ] {
        let plain = s.run(args);
        let capped = run(&s, args);
        assert_eq!(capped.code, Some(code(&plain)), "{args:?}");
        assert_eq!(capped.stdout_text(), stdout(&plain));
        assert_eq!(capped.stderr_text(), stderr(&plain));
    }
    run(&s, &["get", "g", "k"]).answers(0, &refs(&canaries));
    // The cap is in force in what the shell execs.
    let mut sh = Command::new("sh");
    sh.arg("-c").arg(format!(
        "ulimit -v {ADDRESS_SPACE_KIB} && exec sh -c 'ulimit -v'"
    ));
    let limit = spawn_with_deadline(sh, "ulimit -v");
    assert_eq!(limit.stdout_text().trim(), ADDRESS_SPACE_KIB.to_string());
    // A hang is detected.
    let mut sleeper = Command::new("sleep");
    sleeper.arg("30");
    let hung = spawn_with_deadline(sleeper, "sleep 30");
    assert!(hung.timed_out && hung.code.is_none());
}
