//! Read Flyte runtime secrets exactly as flytekit's `SecretsManager` reads
//! them, without its hazards.
//!
//! Flyte hands a task its secrets as environment variables
//! (`_FSEC_GROUP_KEY`) or as files (`/etc/secrets/group/key`). This crate
//! finds them by flytekit's rules: the same names, paths, precedence,
//! config files, whitespace stripping and byte mode. It differs where
//! flytekit is unsafe: a name cannot walk out of the secrets directory, a
//! symlink is followed only while it stays inside, a FIFO or device is
//! refused instead of hanging or filling memory, files have a size cap, and
//! values live in [`secrecy`] types that never print and are wiped on drop.
//! When a secret is missing, the error names every place tried and what
//! was seen nearby.
//!
//! # Reading a secret
//!
//! [`SecretsManager::from_env`] takes its settings from the
//! `FLYTE_SECRETS_*` variables and the config file flytekit would find.
//! Values come back behind [`ExposeSecret`](secrecy::ExposeSecret):
//!
//! ```no_run
//! use flyte_secrets::SecretsManager;
//! use secrecy::ExposeSecret;
//!
//! let secrets = SecretsManager::from_env()?;
//! let password = secrets.get("db", "password")?; // like flytekit's get()
//! println!("{} bytes", password.expose_secret().len());
//! let cert = secrets.get_bytes("tls", "cert")?; // like encode_mode="rb"
//! # Ok::<(), flyte_secrets::Error>(())
//! ```
//!
//! # The lookup order
//!
//! The env var comes first, then the file. The examples below use an
//! explicit [`Environment`] and a temporary directory, so that they do not
//! depend on the machine they run on:
//!
//! ```
//! use flyte_secrets::{Environment, SecretsConfig, SecretsManager, Origin, ReadMode, SecretId};
//! use secrecy::ExposeSecret;
//!
//! let dir = tempfile::tempdir()?;
//! std::fs::create_dir(dir.path().join("db"))?;
//! std::fs::write(dir.path().join("db/password"), "from-file\r\n")?;
//!
//! let config = SecretsConfig::default().with_default_dir(dir.path());
//! let env = Environment::from_vars([("_FSEC_DB_USER", "  admin  ")]);
//! let secrets = SecretsManager::with_environment(config, env);
//!
//! // Text mode strips Python's whitespace and turns "\r\n" into "\n".
//! assert_eq!(secrets.get("db", "password")?.expose_secret(), "from-file");
//! assert_eq!(secrets.get("db", "user")?.expose_secret(), "admin");
//!
//! // `find` also says where the value came from.
//! let id = SecretId::new("db", "password")?;
//! let found = secrets.find(&id, ReadMode::Raw)?;
//! assert_eq!(found.origin(), &Origin::File { path: dir.path().join("db/password") });
//! assert_eq!(found.value().expose_secret(), b"from-file\r\n");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # When a secret is missing
//!
//! The error names every env var and the file tried, and hints at near
//! misses. It never contains a value.
//!
//! ```
//! use flyte_secrets::{Environment, ErrorKind, SecretsConfig, SecretsManager};
//!
//! let config = SecretsConfig::default().with_default_dir("/nonexistent");
//! let env = Environment::from_vars([("DB_PASSWORD", "not-shown")]);
//! let secrets = SecretsManager::with_environment(config, env);
//! let err = secrets.get("db", "password").unwrap_err();
//! assert_eq!(err.kind(), ErrorKind::NotFound);
//! assert!(err.to_string().contains("_FSEC_DB_PASSWORD"));
//! assert!(err.to_string().contains("/nonexistent/db/password"));
//! assert!(err.hints().iter().any(|h| h.contains("local mode")));
//! assert!(!format!("{err} {err:?} {:?}", err.hints()).contains("not-shown"));
//! ```
//!
//! # Unsafe requests and files
//!
//! ```
//! use flyte_secrets::{ErrorKind, SecretsConfig, SecretsManager, UnreadableReason, FileKind};
//!
//! let dir = tempfile::tempdir()?;
//! std::fs::create_dir(dir.path().join("g"))?;
//! let secrets = SecretsManager::new(SecretsConfig::default().with_default_dir(dir.path()));
//!
//! // A name that would leave the directory is refused before any I/O.
//! assert_eq!(secrets.get("g", "../../etc/passwd").unwrap_err().kind(), ErrorKind::InvalidRequest);
//!
//! // A directory where a file should be is refused at once.
//! std::fs::create_dir(dir.path().join("g/k"))?;
//! let err = secrets.get("g", "k").unwrap_err();
//! assert_eq!(err.unreadable_reason(), Some(&UnreadableReason::NotRegularFile(FileKind::Directory)));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Explaining a lookup
//!
//! [`SecretsManager::explain`] answers "where would this be read from, and
//! why?" with the settings' sources. Its `Display` is what the
//! `flyte-secrets explain` command prints, and its JSON form is what
//! `explain --json` prints.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod casing;
mod check;
mod child;
pub mod config;
mod environment;
mod error;
mod explain;
mod hints;
mod listing;
mod manager;
pub mod manifest;
pub mod naming;
mod origin;
mod request;
pub mod shown;
mod source;
pub mod text;
mod value;

pub use check::{CheckReport, Checked};
pub use child::{Delivery, Injection, PreparedChild, Problems};
pub use config::SecretsConfig;

/// The README's examples, compiled as doc tests so that they stay true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
pub use environment::Environment;
pub use error::{Error, ErrorKind, FileKind, NotFound, Result, UnreadableReason};
pub use explain::Explanation;
pub use listing::{ListedSecret, Listing};
pub use manager::SecretsManager;
pub use origin::Origin;
pub use request::{MountRequirement, SecretId, SecretRequest};
pub use secrecy;
pub use value::{Found, ReadMode, SecretBytes, SecretString};
