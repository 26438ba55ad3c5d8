//! Shared helpers: a scratch secrets directory and running the binary with
//! an exact environment.

// Helpers for every theme; not every theme uses each of them.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The binary under test.
pub fn binary() -> &'static str {
    env!("CARGO_BIN_EXE_flyte-secrets")
}

/// A scratch directory that plays the secrets directory, with a `home`
/// inside it, and the environment the binary gets.
pub struct Scratch {
    pub dir: tempfile::TempDir,
    pub env: BTreeMap<String, String>,
}

impl Scratch {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir(dir.path().join("home")).unwrap();
        let mut env = BTreeMap::new();
        env.insert("FLYTE_SECRETS_DEFAULT_DIR".into(), path_str(dir.path()));
        env.insert("HOME".into(), path_str(&dir.path().join("home")));
        Scratch { dir, env }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn join(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Writes `content` at `rel`, creating parent directories.
    pub fn file(&self, rel: &str, content: impl AsRef<[u8]>) -> PathBuf {
        let p = self.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, content).unwrap();
        p
    }

    /// Creates a symlink at `rel` pointing to `target`.
    pub fn link(&self, rel: &str, target: impl AsRef<Path>) -> PathBuf {
        let p = self.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(target, &p).unwrap();
        p
    }

    pub fn set(&mut self, name: &str, value: &str) -> &mut Self {
        self.env.insert(name.into(), value.into());
        self
    }

    pub fn unset(&mut self, name: &str) -> &mut Self {
        self.env.remove(name);
        self
    }

    /// Runs the binary with exactly this environment, in the scratch dir.
    pub fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("run flyte-secrets")
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(binary());
        cmd.args(args)
            .env_clear()
            .envs(&self.env)
            .current_dir(self.path())
            .stdin(Stdio::null());
        cmd
    }
}

pub fn path_str(p: &Path) -> String {
    p.to_str().expect("UTF-8 temp path").to_string()
}

/// The exit status, with a readable panic when the process was killed.
pub fn code(out: &Output) -> i32 {
    out.status
        .code()
        .unwrap_or_else(|| panic!("killed by a signal: {out:?}"))
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Makes a FIFO at `path`, creating parent directories.
pub fn mkfifo(path: &Path) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    rustix::fs::mkfifoat(
        rustix::fs::CWD,
        path,
        rustix::fs::Mode::from_raw_mode(0o644),
    )
    .unwrap();
}
