//! `lockchain`: read-only inspection of a lockchain file.
//!
//! ```text
//! cargo run -p knhk-examples --bin lockchain -- verify audit.lockchain
//! cargo run -p knhk-examples --bin lockchain -- show audit.lockchain --from 10 --count 5
//! cargo run -p knhk-examples --bin lockchain -- prove audit.lockchain 12
//! cargo run -p knhk-examples --bin lockchain -- stats audit.lockchain
//! cargo run -p knhk-examples --bin lockchain -- --help
//! ```
//!
//! Every command opens the file with `LockchainReader::open`: no lock, no write, so it
//! is safe beside a running writer and sees the entries committed when it opened.
//! Opening checks the header and every committed entry (links and hashes); a damaged
//! file fails every command with exit code 1. `verify` is that open, reported.
//! Arguments are parsed with `clap`; a usage error exits with 2, as `--help` documents.

use clap::builder::{OsStringValueParser, TypedValueParser};
use clap::error::ErrorKind;
use clap::{Parser, Subcommand};
use knhk_runtime::Instrument;
use knhk_runtime::lockchain::{Entry, LockchainError, LockchainReader, verify_inclusion};
use knhk_runtime::mapped_file::FileError;
use std::ffi::OsString;
use std::fmt::Write as _;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// What `--help` shows after the commands or options, for the program and every
/// command alike: the checks every command makes, and the exit codes.
const AFTER_HELP: &str = "\
Every command first opens FILE read-only, which checks the header and every
committed entry (sequence numbers, lengths, links, hashes, the header's count and
head hash); a damaged file fails every command.

EXIT CODES:
    0   success
    1   the file is damaged or is not a lockchain (verification failed)
    2   usage error: unknown command or option, bad number, no such entry
    3   I/O error: the file is missing or cannot be read";

/// Inspect a lockchain file (read-only: takes no lock, never writes)
#[derive(Debug, Parser)]
#[command(
    name = "lockchain",
    version,
    subcommand_required = true,
    arg_required_else_help = false,
    after_help = AFTER_HELP
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Open FILE (the checks below) and print what was verified: entries,
    /// committed bytes, algorithm, the head and the Merkle root
    #[command(verbatim_doc_comment, after_help = AFTER_HELP)]
    Verify {
        /// The lockchain file (any path, UTF-8 or not)
        file: PathBuf,
    },
    /// Print entries: sequence number, timestamp (UTC), the first 16 hex
    /// digits of the entry hash, and the payload as text if it is printable
    /// UTF-8, else as hex; from SEQ (default 0), at most N entries (default: all)
    #[command(verbatim_doc_comment, after_help = AFTER_HELP)]
    Show {
        /// The lockchain file (any path, UTF-8 or not)
        file: PathBuf,
        /// The first entry to print
        #[arg(
            long,
            value_name = "SEQ",
            default_value_t = 0,
            value_parser = non_negative(),
            allow_negative_numbers = true
        )]
        from: u64,
        /// Print at most N entries [default: all]
        #[arg(long, value_name = "N", value_parser = non_negative(), allow_negative_numbers = true)]
        count: Option<u64>,
    },
    /// Print the RFC 6962 inclusion proof of entry SEQ against the current
    /// root (tree size, root, leaf hash, audit path), after verifying it
    #[command(verbatim_doc_comment, after_help = AFTER_HELP)]
    Prove {
        /// The lockchain file (any path, UTF-8 or not)
        file: PathBuf,
        /// The entry's sequence number
        #[arg(value_parser = non_negative(), allow_negative_numbers = true)]
        seq: u64,
    },
    /// Print entries, file and committed bytes, hash algorithm, creation time,
    /// head, root, and the tail after the committed length that readers ignore
    #[command(verbatim_doc_comment, after_help = AFTER_HELP)]
    Stats {
        /// The lockchain file (any path, UTF-8 or not)
        file: PathBuf,
    },
}

/// Parses SEQ and N: a number that is negative or not UTF-8 is reported as what it is
/// (`invalid value '-1' for '--count <N>': ...`), with no detour through clap's
/// invalid-UTF-8 error.
fn non_negative() -> impl TypedValueParser<Value = u64> {
    OsStringValueParser::new().try_map(|value: OsString| {
        value
            .to_str()
            .and_then(|v| v.parse::<u64>().ok())
            .ok_or("expected a non-negative integer")
    })
}

/// How the program ends after its arguments parsed, mapped to the exit codes `--help`
/// documents (`clap` reports its own usage errors, with 2).
#[derive(Debug)]
enum Failure {
    Corrupt(String),
    Usage(String),
    Io(String),
}

impl Failure {
    fn code(&self) -> u8 {
        match self {
            Failure::Corrupt(_) => 1,
            Failure::Usage(_) => 2,
            Failure::Io(_) => 3,
        }
    }
}

impl From<LockchainError> for Failure {
    fn from(e: LockchainError) -> Self {
        match e {
            LockchainError::File(FileError::Io { .. }) => Failure::Io(e.to_string()),
            _ => Failure::Corrupt(e.to_string()),
        }
    }
}

/// A write to stdout failed (a closed pipe, a full disk).
impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Self {
        Failure::Io(format!("writing the output: {e}"))
    }
}

/// `2025-01-31T12:34:56.123456789Z` from nanoseconds since the Unix epoch.
fn utc(nanos: u64) -> String {
    let secs = nanos / 1_000_000_000;
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:09}Z",
        rem / 3600,
        rem / 60 % 60,
        rem % 60,
        nanos % 1_000_000_000
    )
}

/// The payload as text when it is printable UTF-8, else `hex:` and its bytes.
fn show_payload(payload: &[u8]) -> String {
    match std::str::from_utf8(payload) {
        Ok(text) if !text.chars().any(char::is_control) => format!("{text:?}"),
        _ => payload.iter().fold(String::from("hex:"), |mut hex, b| {
            let _ = write!(hex, "{b:02x}");
            hex
        }),
    }
}

fn entry_line(e: &Entry<'_>) -> String {
    format!(
        "{:>8}  {}  {}  {}",
        e.seq(),
        utc(e.timestamp_nanos()),
        &e.hash().to_string()[..16],
        show_payload(e.payload())
    )
}

fn no_such_entry(seq: u64, chain: &LockchainReader) -> Failure {
    Failure::Usage(format!(
        "no entry {seq}: {} holds {} committed entries (0..{})",
        chain.path().display(),
        chain.len(),
        chain.len()
    ))
}

/// Opening read-only checked the header and every committed entry, hashes included;
/// calling `LockchainReader::verify` as well would hash everything a second time.
fn verify(path: &Path, out: &mut impl Write) -> Result<(), Failure> {
    let chain = LockchainReader::open(path)?;
    writeln!(
        out,
        "ok: {} entries, {} committed bytes, {}",
        chain.len(),
        chain.end_offset(),
        chain.hash_algorithm()
    )?;
    write_head_and_root(&chain, out)
}

fn write_head_and_root(chain: &LockchainReader, out: &mut impl Write) -> Result<(), Failure> {
    match chain.head() {
        Some(r) => writeln!(out, "head: entry {} {}", r.seq, r.hash)?,
        None => writeln!(out, "head: none (empty chain)")?,
    }
    writeln!(out, "root: {}", chain.root())?;
    Ok(())
}

fn show(path: &Path, from: u64, count: Option<u64>, out: &mut impl Write) -> Result<(), Failure> {
    let chain = LockchainReader::open(path)?;
    if from > chain.len() {
        return Err(no_such_entry(from, &chain));
    }
    let end = count.map_or(chain.len(), |n| from.saturating_add(n).min(chain.len()));
    for seq in from..end {
        let e = chain.get(seq).ok_or_else(|| no_such_entry(seq, &chain))?;
        writeln!(out, "{}", entry_line(&e))?;
    }
    Ok(())
}

fn prove(path: &Path, seq: u64, out: &mut impl Write) -> Result<(), Failure> {
    let chain = LockchainReader::open(path)?;
    let entry = chain.get(seq).ok_or_else(|| no_such_entry(seq, &chain))?;
    let alg = chain.hash_algorithm();
    let size = chain.len();
    let root = chain.root();
    let leaf = alg.leaf_hash(entry.canonical_bytes());
    let proof = chain
        .inclusion_proof(seq)
        .map_err(|e| Failure::Corrupt(format!("{}: {e}", path.display())))?;
    verify_inclusion(alg, &root, size, seq, &leaf, &proof).map_err(|e| {
        Failure::Corrupt(format!(
            "{}: the inclusion proof of entry {seq} does not verify: {e}",
            path.display()
        ))
    })?;
    writeln!(out, "entry: {seq}")?;
    writeln!(out, "tree size: {size}")?;
    writeln!(out, "algorithm: {alg}")?;
    writeln!(out, "root: {}", root)?;
    writeln!(out, "leaf hash: {}", leaf)?;
    writeln!(out, "path: {} hashes, bottom up", proof.hashes.len())?;
    for h in &proof.hashes {
        writeln!(out, "  {}", h)?;
    }
    writeln!(
        out,
        "verified: the path leads from the leaf hash to the root"
    )?;
    Ok(())
}

/// Bytes after `committed` up to the last non-zero one: what a writer's `open` would
/// discard as an unacknowledged tail.
fn non_zero_tail(path: &Path, committed: u64) -> Result<u64, Failure> {
    let io = |e: io::Error| Failure::Io(format!("{}: read tail: {e}", path.display()));
    let mut file = std::fs::File::open(path).map_err(io)?;
    file.seek(SeekFrom::Start(committed)).map_err(io)?;
    let mut buf = vec![0u8; 1 << 16];
    let (mut at, mut last) = (0u64, 0u64);
    loop {
        let n = file.read(&mut buf).map_err(io)?;
        if n == 0 {
            return Ok(last);
        }
        if let Some(i) = buf[..n].iter().rposition(|&b| b != 0) {
            last = at + i as u64 + 1;
        }
        at += n as u64;
    }
}

fn stats(path: &Path, out: &mut impl Write) -> Result<(), Failure> {
    // Opening checked every committed entry (see `verify`).
    let chain = LockchainReader::open(path)?;
    let end = chain.end_offset();
    let file_len = std::fs::metadata(path)
        .map_err(|e| Failure::Io(format!("{}: fstat: {e}", path.display())))?
        .len();
    let tail = file_len.saturating_sub(end);
    writeln!(out, "file: {}", path.display())?;
    writeln!(out, "entries: {}", chain.len())?;
    writeln!(out, "file bytes: {file_len}")?;
    writeln!(out, "committed length: {end} bytes")?;
    writeln!(out, "algorithm: {}", chain.hash_algorithm())?;
    writeln!(out, "created: {}", utc(chain.created_nanos()))?;
    write_head_and_root(&chain, out)?;
    writeln!(
        out,
        "tail ignored: {tail} bytes, {} of them up to the last non-zero byte (unacknowledged appends)",
        non_zero_tail(path, end)?
    )?;
    Ok(())
}

/// One command on one file: run inside its `Inspection` span (debug level), named by the
/// command, recording the file as knhk's `file.path` (checked against
/// `examples/registry/` merged with knhk-runtime's).
#[derive(Instrument)]
#[instrument(level = "debug")]
struct Inspection<'a> {
    #[instrument(attr = "file.path")]
    file: &'a Path,
}

fn run(command: Command) -> Result<(), Failure> {
    let mut out = io::stdout().lock();
    let (operation, file) = match &command {
        Command::Verify { file } => ("verify", file),
        Command::Show { file, .. } => ("show", file),
        Command::Prove { file, .. } => ("prove", file),
        Command::Stats { file } => ("stats", file),
    };
    Inspection { file }.instrument_call(operation, || -> Result<(), Failure> {
        match &command {
            Command::Verify { file } => verify(file, &mut out)?,
            Command::Show { file, from, count } => show(file, *from, *count, &mut out)?,
            Command::Prove { file, seq } => prove(file, *seq, &mut out)?,
            Command::Stats { file } => stats(file, &mut out)?,
        }
        out.flush()?;
        Ok(())
    })
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // `--help` and `--version` print to stdout and exit with 0; every other
            // clap error is a usage error, printed to stderr, exit code 2.
            let _ = e.print();
            let code: u8 = match e.kind() {
                ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => 0,
                _ => 2,
            };
            debug_assert_eq!(i32::from(code), e.exit_code());
            return ExitCode::from(code);
        }
    };
    match run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            let (Failure::Corrupt(message) | Failure::Usage(message) | Failure::Io(message)) =
                &failure;
            eprintln!("lockchain: {message}");
            if matches!(failure, Failure::Usage(_)) {
                eprintln!("For more information, try 'lockchain --help'.");
            }
            ExitCode::from(failure.code())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }

    #[test]
    fn utc_dates() {
        assert_eq!(utc(0), "1970-01-01T00:00:00.000000000Z");
        assert_eq!(
            utc(951_782_400_000_000_001),
            "2000-02-29T00:00:00.000000001Z"
        );
        assert_eq!(
            utc(1_735_689_599_999_999_999),
            "2024-12-31T23:59:59.999999999Z"
        );
    }

    #[test]
    fn payloads_as_text_or_hex() {
        assert_eq!(show_payload(b"order 1"), "\"order 1\"");
        assert_eq!(show_payload(b"a\nb"), "hex:610a62");
        assert_eq!(show_payload(&[0xff, 0]), "hex:ff00");
        assert_eq!(show_payload(b""), "\"\"");
    }
}
