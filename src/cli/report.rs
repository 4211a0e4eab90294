//! `auditsift report`: the matching records, their sessions and their MailItemsAccessed exposure
//! as one self-contained HTML file.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

use auditsift::batch::{Collected, sort_by_time};
use auditsift::filter::Filter;
use auditsift::mailaccess::{Added, ExposureBuilder};
use auditsift::output::exposure::exposure_json;
use auditsift::report::{ReportInput, write_report};
use clap::Args;

use super::Failure;
use super::args::CommonArgs;
use super::driver;

/// Flags of `report`.
#[derive(Args, Debug)]
pub struct ReportArgs {
    /// Where to write the HTML file.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: PathBuf,
    /// A title for the report.
    #[arg(long, default_value = "")]
    pub title: String,
    /// Leave the raw AuditData out of the report (smaller for large inputs).
    #[arg(long)]
    pub no_raw: bool,
    #[command(flatten)]
    pub common: CommonArgs,
}

/// Runs `report`: one pass gives the records in scope (for the timeline and the sessions) and
/// the exposure (which also counts throttled records of the scoped users outside the scope).
pub fn run(args: &ReportArgs) -> Result<i32, Failure> {
    let mut exposure = ExposureBuilder::new(Filter::new(args.common.filter.spec()));
    let spec = exposure.parse_filter().spec().clone();
    let mut records: Vec<Collected> = Vec::new();
    let mut outside_scope = 0u64;
    let run = driver::read_with(&args.common, &spec, &mut |kept| {
        for (i, record) in kept.records {
            match exposure.add(&record) {
                Added::InScope => records.push(Collected {
                    origin: kept.first_origin + kept.batch.ordinal(i) as u64,
                    record: record.into_owned(),
                }),
                Added::ThrottlingOnly | Added::OutOfScope => outside_scope += 1,
                Added::Duplicate => {}
            }
        }
        Ok(())
    })?;
    sort_by_time(&mut records);
    let exposure = exposure.finish();
    let duplicates = exposure.duplicates;
    let mut tally = driver::final_tally(&run.summary.tally, duplicates);
    tally.matched -= outside_scope;
    tally.filtered_out += outside_scope;
    let input = ReportInput {
        title: &args.title,
        filters: args.common.filter.words(),
        files: driver::file_counts(&run.summary),
        tally,
        rejects: &run.rejects,
        records: &records,
        exposure: (!exposure.mailboxes.is_empty()).then(|| exposure_json(&exposure)),
        include_raw: !args.no_raw,
    };
    let path = args.output.display();
    let file = File::create(&args.output).map_err(|e| Failure::Error(format!("{path}: {e}")))?;
    let mut out = BufWriter::new(file);
    write_report(&input, &mut out)
        .and_then(|()| out.flush())
        .map_err(|e| Failure::Error(format!("{path}: {e}")))?;
    Ok(driver::finish_kept(
        &args.common,
        &run,
        duplicates,
        outside_scope,
    ))
}
