use super::*;
use std::cell::Cell;
use std::error::Error;
use std::fmt;

#[derive(Debug, PartialEq)]
struct Failed(&'static str);

impl fmt::Display for Failed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl Error for Failed {}

fn ok(v: u32) -> ContextResult<u32, Failed> {
    Ok(v).into_context()
}

fn err(why: &'static str) -> ContextResult<u32, Failed> {
    Err(Failed(why)).into_context()
}

fn messages<T, E>(r: &ContextResult<T, E>) -> Vec<&str> {
    r.contexts().map(Context::message).collect()
}

#[test]
fn contexts_are_breadcrumbs_in_the_order_the_steps_ran() {
    let r = ok(1)
        .context("first")
        .and_then(|v| ok(v + 1).context("second"))
        .and_then(|v| ok(v + 1).context(String::from("third")));
    assert_eq!(messages(&r), ["first", "second", "third"]);
    assert_eq!(r.into_result().unwrap(), 3);
}

#[test]
fn a_failure_keeps_the_steps_before_it_and_skips_those_after() {
    let ran = Cell::new(false);
    let r = ok(1)
        .context("reading")
        .and_then(|_| err("bad digit").context("parsing"))
        .and_then(|v| {
            ran.set(true);
            ok(v).context("validating")
        })
        .context("loading the config");
    assert!(!ran.get(), "a step after a failure does not run");
    assert_eq!(messages(&r), ["reading", "parsing", "loading the config"]);
    // Newest first, then the error, like anyhow's chain.
    assert_eq!(
        r.to_string(),
        "loading the config: parsing: reading: bad digit"
    );
    let e = r.into_result().unwrap_err();
    assert_eq!(
        e.to_string(),
        "loading the config: parsing: reading: bad digit"
    );
    assert_eq!(e.error(), &Failed("bad digit"));
}

#[test]
fn print_error_is_anyhows_chain_with_each_contexts_location() {
    let line = line!() + 2;
    let r = err("port 80 is reserved")
        .context("reading")
        .context("validating");
    let printed = r.print_error();
    let file = file!();
    assert_eq!(
        printed,
        format!(
            "validating (at {file}:{}:10)\n\nCaused by:\n    0: reading (at {file}:{line}:10)\n    1: port 80 is reserved",
            line + 1
        )
    );
    assert_eq!(
        format!("{:#}", r.into_result().unwrap_err()),
        printed,
        "{{:#}} of the ContextError prints the same"
    );
    assert_eq!(ok(1).context("fine").print_error(), "");
    assert_eq!(err("bare").print_error(), "bare");
}

#[test]
fn with_context_runs_only_on_the_error_path() {
    let calls = Cell::new(0);
    let message = || {
        calls.set(calls.get() + 1);
        format!("expensive {}", 42)
    };
    let r = ok(1).with_context(message);
    assert_eq!(calls.get(), 0);
    assert_eq!(messages(&r), Vec::<&str>::new());
    let r = err("no").with_context(message);
    assert_eq!(calls.get(), 1);
    assert_eq!(messages(&r), ["expensive 42"]);
}

#[test]
fn or_else_recovers_and_keeps_the_chain_of_the_failed_steps() {
    let r: ContextResult<u32, Failed> = ok(1)
        .context("reading config.json")
        .and_then(|_| err("missing").context("parsing"))
        .or_else(|e| {
            assert_eq!(e, Failed("missing"));
            ok(8080).context("using the default")
        });
    assert_eq!(r.as_result(), Ok(&8080));
    assert_eq!(
        messages(&r),
        ["reading config.json", "parsing", "using the default"]
    );
    // A recovery that fails too tells the whole story.
    let r = err("missing")
        .context("parsing")
        .or_else(|_| err("no default").context("using the default"));
    assert_eq!(r.to_string(), "using the default: parsing: no default");
    // A success is left as it is.
    let r = ok(3).context("kept").or_else(|_| ok(4).context("never"));
    assert_eq!((r.as_result(), messages(&r)), (Ok(&3), vec!["kept"]));
}

#[test]
fn map_and_map_err_keep_the_contexts() {
    let r = ok(2).context("a").map(|v| v * 10);
    assert_eq!((r.as_result(), messages(&r)), (Ok(&20), vec!["a"]));
    let r = err("x").context("b").map_err(|Failed(why)| why.len());
    assert_eq!((r.as_result(), messages(&r)), (Err(&1), vec!["b"]));
}

#[test]
fn unwrap_or_else_hands_over_the_error_and_its_contexts() {
    assert_eq!(ok(5).context("a").unwrap_or_else(|_, _| 0), 5);
    let got = err("no")
        .context("a")
        .context("b")
        .unwrap_or_else(|e, contexts| {
            assert_eq!(e, Failed("no"));
            let names: Vec<&str> = contexts.iter().map(Context::message).collect();
            assert_eq!(names, ["a", "b"]);
            assert_eq!(contexts[1].location().file(), file!());
            7
        });
    assert_eq!(got, 7);
}

#[test]
fn success_keeps_the_four_newest_inline_and_counts_the_rest() {
    let mut r = ok(0);
    for name in ["c1", "c2", "c3", "c4", "c5", "c6"] {
        r = r.context(name);
    }
    assert_eq!(messages(&r), ["c3", "c4", "c5", "c6"]);
    assert_eq!(r.dropped_contexts(), 2);
    // A failure after that says how many were not kept.
    let r = r.and_then(|_| err("late"));
    assert_eq!(r.to_string(), "c6: c5: c4: c3: (2 earlier contexts): late");
    let e = r.into_result().unwrap_err();
    assert_eq!((e.contexts().len(), e.dropped()), (4, 2));
    assert!(
        format!("{e:#}").ends_with("    3: (2 earlier contexts not kept)\n    4: late"),
        "{e:#}"
    );
}

#[test]
fn a_failure_keeps_every_context_past_the_inline_four() {
    let mut r = err("root");
    let names = ["c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "c9"];
    for name in names {
        r = r.context(name);
    }
    assert_eq!(messages(&r), names);
    assert_eq!(r.dropped_contexts(), 0);
    let r = ok(1).context("before").and_then(|_| {
        let mut r = err("deep");
        for name in names {
            r = r.context(name);
        }
        r
    });
    assert_eq!(messages(&r).len(), 10);
    assert_eq!(messages(&r)[0], "before");
}

#[test]
fn the_source_is_the_original_error_and_the_boxed_chain_walks_each_context() {
    let e = err("disk full")
        .context("writing the journal")
        .context("committing")
        .into_result()
        .unwrap_err();
    let source = e.source().expect("the original error");
    assert_eq!(source.to_string(), "disk full");
    assert!(source.downcast_ref::<Failed>().is_some());

    let chain = e.into_boxed_chain();
    let mut walked = vec![chain.to_string()];
    let mut next = chain.source();
    while let Some(error) = next {
        walked.push(error.to_string());
        next = error.source();
    }
    assert_eq!(walked, ["committing", "writing the journal", "disk full"]);
    assert!(chain.downcast_ref::<ContextLayer>().is_some());
}

#[test]
fn it_goes_into_box_dyn_error_with_question_mark() {
    fn run() -> Result<u32, Box<dyn Error + Send + Sync>> {
        let v = err("nope").context("running").into_result()?;
        Ok(v)
    }
    let e = run().unwrap_err();
    assert_eq!(e.to_string(), "running: nope");
    assert_eq!(e.source().unwrap().to_string(), "nope");
}

#[cfg(feature = "anyhow")]
#[test]
fn into_anyhow_makes_each_context_anyhows_own() {
    let e = err("disk full")
        .context("writing the journal")
        .context("committing")
        .into_result()
        .unwrap_err()
        .into_anyhow();
    let chain: Vec<String> = e.chain().map(ToString::to_string).collect();
    assert_eq!(chain, ["committing", "writing the journal", "disk full"]);
    assert_eq!(
        format!("{e:#}"),
        "committing: writing the journal: disk full"
    );
    assert!(e.downcast_ref::<Failed>().is_some());
}

#[test]
fn its_size_is_the_results_plus_the_inline_contexts() {
    use std::mem::size_of;
    assert_eq!(size_of::<Context>(), 32);
    assert_eq!(
        size_of::<ContextResult<u64, std::io::Error>>(),
        size_of::<Result<u64, std::io::Error>>() + 160
    );
    assert_eq!(
        size_of::<ContextResult<(), Failed>>(),
        size_of::<Result<(), Failed>>() + 160
    );
}

#[test]
fn trace_err_emits_the_error_and_its_chain() {
    let events = crate::test_events::captured(|| {
        let r = ok(1)
            .context("reading")
            .and_then(|_| err("bad").context("parsing"));
        assert!(r.trace_err().is_err());
        assert!(ok(1).context("fine").trace_err().is_ok());
    });
    assert_eq!(
        events,
        [format!(
            "knhk.error knhk::error message=error exception.type=\"{}\" exception.message=\"bad\" knhk.error.context=\"parsing: reading\" ",
            std::any::type_name::<Failed>()
        )]
    );
}
