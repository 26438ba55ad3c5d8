//! Secret values: the secrecy types they are returned in, and flytekit's
//! rules for turning the bytes of a file or variable into a value.

use secrecy::ExposeSecret;
use zeroize::Zeroizing;

use crate::error::{Error, Result, UnreadableReason};
use crate::origin::Origin;
use crate::source::read::exact;
use crate::text::{ascii_strip_range, keep_range, python_strip_range, translate_newlines};

pub use secrecy::SecretString;

/// A secret as bytes: `Debug` shows no value, and the memory is wiped on
/// drop.
///
/// ```
/// use flyte_secrets::SecretBytes;
/// use secrecy::ExposeSecret;
/// let value = SecretBytes::from(vec![1u8, 2, 3]);
/// assert_eq!(value.expose_secret(), [1, 2, 3]);
/// assert!(!format!("{value:?}").contains('1'));
/// ```
pub type SecretBytes = secrecy::SecretSlice<u8>;

/// How a value is read, as flytekit's `encode_mode`, plus a raw mode.
///
/// ```
/// use flyte_secrets::ReadMode;
/// assert_eq!(ReadMode::default(), ReadMode::Text);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum ReadMode {
    /// flytekit's default (`"r"`): a file must be UTF-8; its `\r\n` and `\r`
    /// become `\n`; Python's whitespace is stripped from both ends. An env
    /// value is stripped the same way and its line endings are kept.
    #[default]
    Text,
    /// flytekit's `encode_mode="rb"`: a file's bytes with ASCII whitespace
    /// stripped from both ends; an env value as in text mode.
    Bytes,
    /// Exactly the file's bytes or the variable's value: nothing stripped.
    Raw,
}

/// Applies `mode` to a file's bytes, in place.
pub(crate) fn finish_file_value(
    buf: &mut Zeroizing<Vec<u8>>,
    mode: ReadMode,
) -> Result<(), UnreadableReason> {
    match mode {
        ReadMode::Text => {
            if let Err(e) = std::str::from_utf8(buf) {
                return Err(UnreadableReason::NotUtf8 {
                    offset: e.valid_up_to(),
                });
            }
            translate_newlines(buf);
            let keep = python_strip_range(buf);
            keep_range(buf, keep);
        }
        ReadMode::Bytes => {
            let keep = ascii_strip_range(buf);
            keep_range(buf, keep);
        }
        ReadMode::Raw => {}
    }
    Ok(())
}

/// Applies `mode` to an env var's value, in place. flytekit strips env values
/// with `str.strip()` in both of its modes and never decodes them strictly.
pub(crate) fn finish_env_value(buf: &mut Zeroizing<Vec<u8>>, mode: ReadMode) {
    if mode != ReadMode::Raw {
        let keep = python_strip_range(buf);
        keep_range(buf, keep);
    }
}

/// A secret that was found: its value and where it came from.
///
/// ```
/// use flyte_secrets::{Environment, SecretsConfig, SecretsManager, SecretId, ReadMode, Origin};
/// use secrecy::ExposeSecret;
/// let env = Environment::from_vars([("_FSEC_G_K", " v\n")]);
/// let secrets = SecretsManager::with_environment(SecretsConfig::default(), env);
/// let found = secrets.find(&SecretId::new("g", "k")?, ReadMode::Raw)?;
/// assert_eq!(found.origin(), &Origin::EnvVar { name: "_FSEC_G_K".into() });
/// assert_eq!(found.value().expose_secret(), b" v\n");
/// assert!(format!("{found:?}").contains("REDACTED"));
/// # Ok::<(), flyte_secrets::Error>(())
/// ```
pub struct Found {
    value: SecretBytes,
    origin: Origin,
    secret: String,
}

impl std::fmt::Debug for Found {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Found")
            .field("secret", &self.secret)
            .field("origin", &self.origin)
            .field("value", &"[REDACTED]")
            .finish()
    }
}

impl Found {
    pub(crate) fn new(buf: Zeroizing<Vec<u8>>, origin: Origin, secret: String) -> Self {
        Found {
            value: secret_bytes(buf),
            origin,
            secret,
        }
    }

    /// Where the value came from.
    ///
    /// ```
    /// use flyte_secrets::{Environment, SecretsConfig, SecretsManager, SecretId, ReadMode, Origin};
    /// let secrets = SecretsManager::with_environment(SecretsConfig::default(), Environment::from_vars([("_FSEC_K", "v")]));
    /// let found = secrets.find(&SecretId::new("", "k")?, ReadMode::Text)?;
    /// assert_eq!(found.origin(), &Origin::EnvVar { name: "_FSEC_K".into() });
    /// # Ok::<(), flyte_secrets::Error>(())
    /// ```
    #[must_use]
    pub fn origin(&self) -> &Origin {
        &self.origin
    }

    /// The value's bytes, behind [`ExposeSecret`].
    ///
    /// ```
    /// use flyte_secrets::{Environment, SecretsConfig, SecretsManager, SecretId, ReadMode};
    /// use secrecy::ExposeSecret;
    /// let secrets = SecretsManager::with_environment(SecretsConfig::default(), Environment::from_vars([("_FSEC_K", " v ")]));
    /// assert_eq!(secrets.find(&SecretId::new("", "k")?, ReadMode::Text)?.value().expose_secret(), b"v");
    /// # Ok::<(), flyte_secrets::Error>(())
    /// ```
    #[must_use]
    pub fn value(&self) -> &SecretBytes {
        &self.value
    }

    /// The value, giving up the origin.
    ///
    /// ```
    /// use flyte_secrets::{Environment, SecretsConfig, SecretsManager, SecretId, ReadMode};
    /// use secrecy::ExposeSecret;
    /// let secrets = SecretsManager::with_environment(SecretsConfig::default(), Environment::from_vars([("_FSEC_K", " v ")]));
    /// let value = secrets.find(&SecretId::new("", "k")?, ReadMode::Raw)?.into_value();
    /// assert_eq!(value.expose_secret(), b" v ");
    /// # Ok::<(), flyte_secrets::Error>(())
    /// ```
    #[must_use]
    pub fn into_value(self) -> SecretBytes {
        self.value
    }

    /// The value as text.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Unreadable`](crate::ErrorKind::Unreadable) with
    /// [`UnreadableReason::NotUtf8`] when the bytes are not UTF-8 (an env var
    /// can hold any bytes).
    ///
    /// ```
    /// use flyte_secrets::{Environment, SecretsConfig, SecretsManager, SecretId, ReadMode};
    /// use secrecy::ExposeSecret;
    /// use std::os::unix::ffi::OsStringExt;
    /// let bad = std::ffi::OsString::from_vec(vec![0xff]);
    /// let vars = vec![(std::ffi::OsString::from("_FSEC_K"), std::ffi::OsString::from("ok")), ("_FSEC_B".into(), bad)];
    /// let secrets = SecretsManager::with_environment(SecretsConfig::default(), Environment::from_vars(vars));
    /// assert_eq!(secrets.find(&SecretId::new("", "k")?, ReadMode::Text)?.into_text()?.expose_secret(), "ok");
    /// assert!(secrets.find(&SecretId::new("", "b")?, ReadMode::Text)?.into_text().is_err());
    /// # Ok::<(), flyte_secrets::Error>(())
    /// ```
    pub fn into_text(self) -> Result<SecretString> {
        let bytes = self.value.expose_secret();
        match std::str::from_utf8(bytes) {
            // `String::from(&str)` allocates exactly the length, so the
            // conversion to a boxed str does not reallocate and leave a copy.
            Ok(text) => Ok(SecretString::from(String::from(text))),
            Err(e) => Err(Error::unreadable(
                self.secret.clone(),
                self.origin.clone(),
                UnreadableReason::NotUtf8 {
                    offset: e.valid_up_to(),
                },
                None,
            )),
        }
    }
}

impl ExposeSecret<[u8]> for Found {
    fn expose_secret(&self) -> &[u8] {
        self.value.expose_secret()
    }
}

/// Builds a [`SecretBytes`] from a zeroizing buffer without leaving a copy.
pub(crate) fn secret_bytes(buf: Zeroizing<Vec<u8>>) -> SecretBytes {
    let mut buf = exact(buf);
    SecretBytes::from(std::mem::take(&mut *buf))
}

/// Builds a [`SecretString`] from a zeroizing buffer without leaving a copy,
/// copying it only when it is not already of exact size; `Err` holds the
/// offset of the first byte that is not UTF-8 (the buffer is wiped).
pub(crate) fn secret_text(buf: Zeroizing<Vec<u8>>) -> Result<SecretString, usize> {
    let mut buf = exact(buf);
    match String::from_utf8(std::mem::take(&mut *buf)) {
        // Its length is its capacity: the conversion to a boxed str does not
        // reallocate and leave a copy.
        Ok(text) => Ok(SecretString::from(text)),
        Err(e) => {
            let offset = e.utf8_error().valid_up_to();
            drop(Zeroizing::new(e.into_bytes()));
            Err(offset)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(bytes: &[u8], mode: ReadMode) -> Result<Vec<u8>, UnreadableReason> {
        let mut buf = Zeroizing::new(bytes.to_vec());
        finish_file_value(&mut buf, mode).map(|()| buf.to_vec())
    }

    #[test]
    fn text_mode_translates_then_strips() {
        assert_eq!(file(b"  a\r\nb\r\n", ReadMode::Text).unwrap(), b"a\nb");
        assert_eq!(file(b"\xc2\x85x\x1f", ReadMode::Text).unwrap(), b"x");
    }

    #[test]
    fn text_mode_refuses_invalid_utf8_and_names_the_offset() {
        assert_eq!(
            file(b"ab\xfe", ReadMode::Text),
            Err(UnreadableReason::NotUtf8 { offset: 2 })
        );
    }

    #[test]
    fn bytes_mode_strips_ascii_only_and_keeps_cr() {
        assert_eq!(
            file(b"\x0b a\r\nb \x0c", ReadMode::Bytes).unwrap(),
            b"a\r\nb"
        );
        assert_eq!(file(b"\xfe\n", ReadMode::Bytes).unwrap(), b"\xfe");
    }

    #[test]
    fn raw_mode_keeps_everything() {
        assert_eq!(file(b" a\r\n", ReadMode::Raw).unwrap(), b" a\r\n");
    }

    #[test]
    fn env_values_keep_inner_line_endings() {
        let mut buf = Zeroizing::new(b" a\r\nb\r\n".to_vec());
        finish_env_value(&mut buf, ReadMode::Text);
        assert_eq!(&**buf, b"a\r\nb");
    }
}
