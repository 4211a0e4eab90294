//! `auditsift report`: the matching records, their sessions and their MailItemsAccessed exposure
//! as one self-contained HTML file.

use std::path::PathBuf;

use auditsift::filter::Filter;
use auditsift::report::ReportBuilder;
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
    let mut report = ReportBuilder::new(Filter::new(args.common.filter.spec()));
    let spec = report.parse_filter().spec().clone();
    let mut run = driver::read_with(&args.common, &spec, &mut |kept| {
        for (i, record) in kept.records {
            report.add_record(kept.first_origin + kept.batch.ordinal(i) as u64, record);
        }
        Ok(())
    })?;
    report.set_title(args.title.as_str());
    for words in args.common.filter.words() {
        report.add_filter_text(words);
    }
    for (name, items) in driver::file_counts(&run.summary) {
        report.add_input(name, items);
    }
    report.add_counts(&run.summary.tally);
    for reject in std::mem::take(&mut run.rejects) {
        report.add_reject(reject);
    }
    report
        .write_file(&args.output, !args.no_raw)
        .map_err(Failure::Error)?;
    Ok(driver::finish_kept(
        &args.common,
        &run,
        report.duplicates(),
        report.outside_scope(),
    ))
}
