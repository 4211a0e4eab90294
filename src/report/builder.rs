//! Gathering what a report shows, from any number of batches: the one path behind
//! `auditsift report` and the C ABI's `auditsift_report_*`.
//!
//! A [`ReportBuilder`] is made with the scope (the filters); the input is read with its
//! [`parse_filter`](ReportBuilder::parse_filter) (the scope widened to the scoped users' throttled
//! MailItemsAccessed records, which open holes in a mailbox's evidence whatever their session), and
//! every record that filter keeps goes to [`add_record`](ReportBuilder::add_record). The records in
//! scope make the timeline and the sessions; the exposure also counts the throttled ones. The counts
//! and rejected records of the reading go in beside them, and [`write`](ReportBuilder::write) can be
//! called at any point (more records may follow).

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

use crate::batch::{Collected, RecordError, Tally, time_order};
use crate::filter::Filter;
use crate::mailaccess::{Added, ExposureBuilder};
use crate::output::exposure::exposure_json;
use crate::record::AuditRecord;

use super::{ReportInput, write_report};

/// Rejected records a report keeps with their raw text; the others are counted only.
pub const KEPT_REJECTS: usize = 1000;

/// Everything a report will show, gathered as the input is read.
#[derive(Debug, Clone)]
pub struct ReportBuilder {
    title: String,
    filters: Vec<String>,
    inputs: Vec<(String, u64)>,
    /// The counts of the reading, as given: before de-duplication and scoping.
    counts: Tally,
    rejects: Vec<RecordError>,
    exposure: ExposureBuilder,
    records: Vec<Collected>,
    /// Repeats of an earlier record's `Id`.
    duplicates: u64,
    /// Records the parse filter kept that are outside the scope (they count for the exposure
    /// only, or not at all).
    outside_scope: u64,
}

impl ReportBuilder {
    /// A report on the records `scope` matches.
    pub fn new(scope: Filter) -> ReportBuilder {
        ReportBuilder {
            title: String::new(),
            filters: Vec::new(),
            inputs: Vec::new(),
            counts: Tally::default(),
            rejects: Vec::new(),
            exposure: ExposureBuilder::new(scope),
            records: Vec::new(),
            duplicates: 0,
            outside_scope: 0,
        }
    }

    /// The filter to read the input with: the scope, widened to the throttled MailItemsAccessed
    /// records of the scoped users.
    pub fn parse_filter(&self) -> Filter {
        self.exposure.parse_filter()
    }

    /// Sets the page title (empty: none).
    pub fn set_title(&mut self, title: impl Into<String>) {
        self.title = title.into();
    }

    /// Adds one filter as the user gave it (`--session 7c3e…`, `-SessionId 7c3e…`), shown verbatim.
    pub fn add_filter_text(&mut self, text: impl Into<String>) {
        self.filters.push(text.into());
    }

    /// Adds an input (a file, or a pipeline) with the number of items read from it.
    pub fn add_input(&mut self, name: impl Into<String>, items: u64) {
        self.inputs.push((name.into(), items));
    }

    /// Adds the counts of reading some input (before de-duplication and scoping, which the
    /// builder applies itself).
    pub fn add_counts(&mut self, counts: &Tally) {
        self.counts.add(counts);
    }

    /// Keeps a rejected record for the report, unless [`KEPT_REJECTS`] are kept already. It is
    /// counted by [`add_counts`](Self::add_counts), not here.
    pub fn add_reject(&mut self, error: RecordError) {
        if self.rejects.len() < KEPT_REJECTS {
            self.rejects.push(error);
        }
    }

    /// Adds a record the parse filter kept; `origin` is its position in the input (it orders
    /// records of the same time and `Id`). Returns what the exposure made of it: only records in
    /// scope are shown in the timeline.
    pub fn add_record(&mut self, origin: u64, record: AuditRecord<'_>) -> Added {
        let added = self.exposure.add(&record);
        match added {
            Added::InScope => self.records.push(Collected {
                origin,
                record: record.into_owned(),
            }),
            Added::ThrottlingOnly | Added::OutOfScope => self.outside_scope += 1,
            Added::Duplicate => self.duplicates += 1,
        }
        added
    }

    /// Records dropped as repeats of an earlier `Id`.
    pub fn duplicates(&self) -> u64 {
        self.duplicates
    }

    /// Records the parse filter kept that are not in scope (not in the timeline).
    pub fn outside_scope(&self) -> u64 {
        self.outside_scope
    }

    /// The counts the report shows: those given, with the repeats counted as duplicates and the
    /// records outside the scope as filtered out.
    pub fn tally(&self) -> Tally {
        let mut t = self.counts;
        t.duplicates += self.duplicates;
        t.matched = t.matched.saturating_sub(self.duplicates);
        t.matched = t.matched.saturating_sub(self.outside_scope);
        t.filtered_out += self.outside_scope;
        t
    }

    /// Writes the HTML report; `include_raw` puts each record's raw AuditData in.
    pub fn write(&self, include_raw: bool, out: &mut impl Write) -> io::Result<()> {
        let mut records: Vec<&Collected> = self.records.iter().collect();
        records.sort_by(|a, b| time_order(a, b));
        let exposure = self.exposure.clone().finish();
        let input = ReportInput {
            title: &self.title,
            filters: self.filters.clone(),
            files: self.inputs.clone(),
            tally: self.tally(),
            rejects: &self.rejects,
            records: &records,
            exposure: (!exposure.mailboxes.is_empty()).then(|| exposure_json(&exposure)),
            include_raw,
        };
        write_report(&input, out)
    }

    /// Writes the HTML report to the file at `path` (created or truncated). The error names the
    /// path.
    pub fn write_file(&self, path: &Path, include_raw: bool) -> Result<(), String> {
        let shown = path.display();
        let file = File::create(path).map_err(|e| format!("{shown}: {e}"))?;
        let mut out = BufWriter::new(file);
        self.write(include_raw, &mut out)
            .and_then(|()| out.flush())
            .map_err(|e| format!("{shown}: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::parse_batch;
    use crate::filter::FilterSpec;
    use serde_json::Value;

    const S1: &str = "11111111-1111-4111-8111-111111111111";
    const S2: &str = "22222222-2222-4222-8222-222222222222";

    fn doc(id: &str, time: &str, session: &str, throttled: bool) -> String {
        format!(
            r#"{{"Id":"{id}","CreationTime":"{time}","Operation":"MailItemsAccessed","UserId":"m@c.com","MailboxOwnerUPN":"m@c.com","SessionId":"{session}","OperationProperties":[{{"Name":"MailAccessType","Value":"Sync"}},{{"Name":"IsThrottled","Value":"{}"}}],"Folders":[{{"Path":"\\Inbox"}}]}}"#,
            if throttled { "True" } else { "False" }
        )
    }

    /// The JSON in the report's element `id`.
    fn element(html: &str, id: &str) -> Value {
        let open = format!("<script id=\"{id}\" type=\"application/json\">");
        let start = html.find(&open).unwrap() + open.len();
        let end = start + html[start..].find("</script>").unwrap();
        serde_json::from_str(&html[start..end]).unwrap()
    }

    fn html(builder: &ReportBuilder, include_raw: bool) -> String {
        let mut html = Vec::new();
        builder.write(include_raw, &mut html).unwrap();
        String::from_utf8(html).unwrap()
    }

    fn data(builder: &ReportBuilder, include_raw: bool) -> Value {
        element(&html(builder, include_raw), "auditsift-data")
    }

    #[test]
    fn scope_duplicates_and_throttling_are_counted_apart() {
        let scope = Filter::new(FilterSpec {
            session_ids: vec![S1.into()],
            users: vec!["m@c.com".into()],
            ..FilterSpec::default()
        });
        let mut builder = ReportBuilder::new(scope);
        let docs = [
            doc("b", "2026-03-02T08:00:00", S1, false),
            doc("a", "2026-03-02T07:00:00", S1, false),
            doc("a", "2026-03-02T07:00:00", S1, false),
            doc("t", "2026-03-02T09:00:00", S2, true),
            doc("o", "2026-03-02T09:30:00", S2, false),
        ];
        let filter = builder.parse_filter();
        let outcome = parse_batch(&docs, &filter);
        builder.add_counts(&outcome.tally);
        let added: Vec<Added> = outcome
            .records
            .into_iter()
            .map(|(i, r)| builder.add_record(i as u64, r))
            .collect();
        assert_eq!(
            added,
            [
                Added::InScope,
                Added::InScope,
                Added::Duplicate,
                Added::ThrottlingOnly
            ]
        );
        let t = builder.tally();
        assert!(t.is_consistent(), "{t:?}");
        assert_eq!((t.read, t.skipped, t.matched), (5, 1, 2));
        assert_eq!((t.duplicates, t.filtered_out), (1, 1));

        builder.set_title("T");
        builder.add_filter_text("--session x");
        builder.add_input("pipeline", 5);
        let v = data(&builder, false);
        // The timeline is in time order and holds the records in scope only.
        let ops: Vec<&str> = v["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["t"].as_str().unwrap())
            .collect();
        assert_eq!(ops, ["2026-03-02T07:00:00Z", "2026-03-02T08:00:00Z"]);
        assert!(v["events"][0].get("raw").is_none());
        // The throttled record of the scoped user opens a hole in the exposure.
        let windows = &v["exposure"]["Mailboxes"][0]["ThrottledWindows"];
        assert_eq!(windows.as_array().unwrap().len(), 1);
        assert_eq!(v["input"]["files"][0]["path"], "pipeline");
        assert_eq!(v["input"]["duplicates"], 1);
        assert_eq!(v["title"], "T");
        assert_eq!(v["filters"][0], "--session x");
        // Writing leaves the builder usable.
        let page = html(&builder, true);
        let raw = element(&page, "auditsift-raw");
        assert_eq!(raw["chunks"][0]["n"], 2);
        assert!(
            element(&page, "auditsift-data")["events"][0]
                .get("raw")
                .is_none()
        );
        assert!(element(&html(&builder, false), "auditsift-raw").is_null());
    }

    #[test]
    fn rejects_are_kept_up_to_the_cap() {
        let mut builder = ReportBuilder::new(Filter::all());
        for i in 0..KEPT_REJECTS as u64 + 5 {
            builder.add_reject(RecordError {
                index: i,
                source: String::new(),
                reason: "bad".into(),
                raw: "{".into(),
            });
        }
        let v = data(&builder, true);
        let rejects = v["input"]["rejects"].as_array().unwrap();
        assert_eq!(rejects.len(), KEPT_REJECTS);
        assert_eq!(rejects[7]["source"], "record 7");
        assert!(v["exposure"].is_null());
    }

    #[test]
    fn an_unwritable_path_is_named() {
        let dir = std::env::temp_dir().join("auditsift-no-such-dir-for-report");
        let path = dir.join("r.html");
        let error = ReportBuilder::new(Filter::all())
            .write_file(&path, true)
            .unwrap_err();
        assert!(error.starts_with(&path.display().to_string()), "{error}");
    }
}
