//! Which configuration file flytekit would use, and why the others were
//! passed over: `_FLYTECTL_CONFIG_PYFLYTE_OVERRIDE` (when set, even empty),
//! else `FLYTECTL_CONFIG`; a named file that does not exist is skipped; then
//! `./flytekit.config`, `~/.flyte/config`, `~/.flyte/config.yaml`.

use std::ffi::{OsStr, OsString};
use std::io;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Component, Path, PathBuf};

use serde::Serialize;

use crate::environment::Environment;
use crate::error::{Error, Result};

/// The variable pyflyte sets to force a config file; it wins over
/// `FLYTECTL_CONFIG` whenever it is set.
///
/// ```
/// assert_eq!(flyte_secrets::config::PYFLYTE_OVERRIDE_VAR, "_FLYTECTL_CONFIG_PYFLYTE_OVERRIDE");
/// ```
pub const PYFLYTE_OVERRIDE_VAR: &str = "_FLYTECTL_CONFIG_PYFLYTE_OVERRIDE";
/// The variable flytectl's instructions tell users to set.
///
/// ```
/// assert_eq!(flyte_secrets::config::FLYTECTL_CONFIG_VAR, "FLYTECTL_CONFIG");
/// ```
pub const FLYTECTL_CONFIG_VAR: &str = "FLYTECTL_CONFIG";

/// How a candidate config file was named.
///
/// ```
/// use flyte_secrets::config::FoundVia;
/// assert_eq!(FoundVia::WorkingDirectory.to_string(), "./flytekit.config");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FoundVia {
    /// `_FLYTECTL_CONFIG_PYFLYTE_OVERRIDE`.
    PyflyteOverride,
    /// `FLYTECTL_CONFIG`.
    FlytectlConfig,
    /// `flytekit.config` in the working directory.
    WorkingDirectory,
    /// `~/.flyte/config`.
    HomeConfig,
    /// `~/.flyte/config.yaml`.
    HomeYaml,
}

impl std::fmt::Display for FoundVia {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            FoundVia::PyflyteOverride => PYFLYTE_OVERRIDE_VAR,
            FoundVia::FlytectlConfig => FLYTECTL_CONFIG_VAR,
            FoundVia::WorkingDirectory => "./flytekit.config",
            FoundVia::HomeConfig => "~/.flyte/config",
            FoundVia::HomeYaml => "~/.flyte/config.yaml",
        })
    }
}

/// How a config file is read: by its name, as flytekit decides.
///
/// ```
/// use flyte_secrets::config::ConfigFormat;
/// assert_eq!(ConfigFormat::of(std::path::Path::new("/x/config.yml")), ConfigFormat::Yaml);
/// assert_eq!(ConfigFormat::of(std::path::Path::new("/x/flytekit.config")), ConfigFormat::Ini);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ConfigFormat {
    /// Read with Python's configparser rules; `[secrets]` options apply.
    Ini,
    /// A flytectl YAML file: it never supplies secrets settings.
    Yaml,
}

impl ConfigFormat {
    /// flytekit's test: a name ending in `yaml` or `yml` is YAML.
    ///
    /// ```
    /// use flyte_secrets::config::ConfigFormat;
    /// assert_eq!(ConfigFormat::of(std::path::Path::new("cfgyaml")), ConfigFormat::Yaml);
    /// ```
    #[must_use]
    pub fn of(path: &Path) -> ConfigFormat {
        let name = path.as_os_str().as_bytes();
        if name.ends_with(b"yaml") || name.ends_with(b"yml") {
            ConfigFormat::Yaml
        } else {
            ConfigFormat::Ini
        }
    }
}

/// The config file in use.
///
/// ```
/// use flyte_secrets::{Environment, config::{ConfigFileReport, FoundVia, ConfigFormat}};
/// let dir = tempfile::tempdir()?;
/// std::fs::create_dir_all(dir.path().join(".flyte"))?;
/// std::fs::write(dir.path().join(".flyte/config.yaml"), "admin: {}\n")?;
/// let env = Environment::from_vars([("HOME", dir.path())]).with_current_dir(dir.path());
/// let used = ConfigFileReport::discover(&env)?.used.unwrap();
/// assert_eq!((used.found_via, used.format), (FoundVia::HomeYaml, ConfigFormat::Yaml));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ConfigFileUsed {
    /// Its path (absolute, as flytekit reports it).
    pub path: PathBuf,
    /// How it was named.
    pub found_via: FoundVia,
    /// How it is read.
    pub format: ConfigFormat,
}

/// A candidate that was not used, and why.
///
/// ```
/// use flyte_secrets::{Environment, config::{ConfigFileReport, FoundVia}};
/// let dir = tempfile::tempdir()?;
/// let env = Environment::from_vars([("FLYTECTL_CONFIG", "/nonexistent.config"), ("HOME", "/nonexistent")])
///     .with_current_dir(dir.path());
/// let report = ConfigFileReport::discover(&env)?;
/// assert_eq!(report.passed_over[0].found_via, FoundVia::FlytectlConfig);
/// assert_eq!(report.passed_over[0].why, "does not exist");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PassedOver {
    /// The path looked at, when there was one.
    pub path: Option<PathBuf>,
    /// How it was named.
    pub found_via: FoundVia,
    /// Why it was not used.
    pub why: String,
}

/// The outcome of config-file discovery.
///
/// ```
/// use flyte_secrets::{Environment, config::ConfigFileReport};
/// let dir = tempfile::tempdir()?;
/// std::fs::write(dir.path().join("flytekit.config"), "[secrets]\n")?;
/// let env = Environment::from_vars([("HOME", "/nonexistent")]).with_current_dir(dir.path());
/// let report = ConfigFileReport::discover(&env)?;
/// assert_eq!(report.used.unwrap().path, dir.path().join("flytekit.config"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ConfigFileReport {
    /// The file flytekit would read, if any.
    pub used: Option<ConfigFileUsed>,
    /// Candidates that were looked at and passed over, in order.
    pub passed_over: Vec<PassedOver>,
}

impl ConfigFileReport {
    /// Finds the config file as flytekit does.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Config`](crate::ErrorKind::Config) when a candidate's
    /// existence cannot be decided (permission denied on a parent, a name too
    /// long): flytekit would crash there.
    ///
    /// ```
    /// use flyte_secrets::{Environment, config::ConfigFileReport};
    /// let env = Environment::from_vars([("_FLYTECTL_CONFIG_PYFLYTE_OVERRIDE", ""), ("HOME", "/nonexistent")])
    ///     .with_current_dir("/nonexistent");
    /// let report = ConfigFileReport::discover(&env)?;
    /// assert!(report.used.is_none());
    /// assert!(report.passed_over[0].why.contains("set but empty"));
    /// # Ok::<(), flyte_secrets::Error>(())
    /// ```
    pub fn discover(env: &Environment) -> Result<ConfigFileReport> {
        let mut report = ConfigFileReport::default();
        let named = match env.var_os(PYFLYTE_OVERRIDE_VAR) {
            Some(v) => Some((FoundVia::PyflyteOverride, v)),
            None => env
                .var_os(FLYTECTL_CONFIG_VAR)
                .map(|v| (FoundVia::FlytectlConfig, v)),
        };
        if let Some((via, value)) = named {
            if value.is_empty() {
                let mut why = format!("{via} is set but empty");
                if via == FoundVia::PyflyteOverride && env.is_set(FLYTECTL_CONFIG_VAR) {
                    why.push_str(", so FLYTECTL_CONFIG is not consulted");
                }
                report.passed_over.push(PassedOver {
                    path: None,
                    found_via: via,
                    why,
                });
            } else if report.try_candidate(env, &normalize_like_pathlib(&value), via)? {
                return Ok(report);
            }
        }
        if report.try_candidate(
            env,
            Path::new("flytekit.config"),
            FoundVia::WorkingDirectory,
        )? {
            return Ok(report);
        }
        let Some(home) = home_dir(env) else {
            report.passed_over.push(PassedOver {
                path: None,
                found_via: FoundVia::HomeConfig,
                why: "no home directory (HOME is not set)".into(),
            });
            return Ok(report);
        };
        let flyte = home.join(".flyte");
        if report.try_candidate(env, &flyte.join("config"), FoundVia::HomeConfig)? {
            return Ok(report);
        }
        report.try_candidate(env, &flyte.join("config.yaml"), FoundVia::HomeYaml)?;
        Ok(report)
    }

    /// Uses `path` if it exists; records it as passed over if it does not.
    fn try_candidate(&mut self, env: &Environment, path: &Path, via: FoundVia) -> Result<bool> {
        let path = absolute(env, path);
        match std::fs::metadata(&path) {
            Ok(_) => {
                let format = match via {
                    FoundVia::HomeConfig => ConfigFormat::Ini,
                    FoundVia::HomeYaml => ConfigFormat::Yaml,
                    _ => ConfigFormat::of(&path),
                };
                self.used = Some(ConfigFileUsed {
                    path,
                    found_via: via,
                    format,
                });
                Ok(true)
            }
            Err(e) if does_not_exist(&e) => {
                self.passed_over.push(PassedOver {
                    path: Some(path),
                    found_via: via,
                    why: "does not exist".into(),
                });
                Ok(false)
            }
            Err(e) => Err(Error::config_io(
                &path,
                format!("cannot tell whether it exists ({via}): {e}"),
                e,
            )),
        }
    }
}

/// The errors for which Python's `Path.exists()` answers False rather than
/// raising: ENOENT, ENOTDIR, EBADF, ELOOP.
fn does_not_exist(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::NotFound
        || matches!(
            e.raw_os_error(),
            Some(code) if code == rustix::io::Errno::NOTDIR.raw_os_error()
                || code == rustix::io::Errno::BADF.raw_os_error()
                || code == rustix::io::Errno::LOOP.raw_os_error()
        )
}

/// `Path(s)` in Python: repeated and trailing separators and `.` parts are
/// dropped (`..` is kept).
fn normalize_like_pathlib(s: &OsStr) -> PathBuf {
    let mut out = PathBuf::new();
    for c in Path::new(s).components() {
        match c {
            Component::CurDir => {}
            other => out.push(other.as_os_str()),
        }
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

/// `Path.absolute()`: joined to the working directory when relative.
fn absolute(env: &Environment, path: &Path) -> PathBuf {
    let resolved = env.resolve(path);
    if resolved.is_absolute() {
        return resolved;
    }
    std::env::current_dir().map_or(resolved.clone(), |cwd| cwd.join(&resolved))
}

/// `Path.home()`: `$HOME` with trailing `/` removed (an empty result is `/`),
/// or the password database's entry when `HOME` is not set.
fn home_dir(env: &Environment) -> Option<PathBuf> {
    match env.var_os("HOME") {
        Some(home) => {
            let mut bytes = home.into_vec();
            while bytes.last() == Some(&b'/') {
                bytes.pop();
            }
            if bytes.is_empty() {
                bytes.push(b'/');
            }
            Some(PathBuf::from(OsString::from_vec(bytes)))
        }
        None if env.is_process() => std::env::home_dir(),
        None => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pathlib_normalisation() {
        assert_eq!(
            normalize_like_pathlib(OsStr::new("a//b/./c.yaml/")),
            Path::new("a/b/c.yaml")
        );
        assert_eq!(normalize_like_pathlib(OsStr::new("./x")).as_os_str(), "x");
        assert_eq!(
            normalize_like_pathlib(OsStr::new("../x")).as_os_str(),
            "../x"
        );
    }

    #[test]
    fn home_is_stripped_of_trailing_slashes() {
        let env = Environment::from_vars([("HOME", "/h//")]);
        assert_eq!(home_dir(&env).unwrap().as_os_str(), "/h");
        let env = Environment::from_vars([("HOME", "")]);
        assert_eq!(home_dir(&env).unwrap().as_os_str(), "/");
    }

    #[test]
    fn yaml_is_decided_by_the_name_ending() {
        assert_eq!(ConfigFormat::of(Path::new("myyaml")), ConfigFormat::Yaml);
        assert_eq!(ConfigFormat::of(Path::new("c.YAML")), ConfigFormat::Ini);
    }
}
