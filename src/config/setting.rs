//! One setting's value and where it came from.

use std::ffi::{OsStr, OsString};
use std::fmt;
use std::path::PathBuf;

use serde::Serialize;

use crate::shown::Shown;

/// Where a setting's value came from.
///
/// ```
/// use flyte_secrets::config::SettingSource;
/// let s = SettingSource::ConfigFile { path: "/x/flytekit.config".into(), line: 2, section: "secrets".into() };
/// assert_eq!(s.to_string(), "config file /x/flytekit.config, line 2 ([secrets])");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum SettingSource {
    /// An environment variable.
    EnvVar {
        /// Its name.
        name: String,
    },
    /// An option in an INI config file.
    ConfigFile {
        /// The file.
        path: PathBuf,
        /// The line the option is on.
        line: usize,
        /// The section it was read from (`DEFAULT` when inherited).
        section: String,
    },
    /// The built-in default.
    Default,
    /// Set by the program through the library.
    Program,
}

impl fmt::Display for SettingSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SettingSource::EnvVar { name } => write!(f, "env var {name}"),
            SettingSource::ConfigFile {
                path,
                line,
                section,
            } => write!(
                f,
                "config file {}, line {line} ([{}])",
                Shown(&path.to_string_lossy()),
                Shown(section)
            ),
            SettingSource::Default => f.write_str("default"),
            SettingSource::Program => f.write_str("set by the program"),
        }
    }
}

/// A setting: its value (already stripped, as flytekit strips it), its
/// source, and notes on what was passed over.
///
/// ```
/// use flyte_secrets::SecretsConfig;
/// let config = SecretsConfig::default();
/// assert_eq!(config.env_prefix().value(), "_FSEC_");
/// assert_eq!(config.env_prefix().source().to_string(), "default");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Setting {
    #[serde(serialize_with = "lossy")]
    value: OsString,
    source: SettingSource,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    notes: Vec<String>,
}

fn lossy<S: serde::Serializer>(v: &OsString, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&v.to_string_lossy())
}

impl Setting {
    pub(crate) fn new(value: OsString, source: SettingSource) -> Self {
        Setting {
            value,
            source,
            notes: Vec::new(),
        }
    }

    pub(crate) fn note(&mut self, note: String) {
        self.notes.push(note);
    }

    /// The value in force.
    ///
    /// ```
    /// let c = flyte_secrets::SecretsConfig::default().with_env_prefix("  APP_ ");
    /// assert_eq!(c.env_prefix().value(), "APP_");
    /// ```
    #[must_use]
    pub fn value(&self) -> &OsStr {
        &self.value
    }

    /// Where the value came from.
    ///
    /// ```
    /// use flyte_secrets::config::SettingSource;
    /// let c = flyte_secrets::SecretsConfig::default().with_env_prefix("APP_");
    /// assert_eq!(c.env_prefix().source(), &SettingSource::Program);
    /// ```
    #[must_use]
    pub fn source(&self) -> &SettingSource {
        &self.source
    }

    /// What was passed over on the way (an env var set but empty, an option
    /// whose `%` could not be interpolated, a YAML file).
    ///
    /// ```
    /// let env = flyte_secrets::Environment::from_vars([("FLYTE_SECRETS_FILE_PREFIX", ""), ("HOME", "/nonexistent")])
    ///     .with_current_dir("/nonexistent");
    /// let c = flyte_secrets::SecretsConfig::from_environment(&env)?;
    /// assert!(c.file_prefix().notes()[0].contains("set but empty"));
    /// # Ok::<(), flyte_secrets::Error>(())
    /// ```
    #[must_use]
    pub fn notes(&self) -> &[String] {
        &self.notes
    }
}
