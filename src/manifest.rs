//! Manifests: a YAML or JSON file listing secret requests as a Flyte task
//! declares them.
//!
//! ```yaml
//! - group: db
//!   key: password
//!   mount_requirement: ENV_VAR     # ANY (default), ENV_VAR or FILE
//!   env_var: DB_PASSWORD           # optional: where the platform puts it
//! - key: api_token
//!   group_version: v2
//! ```
//!
//! A mapping with a single `secrets` list is accepted too. Unknown fields
//! and bad values are errors that name the file and the entry.

use std::path::Path;

use serde::Deserialize;
use serde_norway::Value;

use crate::error::{Error, Result};
use crate::request::{MountRequirement, SecretId, SecretRequest};
use crate::shown::Shown;
use crate::source::read::read_text_file;

/// The largest manifest read.
const MAX_MANIFEST_SIZE: u64 = 1 << 20;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    #[serde(default)]
    group: Option<String>,
    #[serde(default)]
    key: Option<String>,
    #[serde(default)]
    group_version: Option<String>,
    #[serde(default)]
    mount_requirement: Option<String>,
    #[serde(default)]
    env_var: Option<String>,
}

/// Reads the requests listed in the manifest at `path`.
///
/// # Errors
///
/// [`ErrorKind::InvalidRequest`](crate::ErrorKind::InvalidRequest) naming the
/// file (and the entry, counted from 1) for an unreadable file, a syntax
/// error, an unknown field or a bad value.
///
/// ```
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("secrets.yaml");
/// std::fs::write(&path, "- group: db\n  key: password\n  env_var: DB_PASSWORD\n")?;
/// let requests = flyte_secrets::manifest::read(&path)?;
/// assert_eq!(requests[0].env_var(), Some("DB_PASSWORD"));
///
/// std::fs::write(&path, "- group: db\n  keys: password\n")?;
/// let err = flyte_secrets::manifest::read(&path).unwrap_err();
/// assert!(err.to_string().contains("entry 1"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn read(path: &Path) -> Result<Vec<SecretRequest>> {
    let text =
        read_text_file(path, MAX_MANIFEST_SIZE).map_err(|e| at_file(path, &e.to_string()))?;
    parse(&text).map_err(|problem| at_file(path, &problem))
}

/// Parses manifest text (YAML, of which JSON is a subset).
///
/// # Errors
///
/// A description of the first problem, naming the entry.
///
/// ```
/// let requests = flyte_secrets::manifest::parse(r#"[{"group": "g", "key": "k", "mount_requirement": "FILE"}]"#).unwrap();
/// assert_eq!(requests[0].mount(), flyte_secrets::MountRequirement::File);
/// ```
pub fn parse(text: &str) -> std::result::Result<Vec<SecretRequest>, String> {
    let doc: Value = serde_norway::from_str(text).map_err(|e| syntax_problem(&e))?;
    let list = match doc {
        Value::Sequence(list) => list,
        Value::Mapping(map) if map.len() == 1 && map.get("secrets").is_some() => {
            match map.get("secrets") {
                Some(Value::Sequence(list)) => list.clone(),
                _ => return Err("\"secrets\" must be a list of secret requests".into()),
            }
        }
        Value::Null => Vec::new(),
        _ => {
            return Err(
                "expected a list of secret requests (or a mapping with a \"secrets\" list)".into(),
            );
        }
    };
    if list.is_empty() {
        return Err("lists no secret requests".into());
    }
    list.into_iter()
        .enumerate()
        .map(|(i, value)| entry(value).map_err(|problem| format!("entry {}: {problem}", i + 1)))
        .collect()
}

/// Why the text is not YAML: the parser's words, unless they quote the
/// text (a number too large for any integer type is quoted whole), then
/// only where.
fn syntax_problem(e: &serde_norway::Error) -> String {
    let words = e.to_string();
    if !words.contains(['`', '"', '\'']) {
        return format!("not valid YAML or JSON: {words}");
    }
    match e.location() {
        Some(at) => format!(
            "not valid YAML or JSON: a value at line {} column {} cannot be read",
            at.line(),
            at.column()
        ),
        None => "not valid YAML or JSON: a value cannot be read".into(),
    }
}

fn entry(value: Value) -> std::result::Result<SecretRequest, String> {
    // Anything but a mapping is refused without quoting it: a secret file
    // given as a manifest by mistake may well be a list of values.
    let found = match &value {
        Value::Mapping(_) => None,
        Value::Null => Some("nothing"),
        Value::Bool(_) => Some("a boolean"),
        Value::Number(_) => Some("a number"),
        Value::String(_) => Some("a string"),
        Value::Sequence(_) => Some("a list"),
        Value::Tagged(_) => Some("a tagged value"),
    };
    if let Some(found) = found {
        return Err(format!(
            "expected a mapping of group, key, group_version, mount_requirement, env_var; found {found}"
        ));
    }
    let entry: Entry = serde_norway::from_value(value).map_err(|e| e.to_string())?;
    let id = SecretId::from_parts(
        entry.group.unwrap_or_default(),
        entry.key.unwrap_or_default(),
        entry.group_version.unwrap_or_default(),
    )
    .map_err(|e| strip_prefix(&e))?;
    let mut request = SecretRequest::from_id(id);
    if let Some(mount) = entry.mount_requirement {
        request = request.with_mount(
            mount
                .parse::<MountRequirement>()
                .map_err(|e| strip_prefix(&e))?,
        );
    }
    if let Some(var) = entry.env_var {
        request = request.with_env_var(var).map_err(|e| strip_prefix(&e))?;
    }
    Ok(request)
}

/// An error's words without the "invalid request: " that the manifest
/// error adds again.
fn strip_prefix(e: &Error) -> String {
    let text = e.to_string();
    text.strip_prefix("invalid request: ")
        .unwrap_or(&text)
        .to_string()
}

fn at_file(path: &Path, problem: &str) -> Error {
    Error::invalid_request(format!(
        "manifest {}: {problem}",
        Shown(&path.to_string_lossy())
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_and_json_and_wrapped_lists() {
        let yaml = parse("- key: a\n- group: g\n  key: b\n  group_version: v1\n").unwrap();
        assert_eq!(yaml.len(), 2);
        assert_eq!(yaml[1].id().to_string(), "g/b@v1");
        let json = parse(r#"[{"key": "a", "env_var": "A_1"}]"#).unwrap();
        assert_eq!(json[0].env_var(), Some("A_1"));
        let wrapped = parse("secrets:\n  - key: a\n").unwrap();
        assert_eq!(wrapped.len(), 1);
        assert!(parse("").unwrap_err().contains("no secret requests"));
        assert!(parse("[]").unwrap_err().contains("no secret requests"));
    }

    #[test]
    fn problems_name_the_entry_and_the_field() {
        let err = parse("- key: a\n- key: b\n  colour: red\n").unwrap_err();
        assert!(
            err.starts_with("entry 2:") && err.contains("colour"),
            "{err}"
        );
        let err = parse("- key: a\n  mount_requirement: VOLUME\n").unwrap_err();
        assert!(
            err.starts_with("entry 1:") && err.contains("VOLUME"),
            "{err}"
        );
        let err = parse("- key: a\n  env_var: \"A\\n\"\n").unwrap_err();
        assert!(err.contains("env_var"), "{err}");
        let err = parse("- key: ../x\n").unwrap_err();
        assert!(err.contains("contains '/'"), "{err}");
        let err = parse("- {}\n").unwrap_err();
        assert!(err.contains("nothing to look up"), "{err}");
        let err = parse("key: a\n").unwrap_err();
        assert!(err.contains("expected a list"), "{err}");
        let err = parse("- key: [a\n").unwrap_err();
        assert!(err.contains("not valid YAML"), "{err}");
        let err = parse("- key: 5\n").unwrap_err();
        assert!(err.starts_with("entry 1:"), "{err}");
        // A number past any integer type is a syntax error that would
        // quote it.
        let err = parse("- 123456789012345678901234567890\n").unwrap_err();
        assert!(err.contains("line 1 column 3"), "{err}");
        assert!(!err.contains("1234567890"), "{err}");
        // An entry that is not a mapping is described, not quoted.
        for (text, found) in [
            ("- not-shown\n", "a string"),
            ("[\"not-shown\"]", "a string"),
            ("- [not-shown]\n", "a list"),
            ("- 123456\n", "a number"),
            ("- !!str not-shown\n", "a string"),
            ("- !custom not-shown\n", "a tagged value"),
            ("-\n", "nothing"),
        ] {
            let err = parse(text).unwrap_err();
            assert!(
                err.starts_with("entry 1:") && err.contains(found),
                "{text:?}: {err}"
            );
            assert!(
                !err.contains("not-shown") && !err.contains("123456"),
                "{text:?}: {err}"
            );
        }
    }
}
