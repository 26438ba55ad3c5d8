//! What is near a secret that was not found: the near misses people actually
//! make. Every hint names the thing it saw (a variable, a file), never a
//! value.

use std::ffi::OsStr;
use std::os::unix::fs::MetadataExt;
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

/// Advice on the permissions of a secret file that was found (`stat` is its
/// `fstat`, after symlinks): a file writable by its group or by everyone, or
/// readable by everyone; a directory on the way (from the secrets directory
/// down, and the one the file really lives in) that its group or everyone
/// may write to, so that they could replace the secret. Paths and modes
/// only, never a value; advice, never an error.
///
/// Kubernetes gives secret files mode 0644 unless the volume sets
/// `defaultMode`, behind `..data` symlinks in a world-writable but sticky
/// directory: the file gets the "readable by everyone" hint with the
/// `defaultMode` fix, and the sticky directory none (nobody but its owner
/// can rename or remove the entries there).
pub(crate) fn permissions(manager: &SecretsManager, file: &Path, stat: &Stat) -> Vec<String> {
    let mut hints = Vec::new();
    let shown = file.to_string_lossy();
    let mode = stat.st_mode & 0o7777;
    let on_disk = manager.environment().resolve(file);
    let kubernetes = on_disk
        .parent()
        .and_then(|p| std::fs::symlink_metadata(p.join("..data")).ok())
        .is_some_and(|m| m.file_type().is_symlink());
    if mode & 0o002 != 0 {
        hints.push(format!(
            "{} is writable by everyone (mode {mode:04o}): anyone can change the secret",
            Shown(&shown)
        ));
    } else if mode & 0o020 != 0 {
        hints.push(format!(
            "{} is writable by its group (mode {mode:04o}): the group can change the secret",
            Shown(&shown)
        ));
    }
    if mode & 0o004 != 0 {
        let fix = if kubernetes {
            "; Kubernetes makes secret files 0644 unless the volume sets defaultMode \
             (0400, or 0440 with an fsGroup)"
        } else {
            "; chmod o-r it"
        };
        hints.push(format!(
            "{} is readable by everyone (mode {mode:04o}){fix}",
            Shown(&shown)
        ));
    }
    let mut seen = Vec::new();
    for dir in directories_on_the_way(manager.dir_path(), &on_disk) {
        let Ok(meta) = std::fs::metadata(&dir) else {
            continue;
        };
        let id = (meta.dev(), meta.ino());
        if seen.contains(&id) {
            continue;
        }
        seen.push(id);
        let dmode = meta.mode() & 0o7777;
        let sticky = dmode & 0o1000 != 0;
        let who = if dmode & 0o002 != 0 {
            "everyone"
        } else if dmode & 0o020 != 0 {
            "its group"
        } else {
            continue;
        };
        if sticky {
            continue;
        }
        hints.push(format!(
            "the directory {} is writable by {who} (mode {dmode:04o}): they can replace {}",
            Shown(&dir.to_string_lossy()),
            Shown(&shown)
        ));
    }
    hints
}

/// The secrets directory, each directory below it on the way to `file`, and
/// the directory `file` really is in once symlinks are resolved.
fn directories_on_the_way(root: &Path, file: &Path) -> Vec<std::path::PathBuf> {
    let mut dirs = vec![root.to_path_buf()];
    if let Some(parent) = file.parent() {
        if let Ok(below) = parent.strip_prefix(root) {
            let mut dir = root.to_path_buf();
            for part in below.components() {
                dir.push(part);
                dirs.push(dir.clone());
            }
        }
    }
    if let Some(real) = std::fs::canonicalize(file)
        .ok()
        .and_then(|p| p.parent().map(Path::to_path_buf))
    {
        dirs.push(real);
    }
    dirs
}
