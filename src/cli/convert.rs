//! `auditsift convert`: every record (or every matching one), normalized, streamed in input
//! order and de-duplicated.

use std::io::{self, BufWriter};

use auditsift::batch::Deduper;
use auditsift::output::{Format, RecordWriter};
use clap::Args;

use super::Failure;
use super::args::{CommonArgs, ConvertFormatArg};
use super::driver;

/// Flags of `convert`.
#[derive(Args, Debug)]
pub struct ConvertArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: ConvertFormatArg,
    /// Leave the raw AuditData out of the output.
    #[arg(long)]
    pub no_raw: bool,
    #[command(flatten)]
    pub common: CommonArgs,
}

/// Runs `convert`: each batch is written as soon as it is parsed, so memory stays bounded.
pub fn run(args: &ConvertArgs) -> Result<i32, Failure> {
    let format = match args.format {
        ConvertFormatArg::Csv => Format::Csv,
        ConvertFormatArg::Jsonl => Format::Jsonl,
    };
    // Records are encoded in chunks larger than this buffer, which then go straight through.
    let out = BufWriter::with_capacity(1 << 16, io::stdout().lock());
    let mut writer = RecordWriter::new(out, format, !args.no_raw).map_err(Failure::output)?;
    let mut dedupe = Deduper::default();
    let mut duplicates = 0u64;
    let run = driver::read(&args.common, &mut |kept| {
        let mut fresh = Vec::with_capacity(kept.records.len());
        for (_, record) in &kept.records {
            if dedupe.first_time(record) {
                fresh.push(record);
            } else {
                duplicates += 1;
            }
        }
        writer.write_all(&fresh)
    })?;
    writer.finish().map_err(Failure::output)?;
    Ok(driver::finish(&args.common, &run, duplicates))
}
