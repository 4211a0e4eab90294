//! Reading the inputs for a subcommand, and reporting on them on stderr.
//!
//! Every rejected record is printed as `auditsift: FILE:row N: reason` (the first
//! [`SHOWN_REJECTS`]; `--errors FILE` keeps them all with their raw text), the first warning of
//! each kind per file is printed with a count at the end, files that cannot be read are named,
//! and a last line accounts for every record. A progress bar shows on a terminal.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use auditsift::batch::{RecordError, Tally};
use auditsift::filter::FilterSpec;
use auditsift::input::pipeline::{Kept, Observer, PipelineOptions, Summary, read_inputs};
use auditsift::input::{Encoding, InputError, Shape, Warning, WarningKind};
use indicatif::{ProgressBar, ProgressStyle};

use super::args::CommonArgs;
use super::{EXIT_ERROR, EXIT_OK, EXIT_STRICT, Failure};

/// Rejected records printed on stderr; the rest are counted (and written by `--errors`).
pub const SHOWN_REJECTS: usize = 20;

/// Rejected records kept in memory for subcommands that show them (the HTML report).
pub const KEPT_REJECTS: usize = auditsift::report::KEPT_REJECTS;

/// What reading the input gave, besides what the subcommand's sink kept.
pub struct Run {
    /// Counts and per-file results from the pipeline.
    pub summary: Summary,
    /// The first [`KEPT_REJECTS`] rejected records.
    pub rejects: Vec<RecordError>,
}

/// Checks the inputs can be opened, so that a typo fails at once rather than after the other
/// files were read.
fn check_inputs(files: &[PathBuf]) -> Result<(), Failure> {
    let stdin = files.iter().filter(|f| f.as_os_str() == "-").count();
    if stdin > 1 {
        return Err(Failure::Usage(
            "standard input ('-') can be given only once".to_owned(),
        ));
    }
    for f in files.iter().filter(|f| f.as_os_str() != "-") {
        match std::fs::metadata(f) {
            Ok(m) if m.is_dir() => {
                return Err(Failure::Error(format!(
                    "{}: is a directory, not a file",
                    f.display()
                )));
            }
            Ok(_) => {}
            Err(e) => return Err(Failure::Error(format!("{}: cannot open: {e}", f.display()))),
        }
    }
    Ok(())
}

/// Reads every input, handing each batch's records that the filter flags keep to `sink`.
pub fn read(
    args: &CommonArgs,
    sink: &mut dyn FnMut(Kept<'_>) -> io::Result<()>,
) -> Result<Run, Failure> {
    read_with(args, &args.filter.spec(), sink)
}

/// Reads every input, handing each batch's records that `spec` keeps to `sink`.
pub fn read_with(
    args: &CommonArgs,
    spec: &FilterSpec,
    sink: &mut dyn FnMut(Kept<'_>) -> io::Result<()>,
) -> Result<Run, Failure> {
    let input = &args.input;
    check_inputs(&input.files)?;
    if let Some(n) = input.threads {
        // Fails only when the pool already exists, which it cannot at this point.
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global();
    }
    let errors_file = match &input.errors {
        Some(path) => Some(BufWriter::new(File::create(path).map_err(|e| {
            Failure::Error(format!(
                "{}: cannot write the errors file: {e}",
                path.display()
            ))
        })?)),
        None => None,
    };
    let total_bytes: u64 = input
        .files
        .iter()
        .filter(|f| f.as_os_str() != "-")
        .filter_map(|f| std::fs::metadata(f).ok())
        .map(|m| m.len())
        .sum();
    let mut reporter = Reporter {
        quiet: input.quiet,
        errors_file,
        errors_path: input.errors.clone(),
        errors_write_failed: None,
        rejected: 0,
        rejects: Vec::new(),
        warnings: BTreeMap::new(),
        progress: Progress::new(!input.quiet && io::stderr().is_terminal(), total_bytes),
    };
    let result = read_inputs(
        &input.files,
        spec,
        &PipelineOptions::default(),
        &mut reporter,
        sink,
    );
    reporter.progress.finish();
    let summary = match result {
        Ok(summary) => summary,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => return Err(Failure::BrokenPipe),
        Err(e) => return Err(Failure::Error(format!("cannot write the output: {e}"))),
    };
    reporter.finish_warnings();
    if let Some(mut f) = reporter.errors_file.take()
        && let Err(e) = f.flush()
    {
        reporter.errors_write_failed.get_or_insert(e.to_string());
    }
    if let (Some(e), Some(path)) = (&reporter.errors_write_failed, &reporter.errors_path) {
        return Err(Failure::Error(format!(
            "{}: cannot write the errors file: {e}",
            path.display()
        )));
    }
    Ok(Run {
        summary,
        rejects: reporter.rejects,
    })
}

/// Prints the summary line and returns the exit code: 1 when a file could not be read, 3 when
/// records were rejected under `--strict`, else 0.
pub fn finish(args: &CommonArgs, run: &Run, duplicates: u64) -> i32 {
    finish_kept(args, run, duplicates, 0)
}

/// As [`finish`], for a subcommand whose sink did not keep `not_kept` of the records the
/// filter matched (a pivot matches records itself): they count as filtered out.
pub fn finish_kept(args: &CommonArgs, run: &Run, duplicates: u64, not_kept: u64) -> i32 {
    let mut t = final_tally(&run.summary.tally, duplicates);
    t.matched = t.matched.saturating_sub(not_kept);
    t.filtered_out += not_kept;
    let files = run.summary.files.len();
    let failed = run.summary.failed_files();
    if !args.input.quiet {
        let failed_text = if failed > 0 {
            format!(" ({failed} unreadable)")
        } else {
            String::new()
        };
        eprintln!(
            "auditsift: {files} file{}{failed_text}: {} records read, {} parsed, {} rejected, {} \
             duplicates dropped, {} matched, {} filtered out, {} skipped by the prefilter",
            if files == 1 { "" } else { "s" },
            t.read,
            t.parsed,
            t.rejected,
            t.duplicates,
            t.matched,
            t.filtered_out,
            t.skipped
        );
    }
    if failed > 0 {
        EXIT_ERROR
    } else if args.input.strict && t.rejected > 0 {
        if !args.input.quiet {
            eprintln!(
                "auditsift: --strict: {} record(s) rejected, exit code 3",
                t.rejected
            );
        }
        EXIT_STRICT
    } else {
        EXIT_OK
    }
}

/// The pipeline's tally with the sink's de-duplication applied.
pub fn final_tally(tally: &Tally, duplicates: u64) -> Tally {
    let mut t = *tally;
    t.duplicates += duplicates;
    t.matched = t.matched.saturating_sub(duplicates);
    t
}

/// The files with the items read from each, for the report.
pub fn file_counts(summary: &Summary) -> Vec<(String, u64)> {
    summary
        .files
        .iter()
        .map(|f| (f.name.clone(), f.items))
        .collect()
}

/// The progress bar, shown on a terminal once reading takes more than a moment.
struct Progress {
    enabled: bool,
    total: u64,
    started: Instant,
    bar: Option<ProgressBar>,
}

impl Progress {
    fn new(enabled: bool, total: u64) -> Progress {
        Progress {
            enabled,
            total,
            started: Instant::now(),
            bar: None,
        }
    }

    fn update(&mut self, bytes: u64, items: u64) {
        if !self.enabled {
            return;
        }
        if self.bar.is_none() && self.started.elapsed() > Duration::from_millis(500) {
            let bar = if self.total > 0 {
                ProgressBar::new(self.total).with_style(
                    ProgressStyle::with_template(
                        "{bar:30} {bytes}/{total_bytes} ({bytes_per_sec}, {eta} left) {msg}",
                    )
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
                )
            } else {
                ProgressBar::new_spinner().with_style(
                    ProgressStyle::with_template("{spinner} {bytes} ({bytes_per_sec}) {msg}")
                        .unwrap_or_else(|_| ProgressStyle::default_spinner()),
                )
            };
            self.bar = Some(bar);
        }
        if let Some(bar) = &self.bar {
            bar.set_position(bytes);
            bar.set_message(format!("{items} records"));
        }
    }

    /// Runs `f` (which prints) without the bar in the way.
    fn print(&self, f: impl FnOnce()) {
        match &self.bar {
            Some(bar) => bar.suspend(f),
            None => f(),
        }
    }

    fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}

/// Reports what the pipeline tells on stderr (and to the errors file).
struct Reporter {
    quiet: bool,
    errors_file: Option<BufWriter<File>>,
    errors_path: Option<PathBuf>,
    errors_write_failed: Option<String>,
    rejected: u64,
    rejects: Vec<RecordError>,
    /// (file, kind) -> how many, to print the first of each and a count at the end.
    warnings: BTreeMap<(String, WarningKind), u64>,
    progress: Progress,
}

impl Reporter {
    fn finish_warnings(&mut self) {
        if self.quiet {
            return;
        }
        for ((file, kind), count) in &self.warnings {
            if *count > 1 {
                let what = match kind {
                    WarningKind::AmbiguousDate => {
                        "records had a date whose day and month could be swapped (read month first)"
                    }
                    WarningKind::InvalidUtf8 => {
                        "records had bytes that are not UTF-8 (replaced by U+FFFD)"
                    }
                };
                eprintln!("auditsift: warning: {file}: {count} {what}; the first is shown above");
            }
        }
    }
}

impl Observer for Reporter {
    fn file_opened(&mut self, name: &str, shape: Shape, _encoding: Encoding) {
        if shape == Shape::Empty && !self.quiet {
            self.progress
                .print(|| eprintln!("auditsift: warning: {name}: no records (empty input)"));
        }
    }

    fn file_failed(&mut self, error: &InputError) {
        self.progress.print(|| eprintln!("auditsift: {error}"));
    }

    fn reject(&mut self, error: &RecordError) {
        self.rejected += 1;
        if !self.quiet && self.rejected <= SHOWN_REJECTS as u64 {
            self.progress.print(|| eprintln!("auditsift: {error}"));
            if self.rejected == SHOWN_REJECTS as u64 {
                let hint = if self.errors_file.is_some() {
                    "further rejected records are only in the errors file"
                } else {
                    "further rejected records are counted only; --errors FILE keeps them all"
                };
                self.progress.print(|| eprintln!("auditsift: ({hint})"));
            }
        }
        if let Some(f) = &mut self.errors_file
            && self.errors_write_failed.is_none()
        {
            let line = serde_json::json!({
                "Source": error.source,
                "Reason": error.reason,
                "Raw": error.raw,
            });
            if let Err(e) = writeln!(f, "{line}") {
                self.errors_write_failed = Some(e.to_string());
            }
        }
        if self.rejects.len() < KEPT_REJECTS {
            self.rejects.push(error.clone());
        }
    }

    fn warning(&mut self, warning: &Warning) {
        let file = warning
            .source
            .rsplit_once(':')
            .map_or(warning.source.as_str(), |(f, _)| f)
            .to_owned();
        let count = self.warnings.entry((file, warning.kind)).or_default();
        *count += 1;
        if *count == 1 && !self.quiet {
            self.progress.print(|| {
                eprintln!(
                    "auditsift: warning: {}: {}",
                    warning.source, warning.message
                )
            });
        }
    }

    fn progress(&mut self, bytes: u64, items: u64) {
        self.progress.update(bytes, items);
    }
}
