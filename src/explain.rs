//! `explain`: where a secret would be looked for, where it is, what stands
//! nearby, and the settings that led there. Values are never read.

use std::path::PathBuf;

use serde::Serialize;

use crate::config::SecretsConfig;
use crate::hints;
use crate::manager::{SecretsManager, Sources};
use crate::origin::Origin;
use crate::request::SecretId;
use crate::source::secrets_dir::FileProblem;

/// The answer of [`SecretsManager::explain`].
///
/// Its JSON form is the `explain --json` output of the command line.
///
/// ```
/// use flyte_secrets::{Environment, SecretsConfig, SecretsManager, SecretId};
/// let config = SecretsConfig::default().with_default_dir("/nonexistent");
/// let secrets = SecretsManager::with_environment(config, Environment::from_vars([("G_K", "v")]));
/// let e = secrets.explain(&SecretId::new("g", "k")?);
/// assert!(e.found.is_none());
/// assert_eq!(e.file, std::path::Path::new("/nonexistent/g/k"));
/// assert!(e.hints.iter().any(|h| h.contains("G_K")));
/// let json = serde_json::to_value(&e).unwrap();
/// assert_eq!(json["env_vars"][0], "_FSEC_G_K");
/// # Ok::<(), flyte_secrets::Error>(())
/// ```
#[derive(Clone, Debug, Serialize)]
#[non_exhaustive]
pub struct Explanation {
    /// The request as a spec (`group/key@version`).
    pub secret: String,
    /// The group, if given.
    pub group: Option<String>,
    /// The key, if given.
    pub key: Option<String>,
    /// The group version, if given.
    pub group_version: Option<String>,
    /// Whether local mode was on (the unprefixed name is tried too).
    pub local: bool,
    /// The env var names tried, in lookup order.
    pub env_vars: Vec<String>,
    /// The file path tried.
    pub file: PathBuf,
    /// Where the secret is, or `None`.
    pub found: Option<Origin>,
    /// Why a secret that exists would not be read (too large, a FIFO...).
    pub problem: Option<String>,
    /// What was seen nearby, and advice (names and paths only).
    pub hints: Vec<String>,
    /// The settings and where each came from.
    pub config: SecretsConfig,
}

pub(crate) fn explain(manager: &SecretsManager, id: &SecretId) -> Explanation {
    let env_vars = manager.env_var_names(id);
    let file = manager.file_path(id);
    let mut found = None;
    let mut problem = None;
    let mut hints = Vec::new();
    if let Some(name) = env_vars.iter().find(|n| manager.environment().is_set(n)) {
        found = Some(Origin::EnvVar {
            name: name.to_string_lossy().into_owned(),
        });
    } else {
        match manager.probe_file(id) {
            Ok(stat) => {
                let size = u64::try_from(stat.st_size).unwrap_or(0);
                if size > manager.config().max_file_size() {
                    problem = Some(
                        crate::error::UnreadableReason::TooLarge {
                            size,
                            limit: manager.config().max_file_size(),
                        }
                        .to_string(),
                    );
                }
                hints.extend(hints::permissions(manager, &file, &stat));
                found = Some(Origin::File { path: file.clone() });
            }
            Err(FileProblem::Unreadable(reason, _)) => {
                problem = Some(reason.to_string());
                found = Some(Origin::File { path: file.clone() });
            }
            Err(FileProblem::NotFound(missing)) => {
                hints.extend(hints::for_missing(
                    manager,
                    id,
                    Sources::Both,
                    Some(&missing),
                ));
            }
        }
    }
    Explanation {
        secret: id.to_string(),
        group: id.group().map(str::to_owned),
        key: id.key().map(str::to_owned),
        group_version: id.group_version().map(str::to_owned),
        local: manager.is_local(),
        env_vars: env_vars
            .iter()
            .map(|n| n.to_string_lossy().into_owned())
            .collect(),
        file,
        found,
        problem,
        hints,
        config: manager.config().clone(),
    }
}

impl std::fmt::Display for Explanation {
    /// What `flyte-secrets explain` prints: the names and path tried, where
    /// the secret is, hints, then the settings. Never a value.
    ///
    /// ```
    /// use flyte_secrets::{Environment, SecretsConfig, SecretsManager, SecretId};
    /// let secrets = SecretsManager::with_environment(SecretsConfig::default(), Environment::from_vars([("_FSEC_G_K", "v")]));
    /// let text = secrets.explain(&SecretId::new("g", "k")?).to_string();
    /// assert!(text.contains("found        in the env var _FSEC_G_K"));
    /// # Ok::<(), flyte_secrets::Error>(())
    /// ```
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use crate::shown::Shown;
        writeln!(f, "secret       {}", Shown(&self.secret))?;
        let local = if self.local { " (local mode)" } else { "" };
        writeln!(
            f,
            "env vars     {}{local}",
            Shown(&self.env_vars.join(", then "))
        )?;
        writeln!(f, "file         {}", Shown(&self.file.to_string_lossy()))?;
        match &self.found {
            Some(origin) => writeln!(f, "found        in the {origin}")?,
            None => writeln!(f, "found        nowhere")?,
        }
        if let Some(problem) = &self.problem {
            writeln!(f, "problem      it would not be read: {problem}")?;
        }
        for hint in &self.hints {
            writeln!(f, "hint         {}", Shown(hint))?;
        }
        writeln!(f)?;
        write!(f, "{}", self.config)
    }
}
