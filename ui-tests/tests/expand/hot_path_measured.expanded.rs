use knhk_runtime::hot_path;
fn mix(x: u64) -> u64 {
    static __KNHK_SITE: ::knhk_runtime::__private::Site = ::knhk_runtime::__private::Site::new(::knhk_runtime::__private::SiteMeta {
        name: "expand.measured",
        kind: ::knhk_runtime::__private::PathKind::Hot,
        budget: ::knhk_runtime::__private::Budget::Ticks(8u64),
        allow_alloc: false,
        file: "ui-tests/tests/expand/hot_path_measured.rs",
        line: 3u32,
        column: 1u32,
        generic: false,
    });
    #[allow(non_upper_case_globals)]
    const _: () = {
        static __INVENTORY: ::inventory::Node = ::inventory::Node {
            value: &{ ::knhk_runtime::__private::Registration(&__KNHK_SITE) },
            next: ::inventory::__private::UnsafeCell::new(
                ::inventory::__private::Option::None,
            ),
        };
        #[link_section = ".text.startup"]
        unsafe extern "C" fn __ctor() {
            unsafe { ::inventory::ErasedNode::submit(__INVENTORY.value, &__INVENTORY) }
        }
        #[used]
        #[link_section = ".init_array"]
        static __CTOR: unsafe extern "C" fn() = __ctor;
    };
    let __knhk_probe = ::knhk_runtime::__private::Probe::start(&__KNHK_SITE);
    x.rotate_left(5) ^ 0x9e37
}
fn main() {
    let _ = mix(1);
}
