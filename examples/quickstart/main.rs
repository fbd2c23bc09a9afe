fn main() {
    let c = knhk_runtime::init();
    println!("{c:?}");
    let m = knhk_runtime::measure(100_000, || std::hint::black_box(3u64).wrapping_mul(7));
    println!("{:?}", (m.ticks_per_call, m.overhead_subtracted, m.resolution));
}
