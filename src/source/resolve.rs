//! Opening a path beneath a directory without ever leaving it, one component
//! at a time, in user space.
//!
//! This is the portable path: it serves kernels without `openat2` (before
//! Linux 5.6, or where a sandbox forbids it), and it answers precisely the
//! cases where `openat2(RESOLVE_BENEATH)` only says "no": an absolute symlink
//! (allowed here when it points back inside the directory, by its configured
//! or its real path) and an escape (told apart from a dangling link by the
//! caller). Every step is relative to a descriptor already held, so renaming
//! things during the walk cannot move it outside.

use std::ffi::OsStr;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Component, Path, PathBuf};

use rustix::fs::{FileType, Mode, OFlags, Stat};
use rustix::io::Errno;

/// The kernel's own limit on symlinks followed in one lookup.
const MAX_SYMLINKS: usize = 40;

/// Where a walk ended.
#[derive(Debug)]
pub(crate) enum Walk {
    /// The last component, opened for reading, and its `fstat`.
    Opened(OwnedFd, Stat),
    /// The last component is not a regular file; it was not opened.
    NotRegular(FileType),
    /// A `..` or a symlink would leave the directory.
    Escapes,
    /// The kernel's answer for the component that failed (ENOENT, ENOTDIR,
    /// ELOOP, ENAMETOOLONG, EACCES...).
    Failed(Errno),
}

/// What the last component must be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Want {
    /// A regular file, opened for reading.
    File,
    /// A directory, opened for listing.
    Dir,
}

/// Walks `relative` beneath `root`. `root_paths` are the absolute paths by
/// which the root may be named in an absolute symlink.
pub(crate) fn walk(
    root: BorrowedFd<'_>,
    relative: &Path,
    root_paths: &[PathBuf],
    want: Want,
) -> Walk {
    let mut pending: Vec<Vec<u8>> = Vec::new();
    push_components(&mut pending, relative.as_os_str().as_bytes());
    let mut dirs: Vec<OwnedFd> = Vec::new();
    let mut links = 0;
    while let Some(name) = pending.pop() {
        let current = dirs.last().map_or(root, AsFd::as_fd);
        match name.as_slice() {
            b"" | b"." => continue,
            b".." => {
                if dirs.pop().is_none() {
                    return Walk::Escapes;
                }
                continue;
            }
            _ => {}
        }
        let last = pending.is_empty();
        let name = OsStr::from_bytes(&name);
        let flags = OFlags::PATH | OFlags::NOFOLLOW | OFlags::CLOEXEC;
        let entry = match rustix::fs::openat(current, name, flags, Mode::empty()) {
            Ok(fd) => fd,
            Err(e) => return Walk::Failed(e),
        };
        let stat = match rustix::fs::fstat(&entry) {
            Ok(s) => s,
            Err(e) => return Walk::Failed(e),
        };
        match FileType::from_raw_mode(stat.st_mode) {
            FileType::Symlink => {
                links += 1;
                if links > MAX_SYMLINKS {
                    return Walk::Failed(Errno::LOOP);
                }
                let target = match rustix::fs::readlinkat(&entry, "", Vec::new()) {
                    Ok(t) => t.into_bytes(),
                    Err(e) => return Walk::Failed(e),
                };
                if target.first() == Some(&b'/') {
                    let Some(inside) = strip_root(&target, root_paths) else {
                        return Walk::Escapes;
                    };
                    dirs.clear();
                    push_components(&mut pending, &inside);
                } else {
                    push_components(&mut pending, &target);
                }
            }
            FileType::Directory if !last => dirs.push(entry),
            FileType::Directory if want == Want::Dir => {
                return open_checked(current, name, &stat, OFlags::DIRECTORY);
            }
            FileType::RegularFile if last && want == Want::File => {
                return open_checked(current, name, &stat, OFlags::NONBLOCK | OFlags::NOCTTY);
            }
            other if last => return Walk::NotRegular(other),
            _ => return Walk::Failed(Errno::NOTDIR),
        }
    }
    // The path ended on a directory: the root itself (only `.` components),
    // or a directory named with a trailing `/` or `/.`.
    let current = dirs.last().map_or(root, AsFd::as_fd);
    match want {
        Want::File => Walk::NotRegular(FileType::Directory),
        Want::Dir => match rustix::fs::fstat(current) {
            Ok(stat) => open_checked(current, OsStr::new("."), &stat, OFlags::DIRECTORY),
            Err(e) => Walk::Failed(e),
        },
    }
}

/// Opens `name` in `dir` for reading and checks that it is the entry the
/// walk inspected (not something swapped in since).
fn open_checked(dir: BorrowedFd<'_>, name: &OsStr, inspected: &Stat, extra: OFlags) -> Walk {
    let flags = OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::CLOEXEC | extra;
    let fd = match rustix::fs::openat(dir, name, flags, Mode::empty()) {
        Ok(fd) => fd,
        Err(e) => return Walk::Failed(e),
    };
    match rustix::fs::fstat(&fd) {
        Ok(stat) if stat.st_dev == inspected.st_dev && stat.st_ino == inspected.st_ino => {
            Walk::Opened(fd, stat)
        }
        // Replaced between the look and the open: the caller retries.
        Ok(_) => Walk::Failed(Errno::AGAIN),
        Err(e) => Walk::Failed(e),
    }
}

/// Pushes the components of `path` so that the first is popped first. A
/// trailing `/` is kept as a last `.` component: the name before it must be
/// a directory, as for the kernel.
fn push_components(stack: &mut Vec<Vec<u8>>, path: &[u8]) {
    if path.len() > 1 && path.ends_with(b"/") {
        stack.push(b".".to_vec());
    }
    stack.extend(
        path.split(|&b| b == b'/')
            .filter(|c| !c.is_empty())
            .rev()
            .map(<[u8]>::to_vec),
    );
}

/// The part of an absolute `target` below one of `roots`, if it lies there.
/// A target ending in `/` or `/.` (which must name a directory) keeps that
/// as a trailing `/.` on the part returned.
pub(crate) fn strip_root(target: &[u8], roots: &[PathBuf]) -> Option<Vec<u8>> {
    let names_a_directory = target.ends_with(b"/") || target.ends_with(b"/.");
    let target = Path::new(OsStr::from_bytes(target));
    roots.iter().find_map(|root| {
        let mut rest = target.components();
        for want in root.components().filter(|c| *c != Component::CurDir) {
            if rest.next()? != want {
                return None;
            }
        }
        let mut rest = rest.as_path().as_os_str().as_bytes().to_vec();
        if names_a_directory && !rest.is_empty() {
            rest.extend_from_slice(b"/.");
        }
        Some(rest)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_pop_in_order() {
        let mut s = Vec::new();
        push_components(&mut s, b"a//b/c/");
        assert_eq!(s.pop().unwrap(), b"a");
        assert_eq!(s.pop().unwrap(), b"b");
        assert_eq!(s.pop().unwrap(), b"c");
        // The trailing '/' stays, as a '.' after the last name.
        assert_eq!(s.pop().unwrap(), b".");
        assert!(s.is_empty());
        push_components(&mut s, b"a/b");
        assert_eq!(s.pop().unwrap(), b"a");
        assert_eq!(s.pop().unwrap(), b"b");
        assert!(s.is_empty());
        push_components(&mut s, b"/");
        assert!(s.is_empty());
    }

    /// A path ending in `/` or `/.` names a directory: the kernel answers
    /// ENOTDIR when it is a file (and Python's `os.path.exists` False).
    #[test]
    fn a_trailing_slash_requires_a_directory() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        std::fs::create_dir_all(root.join("g/d")).unwrap();
        std::fs::write(root.join("g/real"), "v").unwrap();
        std::fs::write(root.join("g/d/x"), "x").unwrap();
        let abs = |rel: &str| format!("{}/{rel}", root.display());
        for (name, target) in [
            ("rel-slash", "real/".to_string()),
            ("rel-slash-dot", "real/.".to_string()),
            ("abs-slash", abs("g/real/")),
            ("abs-slash-dot", abs("g/real/.")),
            ("abs-slash-slash", abs("g/real//")),
        ] {
            std::os::unix::fs::symlink(&target, root.join("g").join(name)).unwrap();
        }
        std::os::unix::fs::symlink(abs("g/d/"), root.join("g/to-dir")).unwrap();
        let fd = rustix::fs::open(root, OFlags::PATH | OFlags::DIRECTORY, Mode::empty()).unwrap();
        let roots = [root.to_path_buf()];
        for name in [
            "g/rel-slash",
            "g/rel-slash-dot",
            "g/abs-slash",
            "g/abs-slash-dot",
            "g/abs-slash-slash",
            "g/real/",
        ] {
            for want in [Want::File, Want::Dir] {
                let got = walk(fd.as_fd(), Path::new(name), &roots, want);
                assert!(
                    matches!(got, Walk::Failed(Errno::NOTDIR)),
                    "{name} {want:?}: {got:?}"
                );
            }
        }
        // A directory named with a trailing slash is a directory: refused as
        // a file, opened for a listing.
        for name in ["g/to-dir", "g/d/", "g/d/."] {
            let got = walk(fd.as_fd(), Path::new(name), &roots, Want::File);
            assert!(
                matches!(got, Walk::NotRegular(FileType::Directory)),
                "{name}: {got:?}"
            );
            let got = walk(fd.as_fd(), Path::new(name), &roots, Want::Dir);
            assert!(matches!(got, Walk::Opened(..)), "{name}: {got:?}");
        }
    }

    #[test]
    fn absolute_targets_inside_a_root_are_made_relative() {
        let roots = [PathBuf::from("/etc/secrets"), PathBuf::from("/run/real")];
        assert_eq!(strip_root(b"/etc/secrets/g/k", &roots).unwrap(), b"g/k");
        assert_eq!(strip_root(b"/run/real//g", &roots).unwrap(), b"g");
        assert!(strip_root(b"/etc/secretsX/g", &roots).is_none());
        assert_eq!(strip_root(b"/etc/secrets/g/k/", &roots).unwrap(), b"g/k/.");
        assert_eq!(strip_root(b"/etc/secrets/g/k/.", &roots).unwrap(), b"g/k/.");
        assert_eq!(strip_root(b"/etc/secrets/", &roots).unwrap(), b"");
        assert!(strip_root(b"/etc/passwd", &roots).is_none());
    }
}
