//! Names that tell paths apart: `#[impl_paths]` puts the impl's type in its methods'
//! names, generic functions are marked as one path for every instantiation, and
//! lookups never pick one of several paths of the same name.

use knhk_runtime::{PathReport, Policy, hot_path, impl_paths, report, warm_path};
use std::hint::black_box;

struct Bids([u32; 4]);
struct Asks([u32; 4]);

#[impl_paths]
impl Bids {
    #[hot_path(8, measure = "always")]
    fn get(&self, i: usize) -> u32 {
        self.0[i & 3]
    }
}

#[impl_paths]
impl Asks {
    #[hot_path(8, measure = "always")]
    fn get(&self, i: usize) -> u32 {
        self.0[i & 3]
    }

    #[hot_path(8, name = "names.asks_named", measure = "always")]
    fn named(&self) -> u32 {
        self.0[0]
    }
}

trait Side {
    fn best(&self) -> u32;
}

#[impl_paths]
impl Side for Bids {
    #[knhk_runtime::warm_path(1_000, measure = "always")]
    fn best(&self) -> u32 {
        self.0[3]
    }
}

struct Levels<T>(Vec<T>);

#[impl_paths]
impl<T: Copy + Default> Levels<T> {
    #[warm_path(1_000, measure = "always")]
    fn first(&self) -> T {
        self.0.first().copied().unwrap_or_default()
    }
}

/// Generic: `largest::<u8>` and `largest::<u64>` share one path.
#[warm_path(1_000, measure = "always")]
fn largest<T: Ord + Copy>(xs: &[T]) -> Option<T> {
    xs.iter().copied().max()
}

/// Generic through an `impl Trait` argument.
#[warm_path(1_000, measure = "always")]
fn count(xs: impl Iterator<Item = u8>) -> usize {
    xs.count()
}

/// Lifetimes do not make instantiations.
#[hot_path(8, measure = "always")]
fn first_byte<'a>(xs: &'a [u8]) -> Option<&'a u8> {
    xs.first()
}

mod one {
    #[knhk_runtime::hot_path(8, name = "names.twice", measure = "always")]
    pub(super) fn f(x: u32) -> u32 {
        x + 1
    }
}

mod two {
    #[knhk_runtime::hot_path(8, name = "names.twice", measure = "always")]
    pub(super) fn f(x: u32) -> u32 {
        x + 2
    }
}

fn run_all() {
    let (bids, asks) = (Bids([1, 2, 3, 4]), Asks([5, 6, 7, 8]));
    black_box(bids.get(black_box(1)) + asks.get(black_box(1)) + asks.named());
    black_box(bids.best());
    black_box(Levels(vec![3_u8]).first());
    black_box(Levels(vec![3.5_f64]).first());
    black_box(largest(&[1_u8, 9, 3]));
    black_box(largest(&[1_u64, 2]));
    black_box(count([1_u8, 2].into_iter()));
    black_box(first_byte(b"k"));
    black_box(one::f(1) + two::f(1));
}

fn named<'a>(report: &'a knhk_runtime::Report, suffix: &str) -> &'a PathReport {
    let name = format!("{}::{suffix}", module_path!());
    report
        .path(&name)
        .unwrap_or_else(|| panic!("no single path named {name}"))
}

#[test]
fn methods_of_two_types_have_two_names() {
    run_all();
    let report = report();
    let bids = named(&report, "Bids::get");
    let asks = named(&report, "Asks::get");
    assert_ne!(bids.id, asks.id);
    assert!(bids.stats.calls >= 1 && asks.stats.calls >= 1);
    assert!(named(&report, "<Bids as Side>::best").stats.calls >= 1);
    // A name given on the method wins.
    assert!(report.path("names.asks_named").is_some());
    let here = module_path!();
    let gets: Vec<&str> = report
        .paths
        .iter()
        .map(|p| p.name.as_str())
        .filter(|n| n.starts_with(here) && n.ends_with("::get"))
        .collect();
    assert_eq!(
        gets,
        [format!("{here}::Asks::get"), format!("{here}::Bids::get")],
        "every get named with its type"
    );
}

#[test]
fn generic_functions_are_one_path_marked_as_such() {
    run_all();
    let report = report();
    let largest = named(&report, "largest");
    assert!(largest.generic);
    assert!(largest.stats.calls >= 2, "u8 and u64 calls add up");
    assert!(
        named(&report, "count").generic,
        "an impl Trait argument is generic"
    );
    assert!(
        named(&report, "Levels<T>::first").generic,
        "a method of a generic impl"
    );
    assert!(!named(&report, "first_byte").generic, "lifetimes are not");
    assert!(!named(&report, "Bids::get").generic);
    let table = report.to_string();
    let line = table
        .lines()
        .find(|l| l.contains("::largest"))
        .expect("a line for largest");
    assert!(line.contains("::largest<..> "), "{line}");
    let verdicts = report.check(&Policy::default());
    let shown = verdicts.to_string();
    assert!(shown.contains("::largest<..>"), "{shown}");
}

#[test]
fn a_shared_name_is_never_looked_up_as_one_of_its_paths() {
    run_all();
    let report = report();
    assert!(report.path("names.twice").is_none(), "ambiguous: no guess");
    let both: Vec<&PathReport> = report.paths_named("names.twice").collect();
    assert_eq!(both.len(), 2);
    assert!(both.iter().all(|p| p.duplicate_name));
    let first = both[0];
    assert_eq!(
        report.path_at(&first.file, first.line).map(|p| p.id),
        Some(first.id)
    );
    assert_eq!(
        report.path_with_id(both[1].id).map(|p| p.line),
        Some(both[1].line)
    );

    let verdicts = report.check(&Policy::default());
    assert!(verdicts.get("names.twice").is_none());
    assert_eq!(verdicts.named("names.twice").count(), 2);
    let at = verdicts.at(&first.file, first.line).expect("by location");
    assert_eq!(at.location, format!("{}:{}", first.file, first.line));
    // Both tables show each with its location.
    let location = format!("names.twice ({}:{})", first.file, first.line);
    assert!(report.to_string().contains(&location));
    assert!(verdicts.to_string().contains(&location));
}
