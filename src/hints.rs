//! What is near a secret that was not found: the near misses people actually
//! make. Every hint names the thing it saw (a variable, a file), never a
//! value. Hints cost directory listings and environment scans, so they are
//! computed only after a lookup has failed.

use std::ffi::OsStr;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use rustix::fs::{FileType, Stat};
use rustix::io::Errno;

use crate::casing;
use crate::config::mistakes::edit_distance;
use crate::manager::{SecretsManager, Sources};
use crate::naming::{env_var_name, join_like_python, relative_file_path};
use crate::request::SecretId;
use crate::shown::Shown;
use crate::source::secrets_dir::{FileProblem, Missing};

/// How many "did you mean" names a hint lists at most.
const MAX_SUGGESTIONS: usize = 3;

/// The longest name (in characters) compared for a "did you mean": the
/// longest file name a file system allows.
const MAX_COMPARED: usize = 255;

/// The most edit-distance cells (products of name lengths) one "did you
/// mean" may compute: about 30 ms.
const MAX_DISTANCE_CELLS: usize = 10_000_000;

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
        platform_dir_hints(manager, id, &mut hints);
    }
    mount_hints(manager, id, sources, &mut hints);
    // Settings that were meant but not read (a misspelt variable, section
    // or option), and why a setting has its value.
    let variables = crate::SecretsConfig::misspelt_variables(manager.environment());
    for note in manager.config().all_notes().into_iter().chain(variables) {
        if !hints.contains(&note) {
            hints.push(note);
        }
    }
    hints
}

/// A secret that is there, but where the mount requirement does not look.
fn mount_hints(manager: &SecretsManager, id: &SecretId, sources: Sources, hints: &mut Vec<String>) {
    match sources {
        Sources::EnvOnly if exists(manager, id) => hints.push(format!(
            "file {} exists, but the mount requirement ENV_VAR reads only env vars",
            Shown(&lossy(manager.file_path(id).as_os_str()))
        )),
        Sources::FilesOnly => {
            if let Some(name) = manager
                .env_var_names(id)
                .into_iter()
                .find(|n| manager.environment().is_set(n))
            {
                hints.push(format!(
                    "env var {} is set, but the mount requirement FILE reads only files",
                    Shown(&lossy(&name))
                ));
            }
        }
        _ => {}
    }
}

fn lossy(s: &OsStr) -> String {
    s.to_string_lossy().into_owned()
}

/// Upper case with `-` read as `_`: two names equal under this differ only
/// by case or by `-`/`_`.
fn canonical(name: &str) -> String {
    casing::upper(name).replace('-', "_")
}

fn env_hints(manager: &SecretsManager, id: &SecretId, hints: &mut Vec<String>) {
    let env = manager.environment();
    let prefix = manager.config().env_prefix().value();
    let expected: Vec<String> = manager.env_var_names(id).iter().map(|n| lossy(n)).collect();
    let bare = env_var_name(OsStr::new(""), id);
    if !manager.is_local() && !prefix.is_empty() && env.is_set(&bare) {
        hints.push(format!(
            "env var {} is set, but a name without the prefix {} is read only in local mode (--local)",
            Shown(&lossy(&bare)),
            Shown(&lossy(prefix))
        ));
    }
    let names: Vec<String> = env.var_names().iter().map(|n| lossy(n)).collect();
    let wanted: Vec<String> = expected.iter().map(|e| canonical(e)).collect();
    let bare_shown = lossy(&bare);
    for name in &names {
        if expected.contains(name) || *name == bare_shown {
            continue;
        }
        // An ASCII name keeps its length in canonical form: one of another
        // length cannot match, and need not be converted (this loop runs
        // over the whole environment on every lookup that finds nothing).
        if name.is_ascii() && !wanted.iter().any(|w| w.len() == name.len()) {
            continue;
        }
        if let Some(i) = wanted.iter().position(|w| *w == canonical(name)) {
            hints.push(format!(
                "env var {} is set, but the name read is {}: they differ by case or by '-' and '_'",
                Shown(name),
                Shown(&expected[i])
            ));
        }
    }
    // The same name behind another prefix: the prefix setting is off.
    let suffix = lossy(&bare);
    for name in &names {
        let Some(other) = name.strip_suffix(suffix.as_str()) else {
            continue;
        };
        if other.is_empty()
            || !other.ends_with('_')
            || expected.contains(name)
            || other == lossy(prefix)
        {
            continue;
        }
        hints.push(format!(
            "env var {} is set: it is read when the env prefix is \"{}\" (the prefix is \"{}\", FLYTE_SECRETS_ENV_PREFIX)",
            Shown(name),
            Shown(other),
            Shown(&lossy(prefix))
        ));
    }
    // Other keys of the same group (and version): a typo in the key.
    let Some(group) = id.group() else { return };
    let mut group_prefix = lossy(prefix);
    casing::push_upper(&mut group_prefix, group);
    if let Some(version) = id.group_version() {
        group_prefix.push('_');
        casing::push_upper(&mut group_prefix, version);
    }
    group_prefix.push('_');
    let key = expected[0]
        .strip_prefix(group_prefix.as_str())
        .unwrap_or("");
    let siblings: Vec<&str> = names
        .iter()
        .filter(|n| n.starts_with(&group_prefix) && !expected.contains(n))
        .map(|n| &n[group_prefix.len()..])
        .filter(|rest| !rest.is_empty())
        .collect();
    let closest = closest(key, &siblings);
    if !closest.is_empty() {
        let named: Vec<String> = closest
            .iter()
            .map(|k| format!("{group_prefix}{k}"))
            .collect();
        hints.push(format!(
            "env vars of the same group are set: {} (did you mean {}?)",
            Shown(&named.join(", ")),
            Shown(&casing::lower(closest[0]))
        ));
    }
}

fn file_hints(manager: &SecretsManager, id: &SecretId, missing: &Missing, hints: &mut Vec<String>) {
    let dir = lossy(manager.config().default_dir().value());
    let file = lossy(manager.file_path(id).as_os_str());
    match missing {
        Missing::Dir(Errno::NOENT) => {
            hints.push(format!(
                "the secrets directory {} does not exist",
                Shown(&dir)
            ));
            return;
        }
        Missing::Dir(Errno::NOTDIR) => {
            hints.push(format!(
                "the secrets directory {} is not a directory",
                Shown(&dir)
            ));
            return;
        }
        Missing::Dir(e) => {
            hints.push(format!(
                "the secrets directory {} cannot be opened: {}",
                Shown(&dir),
                std::io::Error::from(*e)
            ));
            return;
        }
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
    match manager.list_dir(Path::new("")) {
        Ok(entries)
            if entries
                .iter()
                .all(|(n, _)| n.as_encoded_bytes().starts_with(b"..")) =>
        {
            hints.push(format!("the secrets directory {} is empty", Shown(&dir)));
            return;
        }
        Ok(_) => {}
        Err(_) => return,
    }
    near_files(manager, id, hints);
    version_hints(manager, id, hints);
    regrouped_hints(manager, id, hints);
}

/// The secret at another split of its names: the secrets directory set to
/// the group directory itself, or a key-only request whose `_` separates a
/// group from a key.
fn regrouped_hints(manager: &SecretsManager, id: &SecretId, hints: &mut Vec<String>) {
    let dir = Path::new(manager.config().default_dir().value());
    if let (Some(group), Some(key)) = (id.group(), id.key()) {
        let named_after_group = dir
            .file_name()
            .is_some_and(|last| lossy(last) == casing::lower(group));
        let without_group = SecretId::from_parts(
            String::new(),
            key.into(),
            id.group_version().unwrap_or_default().into(),
        );
        if let (true, Ok(inner)) = (named_after_group, without_group) {
            if exists(manager, &inner) {
                hints.push(format!(
                    "file {} exists: the secrets directory {} looks like the group's own directory; it should be its parent",
                    Shown(&lossy(manager.file_path(&inner).as_os_str())),
                    Shown(&lossy(dir.as_os_str()))
                ));
            }
        }
    }
    if let (None, Some(key)) = (id.group(), id.key()) {
        for (at, _) in key.match_indices('_') {
            let Ok(split) = SecretId::from_parts(
                key[..at].into(),
                key[at + 1..].into(),
                id.group_version().unwrap_or_default().into(),
            ) else {
                continue;
            };
            if exists(manager, &split) {
                hints.push(format!(
                    "file {} exists: it is read as group {} and key {}",
                    Shown(&lossy(manager.file_path(&split).as_os_str())),
                    Shown(&key[..at]),
                    Shown(&key[at + 1..])
                ));
            }
        }
    }
}

/// Files next to the expected one: another case, with or without the file
/// prefix, or a similar name; and group directories in another case.
fn near_files(manager: &SecretsManager, id: &SecretId, hints: &mut Vec<String>) {
    let prefix = lossy(manager.config().file_prefix().value());
    let relative = relative_file_path(manager.config().file_prefix().value(), id);
    let parent = relative.parent().unwrap_or(Path::new("")).to_path_buf();
    let name = lossy(relative.file_name().unwrap_or_default());
    let bare = name
        .strip_prefix(prefix.as_str())
        .unwrap_or(&name)
        .to_string();
    let shown = |rel: &Path| {
        lossy(join_like_python(Path::new(manager.config().default_dir().value()), rel).as_os_str())
    };
    let entries = match manager.list_dir(&parent) {
        Ok(entries) => entries,
        Err(_) => {
            directory_case_hints(manager, &parent, hints);
            return;
        }
    };
    let names: Vec<String> = entries
        .iter()
        .filter(|(n, t)| !n.as_encoded_bytes().starts_with(b"..") && *t != FileType::Directory)
        .map(|(n, _)| lossy(n))
        .collect();
    let mut mentioned = Vec::new();
    for entry in &names {
        let lowered = casing::lower(entry);
        let found = shown(&parent.join(entry));
        if lowered == name && *entry != name {
            hints.push(format!(
                "file {} exists, but file names are read in lower case: {}",
                Shown(&found),
                Shown(&shown(&relative))
            ));
        } else if !prefix.is_empty() && (lowered == bare) {
            hints.push(format!(
                "file {} exists without the file prefix {} (FLYTE_SECRETS_FILE_PREFIX)",
                Shown(&found),
                Shown(&prefix)
            ));
        } else if let Some(other) = other_prefix(entry, &bare, &prefix) {
            hints.push(format!(
                "file {} exists: is the file prefix meant to be \"{}\" (FLYTE_SECRETS_FILE_PREFIX)?",
                Shown(&found),
                Shown(other)
            ));
        } else {
            continue;
        }
        mentioned.push(entry.clone());
    }
    // Only names some request can read: lower case, behind the prefix.
    let others: Vec<&str> = names
        .iter()
        .filter(|n| !mentioned.contains(n) && **n != name)
        .filter(|n| casing::lower(n) == **n && n.starts_with(prefix.as_str()))
        .map(String::as_str)
        .collect();
    let closest = closest(&name, &others);
    if !closest.is_empty() {
        let listed: Vec<String> = closest.iter().map(|n| shown(&parent.join(n))).collect();
        hints.push(format!("did you mean {}?", Shown(&listed.join(" or "))));
    }
}

/// The prefix of `entry` when it is `bare` behind a prefix other than the
/// configured one, ending in `_`, `-` or `.` (so that `desk` is not taken for
/// `k` behind `des`).
fn other_prefix<'a>(entry: &'a str, bare: &str, configured: &str) -> Option<&'a str> {
    let lowered = casing::lower(entry);
    if lowered.len() <= bare.len() || !lowered.ends_with(bare) || lowered.len() != entry.len() {
        return None;
    }
    // Lower-casing can change byte lengths on the way: the cut must fall
    // between characters of `entry`, and what follows it must lower to
    // `bare` by itself.
    let cut = entry.len() - bare.len();
    if !entry.is_char_boundary(cut) || casing::lower(&entry[cut..]) != bare {
        return None;
    }
    let other = &entry[..cut];
    let separated = other.ends_with(['_', '-', '.']);
    (separated && other != configured).then_some(other)
}

/// When the expected group directory is missing, a directory whose name
/// differs only by case.
fn directory_case_hints(manager: &SecretsManager, parent: &Path, hints: &mut Vec<String>) {
    let mut at = PathBuf::new();
    for part in parent.iter() {
        let wanted = lossy(part);
        let Ok(entries) = manager.list_dir(&at) else {
            return;
        };
        if entries.iter().any(|(n, _)| lossy(n) == wanted) {
            at.push(part);
            continue;
        }
        for (entry, _) in &entries {
            let entry = lossy(entry);
            if casing::lower(&entry) == wanted {
                let dir = Path::new(manager.config().default_dir().value());
                hints.push(format!(
                    "directory {} exists, but directory names are read in lower case: {}",
                    Shown(&lossy(join_like_python(dir, &at.join(&entry)).as_os_str())),
                    Shown(&lossy(join_like_python(dir, &at.join(&wanted)).as_os_str()))
                ));
            }
        }
        return;
    }
}

/// A versioned request whose unversioned file exists, or the reverse.
fn version_hints(manager: &SecretsManager, id: &SecretId, hints: &mut Vec<String>) {
    let shown_path = |id: &SecretId| lossy(manager.file_path(id).as_os_str());
    if id.group_version().is_some() {
        if let Some(plain) = id.without_group_version() {
            if exists(manager, &plain) {
                hints.push(format!(
                    "file {} exists: it is read by the request without a group version",
                    Shown(&shown_path(&plain))
                ));
            }
        }
    }
    let (Some(group), Some(key)) = (id.group(), id.key()) else {
        return;
    };
    let asked = id.group_version().map(casing::lower);
    let group_dir = PathBuf::from(casing::lower(group));
    let Ok(entries) = manager.list_dir(&group_dir) else {
        return;
    };
    for (entry, kind) in entries {
        if entry.as_encoded_bytes().starts_with(b"..")
            || !matches!(
                kind,
                FileType::Directory | FileType::Symlink | FileType::Unknown
            )
        {
            continue;
        }
        if asked.as_deref() == Some(lossy(&entry).as_str()) {
            continue;
        }
        let Ok(versioned) = SecretId::from_parts(group.into(), key.into(), lossy(&entry)) else {
            continue;
        };
        if exists(manager, &versioned) {
            hints.push(format!(
                "file {} exists: it is read with --group-version {}",
                Shown(&shown_path(&versioned)),
                Shown(&lossy(&entry))
            ));
        }
    }
}

/// The platform's mount path (or flytekit's default) holding the secret
/// while the configured directory is another.
fn platform_dir_hints(manager: &SecretsManager, id: &SecretId, hints: &mut Vec<String>) {
    let configured = Path::new(manager.config().default_dir().value());
    let relative = relative_file_path(manager.config().file_prefix().value(), id);
    for dir in manager.platform_dirs() {
        if dir.as_path() == configured {
            continue;
        }
        let candidate = join_like_python(dir, &relative);
        if std::fs::metadata(&candidate).is_ok() {
            hints.push(format!(
                "file {} exists: secrets are mounted under {} there; set FLYTE_SECRETS_DEFAULT_DIR={} (the secrets directory is {})",
                Shown(&lossy(candidate.as_os_str())),
                Shown(&lossy(dir.as_os_str())),
                Shown(&lossy(dir.as_os_str())),
                Shown(&lossy(configured.as_os_str()))
            ));
        }
    }
}

fn exists(manager: &SecretsManager, id: &SecretId) -> bool {
    matches!(
        manager.probe_file(id),
        Ok(_) | Err(FileProblem::Unreadable(..))
    )
}

/// The names closest to `wanted` by edit distance, at most
/// [`MAX_SUGGESTIONS`], only those close enough to be a typo.
///
/// Names longer than [`MAX_COMPARED`] characters are not compared (nor is a
/// `wanted` that long): the distance costs the product of the lengths, and
/// no file name is that long.
///
/// The comparisons stop once they have cost [`MAX_DISTANCE_CELLS`]: a
/// directory of tens of thousands of long names gets suggestions from the
/// first names only, in time.
fn closest<'a>(wanted: &str, names: &[&'a str]) -> Vec<&'a str> {
    let wanted_len = wanted.chars().count();
    if wanted_len > MAX_COMPARED {
        return Vec::new();
    }
    let limit = (wanted_len / 3).max(2);
    let wanted = casing::lower(wanted);
    let mut budget = MAX_DISTANCE_CELLS;
    let mut scored: Vec<(usize, &str)> = names
        .iter()
        .map(|n| (casing::lower(n), *n))
        .filter(|(lowered, _)| {
            let len = lowered.chars().count();
            // One name inside the other (`user`, `username`) is a likely
            // near miss however many letters it adds; otherwise names whose
            // lengths differ by more than the limit cannot be within it.
            len <= MAX_COMPARED && (len.abs_diff(wanted_len) <= limit || contains(&wanted, lowered))
        })
        .take_while(|(lowered, _)| {
            let cost = (wanted_len + 1) * (lowered.chars().count() + 1);
            budget = budget.saturating_sub(cost);
            budget > 0
        })
        .map(|(lowered, n)| {
            let distance = edit_distance(&wanted, &lowered);
            let distance = if contains(&wanted, &lowered) {
                distance.min(limit)
            } else {
                distance
            };
            (distance, n)
        })
        .filter(|(d, _)| *d <= limit)
        .collect();
    scored.sort();
    scored
        .into_iter()
        .take(MAX_SUGGESTIONS)
        .map(|(_, n)| n)
        .collect()
}

/// Whether one of two non-empty names starts with the other.
fn contains(wanted: &str, lowered: &str) -> bool {
    !wanted.is_empty()
        && !lowered.is_empty()
        && (lowered.starts_with(wanted) || wanted.starts_with(lowered))
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
    let root = manager
        .environment()
        .resolve(Path::new(manager.config().default_dir().value()));
    for dir in directories_on_the_way(&root, &on_disk) {
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
fn directories_on_the_way(root: &Path, file: &Path) -> Vec<PathBuf> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_inside_another_is_a_near_miss() {
        assert_eq!(closest("user", &["username", "token"]), ["username"]);
        assert_eq!(closest("password2", &["password"]), ["password"]);
    }

    #[test]
    fn closest_keeps_only_plausible_typos() {
        assert_eq!(
            closest("password", &["passwd", "user", "pasword"]),
            ["pasword", "passwd"]
        );
        assert!(closest("k", &["completely-different"]).is_empty());
        // Lengths that differ by more than the limit cannot be close,
        // unless one name starts with the other.
        assert!(closest("password", &["another-kind-of-password"]).is_empty());
        assert_eq!(closest("password", &["password-old"]), ["password-old"]);
        // Names past MAX_COMPARED are not compared at all.
        let long = "k".repeat(MAX_COMPARED + 1);
        let near = format!("{}x", "k".repeat(MAX_COMPARED));
        assert!(closest(&long, &[near.as_str()]).is_empty());
        assert!(closest(&near[1..], &[long.as_str()]).is_empty());
        assert_eq!(closest(&long[1..], &[&near[1..]]), [&near[1..]]);
        // Past the budget, later names are not compared: 199 names of 250
        // characters against 250 cost 12.5 million cells.
        let wanted = "k".repeat(250);
        let other = "z".repeat(250);
        let near = format!("{}x", "k".repeat(249));
        let mut names = vec![other.as_str(); 199];
        names.push(&near);
        assert!(closest(&wanted, &names).is_empty());
        names.reverse();
        assert_eq!(closest(&wanted, &names), [near.as_str()]);
    }

    #[test]
    fn other_prefixes_need_a_separator() {
        assert_eq!(other_prefix("app_password", "password", ""), Some("app_"));
        assert_eq!(other_prefix("APP-password", "password", ""), Some("APP-"));
        assert_eq!(other_prefix("desk", "k", ""), None);
        assert_eq!(other_prefix("pre_k", "k", "pre_"), None);
        assert_eq!(other_prefix("k", "k", ""), None);
        // "ẞİx" lowers to "ßi̇x": as many bytes, ending in "i̇x", but byte 2
        // of "ẞİx" is inside 'ẞ'.
        assert_eq!(other_prefix("ẞİx", "i\u{307}x", ""), None);
        assert_eq!(other_prefix("app_İx", "i\u{307}x", ""), None);
    }

    #[test]
    fn canonical_folds_case_and_dashes() {
        assert_eq!(canonical("_fsec_my-group_k"), canonical("_FSEC_MY_GROUP_K"));
        assert_ne!(canonical("_FSEC_MY.GROUP_K"), canonical("_FSEC_MY_GROUP_K"));
    }
}
