//! `list`: every secret visible to this process, by name, never by value:
//! env vars with the prefix, and files beneath the secrets directory
//! (Kubernetes' `..`-prefixed internals skipped, symlinks followed only while
//! they stay inside), each with the request that would read it.

use std::collections::HashMap;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::casing;
use crate::manager::SecretsManager;
use crate::naming::{env_var_name, relative_file_path};
use crate::request::SecretId;
use crate::source::secrets_dir::FileProblem;

/// How deep below the secrets directory files are listed: group, version,
/// key, and one more level so that misplaced files show up.
const MAX_DEPTH: usize = 4;

/// A visible secret: where it is and which request reads it.
///
/// ```
/// use flyte_secrets::{Environment, SecretsConfig, SecretsManager};
/// let config = SecretsConfig::default().with_default_dir("/nonexistent");
/// let secrets = SecretsManager::with_environment(config, Environment::from_vars([("_FSEC_lower", "x")]));
/// let listed = &secrets.list().secrets[0];
/// assert_eq!((listed.source, listed.name.as_str(), listed.request.as_deref()), ("env_var", "_FSEC_lower", None));
/// assert!(listed.note.as_deref().unwrap().contains("lower-case"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ListedSecret {
    /// `env_var` or `file`.
    pub source: &'static str,
    /// The variable's name, or the file's path relative to the secrets
    /// directory.
    pub name: String,
    /// The request (`group/key@version`) that reads it, if one does.
    pub request: Option<String>,
    /// Why no request reads it, or why it would not be read.
    pub note: Option<String>,
}

/// The answer of [`SecretsManager::list`].
///
/// ```
/// use flyte_secrets::{Environment, SecretsConfig, SecretsManager};
/// let dir = tempfile::tempdir()?;
/// std::fs::create_dir(dir.path().join("db"))?;
/// std::fs::write(dir.path().join("db/password"), "not listed")?;
/// let env = Environment::from_vars([("_FSEC_API_TOKEN", "not listed either"), ("PATH", "/bin")]);
/// let secrets = SecretsManager::with_environment(SecretsConfig::default().with_default_dir(dir.path()), env);
/// let listing = secrets.list();
/// let names: Vec<_> = listing.secrets.iter().map(|s| (s.name.as_str(), s.request.as_deref())).collect();
/// assert_eq!(names, [("_FSEC_API_TOKEN", Some("api/token")), ("db/password", Some("db/password"))]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Serialize)]
pub struct Listing {
    /// The env var prefix looked for.
    pub env_prefix: String,
    /// The secrets directory listed.
    pub dir: PathBuf,
    /// Why the directory could not be listed, if it could not.
    pub dir_problem: Option<String>,
    /// Env vars first, then files, each sorted by name.
    pub secrets: Vec<ListedSecret>,
}

pub(crate) fn list(manager: &SecretsManager) -> Listing {
    let prefix = manager.config().env_prefix().value();
    let mut secrets = Vec::new();
    if !prefix.is_empty() {
        for name in manager.environment().var_names() {
            let Some(rest) = name
                .as_encoded_bytes()
                .strip_prefix(prefix.as_encoded_bytes())
            else {
                continue;
            };
            let rest = String::from_utf8_lossy(rest).into_owned();
            let (request, note) = env_request(manager, &name, &rest);
            secrets.push(ListedSecret {
                source: "env_var",
                name: name.to_string_lossy().into_owned(),
                request,
                note,
            });
        }
    }
    let mut dir_problem = None;
    let mut walk_state = WalkState {
        out: &mut secrets,
        problem: &mut dir_problem,
        listed: HashMap::new(),
    };
    walk(manager, Path::new(""), 0, &mut walk_state);
    Listing {
        env_prefix: prefix.to_string_lossy().into_owned(),
        dir: PathBuf::from(manager.config().default_dir().value()),
        dir_problem,
        secrets,
    }
}

/// The request whose env var name is `name` (prefix + `rest`): the parts
/// split at the first `_` into group and key, lower-cased.
fn env_request(
    manager: &SecretsManager,
    name: &OsStr,
    rest: &str,
) -> (Option<String>, Option<String>) {
    if rest.is_empty() {
        return (
            None,
            Some("not read: the prefix alone names no secret".into()),
        );
    }
    if casing::upper(rest) != rest {
        return (
            None,
            Some("not read: has lower-case letters, which no request's name has".into()),
        );
    }
    let (group, key) = match rest.split_once('_') {
        Some((group, key)) if !group.is_empty() && !key.is_empty() => (group, key),
        _ => ("", rest),
    };
    let id = SecretId::new(casing::lower(group), casing::lower(key));
    match id {
        Ok(id) if env_var_name(manager.config().env_prefix().value(), &id) == name => {
            (Some(id.to_string()), None)
        }
        _ => (None, Some("not read: no request's name maps to it".into())),
    }
}

/// What the walk collects, and the directories it has listed.
struct WalkState<'a> {
    out: &'a mut Vec<ListedSecret>,
    problem: &'a mut Option<String>,
    /// Device and inode of every directory listed so far, with the path it
    /// was listed under: a directory that symlinks lead to again (`s -> .`,
    /// or many links to one directory) is listed once, under the first name
    /// the walk reached it by (the others are named with a note), so that
    /// the work is bounded by what is on disk, not by the number of paths
    /// to it.
    listed: HashMap<(u64, u64), PathBuf>,
}

fn walk(manager: &SecretsManager, dir: &Path, depth: usize, state: &mut WalkState<'_>) {
    let entries = match manager.list_dir_identified(dir) {
        Ok((entries, identity)) => {
            if let Some(first) = state.listed.get(&identity) {
                let first = if first.as_os_str().is_empty() {
                    ".".to_string()
                } else {
                    format!("{}/", first.to_string_lossy())
                };
                state.out.push(ListedSecret {
                    source: "file",
                    name: format!("{}/", dir.to_string_lossy()),
                    request: None,
                    note: Some(format!(
                        "the same directory as {first}, whose files are listed there"
                    )),
                });
                return;
            }
            state.listed.insert(identity, dir.to_path_buf());
            entries
        }
        Err(e) => {
            if depth == 0 {
                *state.problem = Some(describe(&e));
            }
            return;
        }
    };
    for (name, _) in entries {
        if name.as_encoded_bytes().starts_with(b"..") {
            continue;
        }
        let relative = dir.join(&name);
        let shown = relative.to_string_lossy().into_owned();
        // Opening (not reading) tells what the entry resolves to, with the
        // same confinement as a lookup.
        match manager.probe_relative(&relative) {
            Ok(stat) => {
                let (mut request, mut note) = file_request(manager, &relative);
                let size = u64::try_from(stat.st_size).unwrap_or(0);
                let limit = manager.config().max_file_size();
                if size > limit {
                    // The request would name it, but the read is refused.
                    let reason = crate::UnreadableReason::TooLarge { size, limit };
                    note = Some(format!("would not be read: {reason}"));
                    request = None;
                }
                state.out.push(ListedSecret {
                    source: "file",
                    name: shown,
                    request,
                    note,
                });
            }
            Err(FileProblem::Unreadable(
                crate::UnreadableReason::NotRegularFile(crate::FileKind::Directory),
                _,
            )) => {
                if depth + 1 < MAX_DEPTH {
                    walk(manager, &relative, depth + 1, state);
                }
            }
            Err(e) => state.out.push(ListedSecret {
                source: "file",
                name: shown,
                request: None,
                note: Some(format!("would not be read: {}", describe(&e))),
            }),
        }
    }
}

fn describe(problem: &FileProblem) -> String {
    match problem {
        FileProblem::NotFound(missing) => missing.to_string(),
        FileProblem::Unreadable(reason, _) => reason.to_string(),
    }
}

/// The request whose file path is `relative`: one part is a key, two are
/// group and key, three are group, version and key.
fn file_request(manager: &SecretsManager, relative: &Path) -> (Option<String>, Option<String>) {
    let parts: Vec<String> = relative
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let prefix = manager
        .config()
        .file_prefix()
        .value()
        .to_string_lossy()
        .into_owned();
    let Some(last) = parts.last().and_then(|l| l.strip_prefix(prefix.as_str())) else {
        return (
            None,
            Some(format!(
                "not read: does not start with the file prefix \"{prefix}\""
            )),
        );
    };
    let id = match parts.len() {
        1 => SecretId::new("", last),
        2 => SecretId::new(parts[0].clone(), last),
        3 => SecretId::new(parts[0].clone(), last)
            .and_then(|id| id.with_group_version(parts[1].clone())),
        _ => return (None, Some("not read: deeper than group/version/key".into())),
    };
    match id {
        Ok(id) if relative_file_path(manager.config().file_prefix().value(), &id) == relative => {
            (Some(id.to_string()), None)
        }
        Ok(_) => (
            None,
            Some("not read: has upper-case letters; requests read lower-case paths".into()),
        ),
        Err(_) => (None, Some("not read: no request's path maps to it".into())),
    }
}
