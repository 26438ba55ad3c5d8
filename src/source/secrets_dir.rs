//! The secrets directory: opened once, kept as a descriptor, and every
//! secret file opened beneath it.
//!
//! The fast path is one `openat2(RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS)`,
//! non-blocking, then one `fstat`. Where the kernel lacks `openat2`, or
//! refuses a path only because it crosses an absolute symlink, the portable
//! walk in `resolve` gives the answer.

use std::ffi::OsStr;
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use rustix::fs::{FileType, Mode, OFlags, ResolveFlags, Stat};
use rustix::io::Errno;
use zeroize::Zeroizing;

use super::read::{ReadError, read_capped};
use super::resolve::{Walk, Want, strip_root, walk};
use crate::error::UnreadableReason;

/// How many times a lookup restarts after the kernel saw a rename race.
const RACE_RETRIES: usize = 4;

/// How many times a lookup that found nothing is repeated, for a directory
/// that vanished under it during a rotation. Only missing secrets behind a
/// symlink pay. The first retries are immediate (after yielding the CPU);
/// the rest wait 1, 2, 4 and 8 ms, so that a reader that keeps losing the
/// race because it is descheduled mid-lookup on a busy machine (seen: 1 read
/// in 37,000 under back-to-back rotations on 2 loaded cores) lets the
/// rotation finish. A symlink that stays dangling costs about 15 ms per
/// lookup; kubelet rotates at most every few seconds.
const VANISHED_RETRIES: usize = 12;
/// Of [`VANISHED_RETRIES`], how many are immediate.
const IMMEDIATE_RETRIES: usize = 8;

/// Why a file was not there, for the not-found message and its hints.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Missing {
    /// No entry of that name (or a dangling symlink).
    NoEntry,
    /// A part of the path is not a directory.
    NotADirectory,
    /// Too many symlinks: a loop.
    SymlinkLoop,
    /// A name longer than the file system allows.
    NameTooLong,
    /// A directory on the way may not be searched.
    SearchDenied,
    /// The secrets directory itself could not be opened.
    Dir(Errno),
}

impl std::fmt::Display for Missing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Missing::NoEntry => f.write_str("does not exist"),
            Missing::NotADirectory => f.write_str("a part of the path is not a directory"),
            Missing::SymlinkLoop => f.write_str("a symlink loop"),
            Missing::NameTooLong => f.write_str("a name is too long"),
            Missing::SearchDenied => f.write_str("a directory on the way cannot be searched"),
            Missing::Dir(e) => write!(
                f,
                "the secrets directory cannot be opened: {}",
                std::io::Error::from(*e)
            ),
        }
    }
}

/// What went wrong opening or reading a secret file.
#[derive(Debug)]
pub(crate) enum FileProblem {
    NotFound(Missing),
    Unreadable(UnreadableReason, Option<std::io::Error>),
}

/// A directory's entries with their types, and its device and inode.
pub(crate) type ListedDir = (Vec<(std::ffi::OsString, FileType)>, (u64, u64));

/// Which resolution to use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Resolver {
    /// `openat2` when the kernel has it, the walk otherwise.
    Kernel,
    /// Always the user-space walk (for old kernels and for tests of it).
    Portable,
}

/// The secrets directory and its cached descriptor.
#[derive(Debug)]
pub(crate) struct SecretsDir {
    /// The directory as configured (absolute or relative to the environment's
    /// working directory), used to open it.
    open_path: PathBuf,
    /// Absolute names of the directory that an absolute symlink may use to
    /// point back inside: as configured, and its real path.
    root_paths: OnceLock<Vec<PathBuf>>,
    handle: Mutex<Option<Arc<Held>>>,
    openat2_missing: AtomicBool,
    resolver: Resolver,
}

/// The open secrets directory.
#[derive(Debug)]
pub(crate) struct Held {
    fd: OwnedFd,
    /// Its device and inode, read on the first lookup that finds nothing
    /// (to tell whether the directory was replaced), then kept: they never
    /// change for an open descriptor.
    identity: OnceLock<Option<(u64, u64)>>,
}

impl SecretsDir {
    pub(crate) fn new(open_path: PathBuf, resolver: Resolver) -> Self {
        SecretsDir {
            open_path,
            root_paths: OnceLock::new(),
            handle: Mutex::new(None),
            openat2_missing: AtomicBool::new(false),
            resolver,
        }
    }

    pub(crate) fn resolver(&self) -> Resolver {
        self.resolver
    }

    pub(crate) fn open_path(&self) -> &Path {
        &self.open_path
    }

    /// The directory's descriptor, opened on first use.
    fn handle(&self) -> Result<Arc<Held>, Errno> {
        let mut slot = self.handle.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(held) = &*slot {
            return Ok(Arc::clone(held));
        }
        let fd = rustix::fs::open(
            self.path_to_open(),
            OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC,
            Mode::empty(),
        )?;
        let held = Arc::new(Held {
            fd,
            identity: OnceLock::new(),
        });
        *slot = Some(Arc::clone(&held));
        Ok(held)
    }

    fn path_to_open(&self) -> &Path {
        if self.open_path.as_os_str().is_empty() {
            Path::new(".")
        } else {
            &self.open_path
        }
    }

    /// Drops the cached descriptor if the directory at the path is no longer
    /// the one it refers to (deleted, or replaced by another). Returns
    /// whether it was dropped. One `stat` of the path (plus one `fstat` of
    /// the descriptor the first time).
    fn forget_if_replaced(&self, held: &Held) -> bool {
        let identity = |s: Stat| (s.st_dev, s.st_ino);
        let then = held
            .identity
            .get_or_init(|| rustix::fs::fstat(&held.fd).ok().map(identity));
        let now = rustix::fs::stat(self.path_to_open()).ok().map(identity);
        let same = then.is_some() && *then == now;
        if !same {
            let mut slot = self.handle.lock().unwrap_or_else(PoisonError::into_inner);
            if slot.as_deref().is_some_and(|cur| std::ptr::eq(cur, held)) {
                *slot = None;
            }
        }
        !same
    }

    /// Opens `relative` (a path of plain names) beneath the directory:
    /// regular files only, never blocking, never leaving the directory.
    pub(crate) fn open(&self, relative: &Path) -> Result<(OwnedFd, Stat), FileProblem> {
        // The path as flytekit would stat it, used only to classify failures.
        let shown = || crate::naming::join_like_python(&self.open_path, relative);
        // Names cannot hold NUL (requests are validated), but a file prefix
        // from a config file can; no file has such a path, and flytekit's
        // os.path.exists() says False: not found, without a system call.
        if relative.as_os_str().as_bytes().contains(&0) {
            return Err(FileProblem::NotFound(Missing::NoEntry));
        }
        // An absolute path (a file prefix starting with '/'): flytekit reads
        // it wherever it is; here only if it names something inside.
        if relative.is_absolute() {
            let dir = self
                .handle()
                .map_err(|e| FileProblem::NotFound(Missing::Dir(e)))?;
            let inside = strip_root(relative.as_os_str().as_bytes(), self.root_paths(&dir.fd));
            return match inside {
                Some(rest) if !rest.is_empty() => self.open(Path::new(OsStr::from_bytes(&rest))),
                Some(_) => self.open(Path::new(".")),
                None => Err(escaped(&shown())),
            };
        }
        let mut replaced_checked = false;
        let mut races = 0;
        let mut vanished = 0;
        loop {
            let dir = self
                .handle()
                .map_err(|e| FileProblem::NotFound(Missing::Dir(e)))?;
            let outcome = self.open_once(&dir.fd, relative, Want::File);
            match outcome {
                Walk::Opened(fd, stat) => return Ok((fd, stat)),
                Walk::NotRegular(kind) => {
                    return Err(FileProblem::Unreadable(
                        UnreadableReason::NotRegularFile(super::file_kind(kind)),
                        None,
                    ));
                }
                Walk::Escapes => return Err(escaped(&shown())),
                Walk::Failed(Errno::AGAIN) if races < RACE_RETRIES => races += 1,
                // Kubernetes rotation: the lookup followed `..data` into
                // the old timestamped directory just before it was
                // swapped out and removed. The new one is in place by
                // then; look again before calling the secret missing.
                Walk::Failed(Errno::NOENT)
                    if vanished < VANISHED_RETRIES
                        && self.symlink_on_the_way(&dir.fd, relative) =>
                {
                    vanished += 1;
                    if vanished <= IMMEDIATE_RETRIES {
                        std::thread::yield_now();
                    } else {
                        let wait = 1u64 << (vanished - IMMEDIATE_RETRIES - 1);
                        std::thread::sleep(std::time::Duration::from_millis(wait));
                    }
                }
                Walk::Failed(Errno::NOENT) if !replaced_checked => {
                    replaced_checked = true;
                    if !self.forget_if_replaced(&dir) {
                        return Err(FileProblem::NotFound(Missing::NoEntry));
                    }
                }
                Walk::Failed(e) => return Err(classify(e, shown)),
            }
        }
    }

    /// Whether a lookup of `relative` that found nothing may have been
    /// misled by a symlink swapped under it: only then is retrying useful.
    /// With `openat2`, one more lookup that refuses symlinks tells (ENOENT:
    /// the name is missing before any symlink, so the secret is missing);
    /// without it, assume so.
    fn symlink_on_the_way(&self, dir: &OwnedFd, relative: &Path) -> bool {
        if self.resolver != Resolver::Kernel || self.openat2_missing.load(Ordering::Relaxed) {
            return true;
        }
        let flags = OFlags::PATH | OFlags::CLOEXEC;
        let resolve = ResolveFlags::BENEATH | ResolveFlags::NO_SYMLINKS;
        !matches!(
            rustix::fs::openat2(dir, relative, flags, Mode::empty(), resolve),
            Err(Errno::NOENT)
        )
    }

    fn open_once(&self, dir: &OwnedFd, relative: &Path, want: Want) -> Walk {
        if self.resolver == Resolver::Kernel && !self.openat2_missing.load(Ordering::Relaxed) {
            let flags = match want {
                Want::File => OFlags::RDONLY | OFlags::NONBLOCK | OFlags::CLOEXEC | OFlags::NOCTTY,
                Want::Dir => OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
            };
            let resolve = ResolveFlags::BENEATH | ResolveFlags::NO_MAGICLINKS;
            match rustix::fs::openat2(dir, relative, flags, Mode::empty(), resolve) {
                Ok(fd) => {
                    let wanted = match want {
                        Want::File => FileType::RegularFile,
                        Want::Dir => FileType::Directory,
                    };
                    return match rustix::fs::fstat(&fd) {
                        Ok(stat) if FileType::from_raw_mode(stat.st_mode) == wanted => {
                            Walk::Opened(fd, stat)
                        }
                        Ok(stat) => Walk::NotRegular(FileType::from_raw_mode(stat.st_mode)),
                        Err(e) => Walk::Failed(e),
                    };
                }
                // No openat2 here (old kernel, or a sandbox's seccomp filter).
                Err(Errno::NOSYS | Errno::PERM) => {
                    self.openat2_missing.store(true, Ordering::Relaxed);
                }
                // An absolute symlink or an escape: the walk tells which.
                Err(Errno::XDEV) => {}
                // A socket or a device without a driver: look without opening.
                Err(Errno::NXIO | Errno::NODEV | Errno::OPNOTSUPP) => {}
                Err(e) => return Walk::Failed(e),
            }
        }
        walk(dir.as_fd(), relative, self.root_paths(dir), want)
    }

    /// The entries of the directory `relative` beneath the secrets directory
    /// (the directory itself when `relative` is empty), with their types as
    /// the directory reports them (`Unknown` on some file systems). Names
    /// only; nothing is opened.
    pub(crate) fn list(
        &self,
        relative: &Path,
    ) -> Result<Vec<(std::ffi::OsString, FileType)>, FileProblem> {
        self.list_identified(relative).map(|(entries, _)| entries)
    }

    /// [`SecretsDir::list`], with the listed directory's device and inode
    /// (so that a walk can tell a directory it has already listed, reached
    /// again through a symlink).
    pub(crate) fn list_identified(&self, relative: &Path) -> Result<ListedDir, FileProblem> {
        use std::os::unix::ffi::OsStrExt;
        let root = self
            .handle()
            .map_err(|e| FileProblem::NotFound(Missing::Dir(e)))?;
        let fd = if relative.as_os_str().is_empty() {
            rustix::fs::openat(
                &root.fd,
                ".",
                OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
                Mode::empty(),
            )
            .map_err(|e| classify(e, || self.open_path.clone()))?
        } else {
            let shown = crate::naming::join_like_python(&self.open_path, relative);
            match self.open_once(&root.fd, relative, Want::Dir) {
                Walk::Opened(fd, _) => fd,
                Walk::NotRegular(kind) => {
                    return Err(FileProblem::Unreadable(
                        UnreadableReason::NotRegularFile(super::file_kind(kind)),
                        None,
                    ));
                }
                Walk::Escapes => return Err(escaped(&shown)),
                Walk::Failed(e) => return Err(classify(e, || shown.clone())),
            }
        };
        let identity = rustix::fs::fstat(&fd)
            .map(|st| (st.st_dev, st.st_ino))
            .map_err(|e| classify(e, || self.open_path.clone()))?;
        // The descriptor was opened here for this listing: the stream takes
        // it over (read_from would reopen "." and ask for its flags first).
        let dir = rustix::fs::Dir::new(fd).map_err(|e| classify(e, || self.open_path.clone()))?;
        let mut entries = Vec::new();
        for entry in dir {
            let entry = entry.map_err(|e| classify(e, || self.open_path.clone()))?;
            let name = entry.file_name().to_bytes();
            if name == b"." || name == b".." {
                continue;
            }
            entries.push((
                std::ffi::OsStr::from_bytes(name).to_owned(),
                entry.file_type(),
            ));
        }
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        Ok((entries, identity))
    }

    fn root_paths(&self, dir: &OwnedFd) -> &[PathBuf] {
        self.root_paths.get_or_init(|| {
            let mut paths = Vec::new();
            if self.open_path.is_absolute() {
                paths.push(self.open_path.clone());
            }
            let fd_link = format!("/proc/self/fd/{}", std::os::fd::AsRawFd::as_raw_fd(dir));
            if let Ok(real) = std::fs::read_link(fd_link) {
                paths.push(real);
            } else if let Ok(real) = std::fs::canonicalize(&self.open_path) {
                paths.push(real);
            }
            paths
        })
    }

    /// The part of `path` below the secrets directory, when `path` names a
    /// place inside it: a relative path is taken as relative to the
    /// directory; an absolute one must start with the directory's configured
    /// or real path. `..` components are refused.
    pub(crate) fn inside(&self, path: &Path) -> Option<PathBuf> {
        use std::os::unix::ffi::{OsStrExt, OsStringExt};
        let relative = if path.is_absolute() {
            let dir = self.handle().ok()?;
            let rest =
                super::resolve::strip_root(path.as_os_str().as_bytes(), self.root_paths(&dir.fd))?;
            PathBuf::from(std::ffi::OsString::from_vec(rest))
        } else {
            path.to_path_buf()
        };
        let plain = relative.components().all(|c| {
            matches!(
                c,
                std::path::Component::Normal(_) | std::path::Component::CurDir
            )
        });
        (plain && !relative.as_os_str().is_empty()).then_some(relative)
    }

    /// Reads `relative` whole, up to `limit` bytes.
    pub(crate) fn read(
        &self,
        relative: &Path,
        limit: u64,
    ) -> Result<Zeroizing<Vec<u8>>, FileProblem> {
        let (fd, stat) = self.open(relative)?;
        let size = u64::try_from(stat.st_size).unwrap_or(0);
        read_capped(&fd, size, limit).map_err(|e| match e {
            ReadError::TooLarge { size } => {
                FileProblem::Unreadable(UnreadableReason::TooLarge { size, limit }, None)
            }
            ReadError::Io(e) => classify(e, || {
                crate::naming::join_like_python(&self.open_path, relative)
            }),
            ReadError::OutOfMemory => {
                FileProblem::Unreadable(UnreadableReason::Io(std::io::ErrorKind::OutOfMemory), None)
            }
        })
    }
}

/// A path that leads outside: not found if nothing is there (flytekit's
/// `os.path.exists` would say False), refused otherwise.
fn escaped(shown: &Path) -> FileProblem {
    match std::fs::metadata(shown) {
        Ok(_) => FileProblem::Unreadable(UnreadableReason::OutsideDirectory, None),
        Err(_) => FileProblem::NotFound(Missing::NoEntry),
    }
}

/// Turns a failed system call into flytekit's answer: whatever makes
/// `os.path.exists` false is "not found"; the rest cannot be read.
fn classify(e: Errno, shown: impl FnOnce() -> PathBuf) -> FileProblem {
    match e {
        Errno::NOENT => FileProblem::NotFound(Missing::NoEntry),
        Errno::NOTDIR => FileProblem::NotFound(Missing::NotADirectory),
        Errno::LOOP => FileProblem::NotFound(Missing::SymlinkLoop),
        Errno::NAMETOOLONG => FileProblem::NotFound(Missing::NameTooLong),
        Errno::ACCESS | Errno::PERM => {
            // Denied on the file itself (it exists: flytekit's open fails) or
            // on a directory above it (exists() is False: not found).
            if std::fs::metadata(shown()).is_ok() {
                FileProblem::Unreadable(UnreadableReason::PermissionDenied, Some(e.into()))
            } else {
                FileProblem::NotFound(Missing::SearchDenied)
            }
        }
        other => {
            let io: std::io::Error = other.into();
            FileProblem::Unreadable(UnreadableReason::Io(io.kind()), Some(io))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(dir: &SecretsDir, relative: &str) -> Result<Vec<u8>, FileProblem> {
        dir.read(Path::new(relative), 1 << 20).map(|v| v.to_vec())
    }

    #[test]
    fn a_replaced_directory_is_reopened_and_a_kept_one_is_not() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("secrets");
        std::fs::create_dir_all(path.join("g")).unwrap();
        std::fs::write(path.join("g/k"), "one").unwrap();
        let dir = SecretsDir::new(path.clone(), Resolver::Kernel);
        assert_eq!(read(&dir, "g/k").unwrap(), b"one");
        let first = dir.handle().unwrap();

        // Not found in the same directory: the descriptor is kept.
        assert!(matches!(
            read(&dir, "g/other"),
            Err(FileProblem::NotFound(Missing::NoEntry))
        ));
        assert!(Arc::ptr_eq(&first, &dir.handle().unwrap()));

        // The directory is swapped for another: the next lookup that finds
        // nothing in the old one looks again in the new one.
        std::fs::rename(&path, tmp.path().join("old")).unwrap();
        std::fs::create_dir_all(path.join("g")).unwrap();
        std::fs::write(path.join("g/other"), "two").unwrap();
        assert_eq!(read(&dir, "g/other").unwrap(), b"two");
        assert!(!Arc::ptr_eq(&first, &dir.handle().unwrap()));
    }
}
