//! The command-line contract of `get`, `explain` and `config`: flags, output
//! bytes, exit codes, JSON.

mod config;
mod explain;
mod get;
