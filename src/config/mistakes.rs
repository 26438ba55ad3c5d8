//! Settings that were meant but not read: a section or option spelt almost
//! like flytekit's, a variable spelt almost like `FLYTE_SECRETS_*`. flytekit
//! ignores them silently; here they become notes, shown by `config` and
//! `explain` and in the hints of a secret that was not found.

use std::path::Path;

use super::ini::Ini;
use super::{SECTION, SETTINGS};
use crate::casing;
use crate::environment::Environment;

/// Notes on variables in `env` spelt almost like a setting's. This scans the
/// whole environment, so it runs only when a person will read the answer
/// (hints, `config`), never when settings are merely loaded.
pub(crate) fn variable_notes(env: &Environment) -> Vec<String> {
    let wanted_vars: Vec<&str> = SETTINGS.iter().map(|s| s.var).collect();
    let mut notes = Vec::new();
    for name in env.var_names() {
        let name = name.to_string_lossy();
        if wanted_vars.contains(&name.as_ref()) {
            continue;
        }
        if let Some(meant) = wanted_vars.iter().find(|w| close(&name, w)) {
            notes.push(format!(
                "env var {name} is set but not read: the setting's variable is {meant}"
            ));
        }
    }
    notes
}

/// Notes on sections and options of the INI file spelt almost like
/// flytekit's (the file is parsed anyway; this costs no I/O).
pub(crate) fn file_notes(ini: Option<(&Ini, &Path)>) -> Vec<String> {
    let mut notes = Vec::new();
    let Some((ini, path)) = ini else { return notes };
    let file = path.display();
    for section in ini.section_names() {
        if section != SECTION && close(section, SECTION) {
            notes.push(format!(
                "{file}: section [{section}] is ignored: flytekit reads [{SECTION}] (section names are case-sensitive)"
            ));
        }
    }
    let wanted_options: Vec<&str> = SETTINGS.iter().map(|s| s.option).collect();
    for (option, line) in ini.option_names(SECTION) {
        if wanted_options.contains(&option) {
            continue;
        }
        if let Some(meant) = wanted_options.iter().find(|w| close(option, w)) {
            notes.push(format!(
                "{file}, line {line}: option {option} in [{SECTION}] is ignored: the option is {meant}"
            ));
        }
    }
    notes
}

/// Whether `a` is `b` but for case, `-` for `_`, or a letter or two.
fn close(a: &str, b: &str) -> bool {
    let fold = |s: &str| casing::lower(s).replace('-', "_");
    let (a, b) = (fold(a), fold(b));
    a == b || edit_distance(&a, &b) <= 2
}

/// Levenshtein distance over characters.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitute = diagonal + usize::from(ca != *cb);
            diagonal = row[j + 1];
            row[j + 1] = substitute.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_misses_are_close_and_others_are_not() {
        assert!(close(
            "FLYTE_SECRET_DEFAULT_DIR",
            "FLYTE_SECRETS_DEFAULT_DIR"
        ));
        assert!(close(
            "flyte_secrets_env_prefix",
            "FLYTE_SECRETS_ENV_PREFIX"
        ));
        assert!(close("default-dir", "default_dir"));
        assert!(close("Secrets", "secrets"));
        assert!(close("secret", "secrets"));
        assert!(!close(
            "FLYTE_SECRETS_ENV_PREFIX",
            "FLYTE_SECRETS_FILE_PREFIX"
        ));
        assert!(!close("internal", "secrets"));
    }

    #[test]
    fn notes_name_the_variable_section_and_option() {
        let env = Environment::from_vars([
            ("FLYTE_SECRET_DEFAULT_DIR", "/x"),
            ("FLYTE_SECRETS_ENV_PREFIX", "A_"),
        ]);
        let ini = Ini::parse(
            "[Secrets]\nenv_prefix = A_\n[secrets]\ndefault-dir = /y\nfile_prefix = p\n",
        )
        .unwrap();
        let mut notes = variable_notes(&env);
        notes.extend(file_notes(Some((&ini, Path::new("/c")))));
        assert_eq!(notes.len(), 3, "{notes:?}");
        assert!(
            notes[0].contains("FLYTE_SECRET_DEFAULT_DIR")
                && notes[0].contains("FLYTE_SECRETS_DEFAULT_DIR")
        );
        assert!(notes[1].contains("[Secrets]"));
        assert!(notes[2].contains("default-dir") && notes[2].contains("line 4"));
    }

    #[test]
    fn edit_distance_counts_single_edits() {
        assert_eq!(edit_distance("password", "passwd"), 2);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
    }
}
