//! What is asked for: a group, a key and a group_version, validated so that
//! no name can build a path out of the secrets directory.

use std::fmt;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::shown::Shown;

/// One secret, named as Flyte names it: `group`, `key` and `group_version`,
/// each of which may be empty (absent).
///
/// A name may not contain `/` or NUL, nor be `.` or `..`, and at least one of
/// the three must be given. These are checked on construction, before any
/// system call.
///
/// ```
/// use flyte_secrets::SecretId;
/// let id = SecretId::new("db", "password")?.with_group_version("v2")?;
/// assert_eq!(id.to_string(), "db/password@v2");
/// assert_eq!(id.parts().collect::<Vec<_>>(), ["db", "v2", "password"]);
///
/// let key_only = SecretId::new("", "token")?;
/// assert_eq!(key_only.to_string(), "token");
/// assert!(SecretId::new("db", "../../etc/passwd").is_err());
/// # Ok::<(), flyte_secrets::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash, Debug, Serialize)]
pub struct SecretId {
    group: String,
    key: String,
    group_version: String,
}

impl SecretId {
    /// A secret by group and key (either may be empty).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidRequest`](crate::ErrorKind::InvalidRequest) when a
    /// name is unsafe or both are empty.
    ///
    /// ```
    /// # use flyte_secrets::SecretId;
    /// assert!(SecretId::new("g", "k").is_ok());
    /// assert!(SecretId::new("", "").is_err());
    /// ```
    pub fn new(group: impl Into<String>, key: impl Into<String>) -> Result<Self> {
        Self::from_parts(group.into(), key.into(), String::new())
    }

    /// The same secret at a group version (empty means none).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidRequest`](crate::ErrorKind::InvalidRequest) when
    /// the version is unsafe.
    ///
    /// ```
    /// # use flyte_secrets::SecretId;
    /// let id = SecretId::new("g", "k")?.with_group_version("v1")?;
    /// assert_eq!(id.group_version(), Some("v1"));
    /// # Ok::<(), flyte_secrets::Error>(())
    /// ```
    pub fn with_group_version(self, group_version: impl Into<String>) -> Result<Self> {
        Self::from_parts(self.group, self.key, group_version.into())
    }

    /// A secret from all three names at once.
    ///
    /// # Errors
    ///
    /// As [`SecretId::new`].
    ///
    /// ```
    /// # use flyte_secrets::SecretId;
    /// let id = SecretId::from_parts("g".into(), "k".into(), "".into())?;
    /// assert_eq!(id.group_version(), None);
    /// # Ok::<(), flyte_secrets::Error>(())
    /// ```
    pub fn from_parts(group: String, key: String, group_version: String) -> Result<Self> {
        Names::new(&group, &key, &group_version)?;
        Ok(SecretId {
            group,
            key,
            group_version,
        })
    }

    /// The three names, borrowed.
    pub(crate) fn names(&self) -> Names<'_> {
        Names {
            group: &self.group,
            key: &self.key,
            group_version: &self.group_version,
            ascii: self.group.is_ascii() && self.key.is_ascii() && self.group_version.is_ascii(),
        }
    }

    /// The group, if given.
    ///
    /// ```
    /// # use flyte_secrets::SecretId;
    /// assert_eq!(SecretId::new("", "k")?.group(), None);
    /// # Ok::<(), flyte_secrets::Error>(())
    /// ```
    #[must_use]
    pub fn group(&self) -> Option<&str> {
        non_empty(&self.group)
    }

    /// The key, if given.
    ///
    /// ```
    /// # use flyte_secrets::SecretId;
    /// assert_eq!(SecretId::new("g", "k")?.key(), Some("k"));
    /// # Ok::<(), flyte_secrets::Error>(())
    /// ```
    #[must_use]
    pub fn key(&self) -> Option<&str> {
        non_empty(&self.key)
    }

    /// The group version, if given.
    ///
    /// ```
    /// # use flyte_secrets::SecretId;
    /// assert_eq!(SecretId::new("g", "k")?.group_version(), None);
    /// # Ok::<(), flyte_secrets::Error>(())
    /// ```
    #[must_use]
    pub fn group_version(&self) -> Option<&str> {
        non_empty(&self.group_version)
    }

    /// The names that are present, in flytekit's order: group,
    /// group_version, key.
    ///
    /// ```
    /// # use flyte_secrets::SecretId;
    /// let id = SecretId::new("", "k")?.with_group_version("v")?;
    /// assert_eq!(id.parts().collect::<Vec<_>>(), ["v", "k"]);
    /// # Ok::<(), flyte_secrets::Error>(())
    /// ```
    pub fn parts(&self) -> impl Iterator<Item = &str> + Clone {
        self.names().parts()
    }

    /// The same request without its group version.
    ///
    /// ```
    /// # use flyte_secrets::SecretId;
    /// let id = SecretId::new("g", "k")?.with_group_version("v")?;
    /// assert_eq!(id.without_group_version().map(|i| i.to_string()), Some("g/k".into()));
    /// # Ok::<(), flyte_secrets::Error>(())
    /// ```
    #[must_use]
    pub fn without_group_version(&self) -> Option<SecretId> {
        Self::from_parts(self.group.clone(), self.key.clone(), String::new()).ok()
    }
}

fn non_empty(s: &str) -> Option<&str> {
    (!s.is_empty()).then_some(s)
}

/// The names of a request, borrowed from the caller and validated: what a
/// lookup works from, so that `get(group, key)` need not copy them into a
/// [`SecretId`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct Names<'a> {
    group: &'a str,
    key: &'a str,
    group_version: &'a str,
    /// Whether all three are ASCII (learnt while validating them).
    ascii: bool,
}

impl<'a> Names<'a> {
    /// Validates the names as [`SecretId::from_parts`] documents.
    pub(crate) fn new(group: &'a str, key: &'a str, group_version: &'a str) -> Result<Self> {
        // One pass over each name finds what is forbidden and what is not
        // ASCII; the error is worked out apart, when there is one.
        let scan = |name: &str| {
            let (mut bad, mut high) = (name == "." || name == "..", false);
            for &b in name.as_bytes() {
                bad |= b == b'/' || b == 0;
                high |= b >= 0x80;
            }
            (bad, high)
        };
        let (g, k, v) = (scan(group), scan(key), scan(group_version));
        if g.0 || k.0 || v.0 {
            check_name("group", group)?;
            check_name("key", key)?;
            check_name("group_version", group_version)?;
        }
        if group.is_empty() && key.is_empty() && group_version.is_empty() {
            return Err(Error::invalid_request(
                "no group, key or group_version given: nothing to look up",
            ));
        }
        Ok(Names {
            group,
            key,
            group_version,
            ascii: !(g.1 || k.1 || v.1),
        })
    }

    /// The names that are present: group, group_version, key.
    pub(crate) fn parts(self) -> impl Iterator<Item = &'a str> + Clone {
        [self.group, self.group_version, self.key]
            .into_iter()
            .filter(|p| !p.is_empty())
    }

    /// Whether every name is ASCII.
    pub(crate) fn is_ascii(self) -> bool {
        self.ascii
    }

    /// The length of the present names joined by one-byte separators.
    pub(crate) fn joined_len(self) -> usize {
        let present = self.parts().count();
        self.group.len() + self.key.len() + self.group_version.len() + present.saturating_sub(1)
    }

    /// An owned [`SecretId`] (for errors and hints).
    pub(crate) fn to_id(self) -> SecretId {
        SecretId {
            group: self.group.to_owned(),
            key: self.key.to_owned(),
            group_version: self.group_version.to_owned(),
        }
    }
}

#[cold]
fn check_name(what: &str, name: &str) -> Result<()> {
    let problem = if name.contains('/') {
        "contains '/'"
    } else if name.contains('\0') {
        "contains a NUL character"
    } else if name == "." || name == ".." {
        "is a relative directory name"
    } else {
        return Ok(());
    };
    Err(Error::invalid_request(format!(
        "{what} \"{}\" {problem}",
        Shown(name)
    )))
}

impl fmt::Display for Names<'_> {
    /// The spec form: `group/key`, `key`, `group/key@version`, or `group/`
    /// for a group without a key.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.group.is_empty() {
            write!(f, "{}/", self.group)?;
        }
        f.write_str(self.key)?;
        if !self.group_version.is_empty() {
            write!(f, "@{}", self.group_version)?;
        }
        Ok(())
    }
}

impl fmt::Display for SecretId {
    /// The spec form: `group/key`, `key`, `group/key@version`, or `group/`
    /// for a group without a key.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.names().fmt(f)
    }
}

/// Where the platform delivers a secret, as Flyte's `Secret.mount_requirement`.
///
/// ```
/// use flyte_secrets::MountRequirement;
/// assert_eq!("env_var".parse::<MountRequirement>()?, MountRequirement::EnvVar);
/// assert_eq!(MountRequirement::File.to_string(), "FILE");
/// # Ok::<(), flyte_secrets::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MountRequirement {
    /// Either; flytekit looks at env vars, then files.
    #[default]
    Any,
    /// Only an environment variable.
    EnvVar,
    /// Only a file.
    File,
}

impl std::str::FromStr for MountRequirement {
    type Err = Error;

    /// `ANY`, `ENV_VAR` or `FILE`, in any case.
    fn from_str(s: &str) -> Result<Self> {
        match s.to_ascii_uppercase().as_str() {
            "ANY" => Ok(MountRequirement::Any),
            "ENV_VAR" => Ok(MountRequirement::EnvVar),
            "FILE" => Ok(MountRequirement::File),
            _ => Err(Error::invalid_request(format!(
                "mount requirement \"{}\" is not one of ANY, ENV_VAR, FILE",
                Shown(s)
            ))),
        }
    }
}

impl fmt::Display for MountRequirement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            MountRequirement::Any => "ANY",
            MountRequirement::EnvVar => "ENV_VAR",
            MountRequirement::File => "FILE",
        })
    }
}

/// A secret as a Flyte task declares it: which secret, how it is mounted,
/// and optionally the env var the platform uses for it.
///
/// With `env_var` set, `ENV_VAR` and `ANY` mean that variable holds the
/// value, and `FILE` means it holds the path of the file (read only if it
/// lies inside the secrets directory).
///
/// ```
/// use flyte_secrets::{SecretRequest, MountRequirement};
/// let r: SecretRequest = "db/password@v2".parse()?;
/// assert_eq!(r.id().to_string(), "db/password@v2");
/// let r = r.with_mount(MountRequirement::EnvVar).with_env_var("DB_PASSWORD")?;
/// assert_eq!(r.env_var(), Some("DB_PASSWORD"));
/// assert!(SecretRequest::new("g", "k")?.with_env_var("lower").is_err());
/// # Ok::<(), flyte_secrets::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct SecretRequest {
    id: SecretId,
    mount: MountRequirement,
    env_var: Option<String>,
}

impl SecretRequest {
    /// A request for `group`/`key`, mounted any way, with no env_var.
    ///
    /// # Errors
    ///
    /// As [`SecretId::new`].
    ///
    /// ```
    /// let r = flyte_secrets::SecretRequest::new("db", "password")?;
    /// assert_eq!(r.mount(), flyte_secrets::MountRequirement::Any);
    /// # Ok::<(), flyte_secrets::Error>(())
    /// ```
    pub fn new(group: impl Into<String>, key: impl Into<String>) -> Result<Self> {
        Ok(Self::from_id(SecretId::new(group, key)?))
    }

    /// A request for `id`, mounted any way, with no env_var.
    ///
    /// ```
    /// use flyte_secrets::{SecretId, SecretRequest};
    /// let r = SecretRequest::from_id(SecretId::new("", "token")?);
    /// assert_eq!(r.to_string(), "token");
    /// # Ok::<(), flyte_secrets::Error>(())
    /// ```
    #[must_use]
    pub fn from_id(id: SecretId) -> Self {
        SecretRequest {
            id,
            mount: MountRequirement::Any,
            env_var: None,
        }
    }

    /// The same request with another mount requirement.
    ///
    /// ```
    /// use flyte_secrets::{MountRequirement, SecretRequest};
    /// let r = SecretRequest::new("g", "k")?.with_mount(MountRequirement::File);
    /// assert_eq!(r.to_string(), "g/k (FILE)");
    /// # Ok::<(), flyte_secrets::Error>(())
    /// ```
    #[must_use]
    pub fn with_mount(mut self, mount: MountRequirement) -> Self {
        self.mount = mount;
        self
    }

    /// The same request with the platform's env var name, which must match
    /// `^[A-Z_][A-Z0-9_]*$` (a trailing newline is not accepted).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidRequest`](crate::ErrorKind::InvalidRequest) for
    /// any other name.
    ///
    /// ```
    /// let r = flyte_secrets::SecretRequest::new("g", "k")?;
    /// assert!(r.clone().with_env_var("G_K_2").is_ok());
    /// assert!(r.with_env_var("G_K\n").is_err());
    /// # Ok::<(), flyte_secrets::Error>(())
    /// ```
    pub fn with_env_var(mut self, name: impl Into<String>) -> Result<Self> {
        let name = name.into();
        check_env_var_name(&name)?;
        self.env_var = Some(name);
        Ok(self)
    }

    /// Which secret.
    ///
    /// ```
    /// let r: flyte_secrets::SecretRequest = "g/k@v".parse()?;
    /// assert_eq!(r.id().group_version(), Some("v"));
    /// # Ok::<(), flyte_secrets::Error>(())
    /// ```
    #[must_use]
    pub fn id(&self) -> &SecretId {
        &self.id
    }

    /// How it is mounted.
    ///
    /// ```
    /// let r: flyte_secrets::SecretRequest = "g/k".parse()?;
    /// assert_eq!(r.mount(), flyte_secrets::MountRequirement::Any);
    /// # Ok::<(), flyte_secrets::Error>(())
    /// ```
    #[must_use]
    pub fn mount(&self) -> MountRequirement {
        self.mount
    }

    /// The platform's env var for it, if declared.
    ///
    /// ```
    /// let r: flyte_secrets::SecretRequest = "g/k".parse()?;
    /// assert_eq!(r.env_var(), None);
    /// # Ok::<(), flyte_secrets::Error>(())
    /// ```
    #[must_use]
    pub fn env_var(&self) -> Option<&str> {
        self.env_var.as_deref()
    }
}

/// Checks a Flyte `env_var` name: `^[A-Z_][A-Z0-9_]*$`, nothing after.
fn check_env_var_name(name: &str) -> Result<()> {
    let mut chars = name.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_uppercase() || c == '_');
    if first_ok && chars.all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_') {
        return Ok(());
    }
    Err(Error::invalid_request(format!(
        "env_var \"{}\" must match ^[A-Z_][A-Z0-9_]*$",
        Shown(name)
    )))
}

impl std::str::FromStr for SecretRequest {
    type Err = Error;

    /// A spec: `KEY`, `GROUP/KEY`, or either with `@VERSION` at the end
    /// (`GROUP/KEY@VERSION`). The version is what follows the last `@`.
    fn from_str(spec: &str) -> Result<Self> {
        let (names, version) = match spec.rsplit_once('@') {
            Some((names, version)) => (names, version),
            None => (spec, ""),
        };
        let (group, key) = match names.split_once('/') {
            Some((group, key)) => (group, key),
            None => ("", names),
        };
        if key.contains('/') {
            return Err(Error::invalid_request(format!(
                "spec \"{}\" has more than one '/': write GROUP/KEY@VERSION",
                Shown(spec)
            )));
        }
        if spec.contains('@') && version.is_empty() {
            return Err(Error::invalid_request(format!(
                "spec \"{}\" ends with '@' but gives no version",
                Shown(spec)
            )));
        }
        let id = SecretId::from_parts(group.into(), key.into(), version.into())?;
        Ok(Self::from_id(id))
    }
}

impl fmt::Display for SecretRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.id)?;
        if let Some(var) = &self.env_var {
            write!(f, " ({} {var})", self.mount)?;
        } else if self.mount != MountRequirement::Any {
            write!(f, " ({})", self.mount)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    #[test]
    fn unsafe_names_are_refused_in_every_position() {
        for bad in ["a/b", "/abs", "..", ".", "nul\0x", "../x"] {
            for (g, k, v) in [(bad, "k", ""), ("g", bad, ""), ("g", "k", bad)] {
                let err = SecretId::from_parts(g.into(), k.into(), v.into()).unwrap_err();
                assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{g:?} {k:?} {v:?}");
            }
        }
    }

    #[test]
    fn names_that_only_look_odd_are_allowed() {
        for ok in ["...", ".hidden", "a..b", "-x", "ß", "tab\there", " "] {
            assert!(SecretId::new("g", ok).is_ok(), "{ok:?}");
        }
    }

    #[test]
    fn error_names_the_field_and_escapes_controls() {
        let err = SecretId::new("g\n/x", "k").unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid request: group \"g\\n/x\" contains '/'"
        );
    }

    #[test]
    fn specs_parse_into_their_parts() {
        let r: SecretRequest = "token".parse().unwrap();
        assert_eq!((r.id().group(), r.id().key()), (None, Some("token")));
        let r: SecretRequest = "db/pw".parse().unwrap();
        assert_eq!((r.id().group(), r.id().key()), (Some("db"), Some("pw")));
        let r: SecretRequest = "db/pw@v1".parse().unwrap();
        assert_eq!(r.id().group_version(), Some("v1"));
        let r: SecretRequest = "user@host@v2".parse().unwrap();
        assert_eq!(
            (r.id().key(), r.id().group_version()),
            (Some("user@host"), Some("v2"))
        );
        let r: SecretRequest = "db/".parse().unwrap();
        assert_eq!((r.id().group(), r.id().key()), (Some("db"), None));
    }

    #[test]
    fn bad_specs_are_refused() {
        for bad in ["", "a/b/c", "g/k@", "../x", "g/..", "@"] {
            let err = bad.parse::<SecretRequest>().unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{bad:?}");
        }
    }

    #[test]
    fn env_var_names_follow_flytes_pattern() {
        let r = SecretRequest::new("g", "k").unwrap();
        for ok in ["A", "_", "DB_PASSWORD_2", "_X9"] {
            assert!(r.clone().with_env_var(ok).is_ok(), "{ok:?}");
        }
        for bad in ["", "9A", "a", "A-B", "A\n", "A B", "Ä"] {
            assert!(r.clone().with_env_var(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn mount_requirement_parses_any_case_and_refuses_others() {
        assert_eq!(
            "file".parse::<MountRequirement>().unwrap(),
            MountRequirement::File
        );
        assert_eq!(
            "Any".parse::<MountRequirement>().unwrap(),
            MountRequirement::Any
        );
        assert!("volume".parse::<MountRequirement>().is_err());
    }

    #[test]
    fn version_alone_is_a_request() {
        let id = SecretId::from_parts(String::new(), String::new(), "v".into()).unwrap();
        assert_eq!(id.parts().collect::<Vec<_>>(), ["v"]);
    }
}
