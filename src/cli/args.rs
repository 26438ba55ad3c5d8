//! The command-line grammar.

use clap::{Args, Parser, Subcommand};

/// Read Flyte runtime secrets exactly as flytekit does, safely.
///
/// Secrets are read from env vars (`_FSEC_GROUP_KEY`) and files
/// (`/etc/secrets/group/key`), as set by FLYTE_SECRETS_ENV_PREFIX,
/// FLYTE_SECRETS_DEFAULT_DIR, FLYTE_SECRETS_FILE_PREFIX and the flytekit
/// config file.
///
/// Exit status: 0 success, 1 a secret was not found, 2 a usage error, an
/// invalid request or a bad configuration file, 3 a secret exists but could
/// not be read safely.
#[derive(Parser, Debug)]
#[command(name = "flyte-secrets", version, max_term_width = 100)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Subcommand, Debug)]
pub(crate) enum Command {
    /// Print a secret's value to stdout, byte for byte.
    ///
    /// A newline is added only when stdout is a terminal.
    ///
    /// Example: flyte-secrets get db password
    ///
    /// Example: flyte-secrets get --bytes tls cert > cert.pem
    Get(GetArgs),
    /// Say where a secret would be read from, where it is, and why.
    ///
    /// Never prints a value.
    ///
    /// Example: flyte-secrets explain --json db password
    Explain(ExplainArgs),
    /// Print the settings in force, where each came from, and which config
    /// file was used (or why none was).
    ///
    /// Example: flyte-secrets config --json
    Config(ConfigArgs),
}

/// Which secret, and how to look for it.
#[derive(Args, Debug)]
pub(crate) struct SecretArgs {
    /// Look under this group version (between group and key).
    #[arg(long, value_name = "V", default_value = "")]
    pub(crate) group_version: String,
    /// Local mode: also try the env var without the prefix (as a locally
    /// run flytekit task does).
    #[arg(long)]
    pub(crate) local: bool,
    /// Refuse secret files larger than this many bytes.
    #[arg(long, value_name = "BYTES", default_value_t = flyte_secrets::SecretsConfig::DEFAULT_MAX_FILE_SIZE)]
    pub(crate) max_size: u64,
    /// The secret's group ("" for none).
    #[arg(value_name = "GROUP")]
    pub(crate) group: String,
    /// The secret's key ("" for none).
    #[arg(value_name = "KEY")]
    pub(crate) key: String,
}

#[derive(Args, Debug)]
pub(crate) struct GetArgs {
    #[command(flatten)]
    pub(crate) secret: SecretArgs,
    /// flytekit's bytes mode: the file's bytes with ASCII whitespace
    /// stripped, no UTF-8 check.
    #[arg(long, conflicts_with = "raw")]
    pub(crate) bytes: bool,
    /// The file or variable exactly: nothing stripped, no UTF-8 check.
    #[arg(long)]
    pub(crate) raw: bool,
    /// Print a JSON object with the value and where it was found.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Args, Debug)]
pub(crate) struct ExplainArgs {
    #[command(flatten)]
    pub(crate) secret: SecretArgs,
    /// Print JSON: env_vars, file, found, problem, hints, config.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Args, Debug)]
pub(crate) struct ConfigArgs {
    /// Print JSON.
    #[arg(long)]
    pub(crate) json: bool,
}

impl SecretArgs {
    /// The manager and the request these arguments describe.
    pub(crate) fn resolve(
        &self,
    ) -> flyte_secrets::Result<(flyte_secrets::SecretsManager, flyte_secrets::SecretId)> {
        let id = flyte_secrets::SecretId::from_parts(
            self.group.clone(),
            self.key.clone(),
            self.group_version.clone(),
        )?;
        let config = flyte_secrets::SecretsConfig::from_env()?.with_max_file_size(self.max_size);
        let manager = flyte_secrets::SecretsManager::new(config).with_local_mode(self.local);
        Ok((manager, id))
    }
}
