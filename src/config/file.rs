//! Reading the chosen config file: at once (never blocking on a FIFO), only
//! if it is a regular file of sane size, and only if it is UTF-8, as Python
//! decodes it.

use std::path::Path;

use super::discovery::{ConfigFileUsed, ConfigFormat};
use super::ini::Ini;
use crate::error::{Error, Result};
use crate::source::read::{TextFileError, read_text_file};

/// The largest config file read; flytekit config files are a few hundred bytes.
///
/// ```
/// assert_eq!(flyte_secrets::config::MAX_CONFIG_FILE_SIZE, 1 << 20);
/// ```
pub const MAX_CONFIG_FILE_SIZE: u64 = 1 << 20;

/// Reads and parses `used`. A YAML file is checked to be readable text, as
/// flytekit reads it, and then supplies nothing.
pub(crate) fn load(used: &ConfigFileUsed) -> Result<Option<Ini>> {
    let text = read_text(&used.path)?;
    match used.format {
        ConfigFormat::Yaml => Ok(None),
        ConfigFormat::Ini => Ini::parse(&text)
            .map(Some)
            .map_err(|e| Error::config(Some(&used.path), Some(e.line), e.problem)),
    }
}

fn read_text(path: &Path) -> Result<String> {
    read_text_file(path, MAX_CONFIG_FILE_SIZE).map_err(|e| match &e {
        TextFileError::NotUtf8 { line, .. } => {
            Error::config(Some(path), Some(*line), e.to_string())
        }
        TextFileError::Open(errno) | TextFileError::Read(errno) => {
            Error::config_io(path, e.to_string(), (*errno).into())
        }
        _ => Error::config(Some(path), None, e.to_string()),
    })
}
