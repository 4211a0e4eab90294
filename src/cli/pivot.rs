//! `auditsift pivot`: from an Entra ID session, a message id or an address to the sessions,
//! contexts and records connected with it.

use std::io::{self, BufWriter};

use auditsift::filter::FilterSpec;
use auditsift::mailaccess::{Pivot, PivotQuery, PivotResult};
use auditsift::output::{RecordWriter, write_message_accesses, write_sessions};
use clap::{Args, ValueEnum};

use super::Failure;
use super::args::{CommonArgs, FormatArg};
use super::driver;

/// Flags of `pivot`. `--aad-session` and `--ip` name what to pivot from (with `--message-id`;
/// kinds given together are OR-ed); the other filters narrow the records.
#[derive(Args, Debug)]
pub struct PivotArgs {
    /// InternetMessageId to pivot from, with or without angle brackets (repeatable).
    #[arg(long = "message-id", value_name = "ID")]
    pub message_ids: Vec<String>,
    /// What to print: the sessions of the records found, each message's accesses by context
    /// (default with --message-id), or the records themselves in time order.
    #[arg(long, value_enum)]
    pub show: Option<Show>,
    /// Output format (default: table on a terminal, jsonl otherwise).
    #[arg(long, value_enum)]
    pub format: Option<FormatArg>,
    /// Leave the raw AuditData out of `--show records`.
    #[arg(long)]
    pub no_raw: bool,
    #[command(flatten)]
    pub common: CommonArgs,
}

/// The views of a pivot.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Show {
    /// The session inventory of the records found.
    Sessions,
    /// Per message and access context: when, how often, which operations.
    Accesses,
    /// The records found, in time order.
    Records,
}

/// The pivot query and the filter the input is read with.
fn query_and_spec(args: &PivotArgs) -> Result<(PivotQuery, FilterSpec), Failure> {
    let filter = &args.common.filter;
    let query = PivotQuery {
        aad_session_ids: filter.aad_sessions.clone(),
        message_ids: args.message_ids.clone(),
        ips: filter.ips.clone(),
    };
    if query.is_empty() {
        return Err(Failure::Usage(
            "pivot needs --aad-session, --message-id or --ip".to_owned(),
        ));
    }
    let spec = query.parse_spec(filter.spec());
    Ok((query, spec))
}

/// Reads the input and follows the pivot.
/// Returns what was found, the run, and how many records the filter let through that the
/// pivot did not match.
pub fn collect(args: &PivotArgs) -> Result<(PivotResult, driver::Run, u64), Failure> {
    let (query, spec) = query_and_spec(args)?;
    let mut pivot = Pivot::new(&query);
    let mut handed = 0u64;
    let mut kept = 0u64;
    let run = driver::read_with(&args.common, &spec, &mut |batch| {
        for (i, record) in &batch.records {
            handed += 1;
            let origin = batch.first_origin + batch.batch.ordinal(*i) as u64;
            kept += u64::from(pivot.add(record, origin));
        }
        Ok(())
    })?;
    let result = pivot.finish();
    let not_matched = handed - kept - result.duplicates;
    Ok((result, run, not_matched))
}

/// Runs `pivot`.
pub fn run(args: &PivotArgs) -> Result<i32, Failure> {
    let (result, run, not_matched) = collect(args)?;
    let format = FormatArg::resolve(args.format);
    let show = args.show.unwrap_or(if args.message_ids.is_empty() {
        Show::Sessions
    } else {
        Show::Accesses
    });
    let mut out = BufWriter::with_capacity(1 << 16, io::stdout().lock());
    match show {
        Show::Sessions => {
            let sessions: Vec<_> = result.sessions.iter().collect();
            write_sessions(&mut out, &sessions, format)
        }
        Show::Accesses => write_message_accesses(&mut out, &result.message_accesses, format),
        Show::Records => {
            let refs: Vec<_> = result.records.iter().map(|c| &c.record).collect();
            RecordWriter::new(&mut out, format, !args.no_raw).and_then(|mut w| {
                w.write_all(&refs)?;
                w.finish().map(drop)
            })
        }
    }
    .map_err(Failure::output)?;
    drop(out);
    Ok(driver::finish_kept(
        &args.common,
        &run,
        result.duplicates,
        not_matched,
    ))
}
