//! The builder, its setters and `build()` have the struct's visibility, so code outside
//! the struct's module can use them, and a private struct's builder stays private.

mod net {
    use knhk_runtime::Builder;

    #[derive(Builder)]
    pub struct Public {
        pub id: u32,
        secret: u64,
    }

    impl Public {
        pub fn secret(&self) -> u64 {
            self.secret
        }
    }

    pub mod inner {
        #[derive(knhk_runtime::Builder)]
        pub(crate) struct CrateOnly {
            pub(crate) x: u8,
        }

        #[derive(knhk_runtime::Builder)]
        pub(super) struct ParentOnly {
            pub(super) y: u8,
        }

        #[derive(knhk_runtime::Builder)]
        pub(in crate::net) struct InNet {
            pub(in crate::net) z: u8,
        }
    }

    #[derive(Builder)]
    struct Private {
        w: u8,
    }

    pub fn parent_only() -> u8 {
        let p = inner::ParentOnly::builder().y(4).build();
        let n = inner::InNet::builder().z(5).build();
        let private: PrivateBuilder<_> = Private::builder().w(6);
        p.y + n.z + private.build().w
    }
}

fn main() {
    let p = net::Public::builder().secret(9).id(1).build();
    assert_eq!((p.id, p.secret()), (1, 9));
    let _named: net::PublicBuilder = net::Public::builder();
    assert_eq!(net::inner::CrateOnly::builder().x(3).build().x, 3);
    assert_eq!(net::parent_only(), 15);
}
