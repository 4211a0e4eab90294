//! `auditsift report`: the matching records as one self-contained HTML file.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

use auditsift::report::{ReportInput, write_report};
use clap::Args;

use super::Failure;
use super::args::CommonArgs;
use super::{driver, timeline};

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

/// Runs `report`.
pub fn run(args: &ReportArgs) -> Result<i32, Failure> {
    let (records, run, duplicates) = timeline::collect(&args.common)?;
    let input = ReportInput {
        title: &args.title,
        filters: args.common.filter.words(),
        files: driver::file_counts(&run.summary),
        tally: driver::final_tally(&run.summary.tally, duplicates),
        rejects: &run.rejects,
        records: &records,
        exposure: None,
        include_raw: !args.no_raw,
    };
    let path = args.output.display();
    let file = File::create(&args.output).map_err(|e| Failure::Error(format!("{path}: {e}")))?;
    let mut out = BufWriter::new(file);
    write_report(&input, &mut out)
        .and_then(|()| out.flush())
        .map_err(|e| Failure::Error(format!("{path}: {e}")))?;
    Ok(driver::finish(&args.common, &run, duplicates))
}
