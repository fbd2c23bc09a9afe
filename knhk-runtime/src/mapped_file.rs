//! The file layer under [`Lockchain`](crate::lockchain::Lockchain) and
//! [`MmapStorage`](crate::mmap_storage::MmapStorage): durable creation, the writer lock,
//! block reservation, the maps and the commit protocol, written once for both, and
//! [`FileError`], the errors of these steps, which both error types carry unchanged.

use memmap2::{Mmap, MmapMut};
use std::fmt;
use std::io;
use std::path::PathBuf;
#[cfg(unix)]
use {
    memmap2::MmapOptions,
    std::fs::{File, OpenOptions, TryLockError},
    std::os::unix::fs::FileExt,
    std::path::Path,
};

/// What went wrong with a lockchain or `MmapStorage` file at the level of the file
/// itself: a system call, the writer lock, or a handle poisoned by a failed sync.
///
/// [`LockchainError::File`](crate::lockchain::LockchainError::File) and
/// [`StorageError::File`](crate::mmap_storage::StorageError::File) hold it, so both
/// report these failures alike.
///
/// ```
/// use knhk_runtime::mapped_file::FileError;
///
/// let e = FileError::Locked { path: "/var/log/audit.lockchain".into() };
/// assert!(e.to_string().starts_with("/var/log/audit.lockchain: locked by another writer"));
/// assert_eq!(e.kind(), "locked");
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FileError {
    /// A system call failed.
    #[error("{}: {op}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What was being done (`"create"`, `"open"`, `"mmap"`, `"fdatasync"`, ...).
        op: &'static str,
        /// The operating system's error.
        #[source]
        source: io::Error,
    },
    /// Another handle holds the writer lock on the file.
    #[error(
        "{}: locked by another writer; open it with a reader (`LockchainReader::open`, \
         `MmapStorageReader::open`) to read while it writes",
        path.display()
    )]
    Locked {
        /// The file.
        path: PathBuf,
    },
    /// A write or sync after a sync of this handle failed: the kernel may have dropped
    /// the unsynced pages when their writeback failed, so a retried sync could report
    /// success for data that is gone. Drop the handle and reopen the file: opening it
    /// recovers the state of the last successful sync (what was written since is
    /// discarded).
    #[error(
        "{}: a previous sync failed at {op}; this handle writes and syncs no more: reopen the \
         file, which recovers the state of the last successful sync",
        path.display()
    )]
    Poisoned {
        /// The file.
        path: PathBuf,
        /// The step of the failed sync (`"msync"`, `"write header"` or `"fdatasync"`).
        op: &'static str,
    },
}

impl FileError {
    /// A short name of the error's kind, the same for every instance (for counting).
    pub fn kind(&self) -> &'static str {
        match self {
            FileError::Io { .. } => "io",
            FileError::Locked { .. } => "locked",
            FileError::Poisoned { .. } => "poisoned",
        }
    }

    /// The operation that failed (`"lock"` for [`FileError::Locked`]).
    pub(crate) fn op(&self) -> &'static str {
        match self {
            FileError::Io { op, .. } | FileError::Poisoned { op, .. } => op,
            FileError::Locked { .. } => "lock",
        }
    }
}

/// The map type of a reader or a writer view: [`Mmap`] for a reader, which may read a
/// file another handle is writing, [`MmapMut`] for the view a writer derefs to.
///
/// Sealed: only these two maps implement it.
pub trait Mapping: std::ops::Deref<Target = [u8]> + fmt::Debug + sealed::Sealed {
    /// Whether a handle of this map may read a file that another handle writes, so the
    /// header on disk may be ahead of it, or caught half-written.
    const SHARED: bool;
}

impl Mapping for Mmap {
    const SHARED: bool = true;
}

impl Mapping for MmapMut {
    const SHARED: bool = false;
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for memmap2::Mmap {}
    impl Sealed for memmap2::MmapMut {}
}

/// A file's first 8 bytes for a bad-magic message, the same for lockchain and
/// `MmapStorage` files: escaped ASCII in backquotes, then hex, e.g.
/// `` `%PDF-1.7` (255044462d312e37) ``.
pub(crate) fn show_magic(found: &[u8; 8]) -> String {
    let hex: String = found.iter().map(|b| format!("{b:02x}")).collect();
    format!("`{}` ({hex})", found.escape_ascii())
}

// Little-endian readers for the lockchain's and `MmapStorage`'s headers and entries;
// the caller has checked that `b` holds the bytes (they panic otherwise).

/// The `N` bytes at `b[at..at + N]`.
#[cfg(unix)]
fn array_at<const N: usize>(b: &[u8], at: usize) -> [u8; N] {
    let mut a = [0; N];
    a.copy_from_slice(&b[at..at + N]);
    a
}

/// The little-endian `u16` at `b[at..at + 2]`.
#[cfg(unix)]
pub(crate) fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes(array_at(b, at))
}

/// The little-endian `u32` at `b[at..at + 4]`.
#[cfg(unix)]
pub(crate) fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(array_at(b, at))
}

/// The little-endian `u64` at `b[at..at + 8]`.
#[cfg(unix)]
pub(crate) fn u64_at(b: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(array_at(b, at))
}

/// Opens an existing file read-write and takes its writer lock without waiting
/// ([`FileError::Locked`] if another handle holds it): the start of every writer's
/// `open`.
#[cfg(unix)]
pub(crate) fn open_locked(path: &Path) -> Result<File, FileError> {
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)
        .map_err(io_err(path, "open"))?;
    lock(&file, path)?;
    Ok(file)
}

/// Opens an existing file to read, taking no lock: the start of every reader's `open`.
#[cfg(unix)]
pub(crate) fn open_shared(path: &Path) -> Result<File, FileError> {
    File::open(path).map_err(io_err(path, "open"))
}

/// Maps `[0, len)` of a file read-only, for a reader; `populate` pre-faults the pages
/// (`MAP_POPULATE` on Linux, a plain map elsewhere).
///
/// The caller's contract is the one in the SAFETY comment below: the range lies inside
/// the file, and writers change inside it only bytes that readers read with `pread`.
#[cfg(unix)]
pub(crate) fn map_shared(
    file: &File,
    len: u64,
    populate: bool,
    path: &Path,
) -> Result<Mmap, FileError> {
    let len = to_usize(len, path)?;
    let mut options = MmapOptions::new();
    options.len(len);
    if populate {
        options.populate();
    }
    // SAFETY: the map is read-only and covers `[0, len)`, which each caller checked to
    // lie inside the file (the committed or synced length from a header checked against
    // the file's length), and knhk never shortens a file. Of that range a knhk writer
    // modifies only the header (its sync's `pwrite`, FORMAT.md §1.5 and §2), which the
    // readers read with `pread`, never through the map; the records and entries they
    // read through it were synced and are never rewritten. Another program truncating
    // or rewriting the file breaks that contract, as it would for any reader.
    unsafe { options.map(file) }.map_err(io_err(path, "mmap"))
}

/// Wraps an `io::Error` from `op` on `path`.
#[cfg(unix)]
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
#[cfg(unix)]
pub(crate) fn too_large(path: &Path, what: impl fmt::Display) -> FileError {
    FileError::Io {
        path: path.to_owned(),
        op: "mmap",
        source: io::Error::other(format!("{what} do not fit in the address space")),
    }
}

/// `len` as a `usize`, or an error saying it does not fit in the address space.
#[cfg(unix)]
pub(crate) fn to_usize(len: u64, path: &Path) -> Result<usize, FileError> {
    usize::try_from(len).map_err(|_| too_large(path, format_args!("{len} bytes")))
}

/// The file's length (`fstat`).
#[cfg(unix)]
pub(crate) fn file_len(file: &File, path: &Path) -> Result<u64, FileError> {
    Ok(file.metadata().map_err(io_err(path, "fstat"))?.len())
}

/// Takes the exclusive writer lock on `file` without waiting.
#[cfg(unix)]
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
#[cfg(unix)]
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
#[cfg(unix)]
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
#[cfg(unix)]
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
#[cfg(unix)]
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
#[cfg(unix)]
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
#[cfg(unix)]
fn commit(
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

/// A writer's memory of a failed [`commit`]: once one failed, the handle writes and
/// commits no more ([`FileError::Poisoned`]), since a retried `fdatasync` could report
/// success for pages the kernel dropped.
#[cfg(unix)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Poison(Option<&'static str>);

#[cfg(unix)]
impl Poison {
    /// [`FileError::Poisoned`] if a commit of this handle failed.
    pub(crate) fn check(self, path: &Path) -> Result<(), FileError> {
        match self.0 {
            None => Ok(()),
            Some(op) => Err(FileError::Poisoned {
                path: path.to_owned(),
                op,
            }),
        }
    }

    /// The step of the failed commit, if one failed.
    pub(crate) fn failed_at(self) -> Option<&'static str> {
        self.0
    }

    /// [`check`](Poison::check), then [`commit`]; a failure poisons the handle.
    pub(crate) fn commit(
        &mut self,
        file: &File,
        map: &MmapMut,
        start: usize,
        len: usize,
        header: &[u8],
        path: &Path,
    ) -> Result<(), FileError> {
        self.check(path)?;
        commit(file, map, start, len, header, path).inspect_err(|e| self.0 = Some(e.op()))
    }
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
