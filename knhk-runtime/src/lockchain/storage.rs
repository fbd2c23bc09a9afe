//! [`MmapStorage`]: fixed-size records of one `bytemuck::Pod` type in a memory-mapped
//! file, read in place (FORMAT.md §2).

use super::error::show_magic;
use super::file::{self, FileError, Map};
use super::format::{u16_at, u32_at, u64_at};
use memmap2::MmapOptions;
use std::fmt;
use std::fs::{File, OpenOptions};
use std::io;
use std::marker::PhantomData;
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
/// use knhk_runtime::lockchain::Record;
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
/// use knhk_runtime::lockchain::{MmapStorage, Record, StorageError};
///
/// #[derive(Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
/// #[repr(C)]
/// struct Tick(u64);
/// impl Record for Tick {
///     const TYPE_ID: u64 = 7;
/// }
///
/// let dir = std::env::temp_dir().join(format!("knhk-doc-storage-err-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// let path = dir.join("not-storage.bin");
/// std::fs::write(&path, [0x7f; 100]).unwrap();
/// match MmapStorage::<Tick>::open_read_only(&path) {
///     Err(e @ StorageError::BadMagic { .. }) => {
///         assert!(e.to_string().contains("not an MmapStorage file"));
///     }
///     other => panic!("{other:?}"),
/// }
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StorageError {
    /// An I/O call failed.
    #[error("{}: {op}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What was being done (`"open"`, `"mmap"`, `"fdatasync"`, ...).
        op: &'static str,
        /// The operating system's error.
        #[source]
        source: io::Error,
    },
    /// Another handle holds the writer lock on the file.
    #[error(
        "{}: locked by another writer; open it with `MmapStorage::open_read_only` to read while it writes",
        path.display()
    )]
    Locked {
        /// The file.
        path: PathBuf,
    },
    /// `push`, `reserve` or `sync` after a `sync` of this handle failed: the kernel may
    /// have dropped the unsynced pages when their writeback failed, so a retried `sync`
    /// could report success for data that is gone. Drop the handle and reopen the file:
    /// [`MmapStorage::open`] recovers the records of the last successful sync.
    #[error(
        "{}: a previous sync failed at {op}; this handle pushes and syncs no more: reopen the \
         file, which recovers the last synced state",
        path.display()
    )]
    Poisoned {
        /// The file.
        path: PathBuf,
        /// The step of the failed sync (`"msync"`, `"write header"` or `"fdatasync"`).
        op: &'static str,
    },
    /// `push`, `reserve` or `sync` on a storage opened with `open_read_only`.
    #[error(
        "{}: opened read-only; open it with `MmapStorage::open` to push records",
        path.display()
    )]
    ReadOnly {
        /// The file.
        path: PathBuf,
    },
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

impl From<FileError> for StorageError {
    fn from(e: FileError) -> StorageError {
        match e {
            FileError::Io { path, op, source } => StorageError::Io { path, op, source },
            FileError::Locked { path } => StorageError::Locked { path },
        }
    }
}

/// Fixed-size records of one type `T` in a memory-mapped file: `get` returns a
/// reference into the map, with no copy and no system call (Unix only).
///
/// The file is a 64-byte header (magic `KNHKSTOR`, version, record size, the record
/// type's [`Record::TYPE_ID`], length) followed by the records (FORMAT.md §2, in [the
/// module docs](super)).
///
/// - [`create`](MmapStorage::create) / [`open`](MmapStorage::open) take the writer lock
///   (`flock`-style, [`StorageError::Locked`] at once if another handle holds it);
///   [`open_read_only`](MmapStorage::open_read_only) takes none, never writes, and sees
///   the records synced when it opened.
/// - [`push`](MmapStorage::push) writes into the map, growing the file by doubling.
///   Nothing is durable until [`sync`](MmapStorage::sync) returns: records pushed since
///   are not part of the storage after a reopen. [`len`](MmapStorage::len) and
///   [`get`](MmapStorage::get) see pushed records at once.
/// - Records are the bytes of `T` as in memory, so a file moves between hosts of the
///   same byte order only.
///
/// ```
/// use knhk_runtime::lockchain::{MmapStorage, Record};
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
/// # let dir = std::env::temp_dir().join(format!("knhk-doc-storage-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir).unwrap();
/// let path = dir.join("quotes.stor");
/// # let _ = std::fs::remove_file(&path);
/// let mut quotes = MmapStorage::<Quote>::create(&path)?;
/// quotes.push(Quote { bid: 100, ask: 101 })?;
/// quotes.push(Quote { bid: 99, ask: 102 })?;
/// quotes.sync()?; // both records are durable now
/// quotes.push(Quote { bid: 1, ask: 2 })?; // never synced
/// drop(quotes);
///
/// let quotes = MmapStorage::<Quote>::open_read_only(&path)?;
/// assert_eq!(quotes.len(), 2);
/// let q: &Quote = quotes.get(1).unwrap(); // points into the map
/// assert_eq!(*q, Quote { bid: 99, ask: 102 });
/// assert_eq!(quotes.iter().map(|q| q.ask - q.bid).sum::<u64>(), 4);
/// # std::fs::remove_dir_all(&dir).unwrap();
/// # Ok::<(), knhk_runtime::lockchain::StorageError>(())
/// ```
pub struct MmapStorage<T: Record> {
    path: PathBuf,
    file: File,
    map: Map,
    /// Records pushed, synced or not.
    len: usize,
    /// The length in the header on disk.
    synced: usize,
    /// Records that fit in the map.
    capacity: usize,
    /// The step of a failed `sync`: set, the handle pushes and syncs no more.
    poisoned: Option<&'static str>,
    _record: PhantomData<T>,
}

impl<T: Record> fmt::Debug for MmapStorage<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MmapStorage")
            .field("path", &self.path)
            .field("record_type", &std::any::type_name::<T>())
            .field("read_only", &self.is_read_only())
            .field("len", &self.len)
            .field("synced", &self.synced)
            .field("capacity", &self.capacity)
            .field("poisoned", &self.poisoned)
            .finish_non_exhaustive()
    }
}

/// The header of a storage of `T` holding `len` records.
fn encode_header<T: Record>(len: u64) -> [u8; HEADER_LEN] {
    let mut b = [0u8; HEADER_LEN];
    b[0..8].copy_from_slice(&MAGIC);
    b[8..10].copy_from_slice(&VERSION.to_le_bytes());
    b[12..16].copy_from_slice(&(MmapStorage::<T>::RECORD_SIZE as u32).to_le_bytes());
    b[16..24].copy_from_slice(&T::TYPE_ID.to_le_bytes());
    b[24..32].copy_from_slice(&len.to_le_bytes());
    b
}

/// Reads and checks the header with `pread`, in FORMAT.md §2's order; returns the
/// length in records and the file length.
fn read_header<T: Record>(file: &File, path: &Path) -> Result<(u64, u64), StorageError> {
    let file_len = file::file_len(file, path)?;
    let mut b = [0u8; HEADER_LEN];
    let available = file_len.min(HEADER_LEN as u64) as usize;
    file.read_exact_at(&mut b[..available], 0)
        .map_err(file::io_err(path, "read header"))?;
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
    let expected_size = MmapStorage::<T>::RECORD_SIZE as u32;
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
    /// `size_of::<T>()`, checked once per `T` at compile time against the format.
    const RECORD_SIZE: usize = {
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
    };

    fn capacity_of(file_len: u64) -> usize {
        // `file_len >= HEADER_LEN` everywhere this is called; the map holding the file
        // fits in a usize, so the quotient does too.
        ((file_len - HEADER_LEN as u64) / Self::RECORD_SIZE as u64) as usize
    }

    /// Creates a new, empty storage; fails if `path` exists.
    ///
    /// Takes the writer lock, writes the header (length 0), extends the file to 64 KiB
    /// (or to 64 + `size_of::<T>()` bytes for a record larger than that) with its blocks
    /// reserved, and syncs the file and its directory. If a step after the creation
    /// fails, the file is removed again.
    ///
    /// ```
    /// use knhk_runtime::lockchain::{MmapStorage, Record};
    ///
    /// # #[derive(Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
    /// # #[repr(C)]
    /// # struct Sample(u64);
    /// # impl Record for Sample { const TYPE_ID: u64 = 1; }
    /// # let dir = std::env::temp_dir().join(format!("knhk-doc-storage-create-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir).unwrap();
    /// # let path = dir.join("c.stor");
    /// # let _ = std::fs::remove_file(&path);
    /// let storage = MmapStorage::<Sample>::create(&path)?;
    /// assert!(storage.is_empty());
    /// assert!(MmapStorage::<Sample>::create(&path).is_err()); // exists
    /// # drop(storage);
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// # Ok::<(), knhk_runtime::lockchain::StorageError>(())
    /// ```
    pub fn create(path: impl AsRef<Path>) -> Result<MmapStorage<T>, StorageError> {
        let path = path.as_ref();
        let file_len = MIN_FILE_LEN.max((HEADER_LEN + Self::RECORD_SIZE) as u64);
        let (file, map) = file::create_durably(path, &encode_header::<T>(0), file_len)?;
        Ok(MmapStorage {
            path: path.to_owned(),
            file,
            map: Map::ReadWrite(map),
            len: 0,
            synced: 0,
            capacity: Self::capacity_of(file_len),
            poisoned: None,
            _record: PhantomData,
        })
    }

    /// Opens a storage to push to: takes the writer lock (or fails at once with
    /// [`StorageError::Locked`]) and checks the header against `T`.
    ///
    /// Records after the header's length (pushed but never synced) are not part of the
    /// storage; the next `push` overwrites them.
    ///
    /// ```
    /// use knhk_runtime::lockchain::{MmapStorage, Record, StorageError};
    ///
    /// # #[derive(Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
    /// # #[repr(C)]
    /// # struct Sample(u64);
    /// # impl Record for Sample { const TYPE_ID: u64 = 1; }
    /// # let dir = std::env::temp_dir().join(format!("knhk-doc-storage-open-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir).unwrap();
    /// # let path = dir.join("o.stor");
    /// # let _ = std::fs::remove_file(&path);
    /// let mut storage = MmapStorage::<Sample>::create(&path)?;
    /// storage.push(Sample(1))?;
    /// storage.sync()?;
    /// storage.push(Sample(2))?;
    /// assert!(matches!(MmapStorage::<Sample>::open(&path), Err(StorageError::Locked { .. })));
    /// drop(storage); // as if the process died here
    ///
    /// let storage = MmapStorage::<Sample>::open(&path)?;
    /// assert_eq!(storage.len(), 1);
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// # Ok::<(), knhk_runtime::lockchain::StorageError>(())
    /// ```
    pub fn open(path: impl AsRef<Path>) -> Result<MmapStorage<T>, StorageError> {
        let path = path.as_ref();
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .open(path)
            .map_err(file::io_err(path, "open"))?;
        file::lock(&file, path)?;
        let (len, file_len) = read_header::<T>(&file, path)?;
        let map = file::map_mut(&file, file_len, path)?;
        // `read_header` checked `64 + len × size <= file_len`, which the map holds.
        let len = len as usize;
        Ok(MmapStorage {
            path: path.to_owned(),
            file,
            map: Map::ReadWrite(map),
            len,
            synced: len,
            capacity: Self::capacity_of(file_len),
            poisoned: None,
            _record: PhantomData,
        })
    }

    /// Opens a storage to read: takes no lock, never writes, and sees the records synced
    /// when it opens, whatever a writer does meanwhile.
    ///
    /// ```
    /// use knhk_runtime::lockchain::{MmapStorage, Record, StorageError};
    ///
    /// # #[derive(Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
    /// # #[repr(C)]
    /// # struct Sample(u64);
    /// # impl Record for Sample { const TYPE_ID: u64 = 1; }
    /// # let dir = std::env::temp_dir().join(format!("knhk-doc-storage-ro-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir).unwrap();
    /// # let path = dir.join("ro.stor");
    /// # let _ = std::fs::remove_file(&path);
    /// let mut writer = MmapStorage::<Sample>::create(&path)?;
    /// writer.push(Sample(1))?;
    /// writer.sync()?;
    /// writer.push(Sample(2))?; // not synced: not visible to readers
    /// let mut reader = MmapStorage::<Sample>::open_read_only(&path)?;
    /// assert_eq!(reader.len(), 1);
    /// assert!(matches!(reader.push(Sample(3)), Err(StorageError::ReadOnly { .. })));
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// # Ok::<(), knhk_runtime::lockchain::StorageError>(())
    /// ```
    pub fn open_read_only(path: impl AsRef<Path>) -> Result<MmapStorage<T>, StorageError> {
        MmapStorage::open_read_only_with(path.as_ref(), false)
    }

    /// [`open_read_only`](MmapStorage::open_read_only), and reads every record into
    /// the page cache and maps it before returning (`MAP_POPULATE` on Linux, a plain
    /// map elsewhere), so the first `get` of a record takes no page fault.
    ///
    /// ```
    /// use knhk_runtime::lockchain::{MmapStorage, Record};
    ///
    /// # #[derive(Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
    /// # #[repr(C)]
    /// # struct Sample(u64);
    /// # impl Record for Sample { const TYPE_ID: u64 = 1; }
    /// # let dir = std::env::temp_dir().join(format!("knhk-doc-storage-pop-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir).unwrap();
    /// # let path = dir.join("p.stor");
    /// # let _ = std::fs::remove_file(&path);
    /// let mut writer = MmapStorage::<Sample>::create(&path)?;
    /// writer.push(Sample(5))?;
    /// writer.sync()?;
    /// let reader = MmapStorage::<Sample>::open_read_only_populated(&path)?;
    /// assert_eq!(reader.get(0).map(|s| s.0), Some(5));
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// # Ok::<(), knhk_runtime::lockchain::StorageError>(())
    /// ```
    pub fn open_read_only_populated(
        path: impl AsRef<Path>,
    ) -> Result<MmapStorage<T>, StorageError> {
        MmapStorage::open_read_only_with(path.as_ref(), true)
    }

    fn open_read_only_with(path: &Path, populate: bool) -> Result<MmapStorage<T>, StorageError> {
        let file = File::open(path).map_err(file::io_err(path, "open"))?;
        let (len, _) = read_header::<T>(&file, path)?;
        // `read_header` checked that these bytes lie inside the file.
        let map_len = HEADER_LEN as u64 + len * Self::RECORD_SIZE as u64;
        let map_len = file::to_usize(map_len, path)?;
        let mut options = MmapOptions::new();
        options.len(map_len);
        if populate {
            options.populate();
        }
        // SAFETY: the map is read-only and covers the header and the synced records,
        // `[0, 64 + len × size)`, which lie inside the file (checked just above). A
        // writer never modifies a record below its synced length and knhk never
        // shortens a file; a writer's sync rewrites the header, `[0, 64)`, which this
        // handle never reads through the map (it read the header with `pread`). Another program truncating or rewriting the file breaks that
        // contract, as for any mapped file.
        let map = unsafe { options.map(&file) }.map_err(file::io_err(path, "mmap"))?;
        let len = len as usize;
        Ok(MmapStorage {
            path: path.to_owned(),
            file,
            map: Map::ReadOnly(map),
            len,
            synced: len,
            capacity: len,
            poisoned: None,
            _record: PhantomData,
        })
    }

    /// Appends a record and returns its index; it is durable once [`sync`] returns.
    ///
    /// Grows the file by doubling (and remaps it) when it is full;
    /// [`StorageError::ReadOnly`] on a read-only storage.
    ///
    /// [`sync`]: MmapStorage::sync
    ///
    /// ```
    /// use knhk_runtime::lockchain::{MmapStorage, Record};
    ///
    /// # #[derive(Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
    /// # #[repr(C)]
    /// # struct Sample(u64);
    /// # impl Record for Sample { const TYPE_ID: u64 = 1; }
    /// # let dir = std::env::temp_dir().join(format!("knhk-doc-storage-push-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir).unwrap();
    /// # let path = dir.join("push.stor");
    /// # let _ = std::fs::remove_file(&path);
    /// let mut storage = MmapStorage::<Sample>::create(&path)?;
    /// for i in 0..10_000 {
    ///     assert_eq!(storage.push(Sample(i))?, i as usize); // grows past 64 KiB
    /// }
    /// assert_eq!(storage.get(9_999).map(|s| s.0), Some(9_999));
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// # Ok::<(), knhk_runtime::lockchain::StorageError>(())
    /// ```
    pub fn push(&mut self, record: T) -> Result<usize, StorageError> {
        self.check_writable()?;
        if self.len == self.capacity {
            self.reserve(1)?;
        }
        let Map::ReadWrite(map) = &mut self.map else {
            unreachable!("check_writable rejects read-only storages");
        };
        let at = HEADER_LEN + self.len * Self::RECORD_SIZE;
        map[at..at + Self::RECORD_SIZE].copy_from_slice(bytemuck::bytes_of(&record));
        let index = self.len;
        self.len += 1;
        Ok(index)
    }

    /// Makes room for at least `additional` more records without remapping, doubling
    /// the file until they fit (to at least 64 KiB).
    ///
    /// ```
    /// use knhk_runtime::lockchain::{MmapStorage, Record};
    ///
    /// # #[derive(Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
    /// # #[repr(C)]
    /// # struct Sample(u64);
    /// # impl Record for Sample { const TYPE_ID: u64 = 1; }
    /// # let dir = std::env::temp_dir().join(format!("knhk-doc-storage-reserve-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir).unwrap();
    /// # let path = dir.join("r.stor");
    /// # let _ = std::fs::remove_file(&path);
    /// let mut storage = MmapStorage::<Sample>::create(&path)?;
    /// storage.reserve(100_000)?;
    /// assert!(storage.capacity() >= 100_000);
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// # Ok::<(), knhk_runtime::lockchain::StorageError>(())
    /// ```
    pub fn reserve(&mut self, additional: usize) -> Result<(), StorageError> {
        self.check_writable()?;
        let wanted = self.len.saturating_add(additional);
        if wanted <= self.capacity {
            return Ok(());
        }
        let needed = (wanted as u64)
            .checked_mul(Self::RECORD_SIZE as u64)
            .and_then(|n| n.checked_add(HEADER_LEN as u64))
            .ok_or_else(|| file::too_large(&self.path, format_args!("{wanted} records")))?;
        let current = self.map.bytes().len() as u64;
        let (map, new_len) = file::grow(&self.file, current, needed, MIN_FILE_LEN, &self.path)?;
        self.map = Map::ReadWrite(map);
        self.capacity = Self::capacity_of(new_len);
        Ok(())
    }

    /// Makes every pushed record durable: `msync` of the records pushed since the last
    /// sync, one `pwrite` of the header with the new length, `fdatasync`.
    /// [`StorageError::ReadOnly`] on a read-only storage.
    ///
    /// If any of the three steps fails, the handle is *poisoned*: every later `push`,
    /// `reserve` and `sync` returns [`StorageError::Poisoned`], since a failed writeback
    /// may have made the kernel drop the dirty pages and a second `sync` could then
    /// succeed without the data on disk. Drop the handle and [`open`](MmapStorage::open)
    /// the file again: it holds the records of the last successful sync.
    ///
    /// ```
    /// use knhk_runtime::lockchain::{MmapStorage, Record};
    ///
    /// # #[derive(Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
    /// # #[repr(C)]
    /// # struct Sample(u64);
    /// # impl Record for Sample { const TYPE_ID: u64 = 1; }
    /// # let dir = std::env::temp_dir().join(format!("knhk-doc-storage-sync-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir).unwrap();
    /// # let path = dir.join("s.stor");
    /// # let _ = std::fs::remove_file(&path);
    /// let mut storage = MmapStorage::<Sample>::create(&path)?;
    /// storage.push(Sample(1))?;
    /// assert_eq!(storage.synced_len(), 0);
    /// storage.sync()?;
    /// assert_eq!(storage.synced_len(), 1);
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// # Ok::<(), knhk_runtime::lockchain::StorageError>(())
    /// ```
    pub fn sync(&mut self) -> Result<(), StorageError> {
        self.check_writable()?;
        let Map::ReadWrite(map) = &self.map else {
            unreachable!("check_writable rejects read-only storages");
        };
        if self.len == self.synced {
            return Ok(());
        }
        let start = HEADER_LEN + self.synced * Self::RECORD_SIZE;
        let len = (self.len - self.synced) * Self::RECORD_SIZE;
        let header = encode_header::<T>(self.len as u64);
        if let Err(e) = file::commit(&self.file, map, start, len, &header, &self.path) {
            self.poisoned = Some(e.op());
            return Err(e.into());
        }
        self.synced = self.len;
        Ok(())
    }

    /// [`StorageError::ReadOnly`] or [`StorageError::Poisoned`] if this handle may not
    /// push or sync.
    fn check_writable(&self) -> Result<(), StorageError> {
        if self.is_read_only() {
            return Err(StorageError::ReadOnly {
                path: self.path.clone(),
            });
        }
        if let Some(op) = self.poisoned {
            return Err(StorageError::Poisoned {
                path: self.path.clone(),
                op,
            });
        }
        Ok(())
    }

    /// The record at `index`, as a reference into the map; `None` past the end.
    ///
    /// ```
    /// use knhk_runtime::lockchain::{MmapStorage, Record};
    ///
    /// # #[derive(Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
    /// # #[repr(C)]
    /// # struct Sample(u64);
    /// # impl Record for Sample { const TYPE_ID: u64 = 1; }
    /// # let dir = std::env::temp_dir().join(format!("knhk-doc-storage-get-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir).unwrap();
    /// # let path = dir.join("g.stor");
    /// # let _ = std::fs::remove_file(&path);
    /// let mut storage = MmapStorage::<Sample>::create(&path)?;
    /// storage.push(Sample(42))?;
    /// assert_eq!(storage.get(0).map(|s| s.0), Some(42));
    /// assert!(storage.get(1).is_none());
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// # Ok::<(), knhk_runtime::lockchain::StorageError>(())
    /// ```
    #[inline]
    pub fn get(&self, index: usize) -> Option<&T> {
        if index >= self.len {
            return None;
        }
        let at = HEADER_LEN + index * Self::RECORD_SIZE;
        // Aligned: the map starts on a page and `64 + index × size` is a multiple of
        // `align_of::<T>() ≤ 64` (RECORD_SIZE), so `from_bytes` cannot panic.
        Some(bytemuck::from_bytes(
            &self.map.bytes()[at..at + Self::RECORD_SIZE],
        ))
    }

    /// Every record, as one slice into the map.
    ///
    /// ```
    /// use knhk_runtime::lockchain::{MmapStorage, Record};
    ///
    /// # #[derive(Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
    /// # #[repr(C)]
    /// # struct Sample(u64);
    /// # impl Record for Sample { const TYPE_ID: u64 = 1; }
    /// # let dir = std::env::temp_dir().join(format!("knhk-doc-storage-slice-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir).unwrap();
    /// # let path = dir.join("sl.stor");
    /// # let _ = std::fs::remove_file(&path);
    /// let mut storage = MmapStorage::<Sample>::create(&path)?;
    /// storage.push(Sample(1))?;
    /// storage.push(Sample(2))?;
    /// assert_eq!(storage.as_slice().iter().map(|s| s.0).collect::<Vec<_>>(), [1, 2]);
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// # Ok::<(), knhk_runtime::lockchain::StorageError>(())
    /// ```
    pub fn as_slice(&self) -> &[T] {
        let end = HEADER_LEN + self.len * Self::RECORD_SIZE;
        bytemuck::cast_slice(&self.map.bytes()[HEADER_LEN..end])
    }

    /// Iterates over the records in order, by reference into the map.
    ///
    /// ```
    /// use knhk_runtime::lockchain::{MmapStorage, Record};
    ///
    /// # #[derive(Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
    /// # #[repr(C)]
    /// # struct Sample(u64);
    /// # impl Record for Sample { const TYPE_ID: u64 = 1; }
    /// # let dir = std::env::temp_dir().join(format!("knhk-doc-storage-iter-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir).unwrap();
    /// # let path = dir.join("it.stor");
    /// # let _ = std::fs::remove_file(&path);
    /// let mut storage = MmapStorage::<Sample>::create(&path)?;
    /// for i in 1..=4 {
    ///     storage.push(Sample(i))?;
    /// }
    /// assert_eq!(storage.iter().map(|s| s.0).sum::<u64>(), 10);
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// # Ok::<(), knhk_runtime::lockchain::StorageError>(())
    /// ```
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.as_slice().iter()
    }

    /// Records pushed, synced or not.
    ///
    /// ```
    /// # use knhk_runtime::lockchain::{MmapStorage, Record};
    /// # #[derive(Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
    /// # #[repr(C)]
    /// # struct Sample(u64);
    /// # impl Record for Sample { const TYPE_ID: u64 = 1; }
    /// # let dir = std::env::temp_dir().join(format!("knhk-doc-storage-len-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir).unwrap();
    /// # let path = dir.join("l.stor");
    /// # let _ = std::fs::remove_file(&path);
    /// let mut storage = MmapStorage::<Sample>::create(&path)?;
    /// storage.push(Sample(1))?;
    /// assert_eq!((storage.len(), storage.synced_len()), (1, 0));
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// # Ok::<(), knhk_runtime::lockchain::StorageError>(())
    /// ```
    #[inline]
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether no record was pushed.
    ///
    /// ```
    /// # use knhk_runtime::lockchain::{MmapStorage, Record};
    /// # #[derive(Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
    /// # #[repr(C)]
    /// # struct Sample(u64);
    /// # impl Record for Sample { const TYPE_ID: u64 = 1; }
    /// # let dir = std::env::temp_dir().join(format!("knhk-doc-storage-empty-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir).unwrap();
    /// # let path = dir.join("e.stor");
    /// # let _ = std::fs::remove_file(&path);
    /// let storage = MmapStorage::<Sample>::create(&path)?;
    /// assert!(storage.is_empty());
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// # Ok::<(), knhk_runtime::lockchain::StorageError>(())
    /// ```
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Records the header on disk holds: those a reopen would see.
    ///
    /// ```
    /// # use knhk_runtime::lockchain::{MmapStorage, Record};
    /// # #[derive(Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
    /// # #[repr(C)]
    /// # struct Sample(u64);
    /// # impl Record for Sample { const TYPE_ID: u64 = 1; }
    /// # let dir = std::env::temp_dir().join(format!("knhk-doc-storage-synced-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir).unwrap();
    /// # let path = dir.join("sy.stor");
    /// # let _ = std::fs::remove_file(&path);
    /// let mut storage = MmapStorage::<Sample>::create(&path)?;
    /// storage.push(Sample(1))?;
    /// storage.sync()?;
    /// storage.push(Sample(2))?;
    /// assert_eq!(storage.synced_len(), 1);
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// # Ok::<(), knhk_runtime::lockchain::StorageError>(())
    /// ```
    pub fn synced_len(&self) -> usize {
        self.synced
    }

    /// Records that fit in the map before the next remap (the length for a read-only
    /// storage).
    ///
    /// ```
    /// # use knhk_runtime::lockchain::{MmapStorage, Record};
    /// # #[derive(Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
    /// # #[repr(C)]
    /// # struct Sample(u64);
    /// # impl Record for Sample { const TYPE_ID: u64 = 1; }
    /// # let dir = std::env::temp_dir().join(format!("knhk-doc-storage-cap-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir).unwrap();
    /// # let path = dir.join("cap.stor");
    /// # let _ = std::fs::remove_file(&path);
    /// let storage = MmapStorage::<Sample>::create(&path)?;
    /// assert_eq!(storage.capacity(), (64 * 1024 - 64) / 8);
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// # Ok::<(), knhk_runtime::lockchain::StorageError>(())
    /// ```
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// The file's path, as given when it was opened.
    ///
    /// ```
    /// # use knhk_runtime::lockchain::{MmapStorage, Record};
    /// # #[derive(Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
    /// # #[repr(C)]
    /// # struct Sample(u64);
    /// # impl Record for Sample { const TYPE_ID: u64 = 1; }
    /// # let dir = std::env::temp_dir().join(format!("knhk-doc-storage-path-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir).unwrap();
    /// let path = dir.join("path.stor");
    /// # let _ = std::fs::remove_file(&path);
    /// let storage = MmapStorage::<Sample>::create(&path)?;
    /// assert_eq!(storage.path(), path);
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// # Ok::<(), knhk_runtime::lockchain::StorageError>(())
    /// ```
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether this handle was opened with `open_read_only`.
    ///
    /// ```
    /// # use knhk_runtime::lockchain::{MmapStorage, Record};
    /// # #[derive(Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
    /// # #[repr(C)]
    /// # struct Sample(u64);
    /// # impl Record for Sample { const TYPE_ID: u64 = 1; }
    /// # let dir = std::env::temp_dir().join(format!("knhk-doc-storage-isro-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir).unwrap();
    /// # let path = dir.join("isro.stor");
    /// # let _ = std::fs::remove_file(&path);
    /// let writer = MmapStorage::<Sample>::create(&path)?;
    /// assert!(!writer.is_read_only());
    /// assert!(MmapStorage::<Sample>::open_read_only(&path)?.is_read_only());
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// # Ok::<(), knhk_runtime::lockchain::StorageError>(())
    /// ```
    pub fn is_read_only(&self) -> bool {
        matches!(self.map, Map::ReadOnly(_))
    }
}

impl<'a, T: Record> IntoIterator for &'a MmapStorage<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> std::slice::Iter<'a, T> {
        self.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lockchain::file::{FAIL_COMMIT_AT, ScratchDir};

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
        let dir = ScratchDir::new("storage-records");
        let path = dir.join("wide.stor");
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
        let path = dir.join("odd.stor");
        let mut s = MmapStorage::<Odd>::create(&path).unwrap();
        for i in 0..50_000u32 {
            s.push(Odd {
                bytes: [i as u8, (i >> 8) as u8, (i >> 16) as u8],
            })
            .unwrap();
        }
        s.sync().unwrap();
        drop(s);
        let s = MmapStorage::<Odd>::open_read_only(&path).unwrap();
        assert_eq!(s.len(), 50_000);
        assert_eq!(s.get(49_999).unwrap().bytes, [0x4f, 0xc3, 0x00]);
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(&bytes[64 + 3 * 258..64 + 3 * 259], &[2, 1, 0]);
    }

    #[test]
    fn push_reserve_and_sync_are_refused_read_only() {
        let dir = ScratchDir::new("storage-ro");
        let path = dir.join("ro.stor");
        drop(MmapStorage::<Wide>::create(&path).unwrap());
        let mut s = MmapStorage::<Wide>::open_read_only(&path).unwrap();
        assert!(matches!(
            s.push(Wide { words: [0; 8] }),
            Err(StorageError::ReadOnly { .. })
        ));
        assert!(matches!(s.reserve(1), Err(StorageError::ReadOnly { .. })));
        assert!(matches!(s.sync(), Err(StorageError::ReadOnly { .. })));
        assert_eq!(s.len(), 0);
    }

    #[test]
    fn reserve_grows_by_doubling() {
        let dir = ScratchDir::new("storage-grow");
        let path = dir.join("grow.stor");
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
            let dir = ScratchDir::new("storage-poison");
            let path = dir.join("p.stor");
            let mut s = MmapStorage::<Wide>::create(&path).unwrap();
            s.push(Wide { words: [1; 8] }).unwrap();
            s.sync().unwrap();
            s.push(Wide { words: [2; 8] }).unwrap();
            FAIL_COMMIT_AT.with(|f| f.set(Some(op)));
            match s.sync() {
                Err(StorageError::Io { op: failed, .. }) => assert_eq!(failed, op),
                other => panic!("{op}: {other:?}"),
            }
            // The retry that could report success for dropped pages is refused.
            match s.sync() {
                Err(e @ StorageError::Poisoned { .. }) => {
                    assert!(e.to_string().contains(&format!("failed at {op}")), "{e}");
                    assert!(e.to_string().contains("reopen"), "{e}");
                }
                other => panic!("{op}: {other:?}"),
            }
            assert!(matches!(
                s.push(Wide { words: [3; 8] }),
                Err(StorageError::Poisoned { .. })
            ));
            assert!(matches!(s.reserve(1), Err(StorageError::Poisoned { .. })));
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
