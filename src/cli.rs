//! Command-line parsing and the subcommands.
//!
//! Every subcommand reads its FILEs as one input (`-` is standard input), parses batches on all
//! cores, reports each rejected record on stderr with its location, and ends with a summary line.
//! Exit codes: 0 done, 1 error, 2 usage, 3 rejected records with `--strict`.

use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::PathBuf;

use auditsift::batch::{Collector, Deduper, RecordError, Tally, parse_batch};
use auditsift::filter::{Filter, FilterSpec};
use auditsift::input::{FileReader, Item};
use auditsift::output::{Format, RecordWriter, write_sessions};
use auditsift::record::AuditRecord;
use auditsift::report::{ReportInput, write_report};
use auditsift::session::SessionInventory;
use auditsift::time::{DateOrder, parse_culture_datetime, parse_iso_utc};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(
    name = "auditsift",
    version,
    about = "Read Microsoft 365 audit logs during an incident"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Matching records in time order, de-duplicated.
    Timeline(CommonArgs),
    /// The session inventory of the matching records.
    Sessions(CommonArgs),
    /// Every record, normalized.
    Convert(CommonArgs),
    /// A self-contained HTML report of the matching records.
    Report {
        #[command(flatten)]
        common: CommonArgs,
        /// Where to write the HTML file.
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: PathBuf,
        /// A title for the report.
        #[arg(long, default_value = "")]
        title: String,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    Table,
    Csv,
    Jsonl,
}

#[derive(Args)]
struct CommonArgs {
    /// Exchange SessionId to keep (repeatable).
    #[arg(long = "session", value_name = "ID")]
    sessions: Vec<String>,
    /// AppAccessContext.AADSessionId to keep (repeatable).
    #[arg(long = "aad-session", value_name = "ID")]
    aad_sessions: Vec<String>,
    /// User (UserId or MailboxOwnerUPN) to keep (repeatable).
    #[arg(long = "user", value_name = "UPN")]
    users: Vec<String>,
    /// Operation to keep (repeatable).
    #[arg(long = "operation", value_name = "OP")]
    operations: Vec<String>,
    /// Client IP to keep, with or without port (repeatable).
    #[arg(long = "ip", value_name = "IP")]
    ips: Vec<String>,
    /// Earliest time (ISO 8601; a bare date means its midnight UTC).
    #[arg(long, value_name = "T", value_parser = parse_start)]
    start: Option<DateTime<Utc>>,
    /// Latest time, inclusive (ISO 8601; a bare date means the end of that day UTC).
    #[arg(long, value_name = "T", value_parser = parse_end)]
    end: Option<DateTime<Utc>>,
    /// Output format (default: table on a terminal, jsonl otherwise).
    #[arg(long, value_enum)]
    format: Option<FormatArg>,
    /// Leave the raw AuditData out of the output.
    #[arg(long)]
    no_raw: bool,
    /// Exit with code 3 when any record was rejected.
    #[arg(long)]
    strict: bool,
    /// Write every rejected record, with its raw text, to this file as JSON lines.
    #[arg(long, value_name = "FILE")]
    errors: Option<PathBuf>,
    /// No summary on stderr.
    #[arg(long, short)]
    quiet: bool,
    /// Input files: Purview CSV, JSON, JSON lines, gzip of any; `-` is standard input.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<String>,
}

fn parse_time(text: &str, end_of_day: bool) -> Result<DateTime<Utc>, String> {
    if let Some(t) = parse_iso_utc(text) {
        return Ok(t);
    }
    let date = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| {
        format!("'{text}' is not an ISO 8601 time such as 2026-03-02T06:00:00Z or 2026-03-02")
    })?;
    let midnight = date
        .and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc())
        .ok_or("bad date")?;
    Ok(if end_of_day {
        midnight + Duration::days(1) - Duration::nanoseconds(1)
    } else {
        midnight
    })
}

fn parse_start(text: &str) -> Result<DateTime<Utc>, String> {
    parse_time(text, false)
}

fn parse_end(text: &str) -> Result<DateTime<Utc>, String> {
    parse_time(text, true)
}

impl CommonArgs {
    fn filter(&self) -> Filter {
        Filter::new(FilterSpec {
            session_ids: self.sessions.clone(),
            aad_session_ids: self.aad_sessions.clone(),
            users: self.users.clone(),
            operations: self.operations.clone(),
            ips: self.ips.clone(),
            start: self.start,
            end: self.end,
        })
    }

    fn format(&self) -> Format {
        match self.format {
            Some(FormatArg::Table) => Format::Table,
            Some(FormatArg::Csv) => Format::Csv,
            Some(FormatArg::Jsonl) => Format::Jsonl,
            None if io::stdout().is_terminal() => Format::Table,
            None => Format::Jsonl,
        }
    }

    fn filter_words(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (flag, values) in [
            ("--session", &self.sessions),
            ("--aad-session", &self.aad_sessions),
            ("--user", &self.users),
            ("--operation", &self.operations),
            ("--ip", &self.ips),
        ] {
            out.extend(values.iter().map(|v| format!("{flag} {v}")));
        }
        out.extend(
            self.start
                .map(|t| format!("--start {}", auditsift::time::format_utc(&t))),
        );
        out.extend(
            self.end
                .map(|t| format!("--end {}", auditsift::time::format_utc(&t))),
        );
        out
    }
}

/// Documents per batch handed to the parser.
const BATCH: usize = 8192;

/// What reading the whole input produced, besides what the subcommand kept.
struct InputSummary {
    tally: Tally,
    rejects: Vec<RecordError>,
    files: Vec<(String, u64)>,
    ambiguous_dates: u64,
}

/// Reads every file in batches and hands each batch's kept records (in input order) to `keep`.
fn read_input(
    args: &CommonArgs,
    filter: &Filter,
    mut keep: impl FnMut(AuditRecord<'_>),
) -> Result<InputSummary, String> {
    let mut summary = InputSummary {
        tally: Tally::default(),
        rejects: Vec::new(),
        files: Vec::new(),
        ambiguous_dates: 0,
    };
    let progress = (!args.quiet && io::stderr().is_terminal()).then(|| {
        let bar = indicatif::ProgressBar::new_spinner();
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {pos} records read ({per_sec})")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        bar
    });
    for path in &args.files {
        let mut reader = FileReader::open(path).map_err(|e| format!("{path}: {e}"))?;
        let mut file_records = 0;
        while let Some(items) = reader
            .next_batch(BATCH)
            .map_err(|e| format!("{path}: {e}"))?
        {
            let mut docs = Vec::with_capacity(items.len());
            for item in items {
                match item {
                    Item::Document(d) => docs.push(d),
                    Item::Rejected(e) => {
                        summary.tally.read += 1;
                        summary.tally.rejected += 1;
                        summary.rejects.push(e);
                    }
                }
            }
            let texts: Vec<&str> = docs.iter().map(|d| d.text.as_str()).collect();
            let outcome = parse_batch(&texts, filter);
            file_records += outcome.tally.read + outcome.tally.rejected;
            summary.tally.add(&outcome.tally);
            for mut e in outcome.errors {
                e.source = docs[e.index as usize].source.clone();
                summary.rejects.push(e);
            }
            for (index, mut record) in outcome.records {
                if record.creation_time.is_none()
                    && let Some((t, order)) = docs[index]
                        .fallback_time
                        .as_deref()
                        .and_then(parse_culture_datetime)
                {
                    record.creation_time = Some(t);
                    if order == DateOrder::AmbiguousReadMonthFirst {
                        summary.ambiguous_dates += 1;
                    }
                }
                summary.ambiguous_dates += u64::from(record.creation_time_ambiguous);
                keep(record);
            }
            if let Some(bar) = &progress {
                bar.inc(texts.len() as u64);
            }
        }
        summary.files.push((reader.name().to_owned(), file_records));
    }
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    Ok(summary)
}

fn report_summary(
    args: &CommonArgs,
    summary: &InputSummary,
    matched: u64,
    duplicates: u64,
) -> Result<i32, String> {
    if let Some(path) = &args.errors {
        let mut f =
            BufWriter::new(File::create(path).map_err(|e| format!("{}: {e}", path.display()))?);
        for e in &summary.rejects {
            let line = serde_json::json!({"Source": e.source, "Reason": e.reason, "Raw": e.raw});
            writeln!(f, "{line}").map_err(|e| e.to_string())?;
        }
    }
    if !args.quiet {
        for e in summary.rejects.iter().take(20) {
            eprintln!("auditsift: {e}");
        }
        if summary.rejects.len() > 20 {
            eprintln!(
                "auditsift: ... and {} more rejected records (--errors FILE keeps them all)",
                summary.rejects.len() - 20
            );
        }
        if summary.ambiguous_dates > 0 {
            eprintln!(
                "auditsift: warning: {} records had no CreationTime and a date whose day and month could be swapped; read month first",
                summary.ambiguous_dates
            );
        }
        let t = &summary.tally;
        eprintln!(
            "auditsift: {} file(s): {} records read, {} parsed, {} rejected, {} duplicates dropped, {} matched, {} skipped by the prefilter",
            summary.files.len(),
            t.read,
            t.parsed,
            t.rejected,
            duplicates,
            matched,
            t.skipped
        );
    }
    Ok(if args.strict && !summary.rejects.is_empty() {
        3
    } else {
        0
    })
}

fn stdout_writer() -> BufWriter<io::StdoutLock<'static>> {
    BufWriter::with_capacity(1 << 16, io::stdout().lock())
}

fn timeline(args: &CommonArgs) -> Result<i32, String> {
    let filter = args.filter();
    let mut collector = Collector::new();
    let summary = read_input(args, &filter, |r| {
        collector.add_record(r);
    })?;
    let (records, _, tally) = collector.finish();
    let mut w = RecordWriter::new(stdout_writer(), args.format(), !args.no_raw)
        .map_err(|e| e.to_string())?;
    for c in &records {
        w.write(&c.record).map_err(|e| e.to_string())?;
    }
    w.finish().map_err(|e| e.to_string())?;
    report_summary(args, &summary, tally.matched, tally.duplicates)
}

fn sessions(args: &CommonArgs) -> Result<i32, String> {
    let filter = args.filter();
    let mut dedupe = Deduper::default();
    let mut inventory = SessionInventory::new();
    let (mut matched, mut duplicates) = (0, 0);
    let summary = read_input(args, &filter, |r| {
        if dedupe.first_time(&r) {
            matched += 1;
            inventory.add(&r);
        } else {
            duplicates += 1;
        }
    })?;
    let mut out = stdout_writer();
    write_sessions(&mut out, &inventory.sessions(), args.format()).map_err(|e| e.to_string())?;
    out.flush().map_err(|e| e.to_string())?;
    report_summary(args, &summary, matched, duplicates)
}

fn convert(args: &CommonArgs) -> Result<i32, String> {
    let filter = args.filter();
    let mut dedupe = Deduper::default();
    let format = match args.format() {
        Format::Table => Format::Jsonl,
        f => f,
    };
    let mut w =
        RecordWriter::new(stdout_writer(), format, !args.no_raw).map_err(|e| e.to_string())?;
    let (mut matched, mut duplicates) = (0, 0);
    let mut failure = None;
    let summary = read_input(args, &filter, |r| {
        if dedupe.first_time(&r) {
            matched += 1;
            if failure.is_none() {
                failure = w.write(&r).err();
            }
        } else {
            duplicates += 1;
        }
    })?;
    if let Some(e) = failure {
        return Err(e.to_string());
    }
    w.finish().map_err(|e| e.to_string())?;
    report_summary(args, &summary, matched, duplicates)
}

fn report(args: &CommonArgs, output: &PathBuf, title: &str) -> Result<i32, String> {
    let filter = args.filter();
    let mut collector = Collector::new();
    let summary = read_input(args, &filter, |r| {
        collector.add_record(r);
    })?;
    let (records, _, tally) = collector.finish();
    let mut input_tally = summary.tally;
    input_tally.duplicates = tally.duplicates;
    input_tally.matched = tally.matched;
    let input = ReportInput {
        title,
        filters: args.filter_words(),
        files: summary.files.clone(),
        tally: input_tally,
        rejects: &summary.rejects,
        records: &records,
        exposure: None,
        include_raw: !args.no_raw,
    };
    let mut f =
        BufWriter::new(File::create(output).map_err(|e| format!("{}: {e}", output.display()))?);
    write_report(&input, &mut f)
        .and_then(|()| f.flush())
        .map_err(|e| format!("{}: {e}", output.display()))?;
    report_summary(args, &summary, tally.matched, tally.duplicates)
}

/// Runs the command line and returns the exit code.
pub fn run() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    let result = match &cli.command {
        Command::Timeline(a) => timeline(a),
        Command::Sessions(a) => sessions(a),
        Command::Convert(a) => convert(a),
        Command::Report {
            common,
            output,
            title,
        } => report(common, output, title),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("auditsift: {message}");
            1
        }
    }
}
