//! The command line: clap definitions and dispatch, one module per subcommand.
//!
//! Every subcommand reads its FILEs as one input (`-` is standard input) through
//! [`driver::read`], which parses batches on all cores, reports rejected records and warnings on
//! stderr and ends with a summary line. Exit codes: 0 done, 1 error (the message names the file),
//! 2 usage, 3 rejected records under `--strict`.

mod args;
mod convert;
mod driver;
mod mailitems;
mod pivot;
mod report;
mod sessions;
mod timeline;

use clap::{Parser, Subcommand};

/// Exit code: done.
pub const EXIT_OK: i32 = 0;
/// Exit code: an error (unreadable file, output failure).
pub const EXIT_ERROR: i32 = 1;
/// Exit code: the command line was wrong.
pub const EXIT_USAGE: i32 = 2;
/// Exit code: records were rejected and `--strict` was given.
pub const EXIT_STRICT: i32 = 3;

#[derive(Parser, Debug)]
#[command(
    name = "auditsift",
    version,
    about = "Read Microsoft 365 audit logs (AuditData) during an incident: timelines, sessions, \
             normalized records, MailItemsAccessed exposure, pivots",
    after_help = "Exit codes: 0 done, 1 error, 2 usage, 3 rejected records with --strict."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Matching records in time order, de-duplicated.
    Timeline(timeline::TimelineArgs),
    /// The session inventory of the matching records.
    Sessions(sessions::SessionsArgs),
    /// Every (matching) record, normalized, in input order, de-duplicated.
    Convert(convert::ConvertArgs),
    /// MailItemsAccessed exposure: folders synced, messages bound, throttling holes, per
    /// mailbox and access context.
    Mailitems(mailitems::MailItemsArgs),
    /// From an Entra ID session, a message id or an address to the sessions, contexts and
    /// records connected with it.
    Pivot(pivot::PivotArgs),
    /// A self-contained offline HTML report: sessions, timeline, events and MailItemsAccessed
    /// exposure of the matching records.
    Report(report::ReportArgs),
}

/// Why a subcommand stopped.
#[derive(Debug)]
pub enum Failure {
    /// The command line was wrong (exit 2).
    Usage(String),
    /// Something could not be done (exit 1).
    Error(String),
    /// The reader of the output went away (`| head`): stop quietly.
    BrokenPipe,
}

impl Failure {
    /// An output error: a closed pipe is not worth a message.
    pub fn output(e: std::io::Error) -> Failure {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            Failure::BrokenPipe
        } else {
            Failure::Error(format!("cannot write the output: {e}"))
        }
    }
}

/// Runs the command line and returns the exit code.
pub fn run() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_USAGE } else { EXIT_OK };
            let _ = e.print();
            return code;
        }
    };
    let result = match &cli.command {
        Command::Timeline(a) => timeline::run(a),
        Command::Sessions(a) => sessions::run(a),
        Command::Convert(a) => convert::run(a),
        Command::Mailitems(a) => mailitems::run(a),
        Command::Pivot(a) => pivot::run(a),
        Command::Report(a) => report::run(a),
    };
    match result {
        Ok(code) => code,
        Err(Failure::Usage(message)) => {
            eprintln!("auditsift: {message}");
            EXIT_USAGE
        }
        Err(Failure::Error(message)) => {
            eprintln!("auditsift: {message}");
            EXIT_ERROR
        }
        Err(Failure::BrokenPipe) => EXIT_OK,
    }
}
