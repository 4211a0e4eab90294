//! `auditsift timeline`: matching records in time order, de-duplicated.

use std::io::{self, BufWriter};

use auditsift::batch::{Collected, Deduper, sort_by_time};
use auditsift::output::RecordWriter;
use clap::Args;

use super::Failure;
use super::args::{CommonArgs, FormatArg};
use super::driver;

/// Flags of `timeline`.
#[derive(Args, Debug)]
pub struct TimelineArgs {
    /// Output format (default: table on a terminal, jsonl otherwise).
    #[arg(long, value_enum)]
    pub format: Option<FormatArg>,
    /// Leave the raw AuditData out of the output.
    #[arg(long)]
    pub no_raw: bool,
    #[command(flatten)]
    pub common: CommonArgs,
}

/// Reads the input, keeps the first of each record (by Id) that matches, sorts them by time.
/// Only the matches are held in memory.
pub fn collect(common: &CommonArgs) -> Result<(Vec<Collected>, driver::Run, u64), Failure> {
    let mut dedupe = Deduper::default();
    let mut records: Vec<Collected> = Vec::new();
    let mut duplicates = 0u64;
    let run = driver::read(common, &mut |kept| {
        for (i, record) in kept.records {
            if dedupe.first_time(&record) {
                records.push(Collected {
                    origin: kept.first_origin + kept.batch.ordinal(i) as u64,
                    record: record.into_owned(),
                });
            } else {
                duplicates += 1;
            }
        }
        Ok(())
    })?;
    sort_by_time(&mut records);
    Ok((records, run, duplicates))
}

/// Runs `timeline`.
pub fn run(args: &TimelineArgs) -> Result<i32, Failure> {
    let (records, run, duplicates) = collect(&args.common)?;
    let format = FormatArg::resolve(args.format);
    let out = BufWriter::with_capacity(1 << 16, io::stdout().lock());
    let mut writer = RecordWriter::new(out, format, !args.no_raw).map_err(Failure::output)?;
    let refs: Vec<_> = records.iter().map(|c| &c.record).collect();
    writer.write_all(&refs).map_err(Failure::output)?;
    writer.finish().map_err(Failure::output)?;
    Ok(driver::finish(&args.common, &run, duplicates))
}
