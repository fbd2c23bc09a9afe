//! The lockchain's behaviour through its public API: round trips with both hash
//! functions, growth, the writer lock, readers beside a writer, recovery of an
//! unacknowledged tail, receipts, Merkle wiring and `Report::seal`.
#![cfg(unix)]

mod lockchain_util;

use knhk_runtime::Report;
use knhk_runtime::lockchain::{
    CreateOptions, Digest, HashAlgorithm, Lockchain, LockchainError, LockchainReader, MerkleTree,
    Receipt, verify_consistency, verify_inclusion,
};
use knhk_runtime::mapped_file::{FileError, Mapping};
use lockchain_util::{payload_for, scratch};
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Payloads with an empty one, one crossing the growth boundary of a 4 KiB file and a
/// few ordinary ones.
fn sample_payloads() -> Vec<Vec<u8>> {
    let mut p: Vec<Vec<u8>> = vec![b"first".to_vec(), Vec::new(), vec![0xab; 7]];
    p.push((0..5000u32).map(|i| i as u8).collect());
    p.extend((0..20u64).map(payload_for));
    p
}

fn check_contents<M: Mapping>(
    chain: &LockchainReader<M>,
    payloads: &[Vec<u8>],
    receipts: &[Receipt],
) {
    let alg = chain.hash_algorithm();
    assert_eq!(chain.len(), payloads.len() as u64);
    assert_eq!(chain.is_empty(), payloads.is_empty());
    assert_eq!(chain.head(), receipts.last().copied());
    assert_eq!(chain.iter().count(), payloads.len());
    let mut prev = Digest::ZERO;
    let mut tree = MerkleTree::new(alg);
    for (i, (entry, payload)) in chain.iter().zip(payloads).enumerate() {
        assert_eq!(entry.seq(), i as u64);
        assert_eq!(entry.payload(), &payload[..], "payload of entry {i}");
        assert_eq!(entry.prev_hash(), prev, "link of entry {i}");
        assert_eq!(entry.receipt(), receipts[i]);
        let canonical = entry.canonical_bytes();
        assert_eq!(canonical.len(), 56 + payload.len());
        assert_eq!(&canonical[0..4], &(payload.len() as u32).to_le_bytes());
        assert_eq!(&canonical[4..8], &[0; 4]);
        assert_eq!(&canonical[8..16], &(i as u64).to_le_bytes());
        assert_eq!(&canonical[16..24], &entry.timestamp_nanos().to_le_bytes());
        assert_eq!(&canonical[24..56], prev.as_bytes());
        assert_eq!(entry.hash(), alg.hash(&[canonical]));
        assert_eq!(entry.offset() % 8, 0);
        assert_eq!(chain.get(i as u64), Some(entry));
        tree.push(alg.leaf_hash(canonical));
        prev = entry.hash();
    }
    assert!(chain.get(payloads.len() as u64).is_none());
    assert!(chain.get(u64::MAX).is_none());
    assert_eq!(chain.root(), tree.root());
}

/// What a handle reopened on the file of `round_trip_with_both_hash_functions` holds.
fn check_reopened<M: Mapping>(
    chain: &LockchainReader<M>,
    alg: HashAlgorithm,
    payloads: &[Vec<u8>],
    receipts: &[Receipt],
    head: knhk_runtime::lockchain::VerifiedHead,
    root: Digest,
) {
    assert_eq!(chain.hash_algorithm(), alg);
    check_contents(chain, payloads, receipts);
    assert_eq!(chain.verify().unwrap(), head);
    assert_eq!(chain.verify_against(&receipts[3]).unwrap(), head);
    assert_eq!(chain.root(), root);
}

#[test]
fn round_trip_with_both_hash_functions() {
    for alg in HashAlgorithm::ALL {
        let path = scratch(&format!("round-trip-{}", alg.to_byte()));
        let payloads = sample_payloads();
        let before = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos() as u64;
        let options = CreateOptions {
            hash: alg,
            initial_capacity: 4096,
        };
        let mut chain = Lockchain::create_with(&path, options).unwrap();
        assert_eq!(chain.path(), path);
        assert!(chain.created_nanos() >= before);
        assert_eq!(chain.head(), None);
        assert_eq!(chain.verify().unwrap().head, None);
        let mut receipts: Vec<Receipt> = payloads[..4]
            .iter()
            .map(|p| chain.append(p).unwrap())
            .collect();
        let last = chain.append_batch(&payloads[4..]).unwrap().unwrap();
        for seq in 4..payloads.len() as u64 {
            receipts.push(chain.get(seq).unwrap().receipt());
        }
        assert_eq!(last, *receipts.last().unwrap());
        assert!(chain.iter().all(|e| e.timestamp_nanos() >= before));
        // Visible to the writer before it syncs.
        check_contents(&chain, &payloads, &receipts);
        assert_eq!(chain.committed_len(), 0);
        // A writer verifies what it holds, synced or not, against the header on disk.
        assert_eq!(chain.verify().unwrap().len, payloads.len() as u64);
        chain.sync().unwrap();
        assert_eq!(chain.committed_len(), payloads.len() as u64);
        let head = chain.verify().unwrap();
        assert_eq!(head.len, payloads.len() as u64);
        assert_eq!(head.head, Some(last));
        assert_eq!(head.root, chain.root());
        let root = chain.root();
        drop(chain);

        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(&bytes[0..8], b"KNHKLCHN");
        assert_eq!(
            bytes[10],
            alg.to_byte(),
            "the header records the hash function"
        );
        assert_eq!(bytes.len(), 64 * 1024, "4 KiB grew to the 64 KiB minimum");
        let committed = u64::from_le_bytes(bytes[24..32].try_into().unwrap());
        assert_eq!(committed, head.end);
        assert_eq!(&bytes[32..64], last.hash.as_bytes());

        let writer = Lockchain::open(&path).unwrap();
        assert_eq!(writer.discarded_tail_bytes(), 0);
        check_reopened(&writer, alg, &payloads, &receipts, head, root);
        drop(writer);
        let reader = LockchainReader::open(&path).unwrap();
        check_reopened(&reader, alg, &payloads, &receipts, head, root);
    }
}

#[test]
fn reopened_writer_appends_after_the_last_entry() {
    let path = scratch("reopen-append");
    let mut chain = Lockchain::create(&path).unwrap();
    let a = chain.append(b"a").unwrap();
    chain.sync().unwrap();
    drop(chain);
    let mut chain = Lockchain::open(&path).unwrap();
    let b = chain.append(b"b").unwrap();
    assert_eq!(b.seq, 1);
    assert_eq!(chain.get(1).unwrap().prev_hash(), a.hash);
    chain.sync().unwrap();
    // A sync with nothing new is allowed and changes nothing.
    chain.sync().unwrap();
    drop(chain);
    let chain = LockchainReader::open(&path).unwrap();
    assert_eq!(chain.head(), Some(b));
    chain.verify_against(&a).unwrap();
}

#[test]
fn the_file_grows_by_doubling_and_big_entries_fit() {
    let path = scratch("growth");
    let options = CreateOptions {
        initial_capacity: 100 * 1024,
        ..CreateOptions::default()
    };
    let mut chain = Lockchain::create_with(&path, options).unwrap();
    assert_eq!(std::fs::metadata(&path).unwrap().len(), 100 * 1024);
    chain.append(&vec![1; 60 * 1024]).unwrap();
    assert_eq!(std::fs::metadata(&path).unwrap().len(), 100 * 1024);
    chain.append(&vec![2; 60 * 1024]).unwrap();
    assert_eq!(std::fs::metadata(&path).unwrap().len(), 200 * 1024);
    // One entry bigger than twice the file: doubled until it fits.
    chain.append(&vec![3; 1024 * 1024]).unwrap();
    assert_eq!(std::fs::metadata(&path).unwrap().len(), 1600 * 1024);
    chain.sync().unwrap();
    assert_eq!(chain.verify().unwrap().len, 3);
    // A tiny initial capacity is raised to the header's 128 bytes.
    let path = scratch("growth-tiny");
    let options = CreateOptions {
        initial_capacity: 0,
        ..CreateOptions::default()
    };
    let mut chain = Lockchain::create_with(&path, options).unwrap();
    assert_eq!(std::fs::metadata(&path).unwrap().len(), 128);
    chain.append(b"x").unwrap();
    chain.sync().unwrap();
    assert_eq!(std::fs::metadata(&path).unwrap().len(), 64 * 1024);
}

#[test]
fn a_second_writer_is_refused_at_once_and_readers_are_not() {
    let path = scratch("lock");
    let mut writer = Lockchain::create(&path).unwrap();
    writer.append(b"committed").unwrap();
    writer.sync().unwrap();
    writer.append(b"pending").unwrap();

    let start = Instant::now();
    match Lockchain::open(&path) {
        Err(LockchainError::File(FileError::Locked { path: p })) => assert_eq!(p, path),
        other => panic!("expected Locked, got {other:?}"),
    }
    assert!(
        start.elapsed() < Duration::from_secs(1),
        "Locked must not wait"
    );
    let message = Lockchain::open(&path).unwrap_err().to_string();
    assert!(message.contains("locked by another writer"), "{message}");

    let reader = LockchainReader::open(&path).unwrap();
    assert_eq!(reader.len(), 1, "the reader sees only committed entries");
    assert_eq!(reader.get(0).unwrap().payload(), b"committed");
    reader.verify().unwrap();

    drop(writer);
    let writer = Lockchain::open(&path).unwrap();
    assert_eq!(writer.len(), 1);
    assert!(writer.discarded_tail_bytes() > 0);
}

#[test]
fn a_reader_is_undisturbed_by_the_writer_appending_and_growing() {
    let path = scratch("reader-beside-writer");
    let options = CreateOptions {
        initial_capacity: 4096,
        ..CreateOptions::default()
    };
    let mut writer = Lockchain::create_with(&path, options).unwrap();
    for i in 0..3u64 {
        writer.append(&payload_for(i)).unwrap();
    }
    writer.sync().unwrap();
    let reader = LockchainReader::open(&path).unwrap();
    let seen: Vec<Vec<u8>> = reader.iter().map(|e| e.payload().to_vec()).collect();
    let root = reader.root();

    for i in 3..200u64 {
        writer.append(&payload_for(i)).unwrap();
        if i % 50 == 0 {
            writer.sync().unwrap();
            // Between syncs the reader still checks against the newer header.
            reader.verify().unwrap();
        }
    }
    writer.sync().unwrap();
    assert!(std::fs::metadata(&path).unwrap().len() > 64 * 1024, "grew");

    assert_eq!(reader.len(), 3);
    let again: Vec<Vec<u8>> = reader.iter().map(|e| e.payload().to_vec()).collect();
    assert_eq!(again, seen);
    assert_eq!(reader.verify().unwrap().len, 3);
    assert_eq!(reader.root(), root);
    let late = LockchainReader::open(&path).unwrap();
    assert_eq!(late.len(), 200);
    assert_eq!(late.root_at(3).unwrap(), root);
    late.verify_against(&reader.head().unwrap()).unwrap();
}

#[test]
fn create_refuses_an_existing_file() {
    let path = scratch("exists");
    std::fs::write(&path, b"someone else's").unwrap();
    match Lockchain::create(&path) {
        Err(LockchainError::File(FileError::Io { op, source, .. })) => {
            assert_eq!(op, "create");
            assert_eq!(source.kind(), std::io::ErrorKind::AlreadyExists);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(std::fs::read(&path).unwrap(), b"someone else's");
}

#[test]
fn oversized_payloads_are_refused_before_anything_is_written() {
    let path = scratch("too-large");
    let mut chain = Lockchain::create(&path).unwrap();
    let before = std::fs::read(&path).unwrap();
    // 4 GiB of untouched anonymous memory: address space, not RAM.
    let huge = memmap2::MmapMut::map_anon((1 << 32) + 1).unwrap();
    match chain.append_batch(&[&b"small"[..], &huge[..]]) {
        Err(LockchainError::PayloadTooLarge { len }) => assert_eq!(len, (1 << 32) + 1),
        other => panic!("{other:?}"),
    }
    assert!(chain.is_empty(), "all or nothing");
    assert!(matches!(
        chain.append(&huge),
        Err(LockchainError::PayloadTooLarge { .. })
    ));
    assert_eq!(chain.append_batch::<&[u8]>(&[]).unwrap(), None);
    // Not a byte written into the map (which is the file) either, and no growth.
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "the file is unchanged"
    );
    drop(chain);
    assert_eq!(Lockchain::open(&path).unwrap().discarded_tail_bytes(), 0);
}

#[cfg(any(target_os = "linux", target_os = "android", target_os = "freebsd"))]
#[test]
fn a_failed_create_leaves_no_file_behind() {
    let path = scratch("create-fails");
    // No filesystem holds 4 EiB: reserving them fails after the file was created.
    let options = CreateOptions {
        initial_capacity: 1 << 62,
        ..CreateOptions::default()
    };
    match Lockchain::create_with(&path, options) {
        Err(LockchainError::File(FileError::Io { op, .. })) => assert_eq!(op, "fallocate"),
        other => panic!("{other:?}"),
    }
    assert!(!path.exists(), "the half-made file was removed");
    // So creating it again works.
    Lockchain::create(&path).unwrap().append(b"a").unwrap();
}

#[cfg(any(target_os = "linux", target_os = "android", target_os = "freebsd"))]
#[test]
fn create_and_growth_reserve_the_blocks_of_the_file() {
    use std::os::unix::fs::MetadataExt;
    // Blocks reserved up front: a store into the map can never meet a full disk (a
    // sparse file would raise SIGBUS there instead of an error from `append`).
    let allocated = |path: &std::path::Path| {
        let m = std::fs::metadata(path).unwrap();
        (m.blocks() * 512, m.len())
    };
    let path = scratch("fallocate");
    let options = CreateOptions {
        initial_capacity: 1 << 20,
        ..CreateOptions::default()
    };
    let mut chain = Lockchain::create_with(&path, options).unwrap();
    let (blocks, len) = allocated(&path);
    assert_eq!(len, 1 << 20);
    assert!(blocks >= len, "create: {blocks} bytes of blocks for {len}");
    chain.append(&vec![1; 3 << 20]).unwrap(); // grows to 4 MiB
    let (blocks, len) = allocated(&path);
    assert_eq!(len, 4 << 20);
    assert!(blocks >= len, "growth: {blocks} bytes of blocks for {len}");
}

/// Collects what `tracing` writes, to see the recovery warning.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn open_discards_an_unacknowledged_tail_and_says_so() {
    let path = scratch("recovery");
    let mut chain = Lockchain::create(&path).unwrap();
    let acked = chain.append(b"acknowledged").unwrap();
    chain.sync().unwrap();
    chain.append(&[0xee; 300]).unwrap();
    chain.append(b"also never synced").unwrap();
    drop(chain);

    let captured = Captured::default();
    let sink = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || sink.clone())
        .with_ansi(false)
        .finish();
    let chain = tracing::subscriber::with_default(subscriber, || Lockchain::open(&path).unwrap());
    // The two entries: 88 + 300 + 4 and 88 + 17 + 7 bytes, counted up to the last
    // non-zero byte, which is in the last entry's hash (zero bytes at its end are
    // possible, 32 of them are not).
    let dropped = chain.discarded_tail_bytes();
    assert!((392 + 112 - 31..=392 + 112).contains(&dropped), "{dropped}");
    assert_eq!(chain.len(), 1);
    assert_eq!(chain.head(), Some(acked));
    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(log.contains("WARN"), "{log}");
    assert!(log.contains(&format!("discarded_bytes={dropped}")), "{log}");
    drop(chain);

    // The tail was zeroed: the next open finds nothing to drop, and a reader never did.
    let bytes = std::fs::read(&path).unwrap();
    // "acknowledged" is 12 bytes: an entry of 88 + 12 + 4.
    assert!(bytes[128 + 104..].iter().all(|&b| b == 0));
    assert_eq!(Lockchain::open(&path).unwrap().discarded_tail_bytes(), 0);
}

#[test]
fn receipts_detect_truncation_and_substitution() {
    let path = scratch("receipts");
    let mut chain = Lockchain::create(&path).unwrap();
    let first = chain.append(b"a").unwrap();
    let second = chain.append(b"b").unwrap();
    chain.sync().unwrap();
    chain.verify_against(&second).unwrap();
    let future = Receipt {
        seq: 5,
        hash: second.hash,
    };
    match chain.verify_against(&future) {
        Err(LockchainError::Truncated {
            receipt_seq: 5,
            len: 2,
            ..
        }) => {}
        other => panic!("{other:?}"),
    }
    let forged = Receipt {
        seq: 0,
        hash: second.hash,
    };
    match chain.verify_against(&forged) {
        Err(LockchainError::ReceiptMismatch {
            seq: 0,
            expected,
            found,
            ..
        }) => assert_eq!((expected, found), (second.hash, first.hash)),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_reader_opened_before_a_receipt_says_so() {
    let path = scratch("reader-behind");
    let mut writer = Lockchain::create(&path).unwrap();
    writer.append(b"a").unwrap();
    writer.sync().unwrap();
    let reader = LockchainReader::open(&path).unwrap();
    let later = writer.append(b"b").unwrap();
    writer.sync().unwrap();
    match reader.verify_against(&later) {
        Err(
            e @ LockchainError::ReaderBehind {
                receipt_seq: 1,
                len: 1,
                committed_on_disk: 2,
                ..
            },
        ) => assert!(e.to_string().contains("reopen"), "{e}"),
        other => panic!("{other:?}"),
    }
    // A receipt past what the file holds is still a truncation.
    let future = Receipt {
        seq: 2,
        hash: later.hash,
    };
    assert!(matches!(
        reader.verify_against(&future),
        Err(LockchainError::Truncated {
            receipt_seq: 2,
            len: 1,
            ..
        })
    ));
    LockchainReader::open(&path)
        .unwrap()
        .verify_against(&later)
        .unwrap();
}

#[test]
fn merkle_proofs_are_served_from_the_chain() {
    for alg in HashAlgorithm::ALL {
        let path = scratch(&format!("merkle-{}", alg.to_byte()));
        let options = CreateOptions {
            hash: alg,
            ..CreateOptions::default()
        };
        let mut chain = Lockchain::create_with(&path, options).unwrap();
        assert_eq!(chain.root(), alg.empty_root());
        let mut roots = vec![chain.root()];
        for i in 0..13u64 {
            chain.append(&payload_for(i)).unwrap();
            roots.push(chain.root());
        }
        chain.sync().unwrap();
        drop(chain);
        // Rebuilt on open from the entries, the same roots.
        let chain = LockchainReader::open(&path).unwrap();
        assert_eq!(chain.merkle_tree().len(), 13);
        for size in 0..=13u64 {
            assert_eq!(chain.root_at(size).unwrap(), roots[size as usize]);
        }
        assert!(chain.root_at(14).is_err());
        let root = chain.root();
        for seq in 0..13u64 {
            let leaf = alg.leaf_hash(chain.get(seq).unwrap().canonical_bytes());
            let proof = chain.inclusion_proof(seq).unwrap();
            verify_inclusion(alg, &root, 13, seq, &leaf, &proof).unwrap();
        }
        assert!(chain.inclusion_proof(13).is_err());
        for old in 1..13u64 {
            let proof = chain.consistency_proof(old, 13).unwrap();
            verify_consistency(alg, old, &roots[old as usize], 13, &root, &proof).unwrap();
        }
    }
}

#[test]
fn a_sealed_report_reads_back_as_the_same_report() {
    let path = scratch("seal");
    let mut chain = Lockchain::create(&path).unwrap();
    chain.append(b"before").unwrap();
    let report = knhk_runtime::report();
    let receipt = report.seal(&mut chain).unwrap();
    assert_eq!(receipt.seq, 1);
    assert_eq!(chain.committed_len(), 2, "seal syncs");
    drop(chain);
    let chain = LockchainReader::open(&path).unwrap();
    chain.verify_against(&receipt).unwrap();
    let json = std::str::from_utf8(chain.get(1).unwrap().payload()).unwrap();
    assert_eq!(json, report.to_json());
    assert_eq!(Report::from_json(json).unwrap(), report);
    // The one-call form: seal the current report directly.
    drop(chain);
    let mut chain = Lockchain::open(&path).unwrap();
    let r = knhk_runtime::report().seal(&mut chain).unwrap();
    assert_eq!(r.seq, 2);
}

/// What a [`Recorder`] saw: each event's or span's name, with its field names and the
/// values recorded (as `Debug` text).
type Seen = Arc<Mutex<Vec<(String, std::collections::BTreeMap<String, String>)>>>;

/// A layer that records every event and span with its fields.
struct Recorder(Seen);

struct Fields<'a>(&'a mut std::collections::BTreeMap<String, String>);

impl tracing::field::Visit for Fields<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        if field.name() != "message" {
            self.0.insert(field.name().to_owned(), format!("{value:?}"));
        }
    }
}

impl<S: tracing::Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>>
    tracing_subscriber::Layer<S> for Recorder
{
    fn on_event(&self, event: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        let mut fields = std::collections::BTreeMap::new();
        event.record(&mut Fields(&mut fields));
        self.0
            .lock()
            .unwrap()
            .push((event.metadata().name().to_owned(), fields));
    }

    fn on_new_span(
        &self,
        attrs: &tracing::span::Attributes<'_>,
        _: &tracing::span::Id,
        _: tracing_subscriber::layer::Context<'_, S>,
    ) {
        let mut fields = std::collections::BTreeMap::new();
        // Declared fields, recorded or not (`error.type` is recorded on failure).
        for f in attrs.metadata().fields() {
            fields.insert(f.name().to_owned(), String::new());
        }
        attrs.record(&mut Fields(&mut fields));
        self.0
            .lock()
            .unwrap()
            .push((attrs.metadata().name().to_owned(), fields));
    }

    fn on_record(
        &self,
        _: &tracing::span::Id,
        values: &tracing::span::Record<'_>,
        _: tracing_subscriber::layer::Context<'_, S>,
    ) {
        let mut seen = self.0.lock().unwrap();
        if let Some((_, fields)) = seen.last_mut() {
            values.record(&mut Fields(fields));
        }
    }
}

/// The attributes the runtime's registry gives the event or span `name` (its `ref`s).
fn registry_attributes(name: &str) -> Vec<String> {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("registry/knhk/lockchain.yaml");
    let file: serde_yaml_ng::Value =
        serde_yaml_ng::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let group = file["groups"]
        .as_sequence()
        .unwrap()
        .iter()
        .find(|g| {
            g["name"].as_str() == Some(name) || g["id"].as_str() == Some(&format!("span.{name}"))
        })
        .unwrap_or_else(|| panic!("{name} is not declared in registry/knhk/lockchain.yaml"));
    let mut refs: Vec<String> = group["attributes"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|a| a["ref"].as_str().unwrap().to_owned())
        .collect();
    refs.sort();
    refs
}

/// Create, append, sync, verify, recover an unacknowledged tail, and fail a
/// verification of a damaged entry: every event and span the lockchain has.
fn a_lockchain_s_life(path: &std::path::Path) {
    let mut chain = Lockchain::create(path).unwrap();
    chain.append(b"one").unwrap();
    chain.append(b"two").unwrap();
    chain.sync().unwrap();
    chain.sync().unwrap(); // nothing new: no event
    chain.verify().unwrap();
    chain.append(b"never synced").unwrap();
    drop(chain);
    let reader = Lockchain::open(path).unwrap();
    drop(reader);
    // Damage the second entry's payload: the verification fails and says why.
    let mut chain = Lockchain::open(path).unwrap();
    let at = chain.get(1).unwrap().offset() + 56;
    let f = std::fs::OpenOptions::new().write(true).open(path).unwrap();
    std::os::unix::fs::FileExt::write_all_at(&f, b"X", at).unwrap();
    assert!(chain.verify().is_err());
    chain.append(b"x").unwrap();
}

/// The same life under the run-time registry check: no violation, and every attribute
/// of the lockchain's events and spans seen.
#[cfg(feature = "live-check")]
#[test]
fn a_lockchain_s_telemetry_passes_the_live_check() {
    use knhk_runtime::telemetry::{FindingLevel, RegistryCheckLayer};
    use tracing_subscriber::layer::SubscriberExt;
    let check = RegistryCheckLayer::new([knhk_runtime::semconv::registry()]);
    let subscriber = tracing_subscriber::registry().with(check.clone());
    let path = scratch("live-check");
    tracing::subscriber::with_default(subscriber, || a_lockchain_s_life(&path));
    let report = check.report();
    // No violation. knhk's attributes are in development (`not_stable`, an
    // improvement, once per attribute); `error.type`'s values are open: "hash mismatch"
    // is not one the registry lists (`undefined_enum_variant`, information), and a
    // verification that succeeds records none (conditionally required: information).
    assert_eq!(report.violations(), 0, "{report:#}");
    assert_eq!(
        report.count(FindingLevel::Improvement),
        report
            .findings
            .iter()
            .filter(|f| f.id.as_str() == "not_stable")
            .count(),
        "{report:#}"
    );
    let ids = |id: &str| -> Vec<String> {
        report
            .findings
            .iter()
            .filter(|f| f.id.as_str() == id)
            .map(|f| f.context.attribute_key.clone().unwrap())
            .collect()
    };
    assert_eq!(ids("undefined_enum_variant"), ["error.type"], "{report:#}");
    assert_eq!(
        ids("conditionally_required_attribute_not_present"),
        ["error.type"],
        "{report:#}"
    );
    let not_stable = ids("not_stable");
    for name in [
        "lockchain.entries",
        "lockchain.committed_bytes",
        "lockchain.discarded_bytes",
        "file.path",
    ] {
        assert!(not_stable.iter().any(|n| n == name), "{name}: {report:#}");
    }
    // A sync (the second had nothing new) and a discarded tail; two verifications.
    assert_eq!((report.events, report.spans), (2, 2), "{report:#}");
    assert_eq!(report.coverage.seen, 3, "{report:#}");
}

#[test]
fn the_lockchain_emits_what_its_registry_declares() {
    use tracing_subscriber::layer::SubscriberExt;
    let seen = Seen::default();
    let subscriber = tracing_subscriber::registry().with(Recorder(seen.clone()));
    let path = scratch("telemetry");
    tracing::subscriber::with_default(subscriber, || a_lockchain_s_life(&path));
    let seen = seen.lock().unwrap();
    let named = |name: &str| -> Vec<&std::collections::BTreeMap<String, String>> {
        seen.iter()
            .filter(|(n, _)| n == name)
            .map(|(_, f)| f)
            .collect()
    };
    for (name, count) in [
        ("knhk.lockchain.synced", 1),
        ("knhk.lockchain.tail_discarded", 1),
        ("knhk.lockchain.verify", 2),
    ] {
        let emitted = named(name);
        assert_eq!(emitted.len(), count, "{name}: {seen:?}");
        for fields in emitted {
            let mut keys: Vec<String> = fields.keys().cloned().collect();
            keys.sort();
            assert_eq!(keys, registry_attributes(name), "{name}");
            assert_eq!(fields["file.path"], format!("{}", path.display()), "{name}");
        }
    }
    let synced = named("knhk.lockchain.synced")[0];
    assert_eq!(
        (
            synced["lockchain.entries"].as_str(),
            synced["lockchain.committed_bytes"].as_str()
        ),
        ("2", "320")
    );
    let verifies = named("knhk.lockchain.verify");
    assert_eq!(
        verifies[0]["error.type"], "",
        "a verification that passed records no error"
    );
    assert_eq!(verifies[1]["error.type"], "\"hash mismatch\"");
}
