//! Reading one place: an environment variable, or a file beneath the secrets
//! directory opened so that it cannot leave the directory, cannot block, and
//! cannot be larger than the cap.

pub(crate) mod env;
pub(crate) mod read;
mod resolve;
pub(crate) mod secrets_dir;

use rustix::fs::FileType;

use crate::error::FileKind;

/// The public name of a file type that is not a regular file.
pub(crate) fn file_kind(t: FileType) -> FileKind {
    match t {
        FileType::Directory => FileKind::Directory,
        FileType::Fifo => FileKind::Fifo,
        FileType::Socket => FileKind::Socket,
        FileType::CharacterDevice => FileKind::CharDevice,
        FileType::BlockDevice => FileKind::BlockDevice,
        _ => FileKind::Other,
    }
}
