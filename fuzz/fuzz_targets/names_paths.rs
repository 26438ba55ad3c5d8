//! Name validation and path building: any (group, key, group_version) that
//! `SecretId::from_parts` accepts gives a relative file path made only of
//! plain names, one per non-empty part, that stays inside the secrets
//! directory; any it refuses has a name that is unsafe. Never panics.
//!
//! Input: up to four fields separated by 0xFF bytes (never part of UTF-8):
//! group, key, group_version, file prefix.
#![no_main]

use std::ffi::OsStr;
use std::path::{Component, Path};

use flyte_secrets::naming::{env_var_name, join_like_python, relative_file_path};
use flyte_secrets::{ErrorKind, SecretId};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut fields = data.split(|&b| b == 0xFF).map(String::from_utf8_lossy);
    let group = fields.next().unwrap_or_default().into_owned();
    let key = fields.next().unwrap_or_default().into_owned();
    let version = fields.next().unwrap_or_default().into_owned();
    // A file prefix comes from the operator's configuration: without '/'
    // and NUL it stays a name prefix; with a leading '/' it makes the path
    // absolute, as os.path.join does.
    let raw_prefix = fields.next().unwrap_or_default();
    let absolute = raw_prefix.starts_with('/');
    let mut prefix: String = raw_prefix
        .chars()
        .filter(|&c| c != '/' && c != '\0')
        .collect();
    if absolute {
        prefix.insert(0, '/');
    }
    let names = [group.clone(), key.clone(), version.clone()];
    match SecretId::from_parts(group, key, version) {
        Ok(id) => {
            let present = names.iter().filter(|n| !n.is_empty()).count();
            assert!(present > 0);
            for n in &names {
                assert!(!n.contains('/') && !n.contains('\0') && n != "." && n != "..");
            }
            let rel = relative_file_path(OsStr::new(&prefix), &id);
            if absolute {
                // The last present part in flytekit's order (group,
                // group_version, key).
                let [group, key, version] = &names;
                let last = [key, version, group]
                    .into_iter()
                    .find(|n| !n.is_empty())
                    .map_or("", String::as_str);
                let want = format!("{prefix}{}", flyte_secrets::casing::lower(last));
                assert_eq!(rel.as_os_str().as_encoded_bytes(), want.as_bytes());
                assert_eq!(join_like_python(Path::new("/etc/secrets"), &rel), rel);
                return;
            }
            let comps: Vec<Component<'_>> = rel.components().collect();
            assert_eq!(comps.len(), present, "{rel:?}");
            assert!(
                comps.iter().all(|c| matches!(c, Component::Normal(_))),
                "{rel:?}"
            );
            let base = Path::new("/etc/secrets");
            let full = join_like_python(base, &rel);
            assert!(full.starts_with(base));
            assert_eq!(full.components().count(), 3 + present);
            let env = env_var_name(OsStr::new("_FSEC_"), &id);
            assert!(env.as_encoded_bytes().starts_with(b"_FSEC_"));
        }
        Err(e) => {
            assert_eq!(e.kind(), ErrorKind::InvalidRequest);
            let unsafe_name = names
                .iter()
                .any(|n| n.contains('/') || n.contains('\0') || n == "." || n == "..");
            assert!(unsafe_name || names.iter().all(String::is_empty));
        }
    }
});
