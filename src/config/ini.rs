//! INI files read as Python 3.11's `configparser.ConfigParser()` reads them,
//! with flytekit's settings: `=` and `:` delimiters, `#` and `;` full-line
//! comments only (inline text is kept), option names case-insensitive
//! (`str.lower()`), section names case-sensitive, values stripped,
//! continuation lines by indentation, `[DEFAULT]` options visible in every
//! section, strict duplicate checks, and `%` interpolation on read.

use std::collections::{HashMap, HashSet};

use crate::casing;
use crate::text::{is_python_space, python_strip};

/// The section whose options every other section inherits.
const DEFAULT_SECTION: &str = "DEFAULT";
/// configparser's `MAX_INTERPOLATION_DEPTH`.
const MAX_INTERPOLATION_DEPTH: usize = 10;

/// The most work one [`Ini::get`] may spend expanding `%(name)s` references,
/// counted as the bytes of every referenced value plus [`REFERENCE_COST`] per
/// reference.
///
/// Ten levels of nesting are enough for a value to expand exponentially: a
/// 600 KB file can ask for 10^14 bytes. configparser would then run out of
/// memory or never finish (and flytekit does not catch that); here the
/// expansion stops at this budget, which no real config comes near, and the
/// problem is reported with [`InterpolationProblem::runaway`] set.
///
/// ```
/// use flyte_secrets::config::ini::Ini;
/// // a = 3000 references to b, b = 3000 references to c: 18 MB of "xx".
/// let text = format!("[s]\na = {}\nb = {}\nc = xx\n", "%(b)s".repeat(3000), "%(c)s".repeat(3000));
/// let problem = Ini::parse(&text).unwrap().get("s", "a").unwrap_err();
/// assert!(problem.runaway);
/// assert_eq!(problem.line, 2);
/// ```
pub const MAX_INTERPOLATION_WORK: usize = 1 << 22;

/// What one `%(name)s` reference costs from [`MAX_INTERPOLATION_WORK`] on
/// top of its value's length, so that references to empty values cannot run
/// for long either (at most 65,536 references are followed).
///
/// ```
/// assert!(flyte_secrets::config::ini::REFERENCE_COST > 0);
/// ```
pub const REFERENCE_COST: usize = 64;

/// A parsed INI document.
///
/// ```
/// use flyte_secrets::config::ini::Ini;
/// let ini = Ini::parse("[DEFAULT]\nroot = /srv\n[secrets]\nDefault_Dir = %(root)s/secrets ; kept\n").unwrap();
/// let v = ini.get("secrets", "default_dir").unwrap().unwrap();
/// assert_eq!(v.value, "/srv/secrets ; kept");
/// assert_eq!(v.line, 4);
/// ```
#[derive(Clone, Debug, Default)]
pub struct Ini {
    sections: HashMap<String, Options>,
    defaults: Options,
}

type Options = HashMap<String, OptionValue>;

#[derive(Clone, Debug)]
struct OptionValue {
    lines: Vec<String>,
    line: usize,
}

/// A value read from an INI file, after interpolation.
///
/// ```
/// use flyte_secrets::config::ini::Ini;
/// let v = Ini::parse("[s]\n\nk = %%v\n").unwrap().get("s", "K").unwrap().unwrap();
/// assert_eq!((v.value.as_str(), v.line, v.section.as_str()), ("%v", 3, "s"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IniValue {
    /// The value, as `configparser.get` returns it.
    pub value: String,
    /// The line the option was defined on (1-based).
    pub line: usize,
    /// The section it was found in (`DEFAULT` when inherited).
    pub section: String,
}

/// A syntax problem that makes `configparser` refuse the whole file.
///
/// ```
/// use flyte_secrets::config::ini::Ini;
/// let e = Ini::parse("[s]\nno delimiter here\n").unwrap_err();
/// assert_eq!(e.line, 2);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IniError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong, in words.
    pub problem: String,
}

/// Why an option that is present cannot be used: configparser raises an
/// `InterpolationError` (which flytekit swallows: the option counts as
/// unset), or, when [`runaway`](Self::runaway) is set, the value expands
/// past [`MAX_INTERPOLATION_WORK`] (where configparser would exhaust memory
/// or time, and flytekit would crash or hang).
///
/// ```
/// use flyte_secrets::config::ini::Ini;
/// let problem = Ini::parse("[s]\na = 100%\n").unwrap().get("s", "a").unwrap_err();
/// assert_eq!(problem.line, 2);
/// assert!(!problem.runaway);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InterpolationProblem {
    /// The line of the option.
    pub line: usize,
    /// What is wrong, in words.
    pub problem: String,
    /// The value expands too far to be computed: not a configparser error
    /// that counts as unset, but a configuration that cannot be used.
    pub runaway: bool,
}

impl Ini {
    /// Parses `text` (already decoded, any newline convention).
    ///
    /// # Errors
    ///
    /// The first error configparser would raise: a missing section header,
    /// a duplicate section or option, or (at the end of the file) a line
    /// that is none of section, option, comment or continuation.
    ///
    /// ```
    /// use flyte_secrets::config::ini::Ini;
    /// let err = Ini::parse("[s]\na=1\n[s]\n").unwrap_err();
    /// assert_eq!(err.line, 3);
    /// ```
    pub fn parse(text: &str) -> Result<Ini, IniError> {
        Parser::default().run(text)
    }

    /// Whether a section of that exact name exists (`DEFAULT` is not one).
    ///
    /// ```
    /// use flyte_secrets::config::ini::Ini;
    /// let ini = Ini::parse("[Secrets]\n").unwrap();
    /// assert!(ini.has_section("Secrets") && !ini.has_section("secrets"));
    /// ```
    #[must_use]
    pub fn has_section(&self, section: &str) -> bool {
        self.sections.contains_key(section)
    }

    /// The names of the sections (not `DEFAULT`), sorted.
    ///
    /// ```
    /// use flyte_secrets::config::ini::Ini;
    /// let ini = Ini::parse("[b]\n[DEFAULT]\n[a]\n").unwrap();
    /// assert_eq!(ini.section_names(), ["a", "b"]);
    /// ```
    #[must_use]
    pub fn section_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.sections.keys().map(String::as_str).collect();
        names.sort_unstable();
        names
    }

    /// The options a section defines itself (not inherited from `DEFAULT`),
    /// with their lines, sorted by line.
    ///
    /// ```
    /// use flyte_secrets::config::ini::Ini;
    /// let ini = Ini::parse("[s]\nB = 1\na = 2\n").unwrap();
    /// assert_eq!(ini.option_names("s"), [("b", 2), ("a", 3)]);
    /// assert!(ini.option_names("missing").is_empty());
    /// ```
    #[must_use]
    pub fn option_names(&self, section: &str) -> Vec<(&str, usize)> {
        let mut names: Vec<(&str, usize)> = self
            .sections
            .get(section)
            .map(|options| options.iter().map(|(k, v)| (k.as_str(), v.line)).collect())
            .unwrap_or_default();
        names.sort_unstable_by_key(|&(_, line)| line);
        names
    }

    /// `configparser.get(section, option)`: `Ok(None)` when the section or
    /// option is missing, `Err` when interpolation fails.
    ///
    /// # Errors
    ///
    /// An [`InterpolationProblem`] for a stray `%`, a reference to a missing
    /// option, or references nested too deep.
    ///
    /// ```
    /// use flyte_secrets::config::ini::Ini;
    /// let ini = Ini::parse("[secrets]\nenv_prefix = 100%\n").unwrap();
    /// assert!(ini.get("secrets", "env_prefix").is_err());
    /// assert_eq!(ini.get("secrets", "file_prefix"), Ok(None));
    /// ```
    pub fn get(
        &self,
        section: &str,
        option: &str,
    ) -> Result<Option<IniValue>, InterpolationProblem> {
        let Some(options) = self.sections.get(section) else {
            return Ok(None);
        };
        let option = casing::lower(option);
        let (found, found_in) = match options.get(&option) {
            Some(v) => (v, section),
            None => match self.defaults.get(&option) {
                Some(v) => (v, DEFAULT_SECTION),
                None => return Ok(None),
            },
        };
        let scope = Scope {
            options,
            defaults: &self.defaults,
        };
        let mut out = String::new();
        let mut budget = MAX_INTERPOLATION_WORK;
        interpolate(&found.joined(), &scope, &mut out, 1, &mut budget).map_err(|problem| {
            InterpolationProblem {
                line: found.line,
                runaway: budget == 0,
                problem,
            }
        })?;
        Ok(Some(IniValue {
            value: out,
            line: found.line,
            section: found_in.to_string(),
        }))
    }
}

impl OptionValue {
    /// The length of [`OptionValue::joined`], at most (known without
    /// joining).
    fn joined_len(&self) -> usize {
        self.lines.iter().map(|l| l.len() + 1).sum()
    }

    /// configparser joins continuation lines with `\n` and strips the end.
    fn joined(&self) -> String {
        self.lines
            .join("\n")
            .trim_end_matches(is_python_space)
            .to_string()
    }
}

/// The options a `%(name)s` reference can name: the section's, then
/// `[DEFAULT]`'s.
struct Scope<'a> {
    options: &'a Options,
    defaults: &'a Options,
}

impl Scope<'_> {
    fn lookup(&self, name: &str) -> Option<&OptionValue> {
        self.options.get(name).or_else(|| self.defaults.get(name))
    }
}

/// BasicInterpolation: `%%` is `%`, `%(name)s` is another option's value
/// (itself interpolated), any other `%` is an error. Each reference costs
/// its value's length plus [`REFERENCE_COST`] from `budget`; an exhausted budget is an
/// error, and leaves `budget` at zero.
fn interpolate(
    rest: &str,
    scope: &Scope<'_>,
    out: &mut String,
    depth: usize,
    budget: &mut usize,
) -> Result<(), String> {
    if depth > MAX_INTERPOLATION_DEPTH {
        return Err("references nest more than 10 deep".into());
    }
    let mut rest = rest;
    while let Some(at) = rest.find('%') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        if let Some(after) = rest.strip_prefix("%%") {
            out.push('%');
            rest = after;
        } else if let Some(after) = rest.strip_prefix("%(") {
            // `%\(([^)]+)\)s`: a name of at least one character up to the
            // first ')', then 's'.
            let close = after
                .find(')')
                .filter(|&c| c > 0 && after[c + 1..].starts_with('s'));
            let Some(close) = close else {
                return Err("bad '%(name)s' reference".into());
            };
            let name = casing::lower(&after[..close]);
            rest = &after[close + 2..];
            let Some(value) = scope.lookup(&name) else {
                return Err(format!(
                    "'%({name})s' refers to an option that does not exist"
                ));
            };
            let cost = value.joined_len() + REFERENCE_COST;
            // Strictly less, so that a budget of zero means it ran out.
            if cost >= *budget {
                *budget = 0;
                return Err(format!(
                    "the value expands to more than {MAX_INTERPOLATION_WORK} bytes through '%(name)s' references"
                ));
            }
            *budget -= cost;
            let value = value.joined();
            if value.contains('%') {
                interpolate(&value, scope, out, depth + 1, budget)?;
            } else {
                out.push_str(&value);
            }
        } else {
            return Err(
                "'%' must be followed by '%' or '(' (write '%%' for a percent sign)".into(),
            );
        }
    }
    out.push_str(rest);
    Ok(())
}

#[derive(Default)]
struct Parser {
    ini: Ini,
    /// Sections and (section, option) pairs seen in this file, for the strict
    /// duplicate checks.
    seen_sections: HashSet<String>,
    seen_options: HashSet<(String, String)>,
    /// The current section's name (`None` before the first header).
    section: Option<String>,
    /// The current option, if continuation lines may extend it.
    option: Option<String>,
    indent_level: usize,
    first_parse_error: Option<IniError>,
}

impl Parser {
    fn run(mut self, text: &str) -> Result<Ini, IniError> {
        let text = text.replace("\r\n", "\n").replace('\r', "\n");
        for (index, line) in text.split_inclusive('\n').enumerate() {
            self.line(index + 1, line)?;
        }
        match self.first_parse_error {
            Some(e) => Err(e),
            None => Ok(self.ini),
        }
    }

    fn current(&mut self) -> Option<&mut Options> {
        let name = self.section.as_ref()?;
        Some(if name == DEFAULT_SECTION {
            &mut self.ini.defaults
        } else {
            self.ini.sections.get_mut(name)?
        })
    }

    fn line(&mut self, lineno: usize, line: &str) -> Result<(), IniError> {
        let stripped = python_strip(line);
        let is_comment = stripped.starts_with('#') || stripped.starts_with(';');
        let value = if is_comment { "" } else { stripped };
        if value.is_empty() {
            // An empty line (not a comment) belongs to the value being read.
            if !is_comment {
                if let Some(option) = self.option.clone().filter(|o| !o.is_empty()) {
                    if let Some(v) = self.current().and_then(|o| o.get_mut(&option)) {
                        v.lines.push(String::new());
                    }
                }
            }
            return Ok(());
        }
        let indent = line.chars().take_while(|&c| is_python_space(c)).count();
        let continues = self.section.is_some()
            && self.option.as_deref().is_some_and(|o| !o.is_empty())
            && indent > self.indent_level;
        if continues {
            let option = self.option.clone().unwrap_or_default();
            if let Some(v) = self.current().and_then(|o| o.get_mut(&option)) {
                v.lines.push(value.to_string());
            }
            return Ok(());
        }
        self.indent_level = indent;
        if let Some(header) = section_header(value) {
            self.open_section(lineno, header)?;
        } else if self.section.is_none() {
            return Err(IniError {
                line: lineno,
                problem: "no [section] header before the first option".into(),
            });
        } else if let Some((name, val)) = split_option(value) {
            self.add_option(lineno, name, val)?;
        } else {
            self.first_parse_error.get_or_insert(IniError {
                line: lineno,
                problem: "the line is not a [section], an 'option = value' or a comment".into(),
            });
        }
        Ok(())
    }

    fn open_section(&mut self, lineno: usize, header: &str) -> Result<(), IniError> {
        if header == DEFAULT_SECTION {
            // Options go to the defaults; reopening DEFAULT is allowed.
        } else if self.ini.sections.contains_key(header) {
            if self.seen_sections.contains(header) {
                return Err(IniError {
                    line: lineno,
                    problem: format!("section [{header}] appears twice"),
                });
            }
        } else {
            self.ini.sections.insert(header.to_string(), Options::new());
            self.seen_sections.insert(header.to_string());
        }
        self.section = Some(header.to_string());
        self.option = None;
        Ok(())
    }

    fn add_option(&mut self, lineno: usize, name: &str, value: &str) -> Result<(), IniError> {
        if name.is_empty() {
            self.first_parse_error.get_or_insert(IniError {
                line: lineno,
                problem: "an option with no name".into(),
            });
        }
        let name = casing::lower(name);
        let section = self.section.clone().unwrap_or_default();
        if !self.seen_options.insert((section.clone(), name.clone())) {
            return Err(IniError {
                line: lineno,
                problem: format!("option '{name}' appears twice in section [{section}]"),
            });
        }
        if let Some(options) = self.current() {
            options.insert(
                name.clone(),
                OptionValue {
                    lines: vec![python_strip(value).to_string()],
                    line: lineno,
                },
            );
        }
        self.option = Some(name);
        Ok(())
    }
}

/// `\[(?P<header>.+)\]` matched at the start of the stripped line: the text
/// between the `[` and the last `]` (at least one character).
fn section_header(line: &str) -> Option<&str> {
    let inner = line.strip_prefix('[')?;
    let close = inner.rfind(']')?;
    (close > 0).then(|| &inner[..close])
}

/// `(?P<option>.*?)\s*(?P<vi>[=:])\s*(?P<value>.*)$`: split at the first `=`
/// or `:`, the name without trailing space, the value without leading space.
fn split_option(line: &str) -> Option<(&str, &str)> {
    let at = line.find(['=', ':'])?;
    let name = line[..at].trim_end_matches(is_python_space);
    let value = line[at + 1..].trim_start_matches(is_python_space);
    Some((name, value))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(text: &str, option: &str) -> Option<String> {
        Ini::parse(text)
            .unwrap()
            .get("secrets", option)
            .ok()
            .flatten()
            .map(|v| v.value)
    }

    #[test]
    fn delimiters_and_spacing() {
        assert_eq!(
            get("[secrets]\nenv_prefix:X_\n", "env_prefix").as_deref(),
            Some("X_")
        );
        assert_eq!(
            get("[secrets]\n  env_prefix  =  X_  \n", "env_prefix").as_deref(),
            Some("X_")
        );
        // The first delimiter splits; later ones belong to the value.
        assert_eq!(
            get("[secrets]\ndefault_dir = a=b:c\n", "default_dir").as_deref(),
            Some("a=b:c")
        );
        assert_eq!(
            get("[secrets]\nenv_prefix: x = y\n", "env_prefix").as_deref(),
            Some("x = y")
        );
    }

    #[test]
    fn option_names_fold_case_and_sections_do_not() {
        assert_eq!(
            get("[secrets]\nENV_PREFIX = U_\n", "env_prefix").as_deref(),
            Some("U_")
        );
        assert_eq!(get("[Secrets]\nenv_prefix = U_\n", "env_prefix"), None);
    }

    #[test]
    fn comments_are_whole_lines_only() {
        assert_eq!(
            get(
                "# c\n; c\n[secrets]\n  # indented comment\nenv_prefix = A_ # kept ; kept\n",
                "env_prefix"
            )
            .as_deref(),
            Some("A_ # kept ; kept")
        );
    }

    #[test]
    fn quotes_are_kept() {
        assert_eq!(
            get("[secrets]\nfile_prefix = \"p_\"\n", "file_prefix").as_deref(),
            Some("\"p_\"")
        );
    }

    #[test]
    fn continuation_lines_join_with_newlines() {
        let text = "[secrets]\nenv_prefix = A\n  B\n\n   C\n\nfile_prefix = f\n";
        assert_eq!(get(text, "env_prefix").as_deref(), Some("A\nB\n\nC"));
        assert_eq!(get(text, "file_prefix").as_deref(), Some("f"));
    }

    #[test]
    fn default_section_is_inherited_and_overridden() {
        let text = "[DEFAULT]\nenv_prefix = D_\nfile_prefix = d\n[secrets]\nfile_prefix = s\n";
        assert_eq!(get(text, "env_prefix").as_deref(), Some("D_"));
        assert_eq!(get(text, "file_prefix").as_deref(), Some("s"));
        // DEFAULT alone gives nothing: the section must exist.
        assert_eq!(get("[DEFAULT]\nenv_prefix = D_\n", "env_prefix"), None);
        // A lower-case [default] is an ordinary section.
        assert_eq!(
            get("[default]\nenv_prefix = D_\n[secrets]\n", "env_prefix"),
            None
        );
    }

    #[test]
    fn interpolation_follows_basic_interpolation() {
        assert_eq!(
            get(
                "[secrets]\nbase=X\nenv_prefix = %(BASE)s_%%\n",
                "env_prefix"
            )
            .as_deref(),
            Some("X_%")
        );
        let ini =
            Ini::parse("[secrets]\nenv_prefix = A%_\nfile_prefix = %(nope)s\ndefault_dir=%(x\n")
                .unwrap();
        assert!(ini.get("secrets", "env_prefix").is_err());
        assert!(ini.get("secrets", "file_prefix").is_err());
        assert!(ini.get("secrets", "default_dir").is_err());
        let looped = Ini::parse("[secrets]\na = %(b)s\nb = %(a)s\n").unwrap();
        assert!(looped.get("secrets", "a").is_err());
    }

    #[test]
    fn exponential_expansion_stops_at_the_budget() {
        // 2000^3 * 8 bytes, far beyond memory; and the same shape whose
        // innermost value is empty, which produces nothing but would
        // still take 2000^3 steps.
        for innermost in ["xxxxxxxx", ""] {
            let refs = |name: &str| format!("%({name})s").repeat(2000);
            let text = format!(
                "[secrets]\nenv_prefix = {}\nb = {}\nc = {}\nd = {innermost}\n",
                refs("b"),
                refs("c"),
                refs("d")
            );
            let problem = Ini::parse(&text)
                .unwrap()
                .get("secrets", "env_prefix")
                .unwrap_err();
            assert!(problem.runaway, "{innermost:?}: {problem:?}");
            assert_eq!(problem.line, 2);
        }
    }

    #[test]
    fn ordinary_interpolation_errors_are_not_runaway() {
        let ini = Ini::parse("[secrets]\na = %(b)s\nb = %(a)s\nc = %(zz)s\n").unwrap();
        assert!(!ini.get("secrets", "a").unwrap_err().runaway);
        assert!(!ini.get("secrets", "c").unwrap_err().runaway);
        // Many references that stay small are fine.
        let text = format!(
            "[secrets]\nenv_prefix = {}\nb = y\n",
            "%(b)s".repeat(50_000)
        );
        let got = Ini::parse(&text)
            .unwrap()
            .get("secrets", "env_prefix")
            .unwrap();
        assert_eq!(got.unwrap().value, "y".repeat(50_000));
    }

    #[test]
    fn syntax_errors_name_their_line() {
        assert_eq!(Ini::parse("env_prefix=A_\n").unwrap_err().line, 1);
        assert_eq!(Ini::parse("\n# c\nx=1\n").unwrap_err().line, 3);
        assert_eq!(Ini::parse("[secrets]\na=1\nA=2\n").unwrap_err().line, 3);
        assert_eq!(
            Ini::parse("[secrets]\ngarbage line\nenv_prefix = Q_\n")
                .unwrap_err()
                .line,
            2
        );
        // Twice [DEFAULT] is fine; twice the same option in it is not.
        assert!(Ini::parse("[DEFAULT]\na=1\n[DEFAULT]\nb=2\n").is_ok());
        assert_eq!(
            Ini::parse("[DEFAULT]\na=1\n[DEFAULT]\na=2\n")
                .unwrap_err()
                .line,
            4
        );
    }

    #[test]
    fn duplicate_section_is_reported_before_a_later_parse_error() {
        // configparser raises DuplicateSectionError at once; ParsingError only at the end.
        let err = Ini::parse("[s]\nbad\n[s]\n").unwrap_err();
        assert_eq!(err.line, 3);
    }

    #[test]
    fn section_header_takes_text_to_the_last_bracket() {
        assert_eq!(section_header("[a] [b]"), Some("a] [b"));
        assert_eq!(section_header("[secrets] ; note"), Some("secrets"));
        assert_eq!(section_header("[]"), None);
        assert_eq!(section_header("[]]"), Some("]"));
    }

    #[test]
    fn carriage_returns_are_line_breaks() {
        assert_eq!(
            get("[secrets]\r\nenv_prefix = R_\r", "env_prefix").as_deref(),
            Some("R_")
        );
    }
}
