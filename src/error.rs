//! The one error type of the crate. It carries names and paths, never a
//! secret value: every message is built from request names, variable names,
//! paths, sizes and offsets only.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::origin::Origin;
use crate::shown::Shown;

/// A specialised `Result` whose error is [`Error`].
///
/// ```
/// fn token() -> flyte_secrets::Result<flyte_secrets::SecretString> {
///     flyte_secrets::SecretsManager::from_env()?.get("api", "token")
/// }
/// ```
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What went wrong, in the four classes the command line maps to exit codes.
///
/// ```
/// use flyte_secrets::ErrorKind;
/// assert_eq!(ErrorKind::NotFound.exit_code(), 1);
/// assert_eq!(ErrorKind::Unreadable.exit_code(), 3);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// No env var was set and no file existed for the secret.
    NotFound,
    /// The request itself is unusable: a name with `/`, NUL, `.` or `..`, an
    /// empty request, a malformed spec or manifest.
    InvalidRequest,
    /// A configuration file could not be used: unreadable, not UTF-8, or not
    /// valid INI as Python's `configparser` reads it.
    Config,
    /// The secret exists but could not be read safely.
    Unreadable,
}

impl ErrorKind {
    /// The exit status the `flyte-secrets` command uses for this kind:
    /// 1 not found, 2 invalid request or configuration, 3 unreadable.
    ///
    /// ```
    /// assert_eq!(flyte_secrets::ErrorKind::Config.exit_code(), 2);
    /// ```
    #[must_use]
    pub fn exit_code(self) -> u8 {
        match self {
            ErrorKind::NotFound => 1,
            ErrorKind::InvalidRequest | ErrorKind::Config => 2,
            ErrorKind::Unreadable => 3,
        }
    }
}

/// What kind of file system entry stood where a regular file was expected.
///
/// ```
/// use flyte_secrets::FileKind;
/// assert_eq!(FileKind::Fifo.to_string(), "a FIFO");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FileKind {
    /// A directory.
    Directory,
    /// A named pipe.
    Fifo,
    /// A Unix domain socket.
    Socket,
    /// A character device such as `/dev/zero`.
    CharDevice,
    /// A block device.
    BlockDevice,
    /// Something the kernel reported with an unknown type.
    Other,
}

impl fmt::Display for FileKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FileKind::Directory => "a directory",
            FileKind::Fifo => "a FIFO",
            FileKind::Socket => "a socket",
            FileKind::CharDevice => "a character device",
            FileKind::BlockDevice => "a block device",
            FileKind::Other => "not a regular file",
        })
    }
}

/// Why an existing secret could not be read.
///
/// ```
/// use flyte_secrets::UnreadableReason;
/// let r = UnreadableReason::TooLarge { size: 2048, limit: 1024 };
/// assert_eq!(r.to_string(), "2048 bytes is over the 1024-byte limit");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum UnreadableReason {
    /// Not a regular file; it was not read (a FIFO would block, a device
    /// would never end).
    NotRegularFile(FileKind),
    /// Larger than the size cap; it was not read.
    TooLarge {
        /// The size the file had (or had reached while being read).
        size: u64,
        /// The cap in force.
        limit: u64,
    },
    /// The path leads out of the secrets directory: through a symlink, or
    /// because a file prefix starting with `/` names a file elsewhere.
    OutsideDirectory,
    /// The process may not open it.
    PermissionDenied,
    /// Text mode needs UTF-8; the value is not.
    NotUtf8 {
        /// Offset of the first byte that is not valid UTF-8.
        offset: usize,
    },
    /// The value holds a NUL byte, which an environment variable cannot
    /// carry (when injecting it into a child's environment).
    ContainsNul,
    /// Another operating system error.
    Io(std::io::ErrorKind),
}

impl fmt::Display for UnreadableReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UnreadableReason::NotRegularFile(kind) => write!(f, "{kind}, not a regular file"),
            UnreadableReason::TooLarge { size, limit } => {
                write!(f, "{size} bytes is over the {limit}-byte limit")
            }
            UnreadableReason::OutsideDirectory => {
                f.write_str("the path leads outside the secrets directory")
            }
            UnreadableReason::PermissionDenied => f.write_str("permission denied"),
            UnreadableReason::NotUtf8 { offset } => {
                write!(f, "not valid UTF-8 (at byte {offset}); use bytes mode")
            }
            UnreadableReason::ContainsNul => {
                f.write_str("the value holds a NUL byte, which an env var cannot carry")
            }
            UnreadableReason::Io(kind) => write!(f, "{kind}"),
        }
    }
}

/// The details of a secret that was not found: every place that was tried,
/// and what was seen nearby.
///
/// ```
/// use flyte_secrets::{SecretsConfig, SecretsManager, SecretId, Environment};
/// let config = SecretsConfig::default().with_default_dir("/nonexistent-dir");
/// let env = Environment::from_vars(Vec::<(String, String)>::new());
/// let secrets = SecretsManager::with_environment(config, env);
/// let err = secrets.get("db", "password").unwrap_err();
/// let missing = err.not_found().unwrap();
/// assert_eq!(missing.env_vars(), ["_FSEC_DB_PASSWORD"]);
/// assert_eq!(missing.file(), std::path::Path::new("/nonexistent-dir/db/password"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotFound {
    pub(crate) secret: String,
    pub(crate) env_vars: Vec<String>,
    pub(crate) file: Option<PathBuf>,
    pub(crate) hints: Vec<String>,
}

impl NotFound {
    /// The request, written as a spec (`group/key@version`).
    ///
    /// ```
    /// # use flyte_secrets::{Environment, SecretsConfig, SecretsManager};
    /// let secrets = SecretsManager::with_environment(SecretsConfig::default().with_default_dir("/nonexistent"), Environment::from_vars([("X", "")]));
    /// let err = secrets.get("db", "password").unwrap_err();
    /// assert_eq!(err.not_found().unwrap().secret(), "db/password");
    /// ```
    #[must_use]
    pub fn secret(&self) -> &str {
        &self.secret
    }

    /// Every env var name tried, in lookup order.
    ///
    /// ```
    /// # use flyte_secrets::{Environment, SecretsConfig, SecretsManager};
    /// let secrets = SecretsManager::with_environment(SecretsConfig::default().with_default_dir("/nonexistent"), Environment::from_vars([("X", "")]))
    ///     .with_local_mode(true);
    /// let err = secrets.get("db", "password").unwrap_err();
    /// assert_eq!(err.not_found().unwrap().env_vars(), ["_FSEC_DB_PASSWORD", "DB_PASSWORD"]);
    /// ```
    #[must_use]
    pub fn env_vars(&self) -> &[String] {
        &self.env_vars
    }

    /// The file path tried (an empty path when files were not consulted).
    ///
    /// ```
    /// # use flyte_secrets::{Environment, SecretsConfig, SecretsManager};
    /// let secrets = SecretsManager::with_environment(SecretsConfig::default().with_default_dir("/nonexistent"), Environment::from_vars([("X", "")]));
    /// let err = secrets.get("db", "password").unwrap_err();
    /// assert_eq!(err.not_found().unwrap().file(), std::path::Path::new("/nonexistent/db/password"));
    /// ```
    #[must_use]
    pub fn file(&self) -> &Path {
        self.file.as_deref().unwrap_or(Path::new(""))
    }

    /// What was seen nearby: a file in another case, a variable without the
    /// prefix, and so on. Names and paths only.
    ///
    /// ```
    /// # use flyte_secrets::{Environment, SecretsConfig, SecretsManager};
    /// let secrets = SecretsManager::with_environment(SecretsConfig::default().with_default_dir("/nonexistent"), Environment::from_vars([("X", "")]));
    /// let err = secrets.get("db", "password").unwrap_err();
    /// assert!(err.not_found().unwrap().hints()[0].contains("does not exist"));
    /// ```
    #[must_use]
    pub fn hints(&self) -> &[String] {
        &self.hints
    }
}

/// The crate's error: a kind, and the names and paths that explain it.
///
/// `Display` is one line; hints (for a secret not found) are available from
/// [`Error::hints`]. No variant holds any part of a secret value.
///
/// ```
/// use flyte_secrets::{SecretId, ErrorKind};
/// let err = SecretId::new("g", "../etc").unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::InvalidRequest);
/// assert_eq!(err.to_string(), "invalid request: key \"../etc\" contains '/'");
/// ```
pub struct Error(Box<Repr>);

#[derive(Debug)]
enum Repr {
    NotFound(NotFound),
    InvalidRequest {
        problem: String,
    },
    Config {
        path: Option<PathBuf>,
        line: Option<usize>,
        problem: String,
        source: Option<std::io::Error>,
    },
    Unreadable {
        secret: String,
        at: Origin,
        reason: UnreadableReason,
        source: Option<std::io::Error>,
    },
}

impl Error {
    pub(crate) fn missing(details: NotFound) -> Self {
        Error(Box::new(Repr::NotFound(details)))
    }

    /// Puts `name` first among the env vars a not-found error names.
    pub(crate) fn tried_first(mut self, name: &str) -> Self {
        if let Repr::NotFound(details) = &mut *self.0 {
            details.env_vars.insert(0, name.to_string());
        }
        self
    }

    pub(crate) fn invalid_request(problem: impl Into<String>) -> Self {
        Error(Box::new(Repr::InvalidRequest {
            problem: problem.into(),
        }))
    }

    pub(crate) fn config(
        path: Option<&Path>,
        line: Option<usize>,
        problem: impl Into<String>,
    ) -> Self {
        Error(Box::new(Repr::Config {
            path: path.map(Path::to_path_buf),
            line,
            problem: problem.into(),
            source: None,
        }))
    }

    pub(crate) fn config_io(
        path: &Path,
        problem: impl Into<String>,
        source: std::io::Error,
    ) -> Self {
        Error(Box::new(Repr::Config {
            path: Some(path.to_path_buf()),
            line: None,
            problem: problem.into(),
            source: Some(source),
        }))
    }

    pub(crate) fn unreadable(
        secret: String,
        at: Origin,
        reason: UnreadableReason,
        source: Option<std::io::Error>,
    ) -> Self {
        Error(Box::new(Repr::Unreadable {
            secret,
            at,
            reason,
            source,
        }))
    }

    /// The class of the error.
    ///
    /// ```
    /// # use flyte_secrets::{SecretId, ErrorKind};
    /// assert_eq!(SecretId::new("", "").unwrap_err().kind(), ErrorKind::InvalidRequest);
    /// ```
    #[must_use]
    pub fn kind(&self) -> ErrorKind {
        match &*self.0 {
            Repr::NotFound(_) => ErrorKind::NotFound,
            Repr::InvalidRequest { .. } => ErrorKind::InvalidRequest,
            Repr::Config { .. } => ErrorKind::Config,
            Repr::Unreadable { .. } => ErrorKind::Unreadable,
        }
    }

    /// Whether the secret was simply not there.
    ///
    /// ```
    /// # use flyte_secrets::SecretId;
    /// assert!(!SecretId::new("g", ".").unwrap_err().is_not_found());
    /// ```
    #[must_use]
    pub fn is_not_found(&self) -> bool {
        self.kind() == ErrorKind::NotFound
    }

    /// The places tried and the hints, when the secret was not found.
    ///
    /// ```
    /// # use flyte_secrets::SecretId;
    /// assert!(SecretId::new("g", "..").unwrap_err().not_found().is_none());
    /// ```
    #[must_use]
    pub fn not_found(&self) -> Option<&NotFound> {
        match &*self.0 {
            Repr::NotFound(details) => Some(details),
            _ => None,
        }
    }

    /// Hints about what was seen near a secret that was not found; empty for
    /// other errors.
    ///
    /// ```
    /// # use flyte_secrets::SecretId;
    /// assert!(SecretId::new("g", "..").unwrap_err().hints().is_empty());
    /// ```
    #[must_use]
    pub fn hints(&self) -> &[String] {
        self.not_found().map_or(&[], NotFound::hints)
    }

    /// Why an existing secret could not be read.
    ///
    /// ```
    /// # use flyte_secrets::SecretId;
    /// assert!(SecretId::new("g", "..").unwrap_err().unreadable_reason().is_none());
    /// ```
    #[must_use]
    pub fn unreadable_reason(&self) -> Option<&UnreadableReason> {
        match &*self.0 {
            Repr::Unreadable { reason, .. } => Some(reason),
            _ => None,
        }
    }

    /// Where the error happened: the secret's file or env var for an
    /// unreadable secret.
    ///
    /// ```
    /// # use flyte_secrets::SecretId;
    /// assert!(SecretId::new("g", "..").unwrap_err().origin().is_none());
    /// ```
    #[must_use]
    pub fn origin(&self) -> Option<&Origin> {
        match &*self.0 {
            Repr::Unreadable { at, .. } => Some(at),
            _ => None,
        }
    }

    /// The configuration file an error is about, and the line when known.
    ///
    /// ```
    /// # use flyte_secrets::SecretId;
    /// assert!(SecretId::new("g", "..").unwrap_err().config_location().is_none());
    /// ```
    #[must_use]
    pub fn config_location(&self) -> Option<(&Path, Option<usize>)> {
        match &*self.0 {
            Repr::Config {
                path: Some(path),
                line,
                ..
            } => Some((path, *line)),
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &*self.0 {
            Repr::NotFound(d) => {
                write!(f, "secret {} not found: ", Shown(&d.secret))?;
                match d.env_vars.as_slice() {
                    [] => f.write_str("no env var tried")?,
                    [one] => write!(f, "env var {} is not set", Shown(one))?,
                    names => {
                        f.write_str("none of the env vars ")?;
                        for (i, n) in names.iter().enumerate() {
                            let sep = if i == 0 { "" } else { ", " };
                            write!(f, "{sep}{}", Shown(n))?;
                        }
                        f.write_str(" is set")?;
                    }
                }
                match &d.file {
                    Some(file) => write!(f, ", and no file {}", Shown(&file.to_string_lossy())),
                    None => f.write_str(" (files not consulted)"),
                }
            }
            Repr::InvalidRequest { problem } => write!(f, "invalid request: {problem}"),
            Repr::Config {
                path,
                line,
                problem,
                ..
            } => {
                match (path, line) {
                    (Some(p), Some(l)) => {
                        write!(f, "config file {}, line {l}: ", Shown(&p.to_string_lossy()))?
                    }
                    (Some(p), None) => write!(f, "config file {}: ", Shown(&p.to_string_lossy()))?,
                    _ => f.write_str("configuration: ")?,
                }
                f.write_str(problem)
            }
            Repr::Unreadable {
                secret, at, reason, ..
            } => write!(
                f,
                "cannot read secret {} from {at}: {reason}",
                Shown(secret)
            ),
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The representation holds no value, so the derived form is safe;
        // it is spelled out here to keep that property visible.
        fmt::Debug::fmt(&self.0, f)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &*self.0 {
            Repr::Config { source, .. } | Repr::Unreadable { source, .. } => {
                source.as_ref().map(|e| e as _)
            }
            _ => None,
        }
    }
}
