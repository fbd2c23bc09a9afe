//! [`MmapStorage`] and [`MmapStorageReader`]: fixed-size records of one
//! `bytemuck::Pod` type in a memory-mapped file, read in place (Unix only; the file
//! format is §2 of the [lockchain's format](crate::lockchain::format_spec)).
//!
//! The writer, [`MmapStorage`], pushes and syncs under the file's writer lock; the
//! reader, [`MmapStorageReader`], takes no lock and has no way to write. Every read
//! (`get`, `as_slice`, `iter`, `len`) is a method of `MmapStorageReader`, which an
//! `MmapStorage` derefs to.

use crate::mapped_file::{self, FileError, Mapping, Poison, show_magic, u16_at, u32_at, u64_at};
use memmap2::{Mmap, MmapMut};
use std::fmt;
use std::fs::File;
use std::marker::PhantomData;
use std::ops::Deref;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

/// `KNHKSTOR`.
const MAGIC: [u8; 8] = *b"KNHKSTOR";
/// The only version there is.
const VERSION: u16 = 1;
/// Bytes in the header, and the offset of record 0. Also the largest record alignment
/// the format supports: the map starts on a page, so record `i` at `64 + i × size` is
/// aligned for any `T` with `align_of::<T>() ≤ 64` (a size is a multiple of its
/// alignment).
const HEADER_LEN: usize = 64;
/// The file length after `create`, and the least the file grows to (64 KiB).
const MIN_FILE_LEN: u64 = 64 * 1024;

/// A fixed-size record type that [`MmapStorage`] stores, with the id its files carry.
///
/// `TYPE_ID` is written into the header of every file of this type and checked on
/// open, so a file written with another record type is refused even when the sizes
/// agree. Pick any constant and never reuse it for a different layout; change it when
/// the layout changes. (It is declared, not derived from the type's name, so renaming
/// or moving the type keeps its files readable.)
///
/// ```
/// use knhk_runtime::mmap_storage::Record;
///
/// #[derive(Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
/// #[repr(C)]
/// struct Fill {
///     order_id: u64,
///     price_ticks: i64,
///     quantity: u32,
///     venue: u32,
/// }
///
/// impl Record for Fill {
///     const TYPE_ID: u64 = 0x4b4e_484b_0000_0001;
/// }
/// assert_eq!(size_of::<Fill>(), 24);
/// ```
pub trait Record: bytemuck::Pod {
    /// The id stored at header byte offset 16; files with another id are refused.
    const TYPE_ID: u64;
}

/// What went wrong with an [`MmapStorage`] file: each variant names the file, and a
/// header mismatch names the value expected and the value found.
///
/// ```
/// use knhk_runtime::mmap_storage::{MmapStorageReader, Record, StorageError};
///
/// #[derive(Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
/// #[repr(C)]
/// struct Tick(u64);
/// impl Record for Tick {
///     const TYPE_ID: u64 = 7;
/// }
///
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("not-storage.bin");
/// std::fs::write(&path, [0x7f; 100]).unwrap();
/// match MmapStorageReader::<Tick>::open(&path) {
///     Err(e @ StorageError::BadMagic { .. }) => {
///         assert!(e.to_string().contains("not an MmapStorage file"));
///     }
///     other => panic!("{other:?}"),
/// }
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StorageError {
    /// Opening, locking, mapping, growing or syncing the file failed, or the handle is
    /// poisoned by an earlier failed sync ([`FileError::Poisoned`]): the same errors
    /// as the lockchain's.
    #[error(transparent)]
    File(#[from] FileError),
    /// The file is shorter than the 64-byte header but starts with the magic, or is
    /// shorter than the magic (a zero-length file is this too).
    #[error(
        "{}: file of {file_len} bytes ends at byte offset {file_len}, inside the 64-byte header",
        path.display()
    )]
    TruncatedHeader {
        /// The file.
        path: PathBuf,
        /// Its length, which is also the offset where it ends.
        file_len: u64,
    },
    /// The first 8 bytes are not `KNHKSTOR`: the file is not an `MmapStorage` file.
    #[error(
        "{}: not an MmapStorage file: magic at byte offset 0 is {}, expected `KNHKSTOR`",
        path.display(),
        show_magic(found)
    )]
    BadMagic {
        /// The file.
        path: PathBuf,
        /// Its first 8 bytes.
        found: [u8; 8],
    },
    /// The version (byte offset 8) is not 1.
    #[error(
        "{}: version at byte offset 8 is {found}, this build reads version {expected}",
        path.display()
    )]
    BadVersion {
        /// The file.
        path: PathBuf,
        /// The version this build writes and reads.
        expected: u16,
        /// The file's.
        found: u16,
    },
    /// A reserved header byte (offsets 10..12 and 32..64) is not zero.
    #[error(
        "{}: reserved header byte at offset {offset} is {found:#04x}, expected 0",
        path.display()
    )]
    NonZeroReserved {
        /// The file.
        path: PathBuf,
        /// Offset of the first non-zero reserved byte.
        offset: u64,
        /// Its value.
        found: u8,
    },
    /// The file's record size (byte offset 12) is not `size_of::<T>()`.
    #[error(
        "{}: record size at byte offset 12 is {found} bytes, `{record_type}` is {expected} bytes; \
         the file holds another record type",
        path.display()
    )]
    RecordSizeMismatch {
        /// The file.
        path: PathBuf,
        /// The name of `T` (for the message only; it is not what is checked).
        record_type: &'static str,
        /// `size_of::<T>()`.
        expected: u32,
        /// The file's record size.
        found: u32,
    },
    /// The file's record type id (byte offset 16) is not `T::TYPE_ID`.
    #[error(
        "{}: record type id at byte offset 16 is {found:#x}, `{record_type}` declares {expected:#x}; \
         the file holds another record type",
        path.display()
    )]
    TypeIdMismatch {
        /// The file.
        path: PathBuf,
        /// The name of `T` (for the message only; it is not what is checked).
        record_type: &'static str,
        /// `T::TYPE_ID`.
        expected: u64,
        /// The file's id.
        found: u64,
    },
    /// The header's length (byte offset 24) needs more records than the file holds:
    /// the file was truncated by something else, or the length is damaged.
    #[error(
        "{}: length {len} (header byte offset 24) needs {needed} bytes, past the end of the file at {file_len}",
        path.display()
    )]
    LengthPastEnd {
        /// The file.
        path: PathBuf,
        /// The header's length, in records.
        len: u64,
        /// `64 + len × record size` (saturating).
        needed: u64,
        /// The file's length.
        file_len: u64,
    },
}

/// Fixed-size records of one type `T` in a memory-mapped file, written: `push` and
/// `sync` under the file's writer lock (Unix only).
///
/// The file is a 64-byte header (magic `KNHKSTOR`, version, record size, the record
/// type's [`Record::TYPE_ID`], length) followed by the records (FORMAT.md §2, in [the
/// lockchain's format](crate::lockchain::format_spec)).
///
/// - [`create`](MmapStorage::create) / [`open`](MmapStorage::open) take the writer lock
///   (`flock`-style, [`FileError::Locked`] at once if another handle holds it);
///   [`MmapStorageReader::open`] takes none, never writes, and sees the records synced
///   when it opened.
/// - [`push`](MmapStorage::push) writes into the map, growing the file by doubling.
///   Nothing is durable until [`sync`](MmapStorage::sync) returns: records pushed since
///   are not part of the storage after a reopen. The reads, which a writer derefs to
///   ([`len`](MmapStorageReader::len), [`get`](MmapStorageReader::get), ...), see
///   pushed records at once.
/// - Records are the bytes of `T` as in memory, so a file moves between hosts of the
///   same byte order only.
///
/// ```
/// use knhk_runtime::mmap_storage::{MmapStorage, MmapStorageReader, Record};
///
/// #[derive(Clone, Copy, Debug, PartialEq, bytemuck::Pod, bytemuck::Zeroable)]
/// #[repr(C)]
/// struct Quote {
///     bid: u64,
///     ask: u64,
/// }
/// impl Record for Quote {
///     const TYPE_ID: u64 = 0x51;
/// }
///
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("quotes.stor");
/// let mut quotes = MmapStorage::<Quote>::create(&path)?;
/// quotes.push(Quote { bid: 100, ask: 101 })?;
/// quotes.push(Quote { bid: 99, ask: 102 })?;
/// quotes.sync()?; // both records are durable now
/// quotes.push(Quote { bid: 1, ask: 2 })?; // never synced
/// drop(quotes);
///
/// let quotes = MmapStorageReader::<Quote>::open(&path)?;
/// assert_eq!(quotes.len(), 2);
/// let q: &Quote = quotes.get(1).unwrap(); // points into the map
/// assert_eq!(*q, Quote { bid: 99, ask: 102 });
/// assert_eq!(quotes.iter().map(|q| q.ask - q.bid).sum::<u64>(), 4);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct MmapStorage<T: Record> {
    /// The records pushed, synced or not, and every read of them.
    storage: MmapStorageReader<T, MmapMut>,
    /// The length in the header on disk.
    synced: usize,
    /// Records that fit in the map.
    capacity: usize,
    /// Set by a failed `sync`: the handle pushes and syncs no more.
    poison: Poison,
}

/// Fixed-size records of one type `T` in a memory-mapped file, read in place: `get`
/// returns a reference into the map, with no copy and no system call (Unix only).
///
/// [`open`](MmapStorageReader::open) takes no lock, never writes, and sees the records
/// synced when it opened, whatever a writer does meanwhile; a reader has no `push` or
/// `sync`. An [`MmapStorage`] derefs to a `MmapStorageReader<T, MmapMut>` over its own
/// map, so the same methods read a writer's records, the unsynced ones included.
///
/// ```
/// use knhk_runtime::mmap_storage::{MmapStorage, MmapStorageReader, Record};
///
/// #[derive(Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
/// #[repr(C)]
/// struct Sample(u64);
/// impl Record for Sample {
///     const TYPE_ID: u64 = 1;
/// }
///
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("samples.stor");
/// let mut writer = MmapStorage::<Sample>::create(&path)?;
/// writer.push(Sample(1))?;
/// writer.sync()?;
/// writer.push(Sample(2))?; // not synced: not visible to readers
/// let reader = MmapStorageReader::<Sample>::open(&path)?; // beside the writer
/// assert_eq!((reader.len(), writer.len()), (1, 2));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct MmapStorageReader<T: Record, M: Mapping = Mmap> {
    path: PathBuf,
    file: File,
    map: M,
    /// Records pushed, synced or not.
    len: usize,
    _record: PhantomData<T>,
}

impl<T: Record> fmt::Debug for MmapStorage<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MmapStorage")
            .field("path", &self.storage.path)
            .field("record_type", &std::any::type_name::<T>())
            .field("len", &self.storage.len)
            .field("synced", &self.synced)
            .field("capacity", &self.capacity)
            .field("poisoned", &self.poison.failed_at())
            .finish_non_exhaustive()
    }
}

impl<T: Record, M: Mapping> fmt::Debug for MmapStorageReader<T, M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MmapStorageReader")
            .field("path", &self.path)
            .field("record_type", &std::any::type_name::<T>())
            .field("len", &self.len)
            .finish_non_exhaustive()
    }
}

/// A writer reads through its [`MmapStorageReader`]: `get`, `as_slice`, `iter`, `len`
/// see every record pushed, synced or not.
impl<T: Record> Deref for MmapStorage<T> {
    type Target = MmapStorageReader<T, MmapMut>;

    fn deref(&self) -> &MmapStorageReader<T, MmapMut> {
        &self.storage
    }
}

/// `size_of::<T>()`, checked once per `T` at compile time against the format.
const fn record_size<T: Record>() -> usize {
    const {
        assert!(
            size_of::<T>() > 0,
            "MmapStorage cannot store zero-sized records"
        );
        assert!(
            size_of::<T>() <= u32::MAX as usize,
            "MmapStorage records are at most 4 GiB - 1 (the header's record size is a u32)"
        );
        assert!(
            align_of::<T>() <= HEADER_LEN,
            "MmapStorage records need an alignment of at most 64 (records start at byte 64)"
        );
        size_of::<T>()
    }
}

/// Records of `T` that fit in a file of `file_len` bytes.
fn capacity_of<T: Record>(file_len: u64) -> usize {
    // `file_len >= HEADER_LEN` everywhere this is called; the map holding the file
    // fits in a usize, so the quotient does too.
    ((file_len - HEADER_LEN as u64) / record_size::<T>() as u64) as usize
}

/// The header of a storage of `T` holding `len` records.
fn encode_header<T: Record>(len: u64) -> [u8; HEADER_LEN] {
    let mut b = [0u8; HEADER_LEN];
    b[0..8].copy_from_slice(&MAGIC);
    b[8..10].copy_from_slice(&VERSION.to_le_bytes());
    b[12..16].copy_from_slice(&(record_size::<T>() as u32).to_le_bytes());
    b[16..24].copy_from_slice(&T::TYPE_ID.to_le_bytes());
    b[24..32].copy_from_slice(&len.to_le_bytes());
    b
}

/// Reads and checks the header with `pread`, in FORMAT.md §2's order; returns the
/// length in records and the file length.
fn read_header<T: Record>(file: &File, path: &Path) -> Result<(u64, u64), StorageError> {
    let file_len = mapped_file::file_len(file, path)?;
    let mut b = [0u8; HEADER_LEN];
    let available = file_len.min(HEADER_LEN as u64) as usize;
    file.read_exact_at(&mut b[..available], 0)
        .map_err(mapped_file::io_err(path, "read header"))?;
    // The magic first, when there is one: a short foreign file is "not an MmapStorage
    // file" rather than a truncated one.
    if available >= MAGIC.len() && b[0..8] != MAGIC {
        let mut found = [0u8; 8];
        found.copy_from_slice(&b[0..8]);
        return Err(StorageError::BadMagic {
            path: path.to_owned(),
            found,
        });
    }
    if available < HEADER_LEN {
        return Err(StorageError::TruncatedHeader {
            path: path.to_owned(),
            file_len,
        });
    }
    let version = u16_at(&b, 8);
    if version != VERSION {
        return Err(StorageError::BadVersion {
            path: path.to_owned(),
            expected: VERSION,
            found: version,
        });
    }
    let reserved = |range: std::ops::Range<usize>| -> Result<(), StorageError> {
        match b[range.clone()].iter().position(|&x| x != 0) {
            None => Ok(()),
            Some(i) => Err(StorageError::NonZeroReserved {
                path: path.to_owned(),
                offset: (range.start + i) as u64,
                found: b[range.start + i],
            }),
        }
    };
    reserved(10..12)?;
    let size = u32_at(&b, 12);
    let expected_size = record_size::<T>() as u32;
    if size != expected_size {
        return Err(StorageError::RecordSizeMismatch {
            path: path.to_owned(),
            record_type: std::any::type_name::<T>(),
            expected: expected_size,
            found: size,
        });
    }
    let type_id = u64_at(&b, 16);
    if type_id != T::TYPE_ID {
        return Err(StorageError::TypeIdMismatch {
            path: path.to_owned(),
            record_type: std::any::type_name::<T>(),
            expected: T::TYPE_ID,
            found: type_id,
        });
    }
    reserved(32..64)?;
    let len = u64_at(&b, 24);
    let needed = len
        .saturating_mul(u64::from(size))
        .saturating_add(HEADER_LEN as u64);
    if needed > file_len {
        return Err(StorageError::LengthPastEnd {
            path: path.to_owned(),
            len,
            needed,
            file_len,
        });
    }
    Ok((len, file_len))
}

impl<T: Record> MmapStorage<T> {
    /// Creates a new, empty storage; fails if `path` exists.
    ///
    /// Takes the writer lock, writes the header (length 0), extends the file to 64 KiB
    /// (or to 64 + `size_of::<T>()` bytes for a record larger than that) with its blocks
    /// reserved, and syncs the file and its directory. If a step after the creation
    /// fails, the file is removed again.
    ///
    /// ```
    /// use knhk_runtime::mmap_storage::{MmapStorage, Record};
    ///
    /// # #[derive(Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
    /// # #[repr(C)]
    /// # struct Sample(u64);
    /// # impl Record for Sample { const TYPE_ID: u64 = 1; }
    /// # let dir = tempfile::tempdir()?;
    /// # let path = dir.path().join("s.stor");
    /// let storage = MmapStorage::<Sample>::create(&path)?;
    /// assert!(storage.is_empty());
    /// assert!(MmapStorage::<Sample>::create(&path).is_err()); // exists
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn create(path: impl AsRef<Path>) -> Result<MmapStorage<T>, StorageError> {
        let path = path.as_ref();
        let file_len = MIN_FILE_LEN.max((HEADER_LEN + record_size::<T>()) as u64);
        let (file, map) = mapped_file::create_durably(path, &encode_header::<T>(0), file_len)?;
        Ok(MmapStorage {
            storage: MmapStorageReader {
                path: path.to_owned(),
                file,
                map,
                len: 0,
                _record: PhantomData,
            },
            synced: 0,
            capacity: capacity_of::<T>(file_len),
            poison: Poison::default(),
        })
    }

    /// Opens a storage to push to: takes the writer lock (or fails at once with
    /// [`FileError::Locked`]) and checks the header against `T`.
    ///
    /// Records after the header's length (pushed but never synced) are not part of the
    /// storage; the next `push` overwrites them.
    ///
    /// ```
    /// use knhk_runtime::mapped_file::FileError;
    /// use knhk_runtime::mmap_storage::{MmapStorage, Record, StorageError};
    ///
    /// # #[derive(Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
    /// # #[repr(C)]
    /// # struct Sample(u64);
    /// # impl Record for Sample { const TYPE_ID: u64 = 1; }
    /// # let dir = tempfile::tempdir()?;
    /// # let path = dir.path().join("s.stor");
    /// let mut storage = MmapStorage::<Sample>::create(&path)?;
    /// storage.push(Sample(1))?;
    /// storage.sync()?;
    /// storage.push(Sample(2))?;
    /// assert!(matches!(
    ///     MmapStorage::<Sample>::open(&path),
    ///     Err(StorageError::File(FileError::Locked { .. }))
    /// ));
    /// drop(storage); // as if the process died here
    ///
    /// let storage = MmapStorage::<Sample>::open(&path)?;
    /// assert_eq!(storage.len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn open(path: impl AsRef<Path>) -> Result<MmapStorage<T>, StorageError> {
        let path = path.as_ref();
        let file = mapped_file::open_locked(path)?;
        let (len, file_len) = read_header::<T>(&file, path)?;
        let map = mapped_file::map_mut(&file, file_len, path)?;
        // `read_header` checked `64 + len × size <= file_len`, which the map holds.
        let len = len as usize;
        Ok(MmapStorage {
            storage: MmapStorageReader {
                path: path.to_owned(),
                file,
                map,
                len,
                _record: PhantomData,
            },
            synced: len,
            capacity: capacity_of::<T>(file_len),
            poison: Poison::default(),
        })
    }

    /// Appends a record and returns its index; it is durable once [`sync`] returns.
    ///
    /// Grows the file by doubling (and remaps it) when it is full.
    ///
    /// [`sync`]: MmapStorage::sync
    ///
    /// ```
    /// use knhk_runtime::mmap_storage::{MmapStorage, Record};
    ///
    /// # #[derive(Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
    /// # #[repr(C)]
    /// # struct Sample(u64);
    /// # impl Record for Sample { const TYPE_ID: u64 = 1; }
    /// # let dir = tempfile::tempdir()?;
    /// # let path = dir.path().join("s.stor");
    /// let mut storage = MmapStorage::<Sample>::create(&path)?;
    /// for i in 0..10_000 {
    ///     assert_eq!(storage.push(Sample(i))?, i as usize); // grows past 64 KiB
    /// }
    /// assert_eq!(storage.get(9_999).map(|s| s.0), Some(9_999));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn push(&mut self, record: T) -> Result<usize, StorageError> {
        self.poison.check(&self.storage.path)?;
        if self.storage.len == self.capacity {
            self.reserve(1)?;
        }
        let s = &mut self.storage;
        let at = HEADER_LEN + s.len * record_size::<T>();
        s.map[at..at + record_size::<T>()].copy_from_slice(bytemuck::bytes_of(&record));
        let index = s.len;
        s.len += 1;
        Ok(index)
    }

    /// Makes room for at least `additional` more records without remapping, doubling
    /// the file until they fit (to at least 64 KiB).
    ///
    /// ```
    /// use knhk_runtime::mmap_storage::{MmapStorage, Record};
    ///
    /// # #[derive(Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
    /// # #[repr(C)]
    /// # struct Sample(u64);
    /// # impl Record for Sample { const TYPE_ID: u64 = 1; }
    /// # let dir = tempfile::tempdir()?;
    /// # let path = dir.path().join("s.stor");
    /// let mut storage = MmapStorage::<Sample>::create(&path)?;
    /// storage.reserve(100_000)?;
    /// assert!(storage.capacity() >= 100_000);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn reserve(&mut self, additional: usize) -> Result<(), StorageError> {
        let s = &mut self.storage;
        self.poison.check(&s.path)?;
        let wanted = s.len.saturating_add(additional);
        if wanted <= self.capacity {
            return Ok(());
        }
        let needed = (wanted as u64)
            .checked_mul(record_size::<T>() as u64)
            .and_then(|n| n.checked_add(HEADER_LEN as u64))
            .ok_or_else(|| mapped_file::too_large(&s.path, format_args!("{wanted} records")))?;
        let current = s.map.len() as u64;
        let (map, new_len) = mapped_file::grow(&s.file, current, needed, MIN_FILE_LEN, &s.path)?;
        s.map = map;
        self.capacity = capacity_of::<T>(new_len);
        Ok(())
    }

    /// Makes every pushed record durable: `msync` of the records pushed since the last
    /// sync, one `pwrite` of the header with the new length, `fdatasync`.
    ///
    /// If any of the three steps fails, the handle is *poisoned*: every later `push`,
    /// `reserve` and `sync` returns [`FileError::Poisoned`], since a failed writeback
    /// may have made the kernel drop the dirty pages and a second `sync` could then
    /// succeed without the data on disk. Drop the handle and [`open`](MmapStorage::open)
    /// the file again: it holds the records of the last successful sync.
    ///
    /// ```
    /// use knhk_runtime::mmap_storage::{MmapStorage, Record};
    ///
    /// # #[derive(Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
    /// # #[repr(C)]
    /// # struct Sample(u64);
    /// # impl Record for Sample { const TYPE_ID: u64 = 1; }
    /// # let dir = tempfile::tempdir()?;
    /// # let path = dir.path().join("s.stor");
    /// let mut storage = MmapStorage::<Sample>::create(&path)?;
    /// storage.push(Sample(1))?;
    /// assert_eq!(storage.synced_len(), 0);
    /// storage.sync()?;
    /// assert_eq!(storage.synced_len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn sync(&mut self) -> Result<(), StorageError> {
        let s = &self.storage;
        self.poison.check(&s.path)?;
        if s.len == self.synced {
            return Ok(());
        }
        let start = HEADER_LEN + self.synced * record_size::<T>();
        let len = (s.len - self.synced) * record_size::<T>();
        let header = encode_header::<T>(s.len as u64);
        self.poison
            .commit(&s.file, &s.map, start, len, &header, &s.path)?;
        self.synced = s.len;
        Ok(())
    }

    /// Records the header on disk holds: those a reopen would see.
    ///
    /// ```
    /// use knhk_runtime::mmap_storage::{MmapStorage, Record};
    ///
    /// # #[derive(Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
    /// # #[repr(C)]
    /// # struct Sample(u64);
    /// # impl Record for Sample { const TYPE_ID: u64 = 1; }
    /// # let dir = tempfile::tempdir()?;
    /// # let path = dir.path().join("s.stor");
    /// let mut storage = MmapStorage::<Sample>::create(&path)?;
    /// storage.push(Sample(1))?;
    /// storage.sync()?;
    /// storage.push(Sample(2))?;
    /// assert_eq!(storage.synced_len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn synced_len(&self) -> usize {
        self.synced
    }

    /// Records that fit in the map before the next remap.
    ///
    /// ```
    /// use knhk_runtime::mmap_storage::{MmapStorage, Record};
    ///
    /// # #[derive(Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
    /// # #[repr(C)]
    /// # struct Sample(u64);
    /// # impl Record for Sample { const TYPE_ID: u64 = 1; }
    /// # let dir = tempfile::tempdir()?;
    /// # let path = dir.path().join("s.stor");
    /// let storage = MmapStorage::<Sample>::create(&path)?;
    /// assert_eq!(storage.capacity(), (64 * 1024 - 64) / 8);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn capacity(&self) -> usize {
        self.capacity
    }
}

impl<T: Record> MmapStorageReader<T> {
    /// Opens a storage to read: takes no lock, never writes, and sees the records synced
    /// when it opens, whatever a writer does meanwhile.
    ///
    /// ```
    /// use knhk_runtime::mmap_storage::{MmapStorage, MmapStorageReader, Record};
    ///
    /// # #[derive(Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
    /// # #[repr(C)]
    /// # struct Sample(u64);
    /// # impl Record for Sample { const TYPE_ID: u64 = 1; }
    /// # let dir = tempfile::tempdir()?;
    /// # let path = dir.path().join("s.stor");
    /// let mut writer = MmapStorage::<Sample>::create(&path)?;
    /// writer.push(Sample(1))?;
    /// writer.sync()?;
    /// writer.push(Sample(2))?; // not synced: not visible to readers
    /// let reader = MmapStorageReader::<Sample>::open(&path)?;
    /// assert_eq!(reader.len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn open(path: impl AsRef<Path>) -> Result<MmapStorageReader<T>, StorageError> {
        MmapStorageReader::open_with(path.as_ref(), false)
    }

    /// [`open`](MmapStorageReader::open), and reads every record into the page cache
    /// and maps it before returning (`MAP_POPULATE` on Linux, a plain map elsewhere),
    /// so the first `get` of a record takes no page fault.
    ///
    /// ```
    /// use knhk_runtime::mmap_storage::{MmapStorage, MmapStorageReader, Record};
    ///
    /// # #[derive(Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
    /// # #[repr(C)]
    /// # struct Sample(u64);
    /// # impl Record for Sample { const TYPE_ID: u64 = 1; }
    /// # let dir = tempfile::tempdir()?;
    /// # let path = dir.path().join("s.stor");
    /// let mut writer = MmapStorage::<Sample>::create(&path)?;
    /// writer.push(Sample(5))?;
    /// writer.sync()?;
    /// let reader = MmapStorageReader::<Sample>::open_populated(&path)?;
    /// assert_eq!(reader.get(0).map(|s| s.0), Some(5));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn open_populated(path: impl AsRef<Path>) -> Result<MmapStorageReader<T>, StorageError> {
        MmapStorageReader::open_with(path.as_ref(), true)
    }

    fn open_with(path: &Path, populate: bool) -> Result<MmapStorageReader<T>, StorageError> {
        let file = mapped_file::open_shared(path)?;
        let (len, _) = read_header::<T>(&file, path)?;
        // `read_header` checked that these bytes lie inside the file; a writer changes
        // inside them only the header, which this handle read with `pread`.
        let map_len = HEADER_LEN as u64 + len * record_size::<T>() as u64;
        let map = mapped_file::map_shared(&file, map_len, populate, path)?;
        Ok(MmapStorageReader {
            path: path.to_owned(),
            file,
            map,
            len: len as usize,
            _record: PhantomData,
        })
    }
}

impl<T: Record, M: Mapping> MmapStorageReader<T, M> {
    /// The record at `index`, as a reference into the map; `None` past the end.
    ///
    /// ```
    /// use knhk_runtime::mmap_storage::{MmapStorage, Record};
    ///
    /// # #[derive(Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
    /// # #[repr(C)]
    /// # struct Sample(u64);
    /// # impl Record for Sample { const TYPE_ID: u64 = 1; }
    /// # let dir = tempfile::tempdir()?;
    /// # let path = dir.path().join("s.stor");
    /// let mut storage = MmapStorage::<Sample>::create(&path)?;
    /// storage.push(Sample(42))?;
    /// assert_eq!(storage.get(0).map(|s| s.0), Some(42));
    /// assert!(storage.get(1).is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[inline]
    pub fn get(&self, index: usize) -> Option<&T> {
        if index >= self.len {
            return None;
        }
        let at = HEADER_LEN + index * record_size::<T>();
        // Aligned: the map starts on a page and `64 + index × size` is a multiple of
        // `align_of::<T>() ≤ 64` (`record_size`), so `from_bytes` cannot panic.
        Some(bytemuck::from_bytes(&self.map[at..at + record_size::<T>()]))
    }

    /// Every record, as one slice into the map.
    ///
    /// ```
    /// use knhk_runtime::mmap_storage::{MmapStorage, Record};
    ///
    /// # #[derive(Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
    /// # #[repr(C)]
    /// # struct Sample(u64);
    /// # impl Record for Sample { const TYPE_ID: u64 = 1; }
    /// # let dir = tempfile::tempdir()?;
    /// # let path = dir.path().join("s.stor");
    /// let mut storage = MmapStorage::<Sample>::create(&path)?;
    /// storage.push(Sample(1))?;
    /// storage.push(Sample(2))?;
    /// assert_eq!(storage.as_slice().iter().map(|s| s.0).collect::<Vec<_>>(), [1, 2]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn as_slice(&self) -> &[T] {
        let end = HEADER_LEN + self.len * record_size::<T>();
        bytemuck::cast_slice(&self.map[HEADER_LEN..end])
    }

    /// Iterates over the records in order, by reference into the map.
    ///
    /// ```
    /// use knhk_runtime::mmap_storage::{MmapStorage, Record};
    ///
    /// # #[derive(Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
    /// # #[repr(C)]
    /// # struct Sample(u64);
    /// # impl Record for Sample { const TYPE_ID: u64 = 1; }
    /// # let dir = tempfile::tempdir()?;
    /// # let path = dir.path().join("s.stor");
    /// let mut storage = MmapStorage::<Sample>::create(&path)?;
    /// for i in 1..=4 {
    ///     storage.push(Sample(i))?;
    /// }
    /// assert_eq!(storage.iter().map(|s| s.0).sum::<u64>(), 10);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.as_slice().iter()
    }

    /// Records in the storage: pushed, synced or not, for a writer's; synced when it
    /// opened, for a reader.
    ///
    /// ```
    /// use knhk_runtime::mmap_storage::{MmapStorage, Record};
    ///
    /// # #[derive(Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
    /// # #[repr(C)]
    /// # struct Sample(u64);
    /// # impl Record for Sample { const TYPE_ID: u64 = 1; }
    /// # let dir = tempfile::tempdir()?;
    /// # let path = dir.path().join("s.stor");
    /// let mut storage = MmapStorage::<Sample>::create(&path)?;
    /// storage.push(Sample(1))?;
    /// assert_eq!((storage.len(), storage.synced_len()), (1, 0));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[inline]
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the storage holds no record.
    ///
    /// ```
    /// use knhk_runtime::mmap_storage::{MmapStorage, Record};
    ///
    /// # #[derive(Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
    /// # #[repr(C)]
    /// # struct Sample(u64);
    /// # impl Record for Sample { const TYPE_ID: u64 = 1; }
    /// # let dir = tempfile::tempdir()?;
    /// # let path = dir.path().join("s.stor");
    /// let storage = MmapStorage::<Sample>::create(&path)?;
    /// assert!(storage.is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The file's path, as given when it was opened.
    ///
    /// ```
    /// use knhk_runtime::mmap_storage::{MmapStorage, Record};
    ///
    /// # #[derive(Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
    /// # #[repr(C)]
    /// # struct Sample(u64);
    /// # impl Record for Sample { const TYPE_ID: u64 = 1; }
    /// # let dir = tempfile::tempdir()?;
    /// # let path = dir.path().join("s.stor");
    /// let storage = MmapStorage::<Sample>::create(&path)?;
    /// assert_eq!(storage.path(), path);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl<'a, T: Record, M: Mapping> IntoIterator for &'a MmapStorageReader<T, M> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> std::slice::Iter<'a, T> {
        self.iter()
    }
}

impl<'a, T: Record> IntoIterator for &'a MmapStorage<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> std::slice::Iter<'a, T> {
        self.storage.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mapped_file::{FAIL_COMMIT_AT, FileError};

    #[derive(Clone, Copy, Debug, PartialEq, bytemuck::Pod, bytemuck::Zeroable)]
    #[repr(C, align(64))]
    struct Wide {
        words: [u64; 8],
    }
    impl Record for Wide {
        const TYPE_ID: u64 = 0x5749_4445;
    }

    #[derive(Clone, Copy, Debug, PartialEq, bytemuck::Pod, bytemuck::Zeroable)]
    #[repr(C)]
    struct Odd {
        bytes: [u8; 3],
    }
    impl Record for Odd {
        const TYPE_ID: u64 = 3;
    }

    #[test]
    fn header_bytes_follow_the_format() {
        let b = encode_header::<Wide>(0x0102);
        assert_eq!(&b[0..8], b"KNHKSTOR");
        assert_eq!(&b[8..10], &[1, 0]);
        assert_eq!(&b[10..12], &[0, 0]);
        assert_eq!(&b[12..16], &64u32.to_le_bytes());
        assert_eq!(&b[16..24], &0x5749_4445u64.to_le_bytes());
        assert_eq!(&b[24..32], &0x0102u64.to_le_bytes());
        assert!(b[32..].iter().all(|&x| x == 0));
    }

    #[test]
    fn records_of_64_byte_alignment_and_of_3_bytes_stay_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("wide.stor");
        let mut s = MmapStorage::<Wide>::create(&path).unwrap();
        for i in 0..3000u64 {
            s.push(Wide { words: [i; 8] }).unwrap();
        }
        for i in [0usize, 1, 1023, 2999] {
            let r = s.get(i).unwrap();
            assert_eq!(r.words, [i as u64; 8]);
            assert_eq!(std::ptr::from_ref(r) as usize % 64, 0);
        }
        assert!(s.get(3000).is_none());
        let path = dir.path().join("odd.stor");
        let mut s = MmapStorage::<Odd>::create(&path).unwrap();
        for i in 0..50_000u32 {
            s.push(Odd {
                bytes: [i as u8, (i >> 8) as u8, (i >> 16) as u8],
            })
            .unwrap();
        }
        s.sync().unwrap();
        drop(s);
        let s = MmapStorageReader::<Odd>::open(&path).unwrap();
        assert_eq!(s.len(), 50_000);
        assert_eq!(s.get(49_999).unwrap().bytes, [0x4f, 0xc3, 0x00]);
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(&bytes[64 + 3 * 258..64 + 3 * 259], &[2, 1, 0]);
    }

    #[test]
    fn a_reader_opens_beside_the_writer_and_sees_what_was_synced() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("shared.stor");
        let mut w = MmapStorage::<Wide>::create(&path).unwrap();
        w.push(Wide { words: [1; 8] }).unwrap();
        w.sync().unwrap();
        w.push(Wide { words: [2; 8] }).unwrap();
        // The writer holds the lock: a second writer is refused, a reader is not.
        assert!(matches!(
            MmapStorage::<Wide>::open(&path),
            Err(StorageError::File(FileError::Locked { .. }))
        ));
        let r = MmapStorageReader::<Wide>::open(&path).unwrap();
        assert_eq!(
            (w.len(), r.len()),
            (2, 1),
            "the reader sees the synced record only"
        );
        assert_eq!(r.get(0).unwrap().words, [1; 8]);
        assert!(r.get(1).is_none());
    }

    #[test]
    fn reserve_grows_by_doubling() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("grow.stor");
        let mut s = MmapStorage::<Wide>::create(&path).unwrap();
        assert_eq!(s.capacity(), (65536 - 64) / 64);
        s.reserve(1023).unwrap();
        assert_eq!(s.capacity(), 1023, "fits: no growth");
        s.reserve(1024).unwrap();
        assert_eq!(s.capacity(), (2 * 65536 - 64) / 64);
        s.reserve(10_000).unwrap();
        assert_eq!(std::fs::metadata(&path).unwrap().len(), 1 << 20);
    }

    #[test]
    fn a_failed_sync_poisons_the_handle_and_reopening_recovers() {
        for op in ["msync", "write header", "fdatasync"] {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("p.stor");
            let mut s = MmapStorage::<Wide>::create(&path).unwrap();
            s.push(Wide { words: [1; 8] }).unwrap();
            s.sync().unwrap();
            s.push(Wide { words: [2; 8] }).unwrap();
            FAIL_COMMIT_AT.with(|f| f.set(Some(op)));
            match s.sync() {
                Err(StorageError::File(FileError::Io { op: failed, .. })) => assert_eq!(failed, op),
                other => panic!("{op}: {other:?}"),
            }
            // The retry that could report success for dropped pages is refused.
            match s.sync() {
                Err(e @ StorageError::File(FileError::Poisoned { .. })) => {
                    assert!(e.to_string().contains(&format!("failed at {op}")), "{e}");
                    assert!(e.to_string().contains("reopen"), "{e}");
                }
                other => panic!("{op}: {other:?}"),
            }
            assert!(matches!(
                s.push(Wide { words: [3; 8] }),
                Err(StorageError::File(FileError::Poisoned { .. }))
            ));
            assert!(matches!(
                s.reserve(1),
                Err(StorageError::File(FileError::Poisoned { .. }))
            ));
            assert_eq!((s.len(), s.synced_len()), (2, 1));
            drop(s);
            // Before the header write the failed sync left the old header; after it
            // (fdatasync failed) the new one is in the page cache. Either is whole.
            let s = MmapStorage::<Wide>::open(&path).unwrap();
            let expected = if op == "fdatasync" { 2 } else { 1 };
            assert_eq!(s.len(), expected, "{op}");
            assert_eq!(s.get(0).unwrap().words, [1; 8]);
        }
    }
}
