use knhk_runtime::block;
fn main() {
    let xs = [1_u64, 2, 3];
    let total = {
        let __knhk_value = {
            static __KNHK_SITE: ::knhk_runtime::__private::Site = ::knhk_runtime::__private::Site::new(::knhk_runtime::__private::SiteMeta {
                name: "expand.total",
                kind: ::knhk_runtime::__private::PathKind::Warm,
                budget: ::knhk_runtime::__private::Budget::Nanos(2000u64),
                allow_alloc: false,
                file: "ui-tests/tests/expand/warm_path_block.rs",
                line: 5u32,
                column: 17u32,
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
                    unsafe {
                        ::inventory::ErasedNode::submit(__INVENTORY.value, &__INVENTORY)
                    }
                }
                #[used]
                #[link_section = ".init_array"]
                static __CTOR: unsafe extern "C" fn() = __ctor;
            };
            let __knhk_probe = ::knhk_runtime::__private::Probe::start(&__KNHK_SITE);
            xs.iter().sum::<u64>()
        };
        __knhk_value
    };
    match (&total, &6) {
        (left_val, right_val) => {
            if !(*left_val == *right_val) {
                let kind = ::core::panicking::AssertKind::Eq;
                ::core::panicking::assert_failed(
                    kind,
                    &*left_val,
                    &*right_val,
                    ::core::option::Option::None,
                );
            }
        }
    };
}
