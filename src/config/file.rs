//! Reading the chosen config file: at once (never blocking on a FIFO), only
//! if it is a regular file of sane size, and only if it is UTF-8, as Python
//! decodes it.

use std::path::Path;

use rustix::fs::{FileType, Mode, OFlags};

use super::discovery::{ConfigFileUsed, ConfigFormat};
use super::ini::Ini;
use crate::error::{Error, Result};
use crate::source::file_kind;
use crate::source::read::{ReadError, read_capped};

/// The largest config file read; flytekit config files are a few hundred bytes.
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
    let flags = OFlags::RDONLY | OFlags::NONBLOCK | OFlags::CLOEXEC | OFlags::NOCTTY;
    let fd = rustix::fs::open(path, flags, Mode::empty())
        .map_err(|e| Error::config_io(path, format!("cannot open it: {e}"), e.into()))?;
    let stat = rustix::fs::fstat(&fd)
        .map_err(|e| Error::config_io(path, format!("cannot stat it: {e}"), e.into()))?;
    let kind = FileType::from_raw_mode(stat.st_mode);
    if kind != FileType::RegularFile {
        return Err(Error::config(
            Some(path),
            None,
            format!("it is {}, not a regular file", file_kind(kind)),
        ));
    }
    let size = u64::try_from(stat.st_size).unwrap_or(0);
    let bytes = read_capped(&fd, size, MAX_CONFIG_FILE_SIZE).map_err(|e| match e {
        ReadError::TooLarge { size } => Error::config(
            Some(path),
            None,
            format!(
                "it is {size} bytes, over the {MAX_CONFIG_FILE_SIZE}-byte limit for config files"
            ),
        ),
        ReadError::Io(e) => Error::config_io(path, format!("cannot read it: {e}"), e.into()),
        ReadError::OutOfMemory => Error::config(Some(path), None, "out of memory reading it"),
    })?;
    String::from_utf8(bytes.to_vec()).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let line = 1 + bytes[..offset].iter().filter(|&&b| b == b'\n').count();
        Error::config(
            Some(path),
            Some(line),
            format!("not valid UTF-8 (at byte {offset})"),
        )
    })
}
