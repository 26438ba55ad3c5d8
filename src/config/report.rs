//! The settings as a person reads them: each value, where it came from, and
//! which config file was used or why none was.

use std::fmt;

use super::{ConfigFormat, SecretsConfig};
use crate::shown::Shown;

impl fmt::Display for SecretsConfig {
    /// What `flyte-secrets config` prints.
    ///
    /// ```
    /// let text = flyte_secrets::SecretsConfig::default().to_string();
    /// assert!(text.starts_with("env_prefix   \"_FSEC_\""));
    /// assert!(text.contains("config file  none"));
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (name, setting) in self.settings() {
            let value = format!("\"{}\"", Shown(&setting.value().to_string_lossy()));
            writeln!(f, "{name:<12} {value:<24} from {}", setting.source())?;
            for note in setting.notes() {
                writeln!(f, "{:<12} note: {}", "", Shown(note))?;
            }
        }
        for note in self.notes() {
            writeln!(f, "{:<12} note: {}", "", Shown(note))?;
        }
        writeln!(f, "{:<12} {} bytes", "max size", self.max_file_size())?;
        let report = self.config_file();
        match &report.used {
            Some(used) => writeln!(
                f,
                "config file  {} (found via {}, read as {})",
                Shown(&used.path.to_string_lossy()),
                used.found_via,
                match used.format {
                    ConfigFormat::Ini => "INI",
                    ConfigFormat::Yaml => "YAML: supplies no secrets settings",
                }
            )?,
            None => writeln!(f, "config file  none")?,
        }
        for passed in &report.passed_over {
            let what = passed.path.as_ref().map_or_else(
                || passed.found_via.to_string(),
                |p| p.to_string_lossy().into_owned(),
            );
            writeln!(f, "{:<12} passed over {}: {}", "", Shown(&what), passed.why)?;
        }
        Ok(())
    }
}
