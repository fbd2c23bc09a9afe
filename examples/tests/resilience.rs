//! The `resilience` example run as a user runs it: on simulated time its output is the
//! same every run, so the test checks the breaker's whole cycle, the stories of its
//! errors, its metrics lines and the live check.

use std::process::Command;

#[allow(dead_code)] // its scratch directories: this program writes no file
mod common;
use common::{Run, run};

fn resilience(args: &[&str]) -> Run {
    run(Command::new(env!("CARGO_BIN_EXE_resilience")).args(args))
}

#[test]
fn the_breaker_opens_in_the_outage_rejects_tries_again_and_closes() {
    let run = resilience(&[]);
    assert_eq!(
        run.code, 0,
        "stdout:\n{}\nstderr:\n{}",
        run.stdout, run.stderr
    );
    let out = &run.stdout;
    // The cycle, in order: opened by the outage's failures, half-open after the wait,
    // closed once the service answers again.
    let transitions: Vec<&str> = out
        .lines()
        .filter_map(|l| l.split("breaker: ").nth(1))
        .filter(|t| t.contains(" -> "))
        .collect();
    assert_eq!(transitions.first(), Some(&"closed -> open"), "{out}");
    assert_eq!(transitions.last(), Some(&"half-open -> closed"), "{out}");
    assert!(transitions.contains(&"open -> half-open"), "{out}");
    assert!(transitions.contains(&"half-open -> open"), "{out}");
    // The rate that opened it was reported first: the slow phase comes before the outage.
    assert!(
        out.contains("breaker: slow-call rate") && out.contains("reached the threshold 60%"),
        "{out}"
    );
    // A failure's story is newest context first.
    let failure = out
        .lines()
        .find_map(|l| l.strip_prefix("first failure: "))
        .expect("a failure was printed");
    assert!(
        failure.starts_with("checking the quote: quoting item ")
            || (failure.starts_with("quoting item ")
                && failure.ends_with(": pricing service unavailable (HTTP 503)")),
        "{failure}"
    );
    let rejection = out
        .split("first rejection:\n")
        .nth(1)
        .expect("a rejection was printed");
    assert!(
        rejection.contains("quoting item")
            && rejection.contains("circuit breaker `pricing` is open"),
        "{rejection}"
    );
    // Metrics every 20 requests, and the counts add up.
    let metrics = out.lines().filter(|l| l.contains(" requests  ")).count();
    assert_eq!(metrics, 300 / 20, "{out}");
    let summary = out
        .lines()
        .find(|l| l.starts_with("served "))
        .expect("a summary");
    let numbers: Vec<u32> = summary
        .split(|c: char| !c.is_ascii_digit())
        .filter(|n| !n.is_empty())
        .map(|n| n.parse().unwrap())
        .collect();
    assert_eq!(numbers.iter().sum::<u32>(), 300, "{summary}");
    assert!(numbers[2] > 0, "some calls were rejected: {summary}");
    assert!(out.contains("breaker at the end: closed"), "{out}");
    assert!(out.contains("0 violations"), "{out}");
}

#[test]
fn the_same_seed_gives_the_same_run_and_bad_arguments_exit_2() {
    let a = resilience(&["--requests", "240", "--seed", "9"]);
    let b = resilience(&["--requests", "240", "--seed", "9"]);
    assert_eq!(a.code, 0, "{}", a.stdout);
    assert_eq!(a.stdout, b.stdout);
    let bad = resilience(&["--requests", "10"]);
    assert_eq!(bad.code, 2, "{}", bad.stderr);
    assert!(bad.stderr.contains("--requests"), "{}", bad.stderr);
}
