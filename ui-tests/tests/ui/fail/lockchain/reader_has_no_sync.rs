// A `LockchainReader` has nothing to sync.
use knhk_runtime::lockchain::LockchainReader;

fn main() {
    let mut reader = LockchainReader::open("audit.lockchain").unwrap();
    reader.sync().unwrap();
}
