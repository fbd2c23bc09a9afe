use knhk_runtime::static_set;

static_set! {
    static PORTS: StaticSet<u16> = { 80, 443, 0x50 };
}

fn main() {
    let _ = PORTS.contains(&80);
}
