//! What a child process receives from `exec`: secrets as env vars, or as
//! paths to files holding them; everything decided and checked before the
//! child starts, so that a missing secret means no child at all.

use std::ffi::{OsStr, OsString};
use std::io::Write;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::process::Command;

use secrecy::ExposeSecret;

use crate::error::{Error, UnreadableReason};
use crate::manager::{Batch, SecretsManager};
use crate::origin::Origin;
use crate::request::{MountRequirement, SecretRequest};
use crate::shown::Shown;
use crate::value::{ReadMode, SecretBytes};

/// How a secret reaches the child.
///
/// ```
/// use flyte_secrets::{Delivery, Injection};
/// assert_eq!(Injection::parse("CERT=tls/cert", Delivery::FilePath)?.delivery(), Delivery::FilePath);
/// # Ok::<(), flyte_secrets::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Delivery {
    /// The variable holds the value.
    Value,
    /// The variable holds the path of a file with the value.
    FilePath,
}

/// One secret to hand to the child under an env var name.
///
/// ```
/// use flyte_secrets::{Injection, Delivery};
/// let i = Injection::parse("DB_PASSWORD=db/password", Delivery::Value)?;
/// assert_eq!(i.name(), "DB_PASSWORD");
/// assert_eq!(i.request().id().to_string(), "db/password");
/// assert!(Injection::parse("no-equals-sign", Delivery::Value).is_err());
/// # Ok::<(), flyte_secrets::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Injection {
    name: String,
    request: SecretRequest,
    delivery: Delivery,
}

impl Injection {
    /// `name` receives the secret `request` by `delivery`.
    ///
    /// # Errors
    ///
    /// An invalid request when `name` is empty or holds `=` or NUL.
    ///
    /// ```
    /// use flyte_secrets::{Delivery, Injection, SecretRequest};
    /// let i = Injection::new("PGPASSWORD", SecretRequest::new("db", "password")?, Delivery::Value)?;
    /// assert_eq!(i.name(), "PGPASSWORD");
    /// assert!(Injection::new("A=B", SecretRequest::new("db", "password")?, Delivery::Value).is_err());
    /// # Ok::<(), flyte_secrets::Error>(())
    /// ```
    pub fn new(
        name: impl Into<String>,
        request: SecretRequest,
        delivery: Delivery,
    ) -> crate::Result<Self> {
        let name = name.into();
        let mut chars = name.chars();
        let portable = chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !portable {
            return Err(Error::invalid_request(format!(
                "\"{}\" cannot be an env var name: use letters, digits and '_', not starting with a digit",
                Shown(&name)
            )));
        }
        Ok(Injection {
            name,
            request,
            delivery,
        })
    }

    /// Parses `NAME=SPEC` as given to `exec --env` or `--file`.
    ///
    /// # Errors
    ///
    /// An invalid request when there is no `=`, the name is unusable, or the
    /// spec is.
    ///
    /// ```
    /// use flyte_secrets::{Delivery, Injection};
    /// let i = Injection::parse("TOKEN=api/token@v2", Delivery::Value)?;
    /// assert_eq!(i.request().id().to_string(), "api/token@v2");
    /// assert!(Injection::parse("TOKEN=a/b/c", Delivery::Value).is_err());
    /// # Ok::<(), flyte_secrets::Error>(())
    /// ```
    pub fn parse(arg: &str, delivery: Delivery) -> crate::Result<Self> {
        let Some((name, spec)) = arg.split_once('=') else {
            return Err(Error::invalid_request(format!(
                "\"{}\" is not NAME=SPEC",
                Shown(arg)
            )));
        };
        Self::new(name, spec.parse()?, delivery)
    }

    /// The manifest entry's own delivery: with `env_var`, `ENV_VAR`/`ANY`
    /// put the value there and `FILE` puts the file's path there. `None`
    /// when the entry names no variable (it is only required).
    ///
    /// ```
    /// use flyte_secrets::{Delivery, Injection, MountRequirement, SecretRequest};
    /// let r = SecretRequest::new("tls", "cert")?.with_mount(MountRequirement::File).with_env_var("CERT_PATH")?;
    /// let i = Injection::from_manifest_entry(&r).unwrap();
    /// assert_eq!((i.name(), i.delivery()), ("CERT_PATH", Delivery::FilePath));
    /// assert!(Injection::from_manifest_entry(&SecretRequest::new("tls", "cert")?).is_none());
    /// # Ok::<(), flyte_secrets::Error>(())
    /// ```
    #[must_use]
    pub fn from_manifest_entry(request: &SecretRequest) -> Option<Self> {
        let name = request.env_var()?.to_string();
        let delivery = match request.mount() {
            MountRequirement::File => Delivery::FilePath,
            _ => Delivery::Value,
        };
        Some(Injection {
            name,
            request: request.clone(),
            delivery,
        })
    }

    /// The env var the child gets.
    ///
    /// ```
    /// let i = flyte_secrets::Injection::parse("A=g/k", flyte_secrets::Delivery::Value)?;
    /// assert_eq!(i.name(), "A");
    /// # Ok::<(), flyte_secrets::Error>(())
    /// ```
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The secret.
    ///
    /// ```
    /// let i = flyte_secrets::Injection::parse("A=g/k", flyte_secrets::Delivery::Value)?;
    /// assert_eq!(i.request().id().key(), Some("k"));
    /// # Ok::<(), flyte_secrets::Error>(())
    /// ```
    #[must_use]
    pub fn request(&self) -> &SecretRequest {
        &self.request
    }

    /// Value or path.
    ///
    /// ```
    /// use flyte_secrets::{Delivery, Injection};
    /// assert_eq!(Injection::parse("A=g/k", Delivery::Value)?.delivery(), Delivery::Value);
    /// # Ok::<(), flyte_secrets::Error>(())
    /// ```
    #[must_use]
    pub fn delivery(&self) -> Delivery {
        self.delivery
    }
}

/// The environment of a child, ready to start: the parent's variables plus
/// the injected secrets, and a private directory for secrets that had to be
/// written to files. Dropping it removes the directory (its files are
/// overwritten with zeros first).
///
/// ```
/// use flyte_secrets::{Environment, SecretsConfig, SecretsManager, Injection, Delivery, ReadMode};
/// let env = Environment::from_vars([("_FSEC_G_K", "v")]);
/// let secrets = SecretsManager::with_environment(SecretsConfig::default(), env);
/// let child = secrets
///     .prepare_child(&[Injection::parse("F=g/k", Delivery::FilePath)?], &[], ReadMode::Text, false)
///     .unwrap();
/// let dir = child.private_dir().unwrap().to_path_buf();
/// assert!(dir.exists());
/// drop(child);
/// assert!(!dir.exists());
/// # Ok::<(), flyte_secrets::Error>(())
/// ```
pub struct PreparedChild {
    base: Vec<(OsString, OsString)>,
    values: Vec<(OsString, SecretBytes)>,
    paths: Vec<(OsString, PathBuf)>,
    private_dir: Option<PrivateDir>,
}

impl std::fmt::Debug for PreparedChild {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PreparedChild")
            .field(
                "injected_values",
                &self.values.iter().map(|(n, _)| n).collect::<Vec<_>>(),
            )
            .field("injected_paths", &self.paths)
            .field(
                "private_dir",
                &self.private_dir.as_ref().map(|d| d.path.clone()),
            )
            .finish_non_exhaustive()
    }
}

impl PreparedChild {
    /// A command for `program` with exactly this environment (the parent's
    /// variables and the injected ones); values never go into arguments.
    ///
    /// ```
    /// use flyte_secrets::{Environment, SecretsConfig, SecretsManager, Injection, Delivery, ReadMode};
    /// let env = Environment::from_vars([("_FSEC_G_K", "v")]);
    /// let secrets = SecretsManager::with_environment(SecretsConfig::default(), env);
    /// let inject = [Injection::parse("TOKEN=g/k", Delivery::Value)?];
    /// let child = secrets.prepare_child(&inject, &[], ReadMode::Text, false).unwrap();
    /// let out = child.command("sh", ["-c", "printf %s \"$TOKEN\""]).output().unwrap();
    /// assert_eq!(out.stdout, b"v");
    /// # Ok::<(), flyte_secrets::Error>(())
    /// ```
    pub fn command<I, S>(&self, program: impl AsRef<OsStr>, args: I) -> Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut cmd = Command::new(program);
        cmd.args(args).env_clear();
        let injected: Vec<&OsStr> = self
            .values
            .iter()
            .map(|(n, _)| n.as_os_str())
            .chain(self.paths.iter().map(|(n, _)| n.as_os_str()))
            .collect();
        for (name, value) in &self.base {
            if !injected.contains(&name.as_os_str()) {
                cmd.env(name, value);
            }
        }
        for (name, value) in &self.values {
            cmd.env(name, OsStr::from_bytes(value.expose_secret()));
        }
        for (name, path) in &self.paths {
            cmd.env(name, path);
        }
        cmd
    }

    /// The private directory holding written secrets, if any was needed.
    ///
    /// ```
    /// use flyte_secrets::{Environment, SecretsConfig, SecretsManager, Injection, Delivery, ReadMode};
    /// let env = Environment::from_vars([("_FSEC_G_K", "v")]);
    /// let secrets = SecretsManager::with_environment(SecretsConfig::default(), env);
    /// let child = secrets.prepare_child(&[Injection::parse("V=g/k", Delivery::Value)?], &[], ReadMode::Text, false).unwrap();
    /// assert!(child.private_dir().is_none());
    /// # Ok::<(), flyte_secrets::Error>(())
    /// ```
    #[must_use]
    pub fn private_dir(&self) -> Option<&Path> {
        self.private_dir.as_ref().map(|d| d.path.as_path())
    }

    /// The names injected, in order: values first, then paths.
    ///
    /// ```
    /// use flyte_secrets::{Environment, SecretsConfig, SecretsManager, Injection, Delivery, ReadMode};
    /// let env = Environment::from_vars([("_FSEC_G_K", "v")]);
    /// let secrets = SecretsManager::with_environment(SecretsConfig::default(), env);
    /// let child = secrets.prepare_child(&[Injection::parse("V=g/k", Delivery::Value)?], &[], ReadMode::Text, false).unwrap();
    /// assert_eq!(child.injected_names(), ["V"]);
    /// # Ok::<(), flyte_secrets::Error>(())
    /// ```
    #[must_use]
    pub fn injected_names(&self) -> Vec<String> {
        self.values
            .iter()
            .map(|(n, _)| n)
            .chain(self.paths.iter().map(|(n, _)| n))
            .map(|n| n.to_string_lossy().into_owned())
            .collect()
    }
}

/// A 0700 directory of 0600 files, wiped and removed on drop.
struct PrivateDir {
    path: PathBuf,
}

impl PrivateDir {
    fn create() -> std::io::Result<Self> {
        // Absolute, so that the path the child gets does not depend on its
        // working directory (TMPDIR may be relative).
        let mut base = std::env::temp_dir();
        if base.is_relative() {
            base = std::env::current_dir()?.join(base);
        }
        for attempt in 0..16u32 {
            let name = format!(
                "flyte-secrets-{}-{}-{attempt}",
                std::process::id(),
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.subsec_nanos())
            );
            let path = base.join(name);
            match std::fs::DirBuilder::new().mode(0o700).create(&path) {
                Ok(()) => return Ok(PrivateDir { path }),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
        Err(std::io::ErrorKind::AlreadyExists.into())
    }

    /// Writes the `index`th secret, for the variable `name`. The variable's
    /// name is not a file name (it may hold `/`, or be `..` or absolute):
    /// the file is named by `index` and the name's safe characters, so that
    /// it is always a plain entry of this directory.
    fn write(&self, index: usize, name: &str, value: &[u8]) -> std::io::Result<PathBuf> {
        let path = self.path.join(private_file_name(index, name));
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path)?;
        file.write_all(value)?;
        Ok(path)
    }
}

/// `<index>-<name>` with every character of `name` other than ASCII
/// letters, digits, `_` and `-` made `_`, at most 64 of them: never empty,
/// never `.` or `..`, never holding `/`, unique by its index.
fn private_file_name(index: usize, name: &str) -> String {
    let safe: String = name
        .chars()
        .take(64)
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{index}-{safe}")
}

impl Drop for PrivateDir {
    fn drop(&mut self) {
        if let Ok(entries) = std::fs::read_dir(&self.path) {
            for entry in entries.flatten() {
                let path = entry.path();
                if let Ok(meta) = std::fs::symlink_metadata(&path) {
                    if meta.is_file() {
                        if let Ok(mut f) = std::fs::OpenOptions::new().write(true).open(&path) {
                            let zeros = vec![0u8; usize::try_from(meta.len()).unwrap_or(0)];
                            let _ = f.write_all(&zeros);
                            let _ = f.sync_all();
                        }
                    }
                }
                let _ = std::fs::remove_file(&path);
            }
        }
        let _ = std::fs::remove_dir(&self.path);
    }
}

/// Everything that stops a child from starting; each names the variable or
/// secret it is about.
///
/// ```
/// use flyte_secrets::{Environment, SecretsConfig, SecretsManager, Injection, Delivery, ReadMode};
/// let config = SecretsConfig::default().with_default_dir("/nonexistent");
/// let secrets = SecretsManager::with_environment(config, Environment::from_vars(Vec::<(String, String)>::new()));
/// let inject = [Injection::parse("A=g/one", Delivery::Value)?, Injection::parse("B=g/two", Delivery::Value)?];
/// let problems = secrets.prepare_child(&inject, &[], ReadMode::Text, false).unwrap_err();
/// assert_eq!(problems.len(), 2);
/// # Ok::<(), flyte_secrets::Error>(())
/// ```
pub type Problems = Vec<Error>;

pub(crate) fn prepare(
    manager: &SecretsManager,
    injections: &[Injection],
    required: &[SecretRequest],
    mode: ReadMode,
    overwrite: bool,
) -> Result<PreparedChild, Problems> {
    let env = manager.environment();
    let mut problems = Vec::new();
    let mut names: Vec<&str> = Vec::new();
    for injection in injections {
        if names.contains(&injection.name()) {
            problems.push(Error::invalid_request(format!(
                "env var {} is given more than one secret",
                Shown(injection.name())
            )));
        }
        names.push(injection.name());
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut values = Vec::new();
    let mut paths = Vec::new();
    let mut to_write = Vec::new();
    let mut batch = Batch::new(manager);
    for injection in injections {
        let found = match batch.resolve(injection.request(), mode) {
            Ok(found) => found,
            Err(e) => {
                problems.push(e);
                continue;
            }
        };
        let origin = found.origin().clone();
        let name = injection.name();
        // Already delivered there by the platform: nothing to inject.
        let already_there = match (&origin, injection.delivery()) {
            (Origin::EnvVar { name: from }, Delivery::Value) => from == name,
            (Origin::File { path }, Delivery::FilePath) => {
                env.var_os(name).is_some_and(|v| Path::new(&v) == path)
            }
            _ => false,
        };
        if already_there {
            continue;
        }
        if env.is_set(name) && !overwrite {
            problems.push(Error::invalid_request(format!(
                "env var {} is already set; pass --override to replace it",
                Shown(name)
            )));
            continue;
        }
        match (injection.delivery(), origin) {
            (Delivery::FilePath, Origin::File { path }) => paths.push((OsString::from(name), path)),
            (Delivery::FilePath, _) => to_write.push((name.to_string(), found.into_value())),
            (Delivery::Value, origin) => {
                let value = found.into_value();
                if value.expose_secret().contains(&0) {
                    problems.push(Error::unreadable(
                        injection.request().id().to_string(),
                        origin,
                        UnreadableReason::ContainsNul,
                        None,
                    ));
                    continue;
                }
                values.push((OsString::from(name), value));
            }
        }
    }
    for request in required {
        if let Err(e) = batch.resolve(request, mode) {
            problems.push(e);
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut private_dir = None;
    if !to_write.is_empty() {
        let dir = PrivateDir::create().map_err(|e| vec![private_dir_error(&e)])?;
        for (index, (name, value)) in to_write.into_iter().enumerate() {
            let path = dir
                .write(index, &name, value.expose_secret())
                .map_err(|e| vec![private_dir_error(&e)])?;
            paths.push((OsString::from(name), path));
        }
        private_dir = Some(dir);
    }
    Ok(PreparedChild {
        base: env.vars_os(),
        values,
        paths,
        private_dir,
    })
}

fn private_dir_error(e: &std::io::Error) -> Error {
    Error::config(
        None,
        None,
        format!("cannot write a private file for the child: {e}"),
    )
}

#[cfg(test)]
mod tests {
    use super::private_file_name;

    #[test]
    fn private_file_names_are_plain_entries() {
        assert_eq!(private_file_name(0, "TLS_CERT"), "0-TLS_CERT");
        assert_eq!(private_file_name(3, "../../etc/x"), "3-______etc_x");
        assert_eq!(private_file_name(1, "/abs"), "1-_abs");
        assert_eq!(private_file_name(2, ".."), "2-__");
        assert_eq!(private_file_name(4, "é"), "4-_");
        assert_eq!(private_file_name(5, &"A".repeat(300)).len(), 2 + 64);
    }
}
