//! The `lockchain` binary, run as a user would: output and exit codes on a good file,
//! a tampered file, a missing file and bad usage.
#![cfg(unix)]

use knhk_runtime::lockchain::{HashAlgorithm, Lockchain, LockchainReader};
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::process::Command;

mod common;
use common::{Run, run, scratch_dir};

fn lockchain(args: &[&str]) -> Run {
    lockchain_os(&args.iter().map(OsStr::new).collect::<Vec<_>>())
}

fn lockchain_os(args: &[&OsStr]) -> Run {
    run(Command::new(env!("CARGO_BIN_EXE_lockchain")).args(args))
}

fn scratch(name: &str) -> PathBuf {
    let dir = scratch_dir("lockchain-cli");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

const PAYLOADS: [&[u8]; 4] = [
    b"order 1 accepted",
    &[0xde, 0xad, 0xbe, 0xef],
    b"",
    b"order 1 filled",
];

/// A chain of the four payloads, synced, then one more appended and never synced (a
/// tail that readers ignore).
fn good_chain() -> (PathBuf, Lockchain) {
    let path = scratch("good.lockchain");
    let mut chain = Lockchain::create(&path).unwrap();
    chain.append_batch(&PAYLOADS).unwrap();
    chain.sync().unwrap();
    chain.append(b"not acknowledged").unwrap();
    (path, chain)
}

fn p(path: &Path) -> &str {
    path.to_str().unwrap()
}

#[test]
fn verify_good_file() {
    let (path, writer) = good_chain(); // the writer holds the lock: readers need none
    let before = std::fs::read(&path).unwrap();
    let run = lockchain(&["verify", p(&path)]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let reader = LockchainReader::open(&path).unwrap();
    let head = reader.head().unwrap();
    assert!(run.stdout.contains("ok: 4 entries, "), "{}", run.stdout);
    assert!(run.stdout.contains("SHA-256"), "{}", run.stdout);
    assert!(
        run.stdout.contains(&format!("head: entry 3 {}", head.hash)),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains(&format!("root: {}", reader.root())));
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "read-only: no byte changed"
    );
    drop(writer);
}

#[test]
fn show_entries() {
    let (path, _writer) = good_chain();
    let reader = LockchainReader::open(&path).unwrap();
    let run = lockchain(&["show", p(&path)]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 4, "{}", run.stdout);
    let first: Vec<&str> = lines[0].split_whitespace().collect();
    assert_eq!(first[0], "0");
    assert!(
        first[1].ends_with('Z') && first[1].contains('T'),
        "{}",
        first[1]
    );
    assert_eq!(first[2], &reader.get(0).unwrap().hash().to_string()[..16]);
    assert!(lines[0].ends_with("\"order 1 accepted\""), "{}", lines[0]);
    assert!(lines[1].ends_with(" hex:deadbeef"), "{}", lines[1]);
    assert!(lines[2].ends_with(" \"\""), "{}", lines[2]);

    let run = lockchain(&["show", p(&path), "--from", "1", "--count", "2"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let seqs: Vec<&str> = run
        .stdout
        .lines()
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(seqs, ["1", "2"]);

    let run = lockchain(&["show", p(&path), "--from", "4"]);
    assert_eq!((run.code, run.stdout.as_str()), (0, ""));
}

#[test]
fn prove_entry() {
    let (path, _writer) = good_chain();
    let reader = LockchainReader::open(&path).unwrap();
    let run = lockchain(&["prove", p(&path), "2"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let alg = reader.hash_algorithm();
    let leaf = alg.leaf_hash(reader.get(2).unwrap().canonical_bytes());
    let proof = reader.inclusion_proof(2).unwrap();
    let mut expected = format!(
        "entry: 2\ntree size: 4\nalgorithm: SHA-256\nroot: {}\nleaf hash: {}\npath: 2 hashes, bottom up\n",
        reader.root(),
        leaf
    );
    for h in &proof.hashes {
        expected += &format!("  {}\n", h);
    }
    expected += "verified: the path leads from the leaf hash to the root\n";
    assert_eq!(run.stdout, expected);
}

#[test]
fn stats_of_a_blake3_chain() {
    let path = scratch("b3.lockchain");
    let options = knhk_runtime::lockchain::CreateOptions {
        hash: HashAlgorithm::Blake3,
        initial_capacity: 4096,
    };
    let mut chain = Lockchain::create_with(&path, options).unwrap();
    chain.append(b"a").unwrap();
    chain.sync().unwrap();
    chain.append(b"unsynced").unwrap(); // 88 + 8 bytes past the committed length
    let run = lockchain(&["stats", p(&path)]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let field = |name: &str| {
        run.stdout
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .unwrap_or_else(|| panic!("no `{name}` in {}", run.stdout))
            .to_owned()
    };
    assert_eq!(field("entries: "), "1");
    assert_eq!(field("file bytes: "), "4096");
    assert_eq!(field("committed length: "), "224 bytes"); // 128 + 88 + 1 + 7
    assert_eq!(field("algorithm: "), "BLAKE3");
    assert_eq!(field("root: "), chain.root_at(1).unwrap().to_string());
    assert_eq!(
        field("tail ignored: "),
        "3872 bytes, 96 of them up to the last non-zero byte (unacknowledged appends)"
    );
}

#[test]
fn tampered_file_fails_with_1() {
    let (path, writer) = good_chain();
    let offset = writer.get(1).unwrap().offset() + 56; // first payload byte of entry 1
    drop(writer);
    let file = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
    file.write_all_at(&[0x00], offset).unwrap();
    for args in [
        vec!["verify", p(&path)],
        vec!["show", p(&path)],
        vec!["prove", p(&path), "0"],
        vec!["stats", p(&path)],
    ] {
        let run = lockchain(&args);
        assert_eq!(run.code, 1, "{args:?}: {}", run.stderr);
        assert!(run.stdout.is_empty(), "{args:?}: {}", run.stdout);
        assert!(run.stderr.starts_with("lockchain: "), "{}", run.stderr);
        assert!(
            run.stderr.contains("entry 1 at byte offset"),
            "{}",
            run.stderr
        );
        assert!(run.stderr.contains("hash mismatch"), "{}", run.stderr);
    }

    let not_a_chain = scratch("notes.txt");
    std::fs::write(&not_a_chain, "x".repeat(200)).unwrap();
    let run = lockchain(&["verify", p(&not_a_chain)]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("magic"), "{}", run.stderr);
}

#[test]
fn missing_file_fails_with_3() {
    let path = scratch("missing.lockchain");
    for command in ["verify", "show", "stats"] {
        let run = lockchain(&[command, p(&path)]);
        assert_eq!(run.code, 3, "{command}: {}", run.stderr);
        assert!(run.stderr.contains(p(&path)), "{}", run.stderr);
        assert!(run.stderr.contains("open"), "{}", run.stderr);
    }
    let run = lockchain(&["prove", p(&path), "0"]);
    assert_eq!(run.code, 3, "{}", run.stderr);
}

/// What every usage error ends with: clap's pointer to the help (`try '--help'`, for
/// the program or the command) or, for no such entry, the program's own.
fn points_to_help(stderr: &str) -> bool {
    stderr.contains("For more information, try '--help'.")
        || stderr.contains("For more information, try 'lockchain --help'.")
}

#[test]
fn bad_usage_fails_with_2() {
    let (path, _writer) = good_chain();
    let file = p(&path);
    for (args, message) in [
        (
            vec![],
            "'lockchain' requires a subcommand but one was not provided",
        ),
        (vec!["check", file], "unrecognized subcommand 'check'"),
        (
            vec!["verify"],
            "required arguments were not provided:\n  <FILE>",
        ),
        (
            vec!["verify", file, "extra"],
            "unexpected argument 'extra' found",
        ),
        (
            vec!["show", file, "--from"],
            "a value is required for '--from <SEQ>' but none was supplied",
        ),
        (
            vec!["show", file, "--count", "-1"],
            "invalid value '-1' for '--count <N>': expected a non-negative integer",
        ),
        (
            vec!["verify", file, "--from", "1"],
            "unexpected argument '--from' found",
        ),
        (
            vec!["prove", file],
            "required arguments were not provided:\n  <SEQ>",
        ),
        (
            vec!["prove", file, "x"],
            "invalid value 'x' for '<SEQ>': expected a non-negative integer",
        ),
        (vec!["prove", file, "4"], "lockchain: no entry 4:"),
        (vec!["show", file, "--from", "5"], "lockchain: no entry 5:"),
    ] {
        let run = lockchain(&args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains(message), "{args:?}: {}", run.stderr);
        assert!(points_to_help(&run.stderr), "{}", run.stderr);
        assert!(run.stdout.is_empty());
    }
    // The commands' usage is named where it helps.
    let run = lockchain(&["verify", file, "extra"]);
    assert!(
        run.stderr.contains("Usage: lockchain verify <FILE>"),
        "{}",
        run.stderr
    );
    let run = lockchain(&["check", file]);
    assert!(
        run.stderr.contains("Usage: lockchain <COMMAND>"),
        "{}",
        run.stderr
    );
}

#[test]
fn unknown_option_fails_with_2() {
    let (path, _writer) = good_chain();
    let file = p(&path);
    for args in [
        vec!["--bogus"],
        vec!["--bogus", "verify", file],
        vec!["verify", file, "--bogus"],
        vec!["show", file, "--from", "1", "--bogus"],
        vec!["show", file, "--counts", "1"],
        vec!["prove", file, "0", "-x"],
        vec!["stats", "--bogus", file],
    ] {
        let run = lockchain(&args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(
            run.stderr.contains("error: unexpected argument '-"),
            "{args:?}: {}",
            run.stderr
        );
        assert!(points_to_help(&run.stderr), "{}", run.stderr);
        assert!(run.stdout.is_empty(), "{args:?}: {}", run.stdout);
    }
}

#[test]
fn arguments_that_are_not_utf8() {
    // A FILE may be any path the OS allows.
    let (path, _writer) = good_chain();
    let odd = path.with_file_name(OsStr::from_bytes(b"chain-\xff\xfe.lockchain"));
    std::fs::copy(&path, &odd).unwrap();
    let run = lockchain_os(&[OsStr::new("verify"), odd.as_os_str()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("ok: 4 entries, "), "{}", run.stdout);
    // A command, option or number that is not UTF-8 is a usage error, not a panic.
    let bad = OsStr::from_bytes(b"\xff1");
    let file = path.as_os_str();
    for (args, message) in [
        (vec![bad, file], "unrecognized subcommand '\u{fffd}1'"),
        (
            vec![OsStr::new("verify"), file, OsStr::from_bytes(b"--\xff")],
            "unexpected argument '--\u{fffd}' found",
        ),
        (
            vec![OsStr::new("show"), file, OsStr::new("--from"), bad],
            "invalid value '\u{fffd}1' for '--from <SEQ>': expected a non-negative integer",
        ),
        (
            vec![OsStr::new("prove"), file, bad],
            "invalid value '\u{fffd}1' for '<SEQ>': expected a non-negative integer",
        ),
        (
            vec![OsStr::new("stats"), file, bad],
            "unexpected argument '\u{fffd}1' found",
        ),
    ] {
        let run = lockchain_os(&args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains(message), "{args:?}: {}", run.stderr);
        assert!(run.stdout.is_empty());
    }
}

/// The explanation every help shows after its commands or options.
const CHECKS_AND_EXIT_CODES: [&str; 6] = [
    "Every command first opens FILE read-only, which checks the header and every",
    "EXIT CODES",
    "0   success",
    "1   the file is damaged",
    "2   usage error",
    "3   I/O error",
];

#[test]
fn help_documents_the_exit_codes() {
    for (args, usage) in [
        (vec!["--help"], "Usage: lockchain <COMMAND>"),
        (vec!["-h"], "Usage: lockchain <COMMAND>"),
        (vec!["help"], "Usage: lockchain <COMMAND>"),
        (vec!["show", "-h"], "--from <SEQ>"),
        (vec!["show", "--help"], "--from <SEQ>"),
        (vec!["help", "show"], "--from <SEQ>"),
    ] {
        let run = lockchain(&args);
        assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
        assert!(run.stderr.is_empty(), "{args:?}: {}", run.stderr);
        for needle in CHECKS_AND_EXIT_CODES.iter().chain(&[usage]) {
            assert!(run.stdout.contains(needle), "{needle}: {}", run.stdout);
        }
    }
    for command in ["verify", "prove", "stats"] {
        let run = lockchain(&[command, "--help"]);
        assert_eq!(run.code, 0, "{command}: {}", run.stderr);
        for needle in CHECKS_AND_EXIT_CODES {
            assert!(run.stdout.contains(needle), "{needle}: {}", run.stdout);
        }
        assert!(
            run.stdout
                .contains(&format!("Usage: lockchain {command} <FILE>")),
            "{}",
            run.stdout
        );
    }
}

#[test]
fn help_names_every_command_and_what_it_prints() {
    let run = lockchain(&["--help"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let help = &run.stdout;
    for (command, prints) in [
        ("verify", "the head and the Merkle root"),
        ("show", "the first 16 hex"),
        ("prove", "RFC 6962 inclusion proof of entry SEQ"),
        (
            "stats",
            "the tail after the committed length that readers ignore",
        ),
    ] {
        assert!(
            help.lines()
                .any(|l| l.starts_with(&format!("  {command}  "))),
            "{command} is not listed: {help}"
        );
        assert!(help.contains(prints), "{prints}: {help}");
    }
    for code in ["0", "1", "2", "3"] {
        assert!(
            help.lines()
                .any(|l| l.starts_with(&format!("    {code}   "))),
            "exit code {code}: {help}"
        );
    }
    let run = lockchain(&["--version"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.starts_with("lockchain "), "{}", run.stdout);
}
