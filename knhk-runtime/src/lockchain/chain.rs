//! The [`Lockchain`] and its [`LockchainReader`]: a memory-mapped, hash-chained,
//! append-only file (FORMAT.md §1).

use super::digest::{Digest, HashAlgorithm};
use super::error::LockchainError;
use super::format::{self, HEADER_LEN, Header, RawEntry, ZERO_DIGEST};
use super::merkle::{ConsistencyProof, InclusionProof, MerkleTree, ProofError};
use crate::mapped_file::{self, Mapping, Poison};
use memmap2::{Mmap, MmapMut};
use std::fmt;
use std::fs::File;
use std::ops::Deref;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

/// The smallest size the file grows to, and the default initial capacity (64 KiB).
pub const MIN_GROWTH: u64 = 64 * 1024;

/// How many times `LockchainReader::open` re-reads a header whose hash does not match before
/// reporting it: a reader can catch the writer's header `pwrite` half done.
const HEADER_READ_ATTEMPTS: u32 = 5;

/// The most entries `open` reserves room for up front (offsets and Merkle leaves); a
/// longer chain grows the vectors as the walk finds its entries. The header's count
/// is not trusted for an allocation: a forged header on a small sparse file could ask
/// for terabytes.
const MAX_PREALLOCATED_ENTRIES: u64 = 1 << 16;

/// Proof that an entry was appended: its sequence number and entry hash.
///
/// Keep the receipt of the last entry after [`Lockchain::sync`] and check a later copy
/// of the file with [`LockchainReader::verify_against`].
///
/// ```
/// use knhk_runtime::lockchain::{Lockchain, Receipt};
///
/// # let dir = tempfile::tempdir().unwrap();
/// # let path = dir.path().join("r.lockchain");
/// let mut chain = Lockchain::create(&path)?;
/// let receipt: Receipt = chain.append(b"x")?;
/// assert_eq!(receipt.seq, 0);
/// assert_eq!(chain.get(0).unwrap().hash(), receipt.hash);
/// # Ok::<(), knhk_runtime::lockchain::LockchainError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Receipt {
    /// The entry's sequence number (0 for the first).
    pub seq: u64,
    /// The entry hash: `H(canonical bytes)`.
    pub hash: Digest,
}

/// What [`LockchainReader::verify`] checked: the chain's length, last entry and Merkle root.
///
/// ```
/// use knhk_runtime::lockchain::Lockchain;
///
/// # let dir = tempfile::tempdir().unwrap();
/// # let path = dir.path().join("v.lockchain");
/// let mut chain = Lockchain::create(&path)?;
/// let last = chain.append(b"a")?;
/// let head = chain.verify()?;
/// assert_eq!((head.len, head.head), (1, Some(last)));
/// assert_eq!(head.root, chain.root());
/// # Ok::<(), knhk_runtime::lockchain::LockchainError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VerifiedHead {
    /// Entries checked.
    pub len: u64,
    /// The last of them, `None` for an empty chain.
    pub head: Option<Receipt>,
    /// Offset one past the last of them.
    pub end: u64,
    /// The Merkle root over them.
    pub root: Digest,
}

/// Options of [`Lockchain::create_with`].
///
/// ```
/// use knhk_runtime::lockchain::{CreateOptions, HashAlgorithm};
///
/// let options = CreateOptions { hash: HashAlgorithm::Blake3, ..CreateOptions::default() };
/// assert_eq!(options.initial_capacity, 64 * 1024);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CreateOptions {
    /// The hash function of every entry hash, leaf and node; SHA-256 by default.
    pub hash: HashAlgorithm,
    /// The file's length after `create`, in bytes (at least 128; 64 KiB by default).
    /// The file grows by doubling (to at least 64 KiB) when an entry does not fit.
    pub initial_capacity: u64,
}

impl Default for CreateOptions {
    fn default() -> Self {
        CreateOptions {
            hash: HashAlgorithm::Sha256,
            initial_capacity: MIN_GROWTH,
        }
    }
}

/// One entry, borrowing its payload from the mapped file.
///
/// ```
/// use knhk_runtime::lockchain::Lockchain;
///
/// # let dir = tempfile::tempdir().unwrap();
/// # let path = dir.path().join("e.lockchain");
/// let mut chain = Lockchain::create(&path)?;
/// let first = chain.append(b"first")?;
/// chain.append(b"second")?;
/// let e = chain.get(1).unwrap();
/// assert_eq!((e.seq(), e.payload(), e.prev_hash()), (1, &b"second"[..], first.hash));
/// assert_eq!(e.canonical_bytes().len(), 56 + 6);
/// # Ok::<(), knhk_runtime::lockchain::LockchainError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry<'a> {
    raw: RawEntry<'a>,
}

impl<'a> Entry<'a> {
    /// The sequence number: the entry's position, 0 for the first.
    pub fn seq(&self) -> u64 {
        self.raw.seq
    }

    /// When it was appended, in nanoseconds since the Unix epoch (UTC).
    pub fn timestamp_nanos(&self) -> u64 {
        self.raw.timestamp
    }

    /// The entry hash of the entry before it; zeroes for entry 0.
    pub fn prev_hash(&self) -> Digest {
        self.raw.prev
    }

    /// The payload, borrowed from the map.
    pub fn payload(&self) -> &'a [u8] {
        self.raw.payload
    }

    /// The entry hash: `H(canonical bytes)`.
    pub fn hash(&self) -> Digest {
        self.raw.hash
    }

    /// The bytes the entry hash and the Merkle leaf cover: length, reserved, sequence
    /// number, timestamp, previous hash and payload, as stored.
    pub fn canonical_bytes(&self) -> &'a [u8] {
        self.raw.canonical
    }

    /// Byte offset of the entry in the file.
    pub fn offset(&self) -> u64 {
        self.raw.offset
    }

    /// The entry's receipt: its sequence number and hash.
    pub fn receipt(&self) -> Receipt {
        Receipt {
            seq: self.raw.seq,
            hash: self.raw.hash,
        }
    }
}

/// The committed state, as the header on disk records it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Committed {
    count: u64,
    len: u64,
    head: Digest,
}

/// A hash-chained, append-only log in one memory-mapped file (Unix only).
///
/// Every entry carries its sequence number, a timestamp, the previous entry's hash,
/// a payload and its own hash; a Merkle tree over the entries gives
/// [`root`](LockchainReader::root) and RFC 6962 proofs. The byte layout, the commit protocol
/// and the recovery rules are in `FORMAT.md` (see [the module docs](super)).
///
/// - [`create`](Lockchain::create) / [`open`](Lockchain::open) take the writer lock;
///   [`LockchainReader::open`] takes none and sees the entries committed when it
///   opened, however the writer goes on.
/// - [`append`](Lockchain::append) writes into the map; nothing is durable until
///   [`sync`](Lockchain::sync) returns, and an entry is *acknowledged* then.
///   [`len`](LockchainReader::len), [`get`](LockchainReader::get), [`head`](LockchainReader::head) and the
///   Merkle methods see appended entries at once, synced or not.
/// - Opening checks the whole committed chain (every hash); [`verify`](LockchainReader::verify)
///   checks it again, and the header on disk.
///
/// ```
/// use knhk_runtime::lockchain::{HashAlgorithm, Lockchain, LockchainReader};
///
/// # let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("audit.lockchain");
/// let mut chain = Lockchain::create(&path)?;
/// chain.append(b"order 1 accepted")?;
/// let last = chain.append(b"order 1 filled")?;
/// chain.sync()?; // both entries are acknowledged now
/// drop(chain);
///
/// let chain = LockchainReader::open(&path)?;
/// assert_eq!(chain.hash_algorithm(), HashAlgorithm::Sha256);
/// assert_eq!(chain.len(), 2);
/// assert_eq!(chain.get(1).unwrap().payload(), b"order 1 filled");
/// chain.verify_against(&last)?;
/// # Ok::<(), knhk_runtime::lockchain::LockchainError>(())
/// ```
pub struct Lockchain {
    /// The entries, committed or not, and every read of them.
    chain: LockchainReader<MmapMut>,
    discarded_tail: u64,
    /// Set by a failed `sync` (FORMAT.md §1.4): the handle appends and syncs no more.
    poison: Poison,
}

/// A lockchain opened to read (Unix only): it takes no lock, never writes, and holds
/// the entries committed when it was opened, checked, whatever a writer does meanwhile.
///
/// Every read of a chain is a method of this type: [`get`](LockchainReader::get),
/// [`iter`](LockchainReader::iter), [`verify`](LockchainReader::verify),
/// [`verify_against`](LockchainReader::verify_against), the Merkle roots and proofs. A
/// [`Lockchain`] writer dereferences to a `LockchainReader<MmapMut>` over its own map,
/// so the same methods read a writer's entries, the unsynced ones included, without
/// opening the file again; functions generic over [`Mapping`] take either.
///
/// A reader has no `append` or `sync`: writing needs a [`Lockchain`].
///
/// ```
/// use knhk_runtime::lockchain::{Lockchain, LockchainReader};
/// use knhk_runtime::mapped_file::Mapping;
///
/// fn payloads<M: Mapping>(chain: &LockchainReader<M>) -> Vec<Vec<u8>> {
///     chain.iter().map(|e| e.payload().to_vec()).collect()
/// }
///
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("audit.lockchain");
/// let mut writer = Lockchain::create(&path)?;
/// writer.append(b"committed")?;
/// writer.sync()?;
/// writer.append(b"not yet")?;
/// let reader = LockchainReader::open(&path)?; // beside the writer, no lock
/// assert_eq!(payloads(&reader), [b"committed".to_vec()]);
/// assert_eq!(payloads(&writer).len(), 2); // the writer's own view
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct LockchainReader<M: Mapping = Mmap> {
    path: PathBuf,
    file: File,
    map: M,
    alg: HashAlgorithm,
    created: u64,
    /// Offset of every entry, committed or not.
    offsets: Vec<u64>,
    /// Offset one past the last entry, committed or not.
    end: u64,
    /// The last entry, committed or not.
    head: Option<Receipt>,
    committed: Committed,
    tree: MerkleTree,
}

impl fmt::Debug for Lockchain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Lockchain")
            .field("path", &self.chain.path)
            .field("hash", &self.chain.alg)
            .field("len", &self.chain.len())
            .field("committed", &self.chain.committed.count)
            .field("end", &self.chain.end)
            .field("discarded_tail", &self.discarded_tail)
            .field("poisoned", &self.poison.failed_at())
            .finish_non_exhaustive()
    }
}

impl<M: Mapping> fmt::Debug for LockchainReader<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LockchainReader")
            .field("path", &self.path)
            .field("hash", &self.alg)
            .field("len", &self.len())
            .field("committed", &self.committed.count)
            .field("end", &self.end)
            .finish_non_exhaustive()
    }
}

/// A writer reads through its [`LockchainReader`]: `get`, `iter`, `verify`, the Merkle
/// methods, ... all see the entries appended so far, synced or not.
impl Deref for Lockchain {
    type Target = LockchainReader<MmapMut>;

    fn deref(&self) -> &LockchainReader<MmapMut> {
        &self.chain
    }
}

/// Reads and checks the header with `pread`, up to `attempts` times while its hash does
/// not match; returns it with the file length it was checked against.
fn read_header(file: &File, path: &Path, attempts: u32) -> Result<(Header, u64), LockchainError> {
    let mut attempt = 1;
    loop {
        let len = mapped_file::file_len(file, path)?;
        if len < HEADER_LEN {
            return Err(LockchainError::TruncatedHeader {
                path: path.to_owned(),
                file_len: len,
            });
        }
        let mut bytes = [0u8; 128];
        file.read_exact_at(&mut bytes, 0)
            .map_err(mapped_file::io_err(path, "read header"))?;
        match Header::decode(&bytes, len, path) {
            Err(LockchainError::HeaderHashMismatch { .. }) if attempt < attempts => {
                attempt += 1;
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
            result => return result.map(|h| (h, len)),
        }
    }
}

impl Lockchain {
    /// Creates a new, empty chain hashed with SHA-256; fails if `path` exists.
    ///
    /// Takes the writer lock, writes the header, extends the file to 64 KiB and syncs
    /// the file and its directory (FORMAT.md §1.4).
    ///
    /// ```
    /// use knhk_runtime::lockchain::Lockchain;
    ///
    /// # let dir = tempfile::tempdir().unwrap();
    /// # let path = dir.path().join("c.lockchain");
    /// let chain = Lockchain::create(&path)?;
    /// assert!(chain.is_empty());
    /// assert!(Lockchain::create(&path).is_err()); // exists
    /// # drop(chain);
    /// # Ok::<(), knhk_runtime::lockchain::LockchainError>(())
    /// ```
    pub fn create(path: impl AsRef<Path>) -> Result<Lockchain, LockchainError> {
        Lockchain::create_with(path, CreateOptions::default())
    }

    /// Creates a new, empty chain with a chosen hash function and initial file length.
    ///
    /// ```
    /// use knhk_runtime::lockchain::{CreateOptions, HashAlgorithm, Lockchain};
    ///
    /// # let dir = tempfile::tempdir().unwrap();
    /// # let path = dir.path().join("b3.lockchain");
    /// let options = CreateOptions { hash: HashAlgorithm::Blake3, initial_capacity: 4096 };
    /// let mut chain = Lockchain::create_with(&path, options)?;
    /// chain.append(&[0; 5000])?; // grows the file
    /// chain.sync()?;
    /// drop(chain);
    /// assert_eq!(Lockchain::open(&path)?.hash_algorithm(), HashAlgorithm::Blake3);
    /// # Ok::<(), knhk_runtime::lockchain::LockchainError>(())
    /// ```
    pub fn create_with(
        path: impl AsRef<Path>,
        options: CreateOptions,
    ) -> Result<Lockchain, LockchainError> {
        let path = path.as_ref();
        let header = Header {
            alg: options.hash,
            count: 0,
            committed_len: HEADER_LEN,
            head: ZERO_DIGEST,
            created: format::now_nanos(),
        };
        let capacity = options.initial_capacity.max(HEADER_LEN);
        let (file, map) = mapped_file::create_durably(path, &header.encode(), capacity)?;
        let chain = LockchainReader {
            path: path.to_owned(),
            file,
            map,
            alg: header.alg,
            created: header.created,
            offsets: Vec::new(),
            end: HEADER_LEN,
            head: None,
            committed: Committed {
                count: 0,
                len: HEADER_LEN,
                head: ZERO_DIGEST,
            },
            tree: MerkleTree::new(header.alg),
        };
        Ok(Lockchain {
            chain,
            discarded_tail: 0,
            poison: Poison::default(),
        })
    }

    /// Opens a chain to append to: takes the writer lock (or fails at once with
    /// [`FileError::Locked`](crate::mapped_file::FileError::Locked)), checks the header and every committed entry, and
    /// discards an unacknowledged tail.
    ///
    /// Bytes after the committed length were appended but never acknowledged by a
    /// `sync()`: they are overwritten with zeroes, counted in
    /// [`discarded_tail_bytes`](Lockchain::discarded_tail_bytes) and reported as a
    /// `tracing` warning. Damage inside the committed length is an error.
    ///
    /// ```
    /// use knhk_runtime::lockchain::{Lockchain, LockchainError};
    /// use knhk_runtime::mapped_file::FileError;
    ///
    /// # let dir = tempfile::tempdir().unwrap();
    /// # let path = dir.path().join("o.lockchain");
    /// let mut chain = Lockchain::create(&path)?;
    /// chain.append(b"acknowledged")?;
    /// chain.sync()?;
    /// chain.append(b"never synced")?;
    /// assert!(matches!(
    ///     Lockchain::open(&path),
    ///     Err(LockchainError::File(FileError::Locked { .. }))
    /// ));
    /// drop(chain); // as if the process died here
    ///
    /// let chain = Lockchain::open(&path)?;
    /// assert_eq!(chain.len(), 1);
    /// assert!(chain.discarded_tail_bytes() > 0);
    /// # Ok::<(), knhk_runtime::lockchain::LockchainError>(())
    /// ```
    pub fn open(path: impl AsRef<Path>) -> Result<Lockchain, LockchainError> {
        let path = path.as_ref();
        let file = mapped_file::open_locked(path)?;
        let (header, len) = read_header(&file, path, 1)?;
        let map = mapped_file::map_mut(&file, len, path)?;
        let mut chain = load(path, file, &header, map)?;
        // `load` checked committed_len <= len.
        let tail_start = header.committed_len as usize;
        let tail = &mut chain.map[tail_start..];
        let mut discarded_tail = 0;
        if let Some(last) = tail.iter().rposition(|&b| b != 0) {
            tail[..=last].fill(0);
            chain
                .map
                .flush_range(tail_start, last + 1)
                .map_err(mapped_file::io_err(path, "msync"))?;
            let discarded = last as u64 + 1;
            discarded_tail = discarded;
            crate::telemetry::lockchain_tail_discarded(path, discarded, header.committed_len);
        }
        Ok(Lockchain {
            chain,
            discarded_tail,
            poison: Poison::default(),
        })
    }

    /// Appends an entry and returns its receipt; durable once [`sync`](Lockchain::sync)
    /// returns.
    ///
    /// Errors: [`FileError::Poisoned`](crate::mapped_file::FileError::Poisoned) after a
    /// failed [`sync`](Lockchain::sync),
    /// [`LockchainError::PayloadTooLarge`] above 2^32 - 1 bytes, an I/O error when the
    /// file cannot grow (op `"fallocate"`, e.g. the disk is full; nothing is appended
    /// then and the handle stays usable).
    ///
    /// ```
    /// use knhk_runtime::lockchain::Lockchain;
    ///
    /// # let dir = tempfile::tempdir().unwrap();
    /// # let path = dir.path().join("a.lockchain");
    /// let mut chain = Lockchain::create(&path)?;
    /// let r = chain.append(b"")?; // empty payloads are entries too
    /// assert_eq!((r.seq, chain.len()), (0, 1));
    /// # Ok::<(), knhk_runtime::lockchain::LockchainError>(())
    /// ```
    pub fn append(&mut self, payload: &[u8]) -> Result<Receipt, LockchainError> {
        let size = self.check_payload(payload)?;
        self.reserve(self.chain.end.saturating_add(size))?;
        Ok(self.write_reserved(payload))
    }

    /// Appends several entries, growing the file at most once; returns the last receipt
    /// (`None` for an empty batch). All or nothing: a payload that is too large fails
    /// the batch before anything is written.
    ///
    /// ```
    /// use knhk_runtime::lockchain::Lockchain;
    ///
    /// # let dir = tempfile::tempdir().unwrap();
    /// # let path = dir.path().join("b.lockchain");
    /// let mut chain = Lockchain::create(&path)?;
    /// let last = chain.append_batch(&[&b"a"[..], b"b", b"c"])?.unwrap();
    /// assert_eq!(last.seq, 2);
    /// assert_eq!(chain.append_batch::<&[u8]>(&[])?, None);
    /// # Ok::<(), knhk_runtime::lockchain::LockchainError>(())
    /// ```
    pub fn append_batch<P: AsRef<[u8]>>(
        &mut self,
        payloads: &[P],
    ) -> Result<Option<Receipt>, LockchainError> {
        let mut total = 0u64;
        for p in payloads {
            total = total.saturating_add(self.check_payload(p.as_ref())?);
        }
        self.reserve(self.chain.end.saturating_add(total))?;
        let mut last = None;
        for p in payloads {
            last = Some(self.write_reserved(p.as_ref()));
        }
        Ok(last)
    }

    /// The size of an entry holding `payload`, or why it cannot be appended.
    fn check_payload(&self, payload: &[u8]) -> Result<u64, LockchainError> {
        self.poison.check(&self.chain.path)?;
        let len = payload.len();
        let n = u32::try_from(len).map_err(|_| LockchainError::PayloadTooLarge { len })?;
        Ok(format::entry_size(n))
    }

    /// Writes an entry that [`check_payload`](Self::check_payload) accepted into room
    /// that [`reserve`](Self::reserve) made.
    fn write_reserved(&mut self, payload: &[u8]) -> Receipt {
        let c = &mut self.chain;
        // `check_payload` checked that the length fits in u32; `reserve` made room.
        let size = format::entry_size(payload.len() as u32);
        let (start, stop) = (c.end as usize, (c.end + size) as usize);
        let seq = c.offsets.len() as u64;
        let prev = c.head.map_or(ZERO_DIGEST, |r| r.hash);
        let (hash, leaf) = format::write_entry(
            &mut c.map[start..stop],
            c.alg,
            seq,
            format::now_nanos(),
            &prev,
            payload,
        );
        c.tree.push(leaf);
        c.offsets.push(c.end);
        c.end += size;
        let receipt = Receipt { seq, hash };
        c.head = Some(receipt);
        receipt
    }

    /// Makes the map at least `needed` bytes long, doubling the file (to at least 64 KiB).
    fn reserve(&mut self, needed: u64) -> Result<(), LockchainError> {
        let c = &mut self.chain;
        let current = c.map.len() as u64;
        if needed <= current {
            return Ok(());
        }
        let (map, _) = mapped_file::grow(&c.file, current, needed, MIN_GROWTH, &c.path)?;
        c.map = map;
        Ok(())
    }

    /// Makes every appended entry durable and acknowledged: `msync` of the new bytes,
    /// one `pwrite` of the header with the new committed length, `fdatasync`
    /// (FORMAT.md §1.4).
    ///
    /// If any of the three steps fails, the entries appended since the last successful
    /// sync are not acknowledged, and the handle is *poisoned*: every later `append` and
    /// `sync` returns [`FileError::Poisoned`](crate::mapped_file::FileError::Poisoned). A failed writeback may have made the
    /// kernel drop the dirty pages, so a second `sync` could succeed without the data
    /// being on disk. Drop the handle and [`open`](Lockchain::open) the file again: it
    /// recovers the last committed state, discarding the unacknowledged entries, which
    /// the caller appends again if it still wants them.
    ///
    /// ```
    /// use knhk_runtime::lockchain::Lockchain;
    ///
    /// # let dir = tempfile::tempdir().unwrap();
    /// # let path = dir.path().join("s.lockchain");
    /// let mut chain = Lockchain::create(&path)?;
    /// chain.append(b"x")?;
    /// assert_eq!(chain.committed_len(), 0);
    /// chain.sync()?;
    /// assert_eq!(chain.committed_len(), 1);
    /// # Ok::<(), knhk_runtime::lockchain::LockchainError>(())
    /// ```
    pub fn sync(&mut self) -> Result<(), LockchainError> {
        let c = &mut self.chain;
        self.poison.check(&c.path)?;
        if c.end == c.committed.len {
            return Ok(());
        }
        let start = c.committed.len as usize;
        let committed = Committed {
            count: c.offsets.len() as u64,
            len: c.end,
            head: c.head.map_or(ZERO_DIGEST, |r| r.hash),
        };
        let header = c.header_for(committed).encode();
        let len = c.end as usize - start;
        self.poison
            .commit(&c.file, &c.map, start, len, &header, &c.path)?;
        c.committed = committed;
        crate::telemetry::lockchain_synced(&c.path, committed.count, committed.len);
        Ok(())
    }

    /// Bytes of unacknowledged tail that [`open`](Lockchain::open) overwrote with
    /// zeroes (counted up to the last non-zero byte); 0 otherwise.
    pub fn discarded_tail_bytes(&self) -> u64 {
        self.discarded_tail
    }
}

impl LockchainReader {
    /// Opens a chain to read: takes no lock, never writes, and sees the entries
    /// committed when it opens (checked, every hash), whatever a writer does meanwhile.
    ///
    /// ```
    /// use knhk_runtime::lockchain::{Lockchain, LockchainReader};
    ///
    /// # let dir = tempfile::tempdir().unwrap();
    /// # let path = dir.path().join("ro.lockchain");
    /// let mut writer = Lockchain::create(&path)?;
    /// writer.append(b"a")?;
    /// writer.sync()?;
    /// writer.append(b"b")?; // not synced: not visible to readers
    /// let reader = LockchainReader::open(&path)?;
    /// assert_eq!(reader.len(), 1);
    /// writer.sync()?;
    /// assert_eq!(reader.len(), 1); // still what was committed when it opened
    /// assert_eq!(LockchainReader::open(&path)?.len(), 2);
    /// # Ok::<(), knhk_runtime::lockchain::LockchainError>(())
    /// ```
    pub fn open(path: impl AsRef<Path>) -> Result<LockchainReader, LockchainError> {
        let path = path.as_ref();
        let file = mapped_file::open_shared(path)?;
        let (header, _) = read_header(&file, path, HEADER_READ_ATTEMPTS)?;
        // `read_header` checked that the committed length lies inside the file. The
        // writer modifies only the header inside it (FORMAT.md §1.5), which this handle
        // reads with `pread`, never through the map.
        let map = mapped_file::map_shared(&file, header.committed_len, false, path)?;
        load(path, file, &header, map)
    }
}

impl<M: Mapping> LockchainReader<M> {
    fn header_for(&self, c: Committed) -> Header {
        Header {
            alg: self.alg,
            count: c.count,
            committed_len: c.len,
            head: c.head,
            created: self.created,
        }
    }

    /// The entry with sequence number `seq`, its payload borrowed from the map.
    ///
    /// ```
    /// use knhk_runtime::lockchain::Lockchain;
    ///
    /// # let dir = tempfile::tempdir().unwrap();
    /// # let path = dir.path().join("g.lockchain");
    /// let mut chain = Lockchain::create(&path)?;
    /// chain.append(b"a")?;
    /// assert_eq!(chain.get(0).map(|e| e.payload()), Some(&b"a"[..]));
    /// assert!(chain.get(1).is_none());
    /// # Ok::<(), knhk_runtime::lockchain::LockchainError>(())
    /// ```
    pub fn get(&self, seq: u64) -> Option<Entry<'_>> {
        let offset = *self.offsets.get(usize::try_from(seq).ok()?)?;
        entry_at(self.region(), offset)
    }

    /// The mapped bytes up to the end of the last entry (empty if the map were
    /// shorter, which `load` and `append` rule out).
    fn region(&self) -> &[u8] {
        usize::try_from(self.end)
            .ok()
            .and_then(|end| self.map.get(..end))
            .unwrap_or_default()
    }

    /// Every entry in order, committed or not.
    ///
    /// ```
    /// use knhk_runtime::lockchain::Lockchain;
    ///
    /// # let dir = tempfile::tempdir().unwrap();
    /// # let path = dir.path().join("i.lockchain");
    /// let mut chain = Lockchain::create(&path)?;
    /// chain.append_batch(&[&b"a"[..], b"b"])?;
    /// let payloads: Vec<&[u8]> = chain.iter().map(|e| e.payload()).collect();
    /// assert_eq!(payloads, [&b"a"[..], b"b"]);
    /// # Ok::<(), knhk_runtime::lockchain::LockchainError>(())
    /// ```
    pub fn iter(&self) -> Iter<'_> {
        Iter {
            region: self.region(),
            offsets: self.offsets.iter(),
        }
    }

    /// The receipt of the last entry (committed or not), `None` when empty.
    pub fn head(&self) -> Option<Receipt> {
        self.head
    }

    /// Entries in the chain, committed or not.
    pub fn len(&self) -> u64 {
        self.offsets.len() as u64
    }

    /// Whether the chain has no entries.
    pub fn is_empty(&self) -> bool {
        self.offsets.is_empty()
    }

    /// Offset one past the last entry, committed or not: the committed length for a
    /// read-only handle; 128 for an empty chain.
    ///
    /// ```
    /// use knhk_runtime::lockchain::Lockchain;
    ///
    /// # let dir = tempfile::tempdir().unwrap();
    /// # let path = dir.path().join("end.lockchain");
    /// let mut chain = Lockchain::create(&path)?;
    /// assert_eq!(chain.end_offset(), 128);
    /// chain.append(b"")?;
    /// assert_eq!(chain.end_offset(), 128 + 88);
    /// # Ok::<(), knhk_runtime::lockchain::LockchainError>(())
    /// ```
    pub fn end_offset(&self) -> u64 {
        self.end
    }

    /// Entries acknowledged by the last `sync()` (or found committed on open).
    pub fn committed_len(&self) -> u64 {
        self.committed.count
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The hash function recorded in the header.
    pub fn hash_algorithm(&self) -> HashAlgorithm {
        self.alg
    }

    /// When the chain was created, in nanoseconds since the Unix epoch.
    pub fn created_nanos(&self) -> u64 {
        self.created
    }

    /// Re-reads the header from the file and re-hashes every entry this handle holds,
    /// naming the first bad sequence number and why.
    ///
    /// On a writer the header on disk must be exactly the one the last `sync()` wrote
    /// (or `open` read). On a reader it must be of the same chain and either exactly
    /// the one the reader opened with (count, committed length and head hash) or ahead
    /// of it in both count and length (the writer committed more since). The entries
    /// are walked from the start: sequence numbers, lengths, padding, links and hashes;
    /// each must lie where this handle has it ([`LockchainError::EntryMoved`]
    /// otherwise), and the last committed one must carry the committed head hash.
    ///
    /// ```
    /// use knhk_runtime::lockchain::Lockchain;
    ///
    /// # let dir = tempfile::tempdir().unwrap();
    /// # let path = dir.path().join("v.lockchain");
    /// let mut chain = Lockchain::create(&path)?;
    /// chain.append_batch(&[&b"a"[..], b"b"])?;
    /// chain.sync()?;
    /// assert_eq!(chain.verify()?.len, 2);
    /// # Ok::<(), knhk_runtime::lockchain::LockchainError>(())
    /// ```
    pub fn verify(&self) -> Result<VerifiedHead, LockchainError> {
        let span = crate::telemetry::lockchain_verify(&self.path, self.len());
        let _entered = span.enter();
        let result = self.verify_with_header().map(|(head, _)| head);
        if let Err(e) = &result {
            crate::semconv::keys::ERROR_TYPE.record(&span, e.kind());
        }
        result
    }

    /// [`verify`](LockchainReader::verify), also returning the header on disk it checked.
    fn verify_with_header(&self) -> Result<(VerifiedHead, Header), LockchainError> {
        let attempts = if M::SHARED { HEADER_READ_ATTEMPTS } else { 1 };
        let (on_disk, _) = read_header(&self.file, &self.path, attempts)?;
        self.check_header_on_disk(&on_disk)?;
        let region = self
            .map
            .get(..mapped_file::to_usize(self.end, &self.path)?)
            .ok_or_else(|| LockchainError::CommittedLengthPastEnd {
                path: self.path.clone(),
                committed_len: self.end,
                file_len: self.map.len() as u64,
            })?;
        let c = self.committed;
        let mut committed_head = ZERO_DIGEST;
        // The first entry not where this handle has it: (seq, handle's span, disk's span).
        let mut moved = None;
        let walked = format::walk(region, self.alg, true, |e| {
            if e.seq + 1 == c.count {
                committed_head = e.hash;
            }
            let mine = self.span(e.seq);
            if moved.is_none() && mine != Some((e.offset, e.end)) {
                // A handle without entry `seq` would put it at its end.
                moved = Some((
                    e.seq,
                    mine.unwrap_or((self.end, self.end)),
                    (e.offset, e.end),
                ));
            }
        });
        let moved = moved.map(
            |(seq, (expected_offset, expected_end), (found_offset, found_end))| {
                LockchainError::EntryMoved {
                    path: self.path.clone(),
                    seq,
                    expected_offset,
                    expected_end,
                    found_offset,
                    found_end,
                }
            },
        );
        let walked = match (walked, moved) {
            // The first difference is the one to report: a moved entry before a
            // damaged one, else the damage.
            (Err((seq, _, _)), Some(moved @ LockchainError::EntryMoved { seq: m, .. }))
                if m < seq =>
            {
                return Err(moved);
            }
            (Err((seq, offset, fault)), _) => {
                return Err(LockchainError::Corrupt {
                    path: self.path.clone(),
                    seq,
                    offset,
                    fault,
                });
            }
            (Ok(_), Some(moved)) => return Err(moved),
            (Ok(walked), None) => walked,
        };
        // Every walked entry lies where the handle has it and the walk ends at the
        // handle's end, so the handle's entries and the walk's are the same ones.
        debug_assert_eq!(walked.count, self.len());
        check_walk_end(&self.path, &self.header_for(c), c.count, committed_head)?;
        let head = VerifiedHead {
            len: walked.count,
            head: walked.count.checked_sub(1).map(|seq| Receipt {
                seq,
                hash: walked.head,
            }),
            end: self.end,
            root: self.tree.root(),
        };
        Ok((head, on_disk))
    }

    /// `[offset, end)` of entry `seq` in this handle, `None` if it has no such entry.
    fn span(&self, seq: u64) -> Option<(u64, u64)> {
        let i = usize::try_from(seq).ok()?;
        let start = *self.offsets.get(i)?;
        let end = self.offsets.get(i + 1).copied().unwrap_or(self.end);
        Some((start, end))
    }

    fn check_header_on_disk(&self, on_disk: &Header) -> Result<(), LockchainError> {
        let mine = self.header_for(self.committed);
        // A writer's header is the one it wrote. A reader's may be ahead, by whole
        // entries (so in both count and length); with the count it opened with, it must
        // be the very header it opened with, head hash included.
        let same_chain = on_disk.alg == mine.alg && on_disk.created == mine.created;
        let ahead = on_disk.count > mine.count && on_disk.committed_len > mine.committed_len;
        if *on_disk == mine || (same_chain && ahead && M::SHARED) {
            return Ok(());
        }
        Err(LockchainError::HeaderChanged {
            path: self.path.clone(),
            found: Box::new(on_disk.committed()),
            expected: Box::new(mine.committed()),
            reader: M::SHARED && same_chain,
        })
    }

    /// [`verify`](LockchainReader::verify), then checks that the chain still holds the entry
    /// of a receipt saved earlier, with the same hash: entries removed from the end
    /// give [`LockchainError::Truncated`]. A read-only handle opened before the
    /// receipt's entry was committed gives [`LockchainError::ReaderBehind`] instead:
    /// the file holds the entry, the handle does not; reopen it.
    ///
    /// ```
    /// use knhk_runtime::lockchain::Lockchain;
    ///
    /// # let dir = tempfile::tempdir().unwrap();
    /// # let path = dir.path().join("va.lockchain");
    /// let mut chain = Lockchain::create(&path)?;
    /// let saved = chain.append(b"a")?;
    /// chain.append(b"b")?;
    /// chain.verify_against(&saved)?;
    /// # Ok::<(), knhk_runtime::lockchain::LockchainError>(())
    /// ```
    pub fn verify_against(&self, receipt: &Receipt) -> Result<VerifiedHead, LockchainError> {
        let (head, on_disk) = self.verify_with_header()?;
        if receipt.seq >= head.len {
            if M::SHARED && receipt.seq < on_disk.count {
                return Err(LockchainError::ReaderBehind {
                    path: self.path.clone(),
                    receipt_seq: receipt.seq,
                    len: head.len,
                    committed_on_disk: on_disk.count,
                });
            }
            return Err(LockchainError::Truncated {
                path: self.path.clone(),
                receipt_seq: receipt.seq,
                len: head.len,
            });
        }
        let found = self.get(receipt.seq).map_or(ZERO_DIGEST, |e| e.hash());
        if found != receipt.hash {
            return Err(LockchainError::ReceiptMismatch {
                path: self.path.clone(),
                seq: receipt.seq,
                expected: receipt.hash,
                found,
            });
        }
        Ok(head)
    }

    /// The Merkle root (RFC 6962 `MTH`) over every entry; `H()` when empty.
    ///
    /// ```
    /// use knhk_runtime::lockchain::Lockchain;
    /// use knhk_runtime::lockchain::verify_inclusion;
    ///
    /// # let dir = tempfile::tempdir().unwrap();
    /// # let path = dir.path().join("m.lockchain");
    /// let mut chain = Lockchain::create(&path)?;
    /// for i in 0..5u8 {
    ///     chain.append(&[i])?;
    /// }
    /// let root = chain.root();
    /// let proof = chain.inclusion_proof(3)?;
    /// let alg = chain.hash_algorithm();
    /// let leaf = alg.leaf_hash(chain.get(3).unwrap().canonical_bytes());
    /// verify_inclusion(alg, &root, 5, 3, &leaf, &proof)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn root(&self) -> Digest {
        self.tree.root()
    }

    /// The Merkle root over the first `size` entries.
    pub fn root_at(&self, size: u64) -> Result<Digest, ProofError> {
        self.tree.root_at(size)
    }

    /// The RFC 6962 inclusion proof of entry `seq` in the tree of every entry.
    pub fn inclusion_proof(&self, seq: u64) -> Result<InclusionProof, ProofError> {
        self.tree.inclusion_proof(seq)
    }

    /// The RFC 6962 consistency proof from the first `old_size` entries to the first
    /// `new_size`.
    pub fn consistency_proof(
        &self,
        old_size: u64,
        new_size: u64,
    ) -> Result<ConsistencyProof, ProofError> {
        self.tree.consistency_proof(old_size, new_size)
    }

    /// The Merkle tree over the entries, for proofs at other sizes.
    pub fn merkle_tree(&self) -> &MerkleTree {
        &self.tree
    }
}

/// Checks the committed entries of `map` (the file from offset 0, at least up to the
/// committed length) against `header` and builds the in-memory state around it.
fn load<M: Mapping>(
    path: &Path,
    file: File,
    header: &Header,
    map: M,
) -> Result<LockchainReader<M>, LockchainError> {
    let bytes: &[u8] = &map;
    let committed = bytes
        .get(..mapped_file::to_usize(header.committed_len, path)?)
        .ok_or_else(|| LockchainError::CommittedLengthPastEnd {
            path: path.to_owned(),
            committed_len: header.committed_len,
            file_len: bytes.len() as u64,
        })?;
    // The header's count and length are not trusted for the allocation (a sparse
    // file can claim any length): every entry takes at least 88 bytes, and beyond
    // MAX_PREALLOCATED_ENTRIES the vectors grow as the walk finds entries.
    let bound = (header.committed_len - HEADER_LEN) / format::ENTRY_OVERHEAD;
    let capacity = header.count.min(bound).min(MAX_PREALLOCATED_ENTRIES) as usize;
    let mut offsets = Vec::with_capacity(capacity);
    let mut tree = MerkleTree::with_capacity(header.alg, capacity);
    let walked = format::walk(committed, header.alg, true, |e| {
        offsets.push(e.offset);
        tree.push(header.alg.leaf_hash(e.canonical));
    })
    .map_err(|(seq, offset, fault)| LockchainError::Corrupt {
        path: path.to_owned(),
        seq,
        offset,
        fault,
    })?;
    check_walk_end(path, header, walked.count, walked.head)?;
    Ok(LockchainReader {
        path: path.to_owned(),
        file,
        map,
        alg: header.alg,
        created: header.created,
        offsets,
        end: header.committed_len,
        head: walked.count.checked_sub(1).map(|seq| Receipt {
            seq,
            hash: walked.head,
        }),
        committed: Committed {
            count: walked.count,
            len: header.committed_len,
            head: walked.head,
        },
        tree,
    })
}

/// Checks the end of a walk over the committed entries against the header.
fn check_walk_end(
    path: &Path,
    header: &Header,
    count: u64,
    head: Digest,
) -> Result<(), LockchainError> {
    if count != header.count {
        return Err(LockchainError::CountMismatch {
            path: path.to_owned(),
            header: header.count,
            found: count,
        });
    }
    if head != header.head {
        return Err(LockchainError::HeadMismatch {
            path: path.to_owned(),
            header: header.head,
            found: head,
        });
    }
    Ok(())
}

/// The entry at `offset` of `region`. The bytes were checked when they were opened or
/// written; `read_entry` still checks bounds, so a file changed behind the map gives
/// `None`, not a panic.
fn entry_at(region: &[u8], offset: u64) -> Option<Entry<'_>> {
    format::read_entry(region, offset).map(|raw| Entry { raw })
}

/// Iterator over a chain's entries, from [`LockchainReader::iter`].
#[derive(Debug)]
pub struct Iter<'a> {
    region: &'a [u8],
    offsets: std::slice::Iter<'a, u64>,
}

impl<'a> Iterator for Iter<'a> {
    type Item = Entry<'a>;

    fn next(&mut self) -> Option<Entry<'a>> {
        entry_at(self.region, *self.offsets.next()?)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.offsets.size_hint()
    }
}

impl<'a, M: Mapping> IntoIterator for &'a LockchainReader<M> {
    type Item = Entry<'a>;
    type IntoIter = Iter<'a>;

    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

impl<'a> IntoIterator for &'a Lockchain {
    type Item = Entry<'a>;
    type IntoIter = Iter<'a>;

    fn into_iter(self) -> Iter<'a> {
        self.chain.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mapped_file::{FAIL_COMMIT_AT, FileError};

    #[test]
    fn a_failed_sync_poisons_the_handle_and_reopening_recovers() {
        for op in ["msync", "write header", "fdatasync"] {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("p.lockchain");
            let mut chain = Lockchain::create(&path).unwrap();
            let acked = chain.append(b"acknowledged").unwrap();
            chain.sync().unwrap();
            let unacked = chain.append(b"not acknowledged").unwrap();
            FAIL_COMMIT_AT.with(|f| f.set(Some(op)));
            match chain.sync() {
                Err(LockchainError::File(FileError::Io { op: failed, .. })) => {
                    assert_eq!(failed, op)
                }
                other => panic!("{op}: {other:?}"),
            }
            // The retry that could report success for dropped pages is refused.
            match chain.sync() {
                Err(e @ LockchainError::File(FileError::Poisoned { .. })) => {
                    assert!(e.to_string().contains(&format!("failed at {op}")), "{e}");
                    assert!(e.to_string().contains("reopen"), "{e}");
                    assert_eq!(e.kind(), "poisoned");
                }
                other => panic!("{op}: {other:?}"),
            }
            assert!(matches!(
                chain.append(b"more"),
                Err(LockchainError::File(FileError::Poisoned { .. }))
            ));
            assert!(matches!(
                chain.append_batch(&[b"more"]),
                Err(LockchainError::File(FileError::Poisoned { .. }))
            ));
            assert_eq!((chain.len(), chain.committed_len()), (2, 1));
            // Reading still works.
            assert_eq!(chain.get(0).unwrap().payload(), b"acknowledged");
            drop(chain);
            // Before the header write the failed sync left the old header; after it
            // (fdatasync failed) the new one is in the page cache. Either is a whole
            // chain, and the acknowledged entry is in it.
            let mut chain = Lockchain::open(&path).unwrap();
            chain.verify_against(&acked).unwrap();
            if op == "fdatasync" {
                assert_eq!(chain.head(), Some(unacked));
            } else {
                assert_eq!(chain.head(), Some(acked));
                assert!(chain.discarded_tail_bytes() > 0);
            }
            chain.append(b"again").unwrap();
            chain.sync().unwrap();
        }
    }
}
