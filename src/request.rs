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
    fn version_alone_is_a_request() {
        let id = SecretId::from_parts(String::new(), String::new(), "v".into()).unwrap();
        assert_eq!(id.parts().collect::<Vec<_>>(), ["v"]);
    }
}
