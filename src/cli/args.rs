//! The command-line grammar.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use flyte_secrets::{
    MountRequirement, ReadMode, SecretId, SecretRequest, SecretsConfig, SecretsManager,
};

/// Read Flyte runtime secrets exactly as flytekit does, safely.
///
/// Secrets are read from env vars (`_FSEC_GROUP_KEY`) and files
/// (`/etc/secrets/group/key`), as set by FLYTE_SECRETS_ENV_PREFIX,
/// FLYTE_SECRETS_DEFAULT_DIR, FLYTE_SECRETS_FILE_PREFIX and the flytekit
/// config file.
#[derive(Parser, Debug)]
#[command(
    name = "flyte-secrets",
    version,
    max_term_width = 100,
    after_help = "Exit status: 0 success, 1 a secret was not found, 2 a usage error, an invalid \
                  request or a bad configuration file, 3 a secret exists but could not be read \
                  safely. exec returns the command's own status."
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Subcommand, Debug)]
pub(crate) enum Command {
    /// Print a secret's value to stdout, byte for byte.
    ///
    /// A newline is added only when stdout is a terminal.
    #[command(after_help = "Examples:\n  flyte-secrets get db password\n  \
                            flyte-secrets get --bytes tls cert > cert.pem\n  \
                            flyte-secrets get --group-version v2 -- db password\n  \
                            flyte-secrets get --mount env_var --env-var DB_PASSWORD db password")]
    Get(GetArgs),
    /// Say where a secret would be read from, where it is, and what is
    /// nearby. Never prints a value.
    #[command(after_help = "Examples:\n  flyte-secrets explain db password\n  \
                            flyte-secrets explain --json --local db password")]
    Explain(ExplainArgs),
    /// Print the settings in force, where each came from, and which config
    /// file was used (or why none was).
    #[command(after_help = "Examples:\n  flyte-secrets config\n  flyte-secrets config --json")]
    Config(JsonArgs),
    /// Check that secrets are present and readable; list every problem.
    ///
    /// Prints one line per request (where it was found, or why not), never a
    /// value. Exit 0 when all are present, 1 when any is missing, 3 when any
    /// is unreadable.
    #[command(
        after_help = "Examples:\n  flyte-secrets check db/password api_token tls/cert@v2\n  \
                            flyte-secrets check --manifest secrets.yaml --json"
    )]
    Check(CheckArgs),
    /// Run a command with secrets in its environment.
    ///
    /// --env NAME=SPEC sets NAME to the value; --file NAME=SPEC sets NAME to
    /// the path of a file holding it (the secret's own file, or a private
    /// 0600 file removed when the command ends). If any secret is missing or
    /// unreadable, the command is not started. Returns the command's exit
    /// status (128+N when killed by signal N; 127 when it cannot be found,
    /// 126 when it cannot be run). SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1,
    /// SIGUSR2 and SIGALRM are passed on to it.
    #[command(
        after_help = "Examples:\n  flyte-secrets exec --env PGPASSWORD=db/password -- psql -h db\n  \
                            flyte-secrets exec --file TLS_CERT=tls/cert --manifest secrets.yaml -- ./server"
    )]
    Exec(ExecArgs),
    /// List every secret visible to this process, by name, with the request
    /// that reads it. Never prints a value.
    #[command(after_help = "Examples:\n  flyte-secrets list\n  flyte-secrets list --json")]
    List(JsonArgs),
    /// Print a shell completion script.
    #[command(
        after_help = "Examples:\n  flyte-secrets completions bash > /etc/bash_completion.d/flyte-secrets\n  \
                            flyte-secrets completions zsh > ~/.zfunc/_flyte-secrets"
    )]
    Completions(CompletionsArgs),
}

/// How lookups are made.
#[derive(Args, Debug)]
pub(crate) struct LookupArgs {
    /// Local mode: also try the env var without the prefix (as a locally
    /// run flytekit task does).
    #[arg(long)]
    pub(crate) local: bool,
    /// Refuse secret files larger than this many bytes.
    #[arg(long, value_name = "BYTES", default_value_t = SecretsConfig::DEFAULT_MAX_FILE_SIZE)]
    pub(crate) max_size: u64,
}

impl LookupArgs {
    /// The manager these arguments describe: settings from the environment
    /// and the config file.
    pub(crate) fn manager(&self) -> flyte_secrets::Result<SecretsManager> {
        let config = SecretsConfig::from_env()?.with_max_file_size(self.max_size);
        Ok(SecretsManager::new(config).with_local_mode(self.local))
    }
}

/// Which secret.
#[derive(Args, Debug)]
pub(crate) struct SecretArgs {
    #[command(flatten)]
    pub(crate) lookup: LookupArgs,
    /// Look under this group version (between group and key).
    #[arg(long, value_name = "V", default_value = "", allow_hyphen_values = true)]
    pub(crate) group_version: String,
    /// The secret's group ("" for none).
    #[arg(value_name = "GROUP")]
    pub(crate) group: String,
    /// The secret's key ("" for none).
    #[arg(value_name = "KEY")]
    pub(crate) key: String,
}

impl SecretArgs {
    pub(crate) fn id(&self) -> flyte_secrets::Result<SecretId> {
        SecretId::from_parts(
            self.group.clone(),
            self.key.clone(),
            self.group_version.clone(),
        )
    }
}

/// Flyte's mount requirement, on the command line.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub(crate) enum Mount {
    Any,
    #[value(name = "env_var", alias = "env-var")]
    EnvVar,
    File,
}

impl From<Mount> for MountRequirement {
    fn from(m: Mount) -> Self {
        match m {
            Mount::Any => MountRequirement::Any,
            Mount::EnvVar => MountRequirement::EnvVar,
            Mount::File => MountRequirement::File,
        }
    }
}

/// How values are read.
#[derive(Args, Debug)]
pub(crate) struct ModeArgs {
    /// flytekit's bytes mode: a file's bytes with ASCII whitespace stripped,
    /// no UTF-8 check.
    #[arg(long, conflicts_with = "raw")]
    pub(crate) bytes: bool,
    /// The file or variable exactly: nothing stripped, no UTF-8 check.
    #[arg(long)]
    pub(crate) raw: bool,
}

impl ModeArgs {
    pub(crate) fn mode(&self) -> ReadMode {
        if self.raw {
            ReadMode::Raw
        } else if self.bytes {
            ReadMode::Bytes
        } else {
            ReadMode::Text
        }
    }
}

#[derive(Args, Debug)]
pub(crate) struct GetArgs {
    #[command(flatten)]
    pub(crate) secret: SecretArgs,
    #[command(flatten)]
    pub(crate) mode: ModeArgs,
    /// The env var the platform uses for this secret (Flyte's env_var):
    /// with --mount any or env_var it holds the value, with --mount file the
    /// file's path.
    #[arg(long, value_name = "NAME")]
    pub(crate) env_var: Option<String>,
    /// Where the platform delivers it: any (env var, then file), env_var or
    /// file only.
    #[arg(long, value_enum, default_value = "any", ignore_case = true)]
    pub(crate) mount: Mount,
    /// Print a JSON object with the value and where it was found.
    #[arg(long)]
    pub(crate) json: bool,
}

impl GetArgs {
    pub(crate) fn request(&self) -> flyte_secrets::Result<SecretRequest> {
        let mut request = SecretRequest::from_id(self.secret.id()?).with_mount(self.mount.into());
        if let Some(var) = &self.env_var {
            request = request.with_env_var(var.clone())?;
        }
        Ok(request)
    }
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
pub(crate) struct JsonArgs {
    /// Print JSON.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Args, Debug)]
#[command(group(clap::ArgGroup::new("what").required(true).multiple(true).args(["manifest", "specs"])))]
pub(crate) struct CheckArgs {
    #[command(flatten)]
    pub(crate) lookup: LookupArgs,
    #[command(flatten)]
    pub(crate) mode: ModeArgs,
    /// A YAML or JSON file listing secret requests (group, key,
    /// group_version, mount_requirement, env_var).
    #[arg(long, value_name = "FILE")]
    pub(crate) manifest: Option<PathBuf>,
    /// Print JSON.
    #[arg(long)]
    pub(crate) json: bool,
    /// Secrets as KEY, GROUP/KEY or GROUP/KEY@VERSION.
    #[arg(value_name = "SPEC")]
    pub(crate) specs: Vec<String>,
}

#[derive(Args, Debug)]
pub(crate) struct ExecArgs {
    #[command(flatten)]
    pub(crate) lookup: LookupArgs,
    #[command(flatten)]
    pub(crate) mode: ModeArgs,
    /// Set env var NAME to the secret's value.
    #[arg(long = "env", value_name = "NAME=SPEC")]
    pub(crate) env: Vec<String>,
    /// Set env var NAME to the path of a file holding the secret.
    #[arg(long = "file", value_name = "NAME=SPEC")]
    pub(crate) file: Vec<String>,
    /// A manifest: every entry must be present; entries with env_var are
    /// injected there (ENV_VAR/ANY as the value, FILE as a path).
    #[arg(long, value_name = "FILE")]
    pub(crate) manifest: Option<PathBuf>,
    /// Replace variables that are already set.
    #[arg(long = "override")]
    pub(crate) overwrite: bool,
    /// The command and its arguments.
    #[arg(
        value_name = "CMD",
        required = true,
        trailing_var_arg = true,
        allow_hyphen_values = true
    )]
    pub(crate) command: Vec<std::ffi::OsString>,
}

#[derive(Args, Debug)]
pub(crate) struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub(crate) shell: clap_complete::Shell,
}
