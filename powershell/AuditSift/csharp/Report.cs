// AuditSift: Export-AuditReport's part of the interop: what the report is written as, the filters shown in
// it, and the native report (auditsift_report_*) that AuditPipeline and AuditLogImport feed in Report mode.
namespace AuditSift
{
    using System;
    using System.Collections.Generic;
    using System.Globalization;

    /// <summary>Where and how the HTML report of <see cref="PipelineMode.Report"/> is written.</summary>
    public sealed class ReportOptions
    {
        /// <summary>The HTML file to write (an absolute path; created or replaced when the input ends).</summary>
        public string Path { get; set; }
        /// <summary>The page title; may be empty.</summary>
        public string Title { get; set; }
        /// <summary>Leave each record's raw AuditData out of the report (smaller for large inputs).</summary>
        public bool NoRawAuditData { get; set; }
    }

    /// <summary>The filters of a report as the user gave them, in PowerShell parameter form.</summary>
    public static class ReportFilterText
    {
        /// <summary>
        /// One entry per parameter used, as Export-AuditReport takes it: "-SessionId 7c3e...", values joined by
        /// ", " and quoted when PowerShell would need it; times in UTC ("-StartTime 2026-03-02T09:00:00Z", a time
        /// without a zone read as local, as the filter reads it).
        /// </summary>
        public static string[] Describe(AuditFilter filter)
        {
            List<string> words = new List<string>();
            if (filter == null)
            {
                return words.ToArray();
            }
            AddValues(words, "-SessionId", filter.SessionIds);
            AddValues(words, "-AADSessionId", filter.AADSessionIds);
            AddValues(words, "-UserId", filter.UserIds);
            AddValues(words, "-Operation", filter.Operations);
            AddValues(words, "-IPAddress", filter.IPAddresses);
            if (filter.StartTime.HasValue)
            {
                words.Add("-StartTime " + UtcText(filter.StartTime.Value));
            }
            if (filter.EndTime.HasValue)
            {
                words.Add("-EndTime " + UtcText(filter.EndTime.Value));
            }
            return words.ToArray();
        }

        private static void AddValues(List<string> words, string parameter, string[] values)
        {
            if (values == null)
            {
                return;
            }
            List<string> shown = new List<string>();
            foreach (string v in values)
            {
                // Blank values are not part of the filter (AuditFilter skips them too).
                if (!string.IsNullOrEmpty(v) && v.Trim().Length > 0)
                {
                    shown.Add(Quote(v.Trim()));
                }
            }
            if (shown.Count > 0)
            {
                words.Add(parameter + " " + string.Join(", ", shown.ToArray()));
            }
        }

        /// <summary>A value as it would be typed: bare when PowerShell reads it as one word, else in single quotes.</summary>
        internal static string Quote(string value)
        {
            bool bare = value.Length > 0 && value[0] != '@' && value[0] != '-';
            foreach (char c in value)
            {
                if (!(char.IsLetterOrDigit(c) && c < 128) && ".@:_-/\\+".IndexOf(c) < 0)
                {
                    bare = false;
                    break;
                }
            }
            return bare ? value : "'" + value.Replace("'", "''") + "'";
        }

        private static string UtcText(DateTime time)
        {
            DateTime utc = time.Kind == DateTimeKind.Utc ? time : time.ToUniversalTime();
            string format = utc.Ticks % TimeSpan.TicksPerSecond == 0 ? "yyyy-MM-dd'T'HH:mm:ss'Z'" : "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'";
            return utc.ToString(format, CultureInfo.InvariantCulture);
        }
    }

    /// <summary>
    /// The native report: the only place that calls auditsift_report_*. Items are numbered in the order they are
    /// added (each result's documents, then each rejected input), so a host adds them in input order.
    /// </summary>
    internal sealed class NativeReport : IDisposable
    {
        private readonly ReportHandle handle;
        private readonly ReportOptions options;

        private NativeReport(ReportHandle handle, ReportOptions options)
        {
            this.handle = handle;
            this.options = options;
        }

        /// <summary>
        /// A report on the records <paramref name="scope"/> keeps, titled and described as the options and the
        /// filter say; <paramref name="parseFilter"/> is the filter to read the input with.
        /// </summary>
        internal static NativeReport Create(AuditFilter scope, ReportOptions options, out FilterHandle parseFilter)
        {
            if (options == null || string.IsNullOrEmpty(options.Path))
            {
                throw new ArgumentException("A report needs Report.Path: the HTML file to write.", "options");
            }
            scope = scope ?? new AuditFilter();
            ReportHandle handle;
            using (FilterHandle native = scope.CreateNative())
            {
                int status = native == null
                    ? NativeMethods.auditsift_report_new_unscoped(IntPtr.Zero, out handle)
                    : NativeMethods.auditsift_report_new(native, out handle);
                Native.Check(status, "auditsift_report_new");
            }
            NativeReport report = new NativeReport(handle, options);
            try
            {
                byte[] title = Native.Utf8(options.Title);
                Native.Check(NativeMethods.auditsift_report_set_title(handle, title, Native.Size(title.Length)),
                    "auditsift_report_set_title");
                foreach (string words in ReportFilterText.Describe(scope))
                {
                    byte[] text = Native.Utf8(words);
                    Native.Check(NativeMethods.auditsift_report_add_filter_text(handle, text, Native.Size(text.Length)),
                        "auditsift_report_add_filter_text");
                }
                Native.Check(NativeMethods.auditsift_report_parse_filter(handle, out parseFilter), "auditsift_report_parse_filter");
            }
            catch
            {
                report.Dispose();
                throw;
            }
            return report;
        }

        /// <summary>Adds a parsed batch: its counts, records and rejected documents.</summary>
        internal void Add(ResultHandle result)
        {
            Native.Check(NativeMethods.auditsift_report_add(handle, result), "auditsift_report_add");
        }

        /// <summary>Adds an input that never became a document (null, an object without AuditData).</summary>
        internal void AddRejected(AuditRecordError error)
        {
            byte[] source = Native.Utf8(error.Source);
            byte[] reason = Native.Utf8(string.IsNullOrEmpty(error.Reason) ? "unknown reason" : error.Reason);
            byte[] raw = Native.Utf8(error.RawText);
            Native.Check(NativeMethods.auditsift_report_add_rejected(handle, source, Native.Size(source.Length),
                reason, Native.Size(reason.Length), raw, Native.Size(raw.Length)), "auditsift_report_add_rejected");
        }

        /// <summary>Adds a row to the input summary: a file, or "pipeline", and the items read from it.</summary>
        internal void AddInput(string name, long items)
        {
            byte[] bytes = Native.Utf8(name);
            Native.Check(NativeMethods.auditsift_report_add_input(handle, bytes, Native.Size(bytes.Length), (ulong)Math.Max(0, items)),
                "auditsift_report_add_input");
        }

        /// <summary>The counts the report shows.</summary>
        internal NativeTally Tally
        {
            get
            {
                NativeTally t;
                Native.Check(NativeMethods.auditsift_report_tally(handle, out t), "auditsift_report_tally");
                return t;
            }
        }

        /// <summary>Writes the HTML file. Throws naming the path when it cannot be written.</summary>
        internal void Write()
        {
            byte[] path = Native.Utf8(options.Path);
            uint flags = options.NoRawAuditData ? (uint)NativeFlags.NoRaw : 0;
            Native.Check(NativeMethods.auditsift_report_write(handle, path, Native.Size(path.Length), flags),
                "writing the report '" + options.Path + "'");
        }

        /// <summary>Copies the report's counts into a tally.</summary>
        internal void CopyCounts(AuditTally tally)
        {
            NativeTally t = Tally;
            tally.Read = (long)t.Read;
            tally.Skipped = (long)t.Skipped;
            tally.Rejected = (long)t.Rejected;
            tally.Parsed = (long)t.Parsed;
            tally.FilteredOut = (long)t.FilteredOut;
            tally.Duplicates = (long)t.Duplicates;
            tally.Matched = (long)t.Matched;
        }

        public void Dispose()
        {
            handle.Dispose();
        }
    }
}
