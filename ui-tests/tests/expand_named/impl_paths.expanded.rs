use knhk_runtime::{hot_path, impl_paths};
struct Levels<T>(Vec<T>);
impl<T: Copy> Levels<T> {
    fn first(&self) -> Option<T> {
        static __KNHK_SITE: ::knhk_runtime::__private::Site = ::knhk_runtime::__private::Site::new(::knhk_runtime::__private::SiteMeta {
            name: "impl_paths::Levels<T>::first",
            kind: ::knhk_runtime::__private::PathKind::Hot,
            budget: ::knhk_runtime::__private::Budget::Ticks(8u64),
            allow_alloc: false,
            file: "ui-tests/tests/expand_named/impl_paths.rs",
            line: 7u32,
            column: 5u32,
            generic: true,
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
        self.0.first().copied()
    }
}
fn main() {
    let _ = Levels(
            ::alloc::boxed::box_assume_init_into_vec_unsafe(
                ::alloc::intrinsics::write_box_via_move(
                    ::alloc::boxed::Box::new_uninit(),
                    [1_u8],
                ),
            ),
        )
        .first();
}
