//! `auditsift sessions`: the session inventory of the matching records.

use std::io::{self, BufWriter};

use auditsift::batch::Deduper;
use auditsift::output::write_sessions;
use auditsift::session::SessionInventory;
use clap::Args;

use super::Failure;
use super::args::{CommonArgs, FormatArg};
use super::driver;

/// Flags of `sessions`.
#[derive(Args, Debug)]
pub struct SessionsArgs {
    /// Output format (default: table on a terminal, jsonl otherwise).
    #[arg(long, value_enum)]
    pub format: Option<FormatArg>,
    #[command(flatten)]
    pub common: CommonArgs,
}

/// Runs `sessions`.
pub fn run(args: &SessionsArgs) -> Result<i32, Failure> {
    let mut dedupe = Deduper::default();
    let mut inventory = SessionInventory::new();
    let mut duplicates = 0u64;
    let run = driver::read(&args.common, &mut |kept| {
        for (_, record) in &kept.records {
            if dedupe.first_time(record) {
                inventory.add(record);
            } else {
                duplicates += 1;
            }
        }
        Ok(())
    })?;
    let mut out = BufWriter::with_capacity(1 << 16, io::stdout().lock());
    write_sessions(
        &mut out,
        &inventory.sessions(),
        FormatArg::resolve(args.format),
    )
    .map_err(Failure::output)?;
    Ok(driver::finish(&args.common, &run, duplicates))
}
