//! `check`: resolve every request, report where each was found or why it
//! was not, and never a value.

use serde::Serialize;

use crate::error::{Error, ErrorKind};
use crate::manager::{Batch, SecretsManager};
use crate::origin::Origin;
use crate::request::SecretRequest;
use crate::value::ReadMode;

/// The outcome for one request.
///
/// ```
/// use flyte_secrets::{Environment, SecretsConfig, SecretsManager, ReadMode};
/// let secrets = SecretsManager::with_environment(SecretsConfig::default(), Environment::from_vars([("_FSEC_K", "v")]));
/// let report = secrets.check(&["k".parse()?], ReadMode::Text);
/// let checked = &report.results[0];
/// assert_eq!((checked.request.as_str(), checked.status), ("k", "present"));
/// assert!(checked.problem.is_none());
/// # Ok::<(), flyte_secrets::Error>(())
/// ```
#[derive(Clone, Debug, Serialize)]
pub struct Checked {
    /// The request, as a spec with its mount requirement and env var.
    pub request: String,
    /// `present`, `missing` or `unreadable`.
    pub status: &'static str,
    /// Where it was found (also set when found but unreadable).
    pub found: Option<Origin>,
    /// Why it is missing or unreadable: the error message (no value).
    pub problem: Option<String>,
    /// Near misses, for a missing secret.
    pub hints: Vec<String>,
}

/// The outcome for a list of requests.
///
/// ```
/// use flyte_secrets::{Environment, SecretsConfig, SecretsManager, SecretRequest, ReadMode};
/// let env = Environment::from_vars([("_FSEC_A_B", "x")]);
/// let config = SecretsConfig::default().with_default_dir("/nonexistent");
/// let secrets = SecretsManager::with_environment(config, env);
/// let requests = ["a/b".parse::<SecretRequest>()?, "c/d".parse()?, "e".parse()?];
/// let report = secrets.check(&requests, ReadMode::Text);
/// assert_eq!(report.results.iter().map(|r| r.status).collect::<Vec<_>>(), ["present", "missing", "missing"]);
/// assert_eq!(report.exit_code(), 1);
/// # Ok::<(), flyte_secrets::Error>(())
/// ```
#[derive(Clone, Debug, Serialize)]
pub struct CheckReport {
    /// One entry per request, in order.
    pub results: Vec<Checked>,
}

impl CheckReport {
    /// 0 when all are present, 3 when any is unreadable, else 1 when any is
    /// missing.
    ///
    /// ```
    /// use flyte_secrets::{Environment, SecretsConfig, SecretsManager, ReadMode};
    /// let secrets = SecretsManager::with_environment(SecretsConfig::default(), Environment::from_vars([("_FSEC_K", "v")]));
    /// assert_eq!(secrets.check(&["k".parse()?], ReadMode::Text).exit_code(), 0);
    /// # Ok::<(), flyte_secrets::Error>(())
    /// ```
    #[must_use]
    pub fn exit_code(&self) -> u8 {
        if self.results.iter().any(|r| r.status == "unreadable") {
            ErrorKind::Unreadable.exit_code()
        } else if self.results.iter().any(|r| r.status == "missing") {
            ErrorKind::NotFound.exit_code()
        } else {
            0
        }
    }

    /// Whether every request was found and readable.
    ///
    /// ```
    /// use flyte_secrets::{Environment, SecretsConfig, SecretsManager, ReadMode};
    /// let config = SecretsConfig::default().with_default_dir("/nonexistent");
    /// let secrets = SecretsManager::with_environment(config, Environment::from_vars([("_FSEC_K", "v")]));
    /// assert!(secrets.check(&["k".parse()?], ReadMode::Text).all_present());
    /// assert!(!secrets.check(&["k".parse()?, "other".parse()?], ReadMode::Text).all_present());
    /// # Ok::<(), flyte_secrets::Error>(())
    /// ```
    #[must_use]
    pub fn all_present(&self) -> bool {
        self.exit_code() == 0
    }
}

pub(crate) fn check(
    manager: &SecretsManager,
    requests: &[SecretRequest],
    mode: ReadMode,
) -> CheckReport {
    let mut batch = Batch::new(manager);
    let results = requests
        .iter()
        .map(|request| {
            let name = request.to_string();
            // The value is read (to find undecodable or oversized files, as
            // `get` would) and dropped at once, wiped.
            match batch.resolve(request, mode) {
                Ok(found) => Checked {
                    request: name,
                    status: "present",
                    found: Some(found.origin().clone()),
                    problem: None,
                    hints: Vec::new(),
                },
                Err(e) => failed(name, &e),
            }
        })
        .collect();
    CheckReport { results }
}

fn failed(request: String, e: &Error) -> Checked {
    Checked {
        request,
        status: if e.kind() == ErrorKind::NotFound {
            "missing"
        } else {
            "unreadable"
        },
        found: e.origin().cloned(),
        problem: Some(e.to_string()),
        hints: e.hints().to_vec(),
    }
}
