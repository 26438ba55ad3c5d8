//! Secret requests, `check`, `exec`, `list`, completions, and the hints that
//! say why a secret is missing.

mod check;
mod exec;
mod hints;
mod list;
mod requests;
