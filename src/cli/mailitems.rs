//! `auditsift mailitems`: which mail the records in scope exposed, per mailbox and access
//! context, and where throttling left holes in the evidence.

use std::io::{self, BufWriter};

use auditsift::filter::Filter;
use auditsift::mailaccess::{Exposure, ExposureBuilder};
use auditsift::output::exposure::THROTTLE_WARNING;
use auditsift::output::{table_cell, write_exposure};
use auditsift::time::format_utc;
use clap::Args;

use super::Failure;
use super::args::{CommonArgs, FormatArg};
use super::driver;

/// Flags of `mailitems`.
#[derive(Args, Debug)]
pub struct MailItemsArgs {
    /// Output format (default: table on a terminal, jsonl otherwise).
    #[arg(long, value_enum)]
    pub format: Option<FormatArg>,
    #[command(flatten)]
    pub common: CommonArgs,
}

/// Reads the input into an exposure: the filters are the scope; throttled records of the
/// scoped users count whatever their session or time.
pub fn collect(common: &CommonArgs) -> Result<(Exposure, driver::Run), Failure> {
    let mut builder = ExposureBuilder::new(Filter::new(common.filter.spec()));
    let spec = builder.parse_filter().spec().clone();
    let run = driver::read_with(common, &spec, &mut |kept| {
        for (_, record) in &kept.records {
            builder.add(record);
        }
        Ok(())
    })?;
    Ok((builder.finish(), run))
}

/// Runs `mailitems`.
pub fn run(args: &MailItemsArgs) -> Result<i32, Failure> {
    let (exposure, run) = collect(&args.common)?;
    let mut out = BufWriter::with_capacity(1 << 16, io::stdout().lock());
    write_exposure(&mut out, &exposure, FormatArg::resolve(args.format))
        .map_err(Failure::output)?;
    drop(out);
    if !args.common.input.quiet {
        warn_about_holes(&exposure);
    }
    Ok(driver::finish(&args.common, &run, exposure.duplicates))
}

/// Tells the user, on stderr, about every hole in the evidence: it changes what the output
/// means.
fn warn_about_holes(exposure: &Exposure) {
    for m in &exposure.mailboxes {
        for w in &m.throttled {
            let at = |t: Option<chrono::DateTime<chrono::Utc>>| {
                t.as_ref()
                    .map_or_else(|| "(no time)".to_owned(), format_utc)
            };
            eprintln!(
                "auditsift: WARNING: {}: from {} to {}: {THROTTLE_WARNING}",
                table_cell(&m.mailbox),
                at(w.start),
                at(w.end)
            );
        }
    }
}
