//! Pure functions from a request and the settings to the env var name and
//! the file path flytekit would use. No I/O happens here.
//!
//! - env var: prefix + the present parts (group, group_version, key)
//!   upper-cased with Python's rules and joined by `_`; nothing else changes
//!   (`-` and `.` stay);
//! - file: the parts lower-cased, joined by `/`, with the file prefix (case
//!   kept) before the last part only, beneath the secrets directory as
//!   Python's `os.path.join` would join them.

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};

use crate::casing;
use crate::request::{Names, SecretId};

/// The env var flytekit reads for `id` under `prefix`.
///
/// ```
/// use flyte_secrets::{naming::env_var_name, SecretId};
/// let id = SecretId::new("my-group", "a.b")?.with_group_version("v1")?;
/// assert_eq!(env_var_name("_FSEC_".as_ref(), &id), "_FSEC_MY-GROUP_V1_A.B");
/// # Ok::<(), flyte_secrets::Error>(())
/// ```
#[must_use]
pub fn env_var_name(prefix: &OsStr, id: &SecretId) -> OsString {
    env_var_name_of(prefix, id.names())
}

/// [`env_var_name`] of borrowed names.
pub(crate) fn env_var_name_of(prefix: &OsStr, names: Names<'_>) -> OsString {
    with_env_var_name(prefix, names, OsStr::to_os_string)
}

/// [`env_var_name`] for any names (the stack builder's fallback).
fn env_var_name_on_heap(prefix: &OsStr, names: Names<'_>) -> OsString {
    let parts_len: usize = names.parts().map(|p| p.len() + 1).sum();
    // Built in one allocation when the prefix is text, as it nearly always is.
    let mut name = String::with_capacity(prefix.len() + parts_len);
    let raw_prefix = match prefix.to_str() {
        Some(text) => {
            name.push_str(text);
            None
        }
        None => Some(prefix.as_bytes()),
    };
    for (i, part) in names.parts().enumerate() {
        if i > 0 {
            name.push('_');
        }
        casing::push_upper(&mut name, part);
    }
    match raw_prefix {
        None => OsString::from(name),
        Some(raw) => {
            let mut bytes = Vec::with_capacity(raw.len() + name.len());
            bytes.extend_from_slice(raw);
            bytes.extend_from_slice(name.as_bytes());
            OsString::from_vec(bytes)
        }
    }
}

/// Calls `f` with [`env_var_name`], built on the stack when the names are
/// ASCII and the whole fits in [`INLINE`] bytes (as good as always), so that
/// a lookup does not allocate for it.
pub(crate) fn with_env_var_name<R>(
    prefix: &OsStr,
    names: Names<'_>,
    f: impl FnOnce(&OsStr) -> R,
) -> R {
    let prefix_bytes = prefix.as_bytes();
    if !names.is_ascii() || prefix_bytes.len() + names.joined_len() > INLINE {
        return f(&env_var_name_on_heap(prefix, names));
    }
    let mut buf = [0u8; INLINE];
    buf[..prefix_bytes.len()].copy_from_slice(prefix_bytes);
    let mut end = prefix_bytes.len();
    for (i, part) in names.parts().enumerate() {
        if i > 0 {
            buf[end] = b'_';
            end += 1;
        }
        buf[end..end + part.len()].copy_from_slice(part.as_bytes());
        end += part.len();
    }
    // `_` has no case, so the joined parts are upper-cased at once.
    buf[prefix_bytes.len()..end].make_ascii_uppercase();
    f(OsStr::from_bytes(&buf[..end]))
}

/// How long a name or relative path may be to be built on the stack.
const INLINE: usize = 128;

/// The file path of `id` relative to the secrets directory.
///
/// ```
/// use flyte_secrets::{naming::relative_file_path, SecretId};
/// let id = SecretId::new("MyGroup", "MyKey")?;
/// assert_eq!(relative_file_path("Pre_".as_ref(), &id), std::path::Path::new("mygroup/Pre_mykey"));
/// # Ok::<(), flyte_secrets::Error>(())
/// ```
///
/// A file prefix that starts with `/` makes the last part an absolute path,
/// and Python's `os.path.join` then drops everything before it: flytekit
/// reads `<prefix><key>` wherever that is. The path is built the same way
/// (so that messages name what flytekit would read); the reader refuses it
/// unless it lies inside the secrets directory.
///
/// ```
/// use flyte_secrets::{naming::relative_file_path, SecretId};
/// let id = SecretId::new("g", "Hostname")?;
/// assert_eq!(relative_file_path("/etc/".as_ref(), &id), std::path::Path::new("/etc/hostname"));
/// # Ok::<(), flyte_secrets::Error>(())
/// ```
#[must_use]
pub fn relative_file_path(file_prefix: &OsStr, id: &SecretId) -> PathBuf {
    relative_file_path_of(file_prefix, id.names())
}

/// [`relative_file_path`] of borrowed names.
pub(crate) fn relative_file_path_of(file_prefix: &OsStr, names: Names<'_>) -> PathBuf {
    with_relative_file_path(file_prefix, names, Path::to_path_buf)
}

/// [`relative_file_path`] for any names (the stack builder's fallback).
fn relative_file_path_on_heap(file_prefix: &OsStr, names: Names<'_>) -> PathBuf {
    if file_prefix.as_bytes().starts_with(b"/") {
        let last = names.parts().last().unwrap_or_default();
        let mut path = file_prefix.to_owned();
        path.push(casing::lower(last));
        return PathBuf::from(path);
    }
    let parts: Vec<&str> = names.parts().collect();
    let mut lowered = String::new();
    let mut path =
        Vec::with_capacity(file_prefix.len() + parts.iter().map(|p| p.len() + 1).sum::<usize>());
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            path.push(b'/');
        }
        if i + 1 == parts.len() {
            path.extend_from_slice(file_prefix.as_bytes());
        }
        lowered.clear();
        casing::push_lower(&mut lowered, part);
        path.extend_from_slice(lowered.as_bytes());
    }
    PathBuf::from(OsString::from_vec(path))
}

/// Calls `f` with [`relative_file_path`], built on the stack when the names
/// are ASCII and the path fits in [`INLINE`] bytes.
pub(crate) fn with_relative_file_path<R>(
    file_prefix: &OsStr,
    names: Names<'_>,
    f: impl FnOnce(&Path) -> R,
) -> R {
    let prefix = file_prefix.as_bytes();
    // An absolute prefix (the path leaves the directory's naming, see
    // relative_file_path) is rare: the general version builds it.
    if !names.is_ascii() || prefix.starts_with(b"/") || prefix.len() + names.joined_len() > INLINE {
        return f(&relative_file_path_on_heap(file_prefix, names));
    }
    let mut buf = [0u8; INLINE];
    let mut end = 0;
    let last = names.parts().count() - 1;
    for (i, part) in names.parts().enumerate() {
        if i > 0 {
            buf[end] = b'/';
            end += 1;
        }
        if i == last {
            buf[end..end + prefix.len()].copy_from_slice(prefix);
            end += prefix.len();
        }
        let lowered = &mut buf[end..end + part.len()];
        lowered.copy_from_slice(part.as_bytes());
        lowered.make_ascii_lowercase();
        end += part.len();
    }
    f(Path::new(OsStr::from_bytes(&buf[..end])))
}

/// `os.path.join(base, relative)`: no separator is added after an empty base
/// or one that already ends in `/`, and an absolute `relative` replaces the
/// base.
///
/// ```
/// use flyte_secrets::naming::join_like_python;
/// use std::path::Path;
/// assert_eq!(join_like_python(Path::new("/etc/secrets/"), Path::new("g/k")), Path::new("/etc/secrets/g/k"));
/// assert_eq!(join_like_python(Path::new(""), Path::new("g/k")), Path::new("g/k"));
/// assert_eq!(join_like_python(Path::new("/etc/secrets"), Path::new("/etc/k")), Path::new("/etc/k"));
/// ```
#[must_use]
pub fn join_like_python(base: &Path, relative: &Path) -> PathBuf {
    if relative.as_os_str().as_bytes().starts_with(b"/") {
        return relative.to_path_buf();
    }
    let base = base.as_os_str().as_bytes();
    let mut joined = Vec::with_capacity(base.len() + 1 + relative.as_os_str().len());
    joined.extend_from_slice(base);
    if !base.is_empty() && !base.ends_with(b"/") {
        joined.push(b'/');
    }
    joined.extend_from_slice(relative.as_os_str().as_bytes());
    PathBuf::from(OsString::from_vec(joined))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(g: &str, k: &str, v: &str) -> SecretId {
        SecretId::from_parts(g.into(), k.into(), v.into()).unwrap()
    }

    #[test]
    fn env_name_upper_cases_with_python_rules() {
        assert_eq!(
            env_var_name(OsStr::new("_FSEC_"), &id("straße", "k", "")),
            "_FSEC_STRASSE_K"
        );
        assert_eq!(env_var_name(OsStr::new(""), &id("", "k", "")), "K");
        assert_eq!(env_var_name(OsStr::new("p_"), &id("g", "", "")), "p_G");
    }

    #[test]
    fn names_built_on_the_stack_match_the_allocated_ones() {
        let long = "x".repeat(300);
        let prefixes = [
            OsString::from("_FSEC_"),
            OsString::from(""),
            OsString::from_vec(b"\xff_".to_vec()),
            OsString::from(long.as_str()),
            OsString::from("/etc/"),
        ];
        let ids = [
            id("My-Group", "a.B", "v1"),
            id("", "k", ""),
            id("straße", "k", ""),
            id("g", &long, ""),
            id("ΣΑΣ", "", "Ω"),
        ];
        for prefix in &prefixes {
            for id in &ids {
                let env = with_env_var_name(prefix, id.names(), OsStr::to_os_string);
                assert_eq!(env, env_var_name_on_heap(prefix, id.names()));
                let rel = with_relative_file_path(prefix, id.names(), Path::to_path_buf);
                assert_eq!(rel, relative_file_path_on_heap(prefix, id.names()));
            }
        }
    }

    #[test]
    fn prefix_bytes_are_kept_even_when_not_utf8() {
        let prefix = OsString::from_vec(b"\xff_".to_vec());
        assert_eq!(
            env_var_name(&prefix, &id("g", "k", "")).as_bytes(),
            b"\xff_G_K"
        );
    }

    #[test]
    fn file_prefix_goes_on_the_last_part_only() {
        assert_eq!(
            relative_file_path(OsStr::new("P_"), &id("G", "K", "V")),
            Path::new("g/v/P_k")
        );
        assert_eq!(
            relative_file_path(OsStr::new("P_"), &id("G", "", "")),
            Path::new("P_g")
        );
        assert_eq!(
            relative_file_path(OsStr::new(""), &id("", "K", "")),
            Path::new("k")
        );
    }

    #[test]
    fn an_absolute_file_prefix_replaces_the_directory_as_os_path_join_does() {
        // os.path.join("/etc/secrets", "g", "v", "/etc/k") == "/etc/k"
        assert_eq!(
            relative_file_path(OsStr::new("/etc/"), &id("G", "K", "V")),
            Path::new("/etc/k")
        );
        assert_eq!(
            relative_file_path(OsStr::new("/"), &id("", "K", "")),
            Path::new("/k")
        );
        assert_eq!(
            join_like_python(Path::new("/etc/secrets"), Path::new("/etc/k")),
            Path::new("/etc/k")
        );
    }

    #[test]
    fn join_matches_os_path_join() {
        // os.path.join("/", "g/k") == "/g/k"; os.path.join("d", "g/k") == "d/g/k"
        assert_eq!(
            join_like_python(Path::new("/"), Path::new("g/k")),
            Path::new("/g/k")
        );
        assert_eq!(
            join_like_python(Path::new("d"), Path::new("g/k")),
            Path::new("d/g/k")
        );
    }
}
