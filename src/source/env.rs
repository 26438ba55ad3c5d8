//! Reading an environment variable's value into a zeroizing buffer.

use std::ffi::OsStr;

use zeroize::Zeroizing;

use crate::environment::Environment;

/// The value of `name`, moved (not copied) into a buffer that is wiped when
/// dropped. The process's own environment block still holds the value; no
/// program can wipe that safely.
pub(crate) fn read_var(env: &Environment, name: &OsStr) -> Option<Zeroizing<Vec<u8>>> {
    env.var_os(name)
        .map(|v| Zeroizing::new(std::os::unix::ffi::OsStringExt::into_vec(v)))
}
