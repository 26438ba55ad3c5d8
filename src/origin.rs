//! Where a secret was found (or where reading it failed).

use std::fmt;
use std::path::PathBuf;

use serde::Serialize;

use crate::shown::Shown;

/// The place a secret value came from.
///
/// ```
/// use flyte_secrets::Origin;
/// let o = Origin::EnvVar { name: "_FSEC_DB_PASSWORD".into() };
/// assert_eq!(o.to_string(), "env var _FSEC_DB_PASSWORD");
/// assert_eq!(serde_json::to_string(&o).unwrap(),
///            r#"{"source":"env_var","name":"_FSEC_DB_PASSWORD"}"#);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "source", rename_all = "snake_case")]
pub enum Origin {
    /// An environment variable, by name.
    EnvVar {
        /// The variable's name.
        name: String,
    },
    /// A file, by the path flytekit would name.
    File {
        /// The file's path (the secrets directory joined with the request).
        path: PathBuf,
    },
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::EnvVar { name } => write!(f, "env var {}", Shown(name)),
            Origin::File { path } => write!(f, "file {}", Shown(&path.to_string_lossy())),
        }
    }
}
