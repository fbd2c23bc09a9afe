// A `LockchainReader` cannot append: writing needs a `Lockchain`, which holds the lock.
use knhk_runtime::lockchain::LockchainReader;

fn main() {
    let mut reader = LockchainReader::open("audit.lockchain").unwrap();
    reader.append(b"entry").unwrap();
}
