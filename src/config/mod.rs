//! The three settings (env prefix, secrets directory, file prefix), each
//! resolved as flytekit resolves it: its `FLYTE_SECRETS_*` variable if set
//! (a set but empty variable gives the default and still keeps the config
//! file out), else the config file's `[secrets]` option, else the default;
//! then stripped of surrounding whitespace.

mod discovery;
mod file;
pub mod ini;
pub(crate) mod mistakes;
mod report;
mod setting;

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use serde::Serialize;

pub use discovery::{
    ConfigFileReport, ConfigFileUsed, ConfigFormat, FLYTECTL_CONFIG_VAR, FoundVia,
    PYFLYTE_OVERRIDE_VAR, PassedOver,
};
pub use file::MAX_CONFIG_FILE_SIZE;
pub use setting::{Setting, SettingSource};

use crate::environment::Environment;
use crate::error::Result;
use crate::text::python_strip_range;

/// The INI section flytekit reads secrets settings from.
///
/// ```
/// assert_eq!(flyte_secrets::config::SECTION, "secrets");
/// ```
pub const SECTION: &str = "secrets";

/// One of the three settings: its variable, INI option and default.
struct Spec {
    var: &'static str,
    option: &'static str,
    default: &'static str,
}

const ENV_PREFIX: Spec = Spec {
    var: "FLYTE_SECRETS_ENV_PREFIX",
    option: "env_prefix",
    default: SecretsConfig::DEFAULT_ENV_PREFIX,
};
const DEFAULT_DIR: Spec = Spec {
    var: "FLYTE_SECRETS_DEFAULT_DIR",
    option: "default_dir",
    default: SecretsConfig::DEFAULT_DIR,
};
/// The three settings, in flytekit's order.
const SETTINGS: [Spec; 3] = [ENV_PREFIX, DEFAULT_DIR, FILE_PREFIX];

const FILE_PREFIX: Spec = Spec {
    var: "FLYTE_SECRETS_FILE_PREFIX",
    option: "file_prefix",
    default: "",
};

/// The settings a [`SecretsManager`](crate::SecretsManager) uses.
///
/// ```
/// use flyte_secrets::{SecretsConfig, Environment};
/// use flyte_secrets::config::SettingSource;
/// let env = Environment::from_vars([("FLYTE_SECRETS_ENV_PREFIX", " APP_ "), ("HOME", "/nonexistent")]);
/// let config = SecretsConfig::from_environment(&env)?;
/// assert_eq!(config.env_prefix().value(), "APP_");
/// assert_eq!(config.env_prefix().source(),
///            &SettingSource::EnvVar { name: "FLYTE_SECRETS_ENV_PREFIX".into() });
/// assert_eq!(config.default_dir().value(), "/etc/secrets");
/// # Ok::<(), flyte_secrets::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SecretsConfig {
    env_prefix: Setting,
    default_dir: Setting,
    file_prefix: Setting,
    max_file_size: u64,
    config_file: ConfigFileReport,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    notes: Vec<String>,
}

impl Default for SecretsConfig {
    /// The built-in defaults; no variable or file is read.
    fn default() -> Self {
        let default = |spec: &Spec| Setting::new(spec.default.into(), SettingSource::Default);
        SecretsConfig {
            env_prefix: default(&ENV_PREFIX),
            default_dir: default(&DEFAULT_DIR),
            file_prefix: default(&FILE_PREFIX),
            max_file_size: Self::DEFAULT_MAX_FILE_SIZE,
            config_file: ConfigFileReport::default(),
            notes: Vec::new(),
        }
    }
}

impl SecretsConfig {
    /// flytekit's default env var prefix.
    ///
    /// ```
    /// assert_eq!(flyte_secrets::SecretsConfig::DEFAULT_ENV_PREFIX, "_FSEC_");
    /// ```
    pub const DEFAULT_ENV_PREFIX: &'static str = "_FSEC_";
    /// flytekit's default secrets directory.
    ///
    /// ```
    /// assert_eq!(flyte_secrets::SecretsConfig::DEFAULT_DIR, "/etc/secrets");
    /// ```
    pub const DEFAULT_DIR: &'static str = "/etc/secrets";
    /// The default cap on a secret file's size: 1 MiB.
    ///
    /// ```
    /// assert_eq!(flyte_secrets::SecretsConfig::DEFAULT_MAX_FILE_SIZE, 1048576);
    /// ```
    pub const DEFAULT_MAX_FILE_SIZE: u64 = 1 << 20;

    /// Settings from the process environment and the config file flytekit
    /// would find.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Config`](crate::ErrorKind::Config) when the config file
    /// cannot be read or is not valid INI; the error names the file and line.
    ///
    /// ```no_run
    /// let config = flyte_secrets::SecretsConfig::from_env()?;
    /// println!("secrets dir: {}", config.default_dir().value().to_string_lossy());
    /// # Ok::<(), flyte_secrets::Error>(())
    /// ```
    pub fn from_env() -> Result<Self> {
        Self::from_environment(&Environment::process())
    }

    /// Settings from `env` and the config file it leads to.
    ///
    /// The config file is found and parsed even when all three variables are
    /// set: flytekit does, so a broken file is an error in both.
    ///
    /// # Errors
    ///
    /// As [`SecretsConfig::from_env`].
    ///
    /// ```
    /// use flyte_secrets::{SecretsConfig, Environment};
    /// let dir = tempfile::tempdir()?;
    /// let file = dir.path().join("my.config");
    /// std::fs::write(&file, "[secrets]\nfile_prefix = pre_\n")?;
    /// let env = Environment::from_vars([("FLYTECTL_CONFIG", &file)]);
    /// let config = SecretsConfig::from_environment(&env)?;
    /// assert_eq!(config.file_prefix().value(), "pre_");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_environment(env: &Environment) -> Result<Self> {
        let config_file = ConfigFileReport::discover(env)?;
        let ini = match &config_file.used {
            Some(used) => file::load(used)?,
            None => None,
        };
        let yaml_note = match &config_file.used {
            Some(used) if used.format == ConfigFormat::Yaml => Some(format!(
                "the config file {} is YAML, which never supplies secrets settings",
                used.path.display()
            )),
            _ => None,
        };
        let path = config_file.used.as_ref().map(|u| u.path.as_path());
        let resolve = |spec: &Spec| {
            let mut setting = resolve(spec, env, ini.as_ref().zip(path))?;
            if let (SettingSource::Default, Some(note)) = (setting.source(), &yaml_note) {
                setting.note(note.clone());
            }
            Ok::<_, crate::Error>(setting)
        };
        let notes = mistakes::file_notes(ini.as_ref().zip(path));
        Ok(SecretsConfig {
            env_prefix: resolve(&ENV_PREFIX)?,
            default_dir: resolve(&DEFAULT_DIR)?,
            file_prefix: resolve(&FILE_PREFIX)?,
            max_file_size: Self::DEFAULT_MAX_FILE_SIZE,
            config_file,
            notes,
        })
    }

    /// Uses `prefix` for env var names.
    ///
    /// ```
    /// let c = flyte_secrets::SecretsConfig::default().with_env_prefix("APP_");
    /// assert_eq!(c.env_prefix().value(), "APP_");
    /// ```
    #[must_use]
    pub fn with_env_prefix(mut self, prefix: impl Into<OsString>) -> Self {
        self.env_prefix = program_setting(prefix.into());
        self
    }

    /// Reads secret files beneath `dir`.
    ///
    /// ```
    /// let c = flyte_secrets::SecretsConfig::default().with_default_dir("/run/secrets");
    /// assert_eq!(c.default_dir().value(), "/run/secrets");
    /// ```
    #[must_use]
    pub fn with_default_dir(mut self, dir: impl AsRef<Path>) -> Self {
        self.default_dir = program_setting(dir.as_ref().as_os_str().to_owned());
        self
    }

    /// Puts `prefix` before the last part of every file name.
    ///
    /// ```
    /// let c = flyte_secrets::SecretsConfig::default().with_file_prefix("app_");
    /// assert_eq!(c.file_prefix().value(), "app_");
    /// ```
    #[must_use]
    pub fn with_file_prefix(mut self, prefix: impl Into<OsString>) -> Self {
        self.file_prefix = program_setting(prefix.into());
        self
    }

    /// Refuses secret files larger than `bytes` (default 1 MiB).
    ///
    /// ```
    /// let c = flyte_secrets::SecretsConfig::default().with_max_file_size(4096);
    /// assert_eq!(c.max_file_size(), 4096);
    /// ```
    #[must_use]
    pub fn with_max_file_size(mut self, bytes: u64) -> Self {
        self.max_file_size = bytes;
        self
    }

    /// The env var prefix (default `_FSEC_`).
    ///
    /// ```
    /// assert_eq!(flyte_secrets::SecretsConfig::default().env_prefix().value(), "_FSEC_");
    /// ```
    #[must_use]
    pub fn env_prefix(&self) -> &Setting {
        &self.env_prefix
    }

    /// The secrets directory (default `/etc/secrets`). Empty means the
    /// working directory, as in flytekit.
    ///
    /// ```
    /// assert_eq!(flyte_secrets::SecretsConfig::default().default_dir().value(), "/etc/secrets");
    /// ```
    #[must_use]
    pub fn default_dir(&self) -> &Setting {
        &self.default_dir
    }

    /// The file-name prefix (default empty).
    ///
    /// ```
    /// assert_eq!(flyte_secrets::SecretsConfig::default().file_prefix().value(), "");
    /// ```
    #[must_use]
    pub fn file_prefix(&self) -> &Setting {
        &self.file_prefix
    }

    /// The cap on a secret file's size.
    ///
    /// ```
    /// assert_eq!(flyte_secrets::SecretsConfig::default().max_file_size(), 1 << 20);
    /// ```
    #[must_use]
    pub fn max_file_size(&self) -> u64 {
        self.max_file_size
    }

    /// Which config file was used, or why none was.
    ///
    /// ```
    /// assert!(flyte_secrets::SecretsConfig::default().config_file().used.is_none());
    /// ```
    #[must_use]
    pub fn config_file(&self) -> &ConfigFileReport {
        &self.config_file
    }

    /// Sections and options of the config file that look meant but are not
    /// read: spelt almost like flytekit's `[secrets]`, `env_prefix`,
    /// `default_dir`, `file_prefix`. flytekit ignores them silently.
    /// ([`SecretsConfig::misspelt_variables`] does the same for variables.)
    ///
    /// ```
    /// use flyte_secrets::{Environment, SecretsConfig};
    /// let dir = tempfile::tempdir()?;
    /// let file = dir.path().join("my.config");
    /// std::fs::write(&file, "[secrets]\ndefault-dir = /run/secrets\n")?;
    /// let env = Environment::from_vars([("FLYTECTL_CONFIG", &file)]);
    /// let config = SecretsConfig::from_environment(&env)?;
    /// assert!(config.notes()[0].contains("default_dir"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn notes(&self) -> &[String] {
        &self.notes
    }

    /// Variables in `env` spelt almost like `FLYTE_SECRETS_ENV_PREFIX`,
    /// `FLYTE_SECRETS_DEFAULT_DIR` or `FLYTE_SECRETS_FILE_PREFIX`, which
    /// flytekit ignores silently. Scans the whole environment: call it when
    /// a person will read the answer, not on every start.
    ///
    /// ```
    /// use flyte_secrets::{Environment, SecretsConfig};
    /// let env = Environment::from_vars([("FLYTE_SECRET_DEFAULT_DIR", "/run/secrets")]);
    /// assert!(SecretsConfig::misspelt_variables(&env)[0].contains("FLYTE_SECRETS_DEFAULT_DIR"));
    /// ```
    #[must_use]
    pub fn misspelt_variables(env: &Environment) -> Vec<String> {
        mistakes::variable_notes(env)
    }

    /// Every note: the settings' and the config file's, each once.
    pub(crate) fn all_notes(&self) -> Vec<String> {
        let mut all: Vec<String> = Vec::new();
        for note in self
            .settings()
            .iter()
            .flat_map(|(_, s)| s.notes())
            .chain(&self.notes)
        {
            if !all.contains(note) {
                all.push(note.clone());
            }
        }
        all
    }

    /// The three settings with their flytekit names, in a fixed order.
    ///
    /// ```
    /// let c = flyte_secrets::SecretsConfig::default();
    /// let names: Vec<_> = c.settings().iter().map(|(n, _)| *n).collect();
    /// assert_eq!(names, ["env_prefix", "default_dir", "file_prefix"]);
    /// ```
    #[must_use]
    pub fn settings(&self) -> [(&'static str, &Setting); 3] {
        [
            (ENV_PREFIX.option, &self.env_prefix),
            (DEFAULT_DIR.option, &self.default_dir),
            (FILE_PREFIX.option, &self.file_prefix),
        ]
    }
}

fn program_setting(value: OsString) -> Setting {
    Setting::new(stripped(&value), SettingSource::Program)
}

/// `str.strip()` as flytekit applies it to every setting.
fn stripped(value: &OsStr) -> OsString {
    let bytes = value.as_bytes();
    OsStr::from_bytes(&bytes[python_strip_range(bytes)]).to_owned()
}

/// One setting by flytekit's order. An option whose `%(name)s` references
/// expand without bound is an error: flytekit would not survive it either.
fn resolve(spec: &Spec, env: &Environment, ini: Option<(&ini::Ini, &Path)>) -> Result<Setting> {
    let default = || Setting::new(spec.default.into(), SettingSource::Default);
    if let Some(value) = env.var_os(spec.var) {
        if value.is_empty() {
            let mut setting = default();
            setting.note(format!(
                "{} is set but empty, so the default applies and the config file is not consulted",
                spec.var
            ));
            return Ok(setting);
        }
        let source = SettingSource::EnvVar {
            name: spec.var.into(),
        };
        return Ok(Setting::new(stripped(&value), source));
    }
    let Some((ini, path)) = ini else {
        return Ok(default());
    };
    Ok(match ini.get(SECTION, spec.option) {
        Ok(Some(found)) if !found.value.is_empty() => {
            let source = SettingSource::ConfigFile {
                path: path.to_path_buf(),
                line: found.line,
                section: found.section,
            };
            let mut setting = Setting::new(stripped(OsStr::new(&found.value)), source);
            let value = found.value.trim();
            if value.len() >= 2
                && (value.starts_with('"') || value.starts_with('\''))
                && value.ends_with(&value[..1])
            {
                setting.note(format!(
                    "{} line {}: the quotes around {} are part of the value (configparser keeps them)",
                    path.display(),
                    found.line,
                    spec.option
                ));
            }
            setting
        }
        Ok(Some(found)) => {
            let mut setting = default();
            setting.note(format!(
                "{} sets {} to an empty value (line {}), so the default applies",
                path.display(),
                spec.option,
                found.line
            ));
            setting
        }
        Ok(None) => default(),
        Err(problem) if problem.runaway => {
            return Err(crate::Error::config(
                Some(path),
                Some(problem.line),
                format!("{}: {}", spec.option, problem.problem),
            ));
        }
        Err(problem) => {
            let mut setting = default();
            setting.note(format!(
                "{} line {}: {} is ignored: {}",
                path.display(),
                problem.line,
                spec.option,
                problem.problem
            ));
            setting
        }
    })
}
