//! The `arena` example run as a user runs it: what it prints that cannot flake (the
//! statistics' arithmetic, the reset, the exhaustion and its live check), not its
//! figures, which depend on how the two workers interleave.

use std::process::Command;

#[allow(dead_code)] // its scratch directories: this program writes no file
mod common;
use common::{Run, run};

const CAPACITY: usize = 1 << 20;

fn arena(args: &[&str]) -> Run {
    run(Command::new(env!("CARGO_BIN_EXE_arena")).args(args))
}

/// An `ArenaStats` line's figures: allocations, used, capacity, padding, chunk ends,
/// remaining, high water, failed.
fn stats(line: &str) -> [usize; 8] {
    let numbers: Vec<usize> = line
        .split(|c: char| !c.is_ascii_digit())
        .filter(|n| !n.is_empty())
        .map(|n| n.parse().unwrap())
        .collect();
    let figures: [usize; 8] = numbers.try_into().unwrap_or_else(|_| panic!("{line}"));
    assert!(
        line.contains(&format!(
            "{} allocations, {} of {} bytes used, {} padding, {} chunk ends, {} remaining, high water {}, {} failed",
            figures[0], figures[1], figures[2], figures[3], figures[4], figures[5], figures[6], figures[7]
        )),
        "{line}"
    );
    figures
}

/// The lines after `prefix` (the statistics lines are indented).
fn lines<'a>(stdout: &'a str, prefix: &'a str) -> impl Iterator<Item = &'a str> {
    stdout.lines().filter_map(move |l| l.strip_prefix(prefix))
}

#[test]
fn batches_fit_reset_to_empty_and_the_oversized_one_is_refused_and_reported() {
    let run = arena(&["--batches", "3", "--requests", "1000"]);
    assert_eq!(
        run.code, 0,
        "stdout:\n{}\nstderr:\n{}",
        run.stdout, run.stderr
    );
    let out = &run.stdout;

    // Every statistics line adds up to the capacity; three batches and the oversized one.
    let during: Vec<_> = lines(out, "  arena: ").map(stats).collect();
    let after: Vec<_> = lines(out, "  after reset: ").map(stats).collect();
    assert_eq!((during.len(), after.len()), (4, 4), "{out}");
    for [
        _,
        used,
        capacity,
        padding,
        chunk_ends,
        remaining,
        high_water,
        _,
    ] in during.iter().chain(&after).copied()
    {
        assert_eq!(capacity, CAPACITY, "{out}");
        assert_eq!(used + padding + chunk_ends + remaining, capacity, "{out}");
        assert!(high_water >= capacity - remaining, "{out}");
    }
    // Each batch used the arena, and the reset gave all of it back.
    for (batch, after) in during.iter().zip(&after) {
        assert!(batch[1] > 0 && batch[0] > 0, "{out}");
        assert_eq!(after[..2], [0, 0], "{out}");
        assert_eq!(after[5], CAPACITY, "{out}");
        assert_eq!(after[6], batch[6], "the high-water mark is kept: {out}");
    }
    // Only the oversized batch failed an allocation.
    let failed: Vec<_> = during.iter().map(|s| s[7]).collect();
    assert!(
        failed[..3] == [0, 0, 0] && failed[3] > 0,
        "{failed:?}\n{out}"
    );

    // The batches that fit say so; the oversized one is refused with the arena's error,
    // naming the capacity and a request larger than what was left.
    assert_eq!(
        out.lines()
            .filter(|l| l.starts_with("batch ") && l.contains(" 1000 requests, "))
            .count(),
        3,
        "{out}"
    );
    let refused = out
        .lines()
        .find_map(|l| l.strip_prefix("batch 3: 16384 requests, refused: arena exhausted: "))
        .unwrap_or_else(|| panic!("no refusal in:\n{out}"));
    let numbers: Vec<usize> = refused
        .split(|c: char| !c.is_ascii_digit())
        .filter(|n| !n.is_empty())
        .map(|n| n.parse().unwrap())
        .collect();
    let [requested, align, remaining, capacity] = numbers[..] else {
        panic!("{refused}");
    };
    assert_eq!(
        refused,
        format!(
            "{requested} bytes aligned to {align} do not fit in the {remaining} bytes left of its {capacity}"
        )
    );
    assert_eq!(capacity, CAPACITY);
    assert!(
        requested > remaining && align.is_power_of_two(),
        "{refused}"
    );

    // The live check saw the exhaustion event, and it follows the registry.
    let telemetry = out
        .lines()
        .find(|l| l.starts_with("telemetry: "))
        .unwrap_or_else(|| panic!("no telemetry line in:\n{out}"));
    assert!(
        telemetry.starts_with("telemetry: 1 events, "),
        "{telemetry}"
    );
    assert!(telemetry.contains("; 0 violations, "), "{telemetry}");
    assert!(
        run.stderr.contains("knhk::arena") && run.stderr.contains("arena exhausted"),
        "{}",
        run.stderr
    );
}

#[test]
fn bad_arguments_exit_2() {
    for args in [&["--requests", "0"][..], &["--frobnicate"][..]] {
        let run = arena(args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(
            run.stderr.starts_with("error: ") && run.stderr.contains("try '--help'"),
            "{}",
            run.stderr
        );
    }
}
