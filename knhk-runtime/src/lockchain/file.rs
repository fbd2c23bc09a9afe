//! File handling shared by [`Lockchain`](super::Lockchain) and
//! [`MmapStorage`](super::MmapStorage): durable creation, the writer lock and the maps.
//!
//! Failures come back as [`FileError`], which each of the two turns into its own error
//! type, so both report the same operations the same way.

use memmap2::{Mmap, MmapMut, MmapOptions};
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

/// Creates `path` (it must not exist), takes the writer lock, writes `header` at offset
/// 0, extends the file to `len` bytes and makes all of it durable: `fsync` of the file,
/// then of its directory, so the new name survives a crash too.
pub(crate) fn create_durably(path: &Path, header: &[u8], len: u64) -> Result<File, FileError> {
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(io_err(path, "create"))?;
    lock(&file, path)?;
    file.write_all_at(header, 0)
        .map_err(io_err(path, "write header"))?;
    file.set_len(len).map_err(io_err(path, "ftruncate"))?;
    file.sync_all().map_err(io_err(path, "fsync"))?;
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(io_err(dir, "fsync directory"))?;
    Ok(file)
}

/// `len` as a `usize`, or an error saying it does not fit in the address space.
pub(crate) fn to_usize(len: u64, path: &Path) -> Result<usize, FileError> {
    usize::try_from(len).map_err(|_| FileError::Io {
        path: path.to_owned(),
        op: "mmap",
        source: io::Error::other(format!("{len} bytes do not fit in the address space")),
    })
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
/// doubling its current length `current` (and at least `min`), and maps it anew.
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
    file.set_len(new_len).map_err(io_err(path, "ftruncate"))?;
    Ok((map_mut(file, new_len, path)?, new_len))
}

/// The commit protocol (FORMAT.md §1.4 and §2): `msync` of the bytes written since the
/// last commit, `[start, start + len)`, then one `pwrite` of the new header at offset
/// 0, then `fdatasync`. Data first, so a header never points past durable bytes.
pub(crate) fn commit(
    file: &File,
    map: &MmapMut,
    start: usize,
    len: usize,
    header: &[u8],
    path: &Path,
) -> Result<(), FileError> {
    map.flush_range(start, len).map_err(io_err(path, "msync"))?;
    file.write_all_at(header, 0)
        .map_err(io_err(path, "write header"))?;
    file.sync_data().map_err(io_err(path, "fdatasync"))
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
