//! Reading an open regular file whole, into a zeroizing buffer, with a size
//! cap, in as few system calls as the file allows.

use std::os::fd::AsFd;

use rustix::io::Errno;
use zeroize::Zeroizing;

/// Why reading stopped.
#[derive(Debug)]
pub(crate) enum ReadError {
    /// The file is (or grew) larger than the cap; `size` is how much was seen.
    TooLarge { size: u64 },
    /// The read system call failed.
    Io(Errno),
    /// The buffer for the file could not be allocated (a file under a high
    /// cap, in a process whose memory is limited).
    OutOfMemory,
}

/// Reads the whole of `fd`, whose `fstat` size was `size`, refusing more than
/// `limit` bytes.
///
/// One `read` asks for `size + 1` bytes: getting `size` or fewer means the end
/// was reached, so no second call is needed to see end-of-file. Only a file
/// that grew since `fstat` (or a short read) costs more calls. When the
/// buffer must grow, the old one is wiped before it is freed.
pub(crate) fn read_capped(
    fd: impl AsFd,
    size: u64,
    limit: u64,
) -> Result<Zeroizing<Vec<u8>>, ReadError> {
    if size > limit {
        return Err(ReadError::TooLarge { size });
    }
    // `size <= limit`, but the limit is the caller's choice and may exceed
    // the memory this process may use: allocate fallibly, never abort.
    let first = usize::try_from(size).unwrap_or(usize::MAX - 1) + 1;
    let mut buf = Zeroizing::new(Vec::new());
    buf.try_reserve_exact(first)
        .map_err(|_| ReadError::OutOfMemory)?;
    let mut short_read_seen = false;
    loop {
        if buf.len() == buf.capacity() {
            // The file is longer than fstat said: grow, within the cap.
            let have = buf.len() as u64;
            let want = (have.saturating_mul(2).max(4096)).min(limit.saturating_add(1));
            grow(&mut buf, usize::try_from(want).unwrap_or(usize::MAX))?;
        }
        let before = buf.len();
        let n = match rustix::io::read(&fd, rustix::buffer::spare_capacity(&mut *buf)) {
            Ok(n) => n,
            Err(Errno::INTR) => continue,
            Err(e) => return Err(ReadError::Io(e)),
        };
        if n == 0 {
            break;
        }
        let total = before + n;
        if total as u64 > limit {
            return Err(ReadError::TooLarge { size: total as u64 });
        }
        if total as u64 == size && !short_read_seen {
            // Exactly the fstat size, in a read that asked for one more byte:
            // the end of the file.
            break;
        }
        if (total as u64) < size {
            // A short read (a slow file system, or the file shrank): from now
            // on only a zero-byte read proves the end.
            short_read_seen = true;
        }
    }
    Ok(buf)
}

/// Why a small text file (a config file, a manifest) could not be read.
#[derive(Debug)]
pub(crate) enum TextFileError {
    Open(Errno),
    NotRegular(crate::error::FileKind),
    TooLarge(u64),
    Read(Errno),
    NotUtf8 { offset: usize, line: usize },
}

impl std::fmt::Display for TextFileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TextFileError::Open(e) => write!(f, "cannot open it: {}", std::io::Error::from(*e)),
            TextFileError::NotRegular(kind) => write!(f, "it is {kind}, not a regular file"),
            TextFileError::TooLarge(size) => {
                write!(f, "it is {size} bytes or more, over the limit")
            }
            TextFileError::Read(e) => write!(f, "cannot read it: {}", std::io::Error::from(*e)),
            TextFileError::NotUtf8 { offset, .. } => {
                write!(f, "not valid UTF-8 (at byte {offset})")
            }
        }
    }
}

/// Reads a small text file named by the user: opened without blocking (a
/// FIFO is refused, not waited on), regular files only, at most `limit`
/// bytes, UTF-8.
pub(crate) fn read_text_file(path: &std::path::Path, limit: u64) -> Result<String, TextFileError> {
    use rustix::fs::{FileType, Mode, OFlags};
    let flags = OFlags::RDONLY | OFlags::NONBLOCK | OFlags::CLOEXEC | OFlags::NOCTTY;
    let fd = rustix::fs::open(path, flags, Mode::empty()).map_err(TextFileError::Open)?;
    let stat = rustix::fs::fstat(&fd).map_err(TextFileError::Read)?;
    let kind = FileType::from_raw_mode(stat.st_mode);
    if kind != FileType::RegularFile {
        return Err(TextFileError::NotRegular(super::file_kind(kind)));
    }
    let size = u64::try_from(stat.st_size).unwrap_or(0);
    let bytes = read_capped(&fd, size, limit).map_err(|e| match e {
        ReadError::TooLarge { size } => TextFileError::TooLarge(size),
        ReadError::Io(e) => TextFileError::Read(e),
        ReadError::OutOfMemory => TextFileError::Read(Errno::NOMEM),
    })?;
    match std::str::from_utf8(&bytes) {
        Ok(text) => Ok(text.to_owned()),
        Err(e) => {
            let offset = e.valid_up_to();
            let line = 1 + bytes[..offset].iter().filter(|&&b| b == b'\n').count();
            Err(TextFileError::NotUtf8 { offset, line })
        }
    }
}

/// Moves `buf` into a new allocation of `capacity` bytes, wiping the old.
fn grow(buf: &mut Zeroizing<Vec<u8>>, capacity: usize) -> Result<(), ReadError> {
    let mut bigger = Zeroizing::new(Vec::new());
    bigger
        .try_reserve_exact(capacity)
        .map_err(|_| ReadError::OutOfMemory)?;
    bigger.extend_from_slice(buf);
    *buf = bigger;
    Ok(())
}

/// Copies `buf` into an allocation of exactly its length (so that turning it
/// into a boxed slice or string does not reallocate and leave a copy behind)
/// and wipes the original.
pub(crate) fn exact(buf: Zeroizing<Vec<u8>>) -> Zeroizing<Vec<u8>> {
    if buf.len() == buf.capacity() {
        return buf;
    }
    let mut out = Zeroizing::new(Vec::with_capacity(buf.len()));
    out.extend_from_slice(&buf);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn file_with(bytes: &[u8]) -> std::fs::File {
        let mut f = tempfile::tempfile().unwrap();
        f.write_all(bytes).unwrap();
        std::fs::File::open(format!(
            "/proc/self/fd/{}",
            std::os::fd::AsRawFd::as_raw_fd(&f)
        ))
        .unwrap()
    }

    #[test]
    fn reads_exactly_the_file() {
        let f = file_with(b"hello");
        assert_eq!(&**read_capped(&f, 5, 100).unwrap(), b"hello");
    }

    #[test]
    fn a_file_longer_than_its_stat_size_is_read_to_the_end() {
        let f = file_with(&[7u8; 10_000]);
        let got = read_capped(&f, 3, 20_000).unwrap();
        assert_eq!(got.len(), 10_000);
    }

    #[test]
    fn a_file_that_grows_past_the_cap_is_refused() {
        let f = file_with(&[7u8; 10_000]);
        match read_capped(&f, 3, 5_000) {
            Err(ReadError::TooLarge { size }) => assert!(size > 5_000),
            other => panic!("expected TooLarge, got {other:?}"),
        }
    }

    #[test]
    fn a_stat_size_over_the_cap_is_refused_without_reading() {
        let f = file_with(b"");
        assert!(matches!(
            read_capped(&f, 11, 10),
            Err(ReadError::TooLarge { size: 11 })
        ));
    }

    #[test]
    fn a_buffer_that_cannot_be_allocated_is_an_error_not_an_abort() {
        let f = file_with(b"");
        // No allocator grants isize::MAX bytes.
        let huge = isize::MAX as u64;
        assert!(matches!(
            read_capped(&f, huge, u64::MAX),
            Err(ReadError::OutOfMemory)
        ));
    }

    #[test]
    fn exact_copies_only_when_needed() {
        let mut v = Zeroizing::new(Vec::with_capacity(10));
        v.extend_from_slice(b"abc");
        let e = exact(v);
        assert_eq!(e.capacity(), 3);
        assert_eq!(&**e, b"abc");
    }
}
