//! Where variables are read from and what relative paths are relative to:
//! the process itself, or an explicit snapshot (for tests, for building a
//! child's environment, for programs that manage their own environment).

use std::collections::BTreeMap;
use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

/// The environment a [`SecretsManager`](crate::SecretsManager) and
/// [`SecretsConfig`](crate::SecretsConfig) read.
///
/// ```
/// use flyte_secrets::Environment;
/// let env = Environment::from_vars([("_FSEC_DB_PASSWORD", "hunter2")])
///     .with_current_dir("/srv");
/// assert_eq!(env.var_os("_FSEC_DB_PASSWORD").unwrap(), "hunter2");
/// assert_eq!(env.resolve("flytekit.config"), std::path::Path::new("/srv/flytekit.config"));
/// assert!(Environment::process().var_os("A=B").is_none());
/// ```
#[derive(Clone, Default)]
pub struct Environment {
    vars: Option<BTreeMap<OsString, OsString>>,
    current_dir: Option<PathBuf>,
}

impl std::fmt::Debug for Environment {
    /// Shows variable names only: values may be secrets.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut s = f.debug_struct("Environment");
        match &self.vars {
            None => s.field("vars", &"<process>"),
            Some(vars) => s.field("var_names", &vars.keys().collect::<Vec<_>>()),
        };
        s.field("current_dir", &self.current_dir).finish()
    }
}

impl Environment {
    /// The process's own environment and working directory.
    ///
    /// ```
    /// let env = flyte_secrets::Environment::process();
    /// assert!(env.is_process());
    /// ```
    #[must_use]
    pub fn process() -> Self {
        Environment::default()
    }

    /// A fixed set of variables; the process environment is not consulted.
    /// When a name appears twice, the first value is kept, as `getenv` and
    /// Python's `os.environ` keep it.
    ///
    /// ```
    /// let env = flyte_secrets::Environment::from_vars([("A", "1"), ("A", "2")]);
    /// assert_eq!(env.var_os("A").unwrap(), "1");
    /// ```
    #[must_use]
    pub fn from_vars<I, K, V>(vars: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<OsString>,
        V: Into<OsString>,
    {
        let mut map = BTreeMap::new();
        for (k, v) in vars {
            map.entry(k.into()).or_insert_with(|| v.into());
        }
        Environment {
            vars: Some(map),
            current_dir: None,
        }
    }

    /// Relative paths (a relative secrets directory, `./flytekit.config`,
    /// a relative `FLYTECTL_CONFIG`) resolve against `dir` instead of the
    /// process's working directory.
    ///
    /// ```
    /// let env = flyte_secrets::Environment::process().with_current_dir("/tmp");
    /// assert_eq!(env.resolve("x"), std::path::Path::new("/tmp/x"));
    /// ```
    #[must_use]
    pub fn with_current_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.current_dir = Some(dir.into());
        self
    }

    /// Whether this reads the live process environment.
    ///
    /// ```
    /// assert!(!flyte_secrets::Environment::from_vars([("A", "1")]).is_process());
    /// ```
    #[must_use]
    pub fn is_process(&self) -> bool {
        self.vars.is_none()
    }

    /// A variable's value. A name that is empty or contains `=` or NUL is
    /// never set (no environment entry can have such a name; `getenv` would
    /// otherwise match part of another entry).
    ///
    /// ```
    /// let env = flyte_secrets::Environment::from_vars([("A", "B=C")]);
    /// assert!(env.var_os("A=B").is_none());
    /// ```
    #[must_use]
    pub fn var_os(&self, name: impl AsRef<OsStr>) -> Option<OsString> {
        let name = name.as_ref();
        let bytes = name.as_bytes();
        if bytes.is_empty() || bytes.contains(&b'=') || bytes.contains(&0) {
            return None;
        }
        match &self.vars {
            None => std::env::var_os(name),
            Some(vars) => vars.get(name).cloned(),
        }
    }

    /// Whether a variable is set (its value is not copied).
    ///
    /// ```
    /// let env = flyte_secrets::Environment::from_vars([("A", "")]);
    /// assert!(env.is_set("A") && !env.is_set("B"));
    /// ```
    #[must_use]
    pub fn is_set(&self, name: impl AsRef<OsStr>) -> bool {
        let name = name.as_ref();
        match &self.vars {
            None => self.var_os(name).is_some(),
            Some(vars) => vars.contains_key(name),
        }
    }

    /// The names of all variables, sorted, without their values.
    ///
    /// ```
    /// let env = flyte_secrets::Environment::from_vars([("B", "2"), ("A", "1")]);
    /// assert_eq!(env.var_names(), ["A", "B"]);
    /// ```
    #[must_use]
    pub fn var_names(&self) -> Vec<OsString> {
        let mut names: Vec<OsString> = match &self.vars {
            None => std::env::vars_os().map(|(k, _)| k).collect(),
            Some(vars) => vars.keys().cloned().collect(),
        };
        names.sort();
        names.dedup();
        names
    }

    /// All variables with their values, as a child process would inherit
    /// them. Values may be secrets: hold the result briefly.
    ///
    /// ```
    /// let env = flyte_secrets::Environment::from_vars([("A", "1")]);
    /// assert_eq!(env.vars_os(), [("A".into(), "1".into())]);
    /// ```
    #[must_use]
    pub fn vars_os(&self) -> Vec<(OsString, OsString)> {
        match &self.vars {
            None => std::env::vars_os().collect(),
            Some(vars) => vars.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        }
    }

    /// `path` made absolute against this environment's working directory
    /// when one was set; otherwise `path` as it is (the kernel resolves it
    /// against the process's).
    ///
    /// ```
    /// let env = flyte_secrets::Environment::process();
    /// assert_eq!(env.resolve("rel"), std::path::Path::new("rel"));
    /// ```
    #[must_use]
    pub fn resolve(&self, path: impl AsRef<Path>) -> PathBuf {
        let path = path.as_ref();
        match &self.current_dir {
            Some(dir) if path.is_relative() => dir.join(path),
            _ => path.to_path_buf(),
        }
    }

    /// The working directory set with [`Environment::with_current_dir`].
    ///
    /// ```
    /// assert!(flyte_secrets::Environment::process().current_dir().is_none());
    /// ```
    #[must_use]
    pub fn current_dir(&self) -> Option<&Path> {
        self.current_dir.as_deref()
    }
}
