//! File handling shared by [`Lockchain`](super::Lockchain) and
//! [`MmapStorage`](super::MmapStorage): durable creation, the writer lock, block
//! reservation, the maps and the commit protocol.
//!
//! Failures come back as [`FileError`], which each of the two turns into its own error
//! type with `?`, so both report the same operations the same way.

use memmap2::{Mmap, MmapMut, MmapOptions};
use std::fmt;
use std::fs::{File, OpenOptions, TryLockError};
use std::io;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

/// What went wrong with a file, before it becomes a `LockchainError` or `StorageError`.
#[derive(Debug)]
pub(crate) enum FileError {
    /// A system call failed; `op` names it (`"create"`, `"mmap"`, `"fsync"`, ...).
    Io {
        path: PathBuf,
        op: &'static str,
        source: io::Error,
    },
    /// Another handle holds the writer lock.
    Locked { path: PathBuf },
}

impl FileError {
    /// The operation that failed (`"lock"` for [`FileError::Locked`]).
    pub(crate) fn op(&self) -> &'static str {
        match self {
            FileError::Io { op, .. } => op,
            FileError::Locked { .. } => "lock",
        }
    }
}

/// Wraps an `io::Error` from `op` on `path`.
pub(crate) fn io_err<'a>(
    path: &'a Path,
    op: &'static str,
) -> impl FnOnce(io::Error) -> FileError + 'a {
    move |source| FileError::Io {
        path: path.to_owned(),
        op,
        source,
    }
}

/// The error for a length that does not fit in this process's address space.
pub(crate) fn too_large(path: &Path, what: impl fmt::Display) -> FileError {
    FileError::Io {
        path: path.to_owned(),
        op: "mmap",
        source: io::Error::other(format!("{what} do not fit in the address space")),
    }
}

/// `len` as a `usize`, or an error saying it does not fit in the address space.
pub(crate) fn to_usize(len: u64, path: &Path) -> Result<usize, FileError> {
    usize::try_from(len).map_err(|_| too_large(path, format_args!("{len} bytes")))
}

/// The file's length (`fstat`).
pub(crate) fn file_len(file: &File, path: &Path) -> Result<u64, FileError> {
    Ok(file.metadata().map_err(io_err(path, "fstat"))?.len())
}

/// Takes the exclusive writer lock on `file` without waiting.
pub(crate) fn lock(file: &File, path: &Path) -> Result<(), FileError> {
    match file.try_lock() {
        Ok(()) => Ok(()),
        Err(TryLockError::WouldBlock) => Err(FileError::Locked {
            path: path.to_owned(),
        }),
        Err(TryLockError::Error(e)) => Err(io_err(path, "lock")(e)),
    }
}

/// Reserves the blocks of `[offset, offset + len)` and extends the file to cover them
/// (`posix_fallocate`), so that writing through a map into that range can never meet
/// a full disk: without the reservation a full filesystem turns a store into a hole
/// into `SIGBUS`; with it, the full disk is this call's error (`ENOSPC`).
///
/// Where the filesystem cannot allocate, glibc emulates the call by writing zeroes,
/// which reserves the blocks just the same. On systems without `posix_fallocate`
/// (macOS) the file is only extended, sparse.
pub(crate) fn allocate(file: &File, offset: u64, len: u64, path: &Path) -> Result<(), FileError> {
    #[cfg(any(target_os = "linux", target_os = "android", target_os = "freebsd"))]
    {
        use std::os::fd::AsRawFd;
        let too_big = || io_err(path, "fallocate")(io::Error::from_raw_os_error(libc::EFBIG));
        let off = libc::off_t::try_from(offset).map_err(|_| too_big())?;
        let n = libc::off_t::try_from(len).map_err(|_| too_big())?;
        // SAFETY: `posix_fallocate` only reads its integer arguments; the descriptor is
        // open and owned by `file` for the duration of the call.
        let r = unsafe { libc::posix_fallocate(file.as_raw_fd(), off, n) };
        // It returns the error number instead of setting `errno`.
        if r != 0 {
            return Err(io_err(path, "fallocate")(io::Error::from_raw_os_error(r)));
        }
        Ok(())
    }
    #[cfg(not(any(target_os = "linux", target_os = "android", target_os = "freebsd")))]
    {
        let end = offset.saturating_add(len);
        if file_len(file, path)? < end {
            file.set_len(end).map_err(io_err(path, "ftruncate"))?;
        }
        Ok(())
    }
}

/// Creates `path` (it must not exist), takes the writer lock, writes `header` at offset
/// 0, reserves and extends the file to `len` bytes and makes all of it durable:
/// `fsync` of the file, then of its directory, so the new name survives a crash too.
/// Returns the file mapped writable over `[0, len)`.
///
/// If any step after the creation fails, the file is removed again (this call created
/// it, so nobody else's file is touched): a later `create` of the same path must not
/// find a half-made file.
pub(crate) fn create_durably(
    path: &Path,
    header: &[u8],
    len: u64,
) -> Result<(File, MmapMut), FileError> {
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(io_err(path, "create"))?;
    match initialize(&file, path, header, len) {
        Ok(map) => Ok((file, map)),
        Err(e) => {
            drop(file);
            // Best effort: the error worth reporting is `e`.
            let _ = std::fs::remove_file(path);
            Err(e)
        }
    }
}

/// The steps of [`create_durably`] after the file exists.
fn initialize(file: &File, path: &Path, header: &[u8], len: u64) -> Result<MmapMut, FileError> {
    lock(file, path)?;
    file.write_all_at(header, 0)
        .map_err(io_err(path, "write header"))?;
    allocate(file, 0, len, path)?;
    file.sync_all().map_err(io_err(path, "fsync"))?;
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(io_err(dir, "fsync directory"))?;
    map_mut(file, len, path)
}

/// Maps `[0, len)` of a file this process holds the writer lock on, for writing.
pub(crate) fn map_mut(file: &File, len: u64, path: &Path) -> Result<MmapMut, FileError> {
    let len = to_usize(len, path)?;
    // SAFETY: the file is open read-write and this handle holds its writer lock, so no
    // other knhk handle writes it; the map covers `[0, len)`, which lies inside the file
    // (just measured or just extended), and knhk never shortens a file. Another program
    // truncating or writing the file breaks that contract, as for any mapped file.
    unsafe { MmapOptions::new().len(len).map_mut(file) }.map_err(io_err(path, "mmap"))
}

/// Extends a file this process holds the writer lock on to at least `needed` bytes,
/// doubling its current length `current` (and at least `min`), with the new blocks
/// reserved ([`allocate`]), and maps it anew.
///
/// The old map's dirty pages stay in the page cache; a later `msync` through the new
/// map, which covers the same pages, flushes them.
pub(crate) fn grow(
    file: &File,
    current: u64,
    needed: u64,
    min: u64,
    path: &Path,
) -> Result<(MmapMut, u64), FileError> {
    let mut new_len = current.saturating_mul(2).max(min);
    while new_len < needed {
        new_len = new_len.saturating_mul(2);
    }
    allocate(file, current, new_len - current, path)?;
    Ok((map_mut(file, new_len, path)?, new_len))
}

/// The commit protocol (FORMAT.md §1.4 and §2): `msync` of the bytes written since the
/// last commit, `[start, start + len)`, then one `pwrite` of the new header at offset
/// 0, then `fdatasync`. Data first, so a header never points past durable bytes.
///
/// After an error the caller must not commit again through the same handle: the
/// kernel may have dropped the dirty pages whose writeback failed, and a retried
/// `fdatasync` would then report success for data that is gone.
pub(crate) fn commit(
    file: &File,
    map: &MmapMut,
    start: usize,
    len: usize,
    header: &[u8],
    path: &Path,
) -> Result<(), FileError> {
    fault("msync")
        .and_then(|()| map.flush_range(start, len))
        .map_err(io_err(path, "msync"))?;
    fault("write header")
        .and_then(|()| file.write_all_at(header, 0))
        .map_err(io_err(path, "write header"))?;
    fault("fdatasync")
        .and_then(|()| file.sync_data())
        .map_err(io_err(path, "fdatasync"))
}

#[cfg(test)]
thread_local! {
    /// Unit tests only: the next [`commit`] on this thread fails at this step with `EIO`.
    pub(crate) static FAIL_COMMIT_AT: std::cell::Cell<Option<&'static str>> =
        const { std::cell::Cell::new(None) };
}

/// Unit tests only: fails `op` if [`FAIL_COMMIT_AT`] names it (once).
#[cfg(test)]
fn fault(op: &'static str) -> io::Result<()> {
    if FAIL_COMMIT_AT.with(|f| f.get()) == Some(op) {
        FAIL_COMMIT_AT.with(|f| f.set(None));
        return Err(io::Error::from_raw_os_error(libc::EIO));
    }
    Ok(())
}

#[cfg(not(test))]
#[inline(always)]
fn fault(_op: &'static str) -> io::Result<()> {
    Ok(())
}

/// Unit tests only: a fresh directory under the system's temporary directory, removed
/// with everything in it when dropped.
#[cfg(test)]
pub(crate) struct ScratchDir(PathBuf);

#[cfg(test)]
impl ScratchDir {
    pub(crate) fn new(name: &str) -> ScratchDir {
        static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("knhk-unit-{name}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        ScratchDir(dir)
    }

    /// The path of `file` in the directory.
    pub(crate) fn join(&self, file: &str) -> PathBuf {
        self.0.join(file)
    }
}

#[cfg(test)]
impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A handle's view of its file: read-only for readers, writable for the writer.
pub(crate) enum Map {
    ReadOnly(Mmap),
    ReadWrite(MmapMut),
}

impl Map {
    /// The mapped bytes.
    pub(crate) fn bytes(&self) -> &[u8] {
        match self {
            Map::ReadOnly(m) => m,
            Map::ReadWrite(m) => m,
        }
    }
}
