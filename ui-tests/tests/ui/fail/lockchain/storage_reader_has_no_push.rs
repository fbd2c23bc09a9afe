// An `MmapStorageReader` cannot push: writing needs an `MmapStorage`.
use knhk_runtime::mmap_storage::{MmapStorageReader, Record};

#[derive(Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
#[repr(C)]
struct Sample(u64);

impl Record for Sample {
    const TYPE_ID: u64 = 1;
}

fn main() {
    let mut reader = MmapStorageReader::<Sample>::open("samples.stor").unwrap();
    reader.push(Sample(1)).unwrap();
}
