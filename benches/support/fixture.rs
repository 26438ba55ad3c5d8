//! The secrets every benchmark reads, so that the Rust benches, the syscall
//! counts and the flytekit comparison all read the same files and variables.
//!
//! Layout beneath a temporary directory `root`:
//!
//! - `root/secrets/db/password`: 22 bytes of text with a trailing newline
//!   (the common case);
//! - `root/secrets/tls/cert`: a 1,679-byte PEM-like certificate (bytes mode);
//! - `root/secrets/k8s/password`: Kubernetes' secret-volume layout,
//!   `password -> ..data/password`, `..data -> ..2026_01_01_00_00_00.000000001`;
//! - `root/home`: an empty home directory (no flytekit config file);
//! - env var `_FSEC_BENCH_TOKEN`: a 32-byte value with surrounding spaces.
//!
//! Shared by `benches/lookup.rs` and `examples/lookups.rs` through `#[path]`.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The env var the env lookups read (group `bench`, key `token`).
pub const ENV_NAME: &str = "_FSEC_BENCH_TOKEN";
/// Its value.
pub const ENV_VALUE: &str = "  env-secret-value-0123456789abc\n";
/// (group, key) of each secret.
pub const ENV_SECRET: (&str, &str) = ("bench", "token");
pub const FILE_SECRET: (&str, &str) = ("db", "password");
pub const BYTES_SECRET: (&str, &str) = ("tls", "cert");
pub const K8S_SECRET: (&str, &str) = ("k8s", "password");
pub const MISSING_SECRET: (&str, &str) = ("db", "missing");

/// The contents of `db/password` (and of `k8s/password`).
pub const PASSWORD: &[u8] = b"s3cret-password-value\n";

/// A PEM-shaped certificate: 25 lines of 64 base64 characters between the
/// usual armour lines, the same bytes on every run.
pub fn cert() -> Vec<u8> {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = b"-----BEGIN CERTIFICATE-----\n".to_vec();
    let mut x: u32 = 0x2545_f491;
    for _ in 0..25 {
        for _ in 0..64 {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            out.push(ALPHABET[(x % 64) as usize]);
        }
        out.push(b'\n');
    }
    out.extend_from_slice(b"-----END CERTIFICATE-----\n");
    out
}

/// A fixture on disk; removed when dropped.
pub struct Fixture {
    dir: tempfile::TempDir,
}

impl Fixture {
    /// Creates the fixture in a new temporary directory.
    pub fn create() -> std::io::Result<Fixture> {
        let dir = tempfile::Builder::new().prefix("fsec-bench-").tempdir()?;
        write_layout(dir.path())?;
        Ok(Fixture { dir })
    }

    /// The temporary directory (the working directory for processes).
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// The secrets directory (`FLYTE_SECRETS_DEFAULT_DIR`).
    pub fn secrets(&self) -> PathBuf {
        self.root().join("secrets")
    }

    /// A home directory without a flytekit config file.
    pub fn home(&self) -> PathBuf {
        self.root().join("home")
    }

    /// The file of a (group, key) as flytekit names it.
    pub fn file(&self, secret: (&str, &str)) -> PathBuf {
        self.secrets().join(secret.0).join(secret.1)
    }
}

/// Writes the layout beneath `root` (which must exist).
pub fn write_layout(root: &Path) -> std::io::Result<()> {
    let secrets = root.join("secrets");
    std::fs::create_dir_all(root.join("home"))?;
    std::fs::create_dir_all(secrets.join("db"))?;
    std::fs::write(secrets.join("db/password"), PASSWORD)?;
    std::fs::create_dir_all(secrets.join("tls"))?;
    std::fs::write(secrets.join("tls/cert"), cert())?;
    let version = "..2026_01_01_00_00_00.000000001";
    std::fs::create_dir_all(secrets.join("k8s").join(version))?;
    std::fs::write(secrets.join("k8s").join(version).join("password"), PASSWORD)?;
    std::os::unix::fs::symlink(version, secrets.join("k8s/..data"))?;
    std::os::unix::fs::symlink("..data/password", secrets.join("k8s/password"))?;
    Ok(())
}
