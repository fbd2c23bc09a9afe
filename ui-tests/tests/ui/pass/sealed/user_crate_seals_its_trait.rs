//! A user crate seals its own traits, implements them (for a generic type, through a
//! path from another module, for a generic trait twice on one type) and uses them.
#![deny(warnings, missing_docs, unreachable_pub)]

use knhk_runtime::span::{HotPathTelemetry, SpanBuffer, TraceId};

/// Shapes.
pub mod shapes {
    use knhk_runtime::sealed;

    /// Something with an area; sealed.
    #[sealed]
    pub trait Shape: std::fmt::Debug {
        /// The area.
        fn area(&self) -> f64;
        /// Twice the area, provided.
        fn double(&self) -> f64 {
            2.0 * self.area()
        }
    }

    /// A square.
    #[derive(Debug)]
    pub struct Square(pub f64);

    #[sealed]
    impl Shape for Square {
        fn area(&self) -> f64 {
            self.0 * self.0
        }
    }

    /// Conversion into `T`, generic and with a default; sealed.
    #[sealed]
    pub trait Into2<T = f64, const N: usize = 1> {
        /// Converts.
        fn into2(self) -> T;
    }

    /// Something with a lifetime parameter; sealed.
    #[sealed]
    pub trait Borrowing<'a> {
        /// The borrowed part.
        fn part(&self) -> &'a str;
    }
}

/// Implementations from another module, naming the traits by path.
pub mod more {
    use crate::shapes;
    use knhk_runtime::sealed;

    /// Many of one shape.
    #[derive(Debug)]
    pub struct Many<S>(pub Vec<S>);

    #[sealed]
    impl<S: shapes::Shape> crate::shapes::Shape for Many<S>
    where
        S: Send,
    {
        fn area(&self) -> f64 {
            self.0.iter().map(shapes::Shape::area).sum()
        }
    }

    #[sealed]
    impl shapes::Into2 for shapes::Square {
        fn into2(self) -> f64 {
            self.0
        }
    }

    #[sealed]
    impl shapes::Into2<u64, 2> for shapes::Square {
        fn into2(self) -> u64 {
            self.0 as u64 * 2
        }
    }

    /// A named thing.
    #[derive(Debug)]
    pub struct Named(pub &'static str);

    #[sealed]
    impl<'a> shapes::Borrowing<'a> for Named {
        fn part(&self) -> &'a str {
            self.0
        }
    }
}

fn total<S: shapes::Shape + ?Sized>(shape: &S) -> f64 {
    shape.double() / 2.0
}

fn main() {
    use shapes::{Borrowing, Into2, Shape, Square};
    let many = more::Many(vec![Square(1.0), Square(2.0)]);
    assert_eq!(many.area(), 5.0);
    assert_eq!(total(&many), 5.0);
    let dynamic: &dyn Shape = &Square(3.0);
    assert_eq!(dynamic.area(), 9.0);
    assert_eq!(Into2::<f64>::into2(Square(1.5)), 1.5);
    assert_eq!(Into2::<u64, 2>::into2(Square(3.0)), 6);
    assert_eq!(more::Named("x").part(), "x");

    // knhk's own sealed trait is usable as a bound.
    let mut buffer = SpanBuffer::<1>::new();
    fn start<T: HotPathTelemetry>(t: &mut T) -> bool {
        t.start_span("s", TraceId::new(1).unwrap(), None).is_some()
    }
    assert!(start(&mut buffer));
}
