//! `SecretsManager`: the lookup order (env var, then the unprefixed env var
//! in local mode, then the file) and the modes.

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};

use crate::config::SecretsConfig;
use crate::environment::Environment;
use crate::error::{Error, NotFound, Result, UnreadableReason};
use crate::explain::Explanation;
use crate::hints;
use crate::naming::{
    env_var_name, env_var_name_of, join_like_python, relative_file_path, relative_file_path_of,
    with_env_var_name, with_relative_file_path,
};
use crate::origin::Origin;
use crate::request::{MountRequirement, Names, SecretId, SecretRequest};
use crate::source::env::read_var;
use crate::source::secrets_dir::{FileProblem, Missing, Resolver, SecretsDir};
use crate::value::{
    Found, ReadMode, SecretBytes, SecretString, finish_env_value, finish_file_value, secret_bytes,
    secret_text,
};
use zeroize::Zeroizing;

/// Reads secrets as flytekit's `SecretsManager` does, safely.
///
/// Build one per process and share it: it keeps the secrets directory open
/// between lookups. It is `Send + Sync`.
///
/// ```
/// use flyte_secrets::{Environment, SecretsConfig, SecretsManager};
/// use secrecy::ExposeSecret;
///
/// let dir = tempfile::tempdir()?;
/// std::fs::create_dir(dir.path().join("db"))?;
/// std::fs::write(dir.path().join("db/password"), "s3cret\n")?;
///
/// let config = SecretsConfig::default().with_default_dir(dir.path());
/// let env = Environment::from_vars([("_FSEC_API_TOKEN", "  t0ken ")]);
/// let secrets = SecretsManager::with_environment(config, env);
///
/// assert_eq!(secrets.get("db", "password")?.expose_secret(), "s3cret");
/// assert_eq!(secrets.get("api", "token")?.expose_secret(), "t0ken");
/// assert!(secrets.get("db", "user").unwrap_err().is_not_found());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct SecretsManager {
    config: SecretsConfig,
    env: Environment,
    local: bool,
    dir: SecretsDir,
    platform_dirs: Vec<PathBuf>,
    hints: bool,
}

/// Where Flyte's platform mounts secret files, and flytekit's default.
const PLATFORM_DIRS: [&str; 2] = ["/etc/flyte/secrets", "/etc/secrets"];

impl SecretsManager {
    /// A manager with settings from the process environment and the config
    /// file, reading the process environment.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Config`](crate::ErrorKind::Config) when the config file
    /// is unusable.
    ///
    /// ```no_run
    /// let secrets = flyte_secrets::SecretsManager::from_env()?;
    /// # Ok::<(), flyte_secrets::Error>(())
    /// ```
    pub fn from_env() -> Result<Self> {
        Ok(Self::new(SecretsConfig::from_env()?))
    }

    /// A manager with `config`, reading the process environment.
    ///
    /// ```
    /// let secrets = flyte_secrets::SecretsManager::new(Default::default());
    /// assert!(!secrets.is_local());
    /// ```
    #[must_use]
    pub fn new(config: SecretsConfig) -> Self {
        Self::with_environment(config, Environment::process())
    }

    /// A manager with `config`, reading variables from `env` and resolving a
    /// relative secrets directory against `env`'s working directory.
    ///
    /// ```
    /// use flyte_secrets::{Environment, SecretsConfig, SecretsManager};
    /// let env = Environment::from_vars([("_FSEC_K", "v")]);
    /// let secrets = SecretsManager::with_environment(SecretsConfig::default(), env);
    /// assert!(secrets.get("", "k").is_ok());
    /// ```
    #[must_use]
    pub fn with_environment(config: SecretsConfig, env: Environment) -> Self {
        let open_path = env.resolve(Path::new(config.default_dir().value()));
        SecretsManager {
            dir: SecretsDir::new(open_path, Resolver::Kernel),
            config,
            env,
            local: false,
            platform_dirs: PLATFORM_DIRS.iter().map(PathBuf::from).collect(),
            hints: true,
        }
    }

    /// Local mode, as inside a locally run flytekit task: the env var without
    /// the prefix is also tried, after the prefixed one and before the file.
    ///
    /// ```
    /// use flyte_secrets::{Environment, SecretsConfig, SecretsManager};
    /// let env = Environment::from_vars([("G_K", "v")]);
    /// let secrets = SecretsManager::with_environment(SecretsConfig::default(), env);
    /// assert!(secrets.get("g", "k").is_err());
    /// assert!(secrets.with_local_mode(true).get("g", "k").is_ok());
    /// ```
    #[must_use]
    pub fn with_local_mode(mut self, local: bool) -> Self {
        self.local = local;
        self
    }

    /// Resolves file paths in user space, one component at a time, instead
    /// of with `openat2`. Both confine lookups to the secrets directory; this
    /// one is what kernels older than Linux 5.6 get automatically. Useful to
    /// test that path.
    ///
    /// ```
    /// let secrets = flyte_secrets::SecretsManager::new(Default::default()).with_portable_resolution();
    /// assert!(secrets.get("no-such-group-here", "k").is_err());
    /// ```
    #[must_use]
    pub fn with_portable_resolution(mut self) -> Self {
        self.dir = SecretsDir::new(self.dir.open_path().to_path_buf(), Resolver::Portable);
        self
    }

    /// Whether a not-found error looks for near misses (on by default).
    ///
    /// Hints scan the environment and list directories, which costs a few
    /// dozen microseconds on each lookup that finds nothing. A program that
    /// probes optional secrets in a hot path can turn them off; its errors
    /// still name every env var and file tried.
    ///
    /// ```
    /// use flyte_secrets::{Environment, SecretsConfig, SecretsManager};
    /// let env = Environment::from_vars([("G_K", "unprefixed")]);
    /// let secrets = SecretsManager::with_environment(SecretsConfig::default(), env);
    /// assert!(!secrets.get("g", "k").unwrap_err().hints().is_empty());
    /// let quiet = secrets.with_hints(false);
    /// let err = quiet.get("g", "k").unwrap_err();
    /// assert!(err.hints().is_empty() && err.to_string().contains("_FSEC_G_K"));
    /// ```
    #[must_use]
    pub fn with_hints(mut self, hints: bool) -> Self {
        self.hints = hints;
        self
    }

    /// The same manager with near-miss hints off (its own descriptor of
    /// the secrets directory, opened on first use).
    pub(crate) fn without_hints(&self) -> SecretsManager {
        SecretsManager {
            config: self.config.clone(),
            env: self.env.clone(),
            local: self.local,
            dir: SecretsDir::new(self.dir.open_path().to_path_buf(), self.dir.resolver()),
            platform_dirs: self.platform_dirs.clone(),
            hints: false,
        }
    }

    /// Whether local mode is on.
    ///
    /// ```
    /// let secrets = flyte_secrets::SecretsManager::new(Default::default()).with_local_mode(true);
    /// assert!(secrets.is_local());
    /// ```
    #[must_use]
    pub fn is_local(&self) -> bool {
        self.local
    }

    /// The settings in force.
    ///
    /// ```
    /// let config = flyte_secrets::SecretsConfig::default().with_file_prefix("p_");
    /// let secrets = flyte_secrets::SecretsManager::new(config);
    /// assert_eq!(secrets.config().file_prefix().value(), "p_");
    /// ```
    #[must_use]
    pub fn config(&self) -> &SecretsConfig {
        &self.config
    }

    /// The environment variables are read from.
    ///
    /// ```
    /// use flyte_secrets::{Environment, SecretsManager};
    /// let secrets = SecretsManager::with_environment(Default::default(), Environment::from_vars([("A", "1")]));
    /// assert!(!secrets.environment().is_process());
    /// ```
    #[must_use]
    pub fn environment(&self) -> &Environment {
        &self.env
    }

    /// A secret as text, like flytekit's `get(group, key)`. Either name may
    /// be empty.
    ///
    /// # Errors
    ///
    /// Not found, an invalid name, or unreadable (including a file or
    /// variable that is not UTF-8).
    ///
    /// ```
    /// use flyte_secrets::{Environment, SecretsConfig, SecretsManager};
    /// use secrecy::ExposeSecret;
    /// let env = Environment::from_vars([("_FSEC_DB_PASSWORD", "pw\n")]);
    /// let secrets = SecretsManager::with_environment(SecretsConfig::default(), env);
    /// assert_eq!(secrets.get("db", "password")?.expose_secret(), "pw");
    /// # Ok::<(), flyte_secrets::Error>(())
    /// ```
    pub fn get(&self, group: &str, key: &str) -> Result<SecretString> {
        let names = Names::new(group, key, "")?;
        let (buf, place) = self.lookup(names, ReadMode::Text, Sources::Both)?;
        secret_text(buf).map_err(|offset| {
            Error::unreadable(
                names.to_string(),
                self.origin(names, place),
                UnreadableReason::NotUtf8 { offset },
                None,
            )
        })
    }

    /// A secret as bytes, like flytekit's `get(group, key, encode_mode="rb")`:
    /// a file's bytes with ASCII whitespace stripped.
    ///
    /// # Errors
    ///
    /// Not found, an invalid name, or unreadable.
    ///
    /// ```
    /// use flyte_secrets::{SecretsConfig, SecretsManager};
    /// use secrecy::ExposeSecret;
    /// let dir = tempfile::tempdir()?;
    /// std::fs::create_dir(dir.path().join("tls"))?;
    /// std::fs::write(dir.path().join("tls/key"), b"\x00\xff\n")?;
    /// let secrets = SecretsManager::new(SecretsConfig::default().with_default_dir(dir.path()));
    /// assert_eq!(secrets.get_bytes("tls", "key")?.expose_secret(), b"\x00\xff");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn get_bytes(&self, group: &str, key: &str) -> Result<SecretBytes> {
        let names = Names::new(group, key, "")?;
        let (buf, _) = self.lookup(names, ReadMode::Bytes, Sources::Both)?;
        Ok(secret_bytes(buf))
    }

    /// Looks `id` up in `mode` and says where it was found.
    ///
    /// # Errors
    ///
    /// Not found (naming every env var and the file tried, with hints), or
    /// unreadable.
    ///
    /// ```
    /// use flyte_secrets::{Environment, SecretsConfig, SecretsManager, SecretId, ReadMode, Origin};
    /// let env = Environment::from_vars([("_FSEC_G_V1_K", "x")]);
    /// let secrets = SecretsManager::with_environment(SecretsConfig::default(), env);
    /// let id = SecretId::new("g", "k")?.with_group_version("v1")?;
    /// let found = secrets.find(&id, ReadMode::Text)?;
    /// assert_eq!(found.origin(), &Origin::EnvVar { name: "_FSEC_G_V1_K".into() });
    /// # Ok::<(), flyte_secrets::Error>(())
    /// ```
    pub fn find(&self, id: &SecretId, mode: ReadMode) -> Result<Found> {
        self.find_in(id, mode, Sources::Both)
    }

    /// Like [`SecretsManager::find`], restricted to env vars or to files.
    pub(crate) fn find_in(&self, id: &SecretId, mode: ReadMode, sources: Sources) -> Result<Found> {
        let names = id.names();
        let (buf, place) = self.lookup(names, mode, sources)?;
        Ok(Found::new(buf, self.origin(names, place), id.to_string()))
    }

    /// The lookup itself: the value, finished for `mode`, and where it was.
    /// Nothing is allocated for names or paths unless something goes wrong.
    fn lookup(
        &self,
        names: Names<'_>,
        mode: ReadMode,
        sources: Sources,
    ) -> Result<(Zeroizing<Vec<u8>>, Place)> {
        if sources != Sources::FilesOnly {
            let prefix = self.config.env_prefix().value();
            let read = |name: &OsStr| read_var(&self.env, name);
            if let Some(mut buf) = with_env_var_name(prefix, names, read) {
                finish_env_value(&mut buf, mode);
                return Ok((buf, Place::PrefixedVar));
            }
            // Without a prefix the bare name is the one just tried.
            if self.local && !prefix.is_empty() {
                if let Some(mut buf) = with_env_var_name(OsStr::new(""), names, read) {
                    finish_env_value(&mut buf, mode);
                    return Ok((buf, Place::BareVar));
                }
            }
        }
        if sources == Sources::EnvOnly {
            return Err(self.not_found(names, sources, None));
        }
        let file_prefix = self.config.file_prefix().value();
        with_relative_file_path(file_prefix, names, |relative| {
            self.read_file(names, relative, || self.shown_path(relative), mode)
                .map(|buf| (buf, Place::File))
                .map_err(|e| {
                    e.unwrap_or_else(|missing| self.not_found(names, sources, Some(&missing)))
                })
        })
    }

    /// Describes where [`SecretsManager::lookup`] found a value.
    fn origin(&self, names: Names<'_>, place: Place) -> Origin {
        let var = |prefix: &OsStr| Origin::EnvVar {
            name: env_var_name_of(prefix, names)
                .to_string_lossy()
                .into_owned(),
        };
        match place {
            Place::PrefixedVar => var(self.config.env_prefix().value()),
            Place::BareVar => var(OsStr::new("")),
            Place::File => Origin::File {
                path: self.shown_path(&relative_file_path_of(
                    self.config.file_prefix().value(),
                    names,
                )),
            },
        }
    }

    /// A secret as a Flyte task declared it: with `env_var`, `ENV_VAR` and
    /// `ANY` read that variable and `FILE` reads the file whose path it holds
    /// (only if inside the secrets directory). When the declared variable is
    /// not set, or none is declared, flytekit's lookup follows, restricted to
    /// env vars for `ENV_VAR` and to files for `FILE`.
    ///
    /// # Errors
    ///
    /// As [`SecretsManager::find`]; a not-found error names the declared
    /// variable first.
    ///
    /// ```
    /// use flyte_secrets::{Environment, SecretsConfig, SecretsManager, SecretRequest, MountRequirement, ReadMode};
    /// use secrecy::ExposeSecret;
    /// let env = Environment::from_vars([("DB_PASSWORD", "pw")]);
    /// let secrets = SecretsManager::with_environment(SecretsConfig::default(), env);
    /// let request = SecretRequest::new("db", "password")?
    ///     .with_mount(MountRequirement::EnvVar)
    ///     .with_env_var("DB_PASSWORD")?;
    /// assert_eq!(secrets.resolve(&request, ReadMode::Text)?.value().expose_secret(), b"pw");
    /// # Ok::<(), flyte_secrets::Error>(())
    /// ```
    pub fn resolve(&self, request: &SecretRequest, mode: ReadMode) -> Result<Found> {
        let id = request.id();
        let sources = match request.mount() {
            MountRequirement::Any => Sources::Both,
            MountRequirement::EnvVar => Sources::EnvOnly,
            MountRequirement::File => Sources::FilesOnly,
        };
        let Some(var) = request.env_var() else {
            return self.find_in(id, mode, sources);
        };
        if request.mount() == MountRequirement::File {
            // An empty variable names no file: as if it were not set.
            if let Some(path) = self.env.var_os(var).filter(|p| !p.is_empty()) {
                return self.read_declared_file(id, var, Path::new(&path), mode);
            }
        } else if let Some(found) = self.find_var(id, OsStr::new(var), mode) {
            return Ok(found);
        }
        self.find_in(id, mode, sources)
            .map_err(|e| e.tried_first(var))
    }

    /// The declared env var `name`, as a [`Found`].
    fn find_var(&self, id: &SecretId, name: &OsStr, mode: ReadMode) -> Option<Found> {
        let mut buf = read_var(&self.env, name)?;
        finish_env_value(&mut buf, mode);
        let origin = Origin::EnvVar {
            name: name.to_string_lossy().into_owned(),
        };
        Some(Found::new(buf, origin, id.to_string()))
    }

    /// Reads the file whose path the variable `var` holds.
    fn read_declared_file(
        &self,
        id: &SecretId,
        var: &str,
        path: &Path,
        mode: ReadMode,
    ) -> Result<Found> {
        let Some(relative) = self.dir.inside(path) else {
            let origin = Origin::File {
                path: path.to_path_buf(),
            };
            return Err(Error::unreadable(
                id.to_string(),
                origin,
                UnreadableReason::OutsideDirectory,
                None,
            ));
        };
        match self.read_file(id.names(), &relative, || path.to_path_buf(), mode) {
            Ok(buf) => {
                let origin = Origin::File {
                    path: path.to_path_buf(),
                };
                Ok(Found::new(buf, origin, id.to_string()))
            }
            Err(e) => Err(e.unwrap_or_else(|_| {
                Error::missing(NotFound {
                    secret: id.to_string(),
                    env_vars: Vec::new(),
                    file: Some(path.to_path_buf()),
                    hints: vec![format!(
                        "env var {} names this file, which does not exist",
                        crate::shown::Shown(var)
                    )],
                })
            })),
        }
    }

    /// Reads a file beneath the secrets directory and finishes it for
    /// `mode`; a missing file is returned as `Err(Err(missing))` for the
    /// caller to describe. `shown` (the path an error names) is called only
    /// when there is an error.
    fn read_file(
        &self,
        names: Names<'_>,
        relative: &Path,
        shown: impl Fn() -> PathBuf,
        mode: ReadMode,
    ) -> std::result::Result<Zeroizing<Vec<u8>>, std::result::Result<Error, Missing>> {
        let unreadable = |reason, io| {
            let origin = Origin::File { path: shown() };
            Error::unreadable(names.to_string(), origin, reason, io)
        };
        match self.dir.read(relative, self.config.max_file_size()) {
            Ok(mut buf) => match finish_file_value(&mut buf, mode) {
                Ok(()) => Ok(buf),
                Err(reason) => Err(Ok(unreadable(reason, None))),
            },
            Err(FileProblem::NotFound(missing)) => Err(Err(missing)),
            Err(FileProblem::Unreadable(reason, io)) => Err(Ok(unreadable(reason, io))),
        }
    }

    fn not_found(&self, names: Names<'_>, sources: Sources, missing: Option<&Missing>) -> Error {
        let id = &names.to_id();
        let env_vars = if sources == Sources::FilesOnly {
            Vec::new()
        } else {
            self.env_var_names(id)
                .iter()
                .map(|n| n.to_string_lossy().into_owned())
                .collect()
        };
        let file = (sources != Sources::EnvOnly).then(|| self.file_path(id));
        Error::missing(NotFound {
            secret: id.to_string(),
            env_vars,
            file,
            hints: if self.hints {
                hints::for_missing(self, id, sources, missing)
            } else {
                Vec::new()
            },
        })
    }

    /// The env var names tried for `id`, in lookup order.
    ///
    /// ```
    /// use flyte_secrets::{SecretsManager, SecretId};
    /// let secrets = SecretsManager::new(Default::default()).with_local_mode(true);
    /// assert_eq!(secrets.env_var_names(&SecretId::new("g", "k")?), ["_FSEC_G_K", "G_K"]);
    /// # Ok::<(), flyte_secrets::Error>(())
    /// ```
    #[must_use]
    pub fn env_var_names(&self, id: &SecretId) -> Vec<OsString> {
        let mut names = vec![env_var_name(self.config.env_prefix().value(), id)];
        if self.local {
            let bare = env_var_name(OsStr::new(""), id);
            if bare != names[0] {
                names.push(bare);
            }
        }
        names
    }

    /// The file path tried for `id`, as flytekit names it.
    ///
    /// ```
    /// use flyte_secrets::{SecretsManager, SecretId};
    /// let secrets = SecretsManager::new(Default::default());
    /// assert_eq!(secrets.file_path(&SecretId::new("G", "K")?), std::path::Path::new("/etc/secrets/g/k"));
    /// # Ok::<(), flyte_secrets::Error>(())
    /// ```
    #[must_use]
    pub fn file_path(&self, id: &SecretId) -> PathBuf {
        self.shown_path(&relative_file_path(self.config.file_prefix().value(), id))
    }

    fn shown_path(&self, relative: &Path) -> PathBuf {
        join_like_python(Path::new(self.config.default_dir().value()), relative)
    }

    /// Says where `id` would be looked for, where it is, and what is nearby,
    /// without reading any value.
    ///
    /// ```
    /// use flyte_secrets::{Environment, SecretsConfig, SecretsManager, SecretId};
    /// let env = Environment::from_vars([("_FSEC_G_K", "v")]);
    /// let secrets = SecretsManager::with_environment(SecretsConfig::default(), env);
    /// let e = secrets.explain(&SecretId::new("g", "k")?);
    /// assert_eq!(e.env_vars, ["_FSEC_G_K"]);
    /// assert!(e.found.is_some());
    /// # Ok::<(), flyte_secrets::Error>(())
    /// ```
    #[must_use]
    pub fn explain(&self, id: &SecretId) -> Explanation {
        crate::explain::explain(self, id)
    }

    /// Opens the secret's file (without reading it) for `explain`.
    pub(crate) fn probe_file(&self, id: &SecretId) -> Result<rustix::fs::Stat, FileProblem> {
        self.probe_relative(&relative_file_path(self.config.file_prefix().value(), id))
    }

    /// Opens a file beneath the secrets directory without reading it.
    pub(crate) fn probe_relative(&self, relative: &Path) -> Result<rustix::fs::Stat, FileProblem> {
        self.dir.open(relative).map(|(_, stat)| stat)
    }

    /// Resolves every request and says where each was found or why it was
    /// not; values are read (to find unreadable ones) and wiped at once.
    ///
    /// ```
    /// use flyte_secrets::{Environment, SecretsConfig, SecretsManager, ReadMode};
    /// let secrets = SecretsManager::with_environment(SecretsConfig::default(), Environment::from_vars([("_FSEC_G_K", "v")]));
    /// let report = secrets.check(&["g/k".parse()?], ReadMode::Text);
    /// assert_eq!(report.results[0].status, "present");
    /// # Ok::<(), flyte_secrets::Error>(())
    /// ```
    #[must_use]
    pub fn check(&self, requests: &[SecretRequest], mode: ReadMode) -> crate::check::CheckReport {
        crate::check::check(self, requests, mode)
    }

    /// Resolves `injections` (secrets for a child's env vars) and `required`
    /// (secrets that must exist) and builds the child's environment. Nothing
    /// is started; every problem is reported, not just the first.
    ///
    /// A variable already set in this environment is replaced only when
    /// `overwrite` is true (except when it already holds exactly this secret,
    /// delivered there by the platform).
    ///
    /// # Errors
    ///
    /// Every missing or unreadable secret, conflicting or already-set
    /// variable, each as an [`Error`].
    ///
    /// ```
    /// use flyte_secrets::{Environment, SecretsConfig, SecretsManager, Injection, Delivery, ReadMode};
    /// let env = Environment::from_vars([("_FSEC_G_K", "v"), ("TARGET", "old")]);
    /// let secrets = SecretsManager::with_environment(SecretsConfig::default(), env);
    /// let inject = [Injection::parse("TARGET=g/k", Delivery::Value)?];
    /// assert!(secrets.prepare_child(&inject, &[], ReadMode::Text, false).is_err());
    /// assert!(secrets.prepare_child(&inject, &[], ReadMode::Text, true).is_ok());
    /// # Ok::<(), flyte_secrets::Error>(())
    /// ```
    pub fn prepare_child(
        &self,
        injections: &[crate::child::Injection],
        required: &[SecretRequest],
        mode: ReadMode,
        overwrite: bool,
    ) -> std::result::Result<crate::child::PreparedChild, crate::child::Problems> {
        crate::child::prepare(self, injections, required, mode, overwrite)
    }

    /// Every secret visible to this process, by name: env vars with the
    /// prefix and files beneath the secrets directory, each with the request
    /// that reads it. No value is read.
    ///
    /// ```
    /// use flyte_secrets::{Environment, SecretsConfig, SecretsManager};
    /// let config = SecretsConfig::default().with_default_dir("/nonexistent");
    /// let secrets = SecretsManager::with_environment(config, Environment::from_vars([("_FSEC_DB_PW", "x")]));
    /// let listing = secrets.list();
    /// assert_eq!(listing.secrets[0].request.as_deref(), Some("db/pw"));
    /// assert!(listing.dir_problem.is_some());
    /// ```
    #[must_use]
    pub fn list(&self) -> crate::listing::Listing {
        crate::listing::list(self)
    }

    /// The entries of a directory beneath the secrets directory, for hints
    /// and listings.
    pub(crate) fn list_dir(
        &self,
        relative: &Path,
    ) -> Result<Vec<(OsString, rustix::fs::FileType)>, FileProblem> {
        self.dir.list(relative)
    }

    /// [`SecretsManager::list_dir`] with the directory's device and inode.
    pub(crate) fn list_dir_identified(
        &self,
        relative: &Path,
    ) -> Result<crate::source::secrets_dir::ListedDir, FileProblem> {
        self.dir.list_identified(relative)
    }

    /// Other directories where secrets are commonly mounted; a secret found
    /// there while missing here is pointed out in a hint.
    ///
    /// ```
    /// let secrets = flyte_secrets::SecretsManager::new(Default::default());
    /// assert!(secrets.platform_dirs().contains(&"/etc/flyte/secrets".into()));
    /// ```
    #[must_use]
    pub fn platform_dirs(&self) -> &[PathBuf] {
        &self.platform_dirs
    }

    /// Replaces the directories checked for the "mounted elsewhere" hint
    /// (by default Flyte's platform mount path `/etc/flyte/secrets` and
    /// flytekit's default `/etc/secrets`).
    ///
    /// ```
    /// let secrets = flyte_secrets::SecretsManager::new(Default::default())
    ///     .with_platform_dirs(vec!["/run/secrets".into()]);
    /// assert_eq!(secrets.platform_dirs(), [std::path::PathBuf::from("/run/secrets")]);
    /// ```
    #[must_use]
    pub fn with_platform_dirs(mut self, dirs: Vec<PathBuf>) -> Self {
        self.platform_dirs = dirs;
        self
    }
}

/// Where a lookup found its value.
#[derive(Clone, Copy, Debug)]
enum Place {
    /// The env var with the prefix.
    PrefixedVar,
    /// The env var without the prefix (local mode).
    BareVar,
    /// The file.
    File,
}

/// Which places a lookup may read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Sources {
    Both,
    EnvOnly,
    FilesOnly,
}

/// How many missing secrets of one batch (`check`, `exec`) get near-miss
/// hints. Hints list the secrets directory and the group's directory for
/// each missing secret: thousands of them in a crowded directory would take
/// minutes, and nobody reads that many hints.
pub(crate) const HINTED_MISSES: usize = 20;

/// Resolves the requests of one batch: the first [`HINTED_MISSES`] secrets
/// that are not found get hints, later ones only their message.
pub(crate) struct Batch<'a> {
    manager: &'a SecretsManager,
    quiet: Option<SecretsManager>,
    misses: usize,
}

impl<'a> Batch<'a> {
    pub(crate) fn new(manager: &'a SecretsManager) -> Self {
        Batch {
            manager,
            quiet: None,
            misses: 0,
        }
    }

    /// [`SecretsManager::resolve`], with hints while the budget lasts.
    pub(crate) fn resolve(&mut self, request: &SecretRequest, mode: ReadMode) -> Result<Found> {
        let manager = if self.misses < HINTED_MISSES || !self.manager.hints {
            self.manager
        } else {
            self.quiet
                .get_or_insert_with(|| self.manager.without_hints())
        };
        let result = manager.resolve(request, mode);
        if result
            .as_ref()
            .is_err_and(|e| e.kind() == crate::ErrorKind::NotFound)
        {
            self.misses += 1;
        }
        result
    }
}
