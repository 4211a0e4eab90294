// AuditSift: Import-AuditLog's session: files read in batches by the native readers.
namespace AuditSift
{
    using System;

    /// <summary>
    /// Reads audit log files (Purview CSV, JSON, JSON lines, gzip) through the native readers. Convert
    /// mode emits each batch's records as read; Select mode collects the matches of every file,
    /// de-duplicated, and emits them sorted when <see cref="Complete"/> is called; Exposure mode feeds
    /// them to a MailItemsAccessed exposure (the filter is its scope) and emits its mailboxes at the end;
    /// Report mode feeds them to the HTML report (the filter is its scope), which Complete writes.
    /// </summary>
    public sealed class AuditLogImport : IDisposable
    {
        private readonly PipelineOptions options;
        private readonly FilterHandle filter;
        private readonly AuditTally tally = new AuditTally();
        private CollectorHandle collector;
        private ExposureHandle exposure;
        private NativeReport report;
        private NativeFileReader reader;
        private string currentPath;
        // Records read before the current file, so that Index counts over all files.
        private long recordsBefore;
        private long recordsInFile;
        private bool completed;

        /// <summary>Starts an import. Mode Convert streams records; Select sorts and de-duplicates them.</summary>
        public AuditLogImport(PipelineOptions options)
        {
            if (options == null)
            {
                throw new ArgumentNullException("options");
            }
            if (options.Mode == PipelineMode.Inventory || options.Mode == PipelineMode.Pivot)
            {
                throw new ArgumentException("An import emits records, an exposure or a report: use Convert, Select, Exposure or Report.", "options");
            }
            Native.EnsureLoaded();
            this.options = options;
            if (options.Mode == PipelineMode.Report)
            {
                // The filter is the scope; the files are read with the report's wider filter.
                report = NativeReport.Create(options.Filter, options.Report, out filter);
                return;
            }
            if (options.Mode == PipelineMode.Exposure)
            {
                // The filter is the scope; the files are read with the exposure's wider filter.
                using (FilterHandle scope = (options.Filter ?? new AuditFilter()).CreateNative())
                {
                    int status = scope == null
                        ? NativeMethods.auditsift_exposure_new_unscoped(IntPtr.Zero, out exposure)
                        : NativeMethods.auditsift_exposure_new(scope, out exposure);
                    Native.Check(status, "auditsift_exposure_new");
                }
                Native.Check(NativeMethods.auditsift_exposure_parse_filter(exposure, out filter), "auditsift_exposure_parse_filter");
                return;
            }
            filter = (options.Filter ?? new AuditFilter()).CreateNative();
            if (options.Mode == PipelineMode.Select)
            {
                Native.Check(NativeMethods.auditsift_collector_new(out collector), "auditsift_collector_new");
            }
        }

        /// <summary>Counts over every file so far.</summary>
        public AuditTally Tally
        {
            get { return tally; }
        }

        /// <summary>How far through the current file the reader is, 0 to 100.</summary>
        public double PercentComplete
        {
            get { return reader == null ? 100.0 : reader.PercentComplete; }
        }

        /// <summary>Opens a file; the previous one is closed.</summary>
        public void Open(string path)
        {
            ThrowIfCompleted();
            Close();
            reader = NativeFileReader.Open(path);
            currentPath = path;
            recordsInFile = 0;
        }

        /// <summary>Reads the next batch of the open file; null at its end.</summary>
        public AuditBatchOutput ReadNext()
        {
            ThrowIfCompleted();
            if (reader == null)
            {
                return null;
            }
            // Converted records are only read out, with their AuditData (the file's only copy); the collector,
            // the exposure or the report keeps the records, whose AuditData is not needed here.
            uint flags = options.Mode == PipelineMode.Convert ? options.ReadOutFlags : (uint)NativeFlags.NoRaw;
            ResultHandle result = reader.Next(options.BatchSize, filter, flags);
            if (result == null)
            {
                return null;
            }
            AuditBatchOutput output = new AuditBatchOutput();
            using (result)
            {
                ResultData data = new ResultData(result);
                NativeTally t = data.Tally;
                long read = (long)t.Read;
                tally.Read += read;
                tally.AddParsed(t);
                // Indexes count over the whole file (the native reader numbers every row and line
                // across batches); recordsBefore makes them count over every file of the import.
                foreach (AuditRecordError e in Decoder.Errors(data))
                {
                    SplitLocation(e);
                    e.Index += recordsBefore;
                    output.Errors.Add(e);
                }
                foreach (AuditReadWarning w in Decoder.Warnings(data))
                {
                    if (w.Index >= 0)
                    {
                        w.Index += recordsBefore;
                    }
                    output.Warnings.Add(w);
                }
                long[] origins = data.Table(NativeTable.Origins);
                if (options.Mode == PipelineMode.Convert)
                {
                    AuditRecord[] records = Decoder.Records(data, origins, options.Full);
                    foreach (AuditRecord r in records)
                    {
                        r.Index += recordsBefore;
                        output.Items.Add(r);
                    }
                }
                else if (options.Mode == PipelineMode.Exposure)
                {
                    Native.Check(NativeMethods.auditsift_exposure_add(exposure, result), "auditsift_exposure_add");
                }
                else if (options.Mode == PipelineMode.Report)
                {
                    report.Add(result);
                }
                else
                {
                    Native.Check(NativeMethods.auditsift_collector_add(collector, result), "auditsift_collector_add");
                }
                recordsInFile += read;
            }
            return output;
        }

        /// <summary>
        /// The native reason starts with the location ("file:row 17 (line 18): reason"): it becomes the
        /// error's Source, the rest its Reason. Without one, Source names the file and the item.
        /// </summary>
        private void SplitLocation(AuditRecordError e)
        {
            string prefix = currentPath + ":";
            int end = e.Reason.StartsWith(prefix, StringComparison.Ordinal)
                ? e.Reason.IndexOf(": ", prefix.Length, StringComparison.Ordinal)
                : -1;
            if (end > prefix.Length)
            {
                e.Source = e.Reason.Substring(0, end);
                e.Reason = e.Reason.Substring(end + 2);
            }
            else
            {
                e.Source = currentPath + ": item " + (e.Index + 1);
            }
        }

        /// <summary>Closes the open file, if any (a report lists it with the items read from it).</summary>
        public void Close()
        {
            if (reader != null)
            {
                reader.Dispose();
                reader = null;
                if (report != null && !completed)
                {
                    report.AddInput(currentPath, recordsInFile);
                }
            }
            recordsBefore += recordsInFile;
            recordsInFile = 0;
        }

        /// <summary>
        /// Ends the import. Select: the matches of all files, de-duplicated and sorted. Report: writes the file
        /// (throwing, with the path, when it cannot).
        /// </summary>
        public AuditBatchOutput Complete()
        {
            Close();
            ThrowIfCompleted();
            completed = true;
            AuditBatchOutput output = new AuditBatchOutput();
            if (options.Mode == PipelineMode.Report)
            {
                report.Write();
                report.CopyCounts(tally);
                return output;
            }
            if (options.Mode == PipelineMode.Exposure)
            {
                ResultHandle summary;
                Native.Check(NativeMethods.auditsift_exposure_summarize(exposure, out summary), "auditsift_exposure_summarize");
                using (summary)
                {
                    ResultData data = new ResultData(summary);
                    tally.TakeFinal(data.Tally);
                    output.Items.AddRange(ExposureDecoder.Mailboxes(data).ToArray());
                }
                return output;
            }
            if (options.Mode != PipelineMode.Select)
            {
                return output;
            }
            uint flags = options.ReadOutFlags;
            ResultHandle result;
            Native.Check(NativeMethods.auditsift_collector_finish(collector, flags, out result), "auditsift_collector_finish");
            using (result)
            {
                ResultData data = new ResultData(result);
                AuditRecord[] records = Decoder.Records(data, data.Table(NativeTable.Origins), options.Full);
                foreach (AuditRecord r in records)
                {
                    output.Items.Add(r);
                }
                tally.KeepFirstOfEachId(records.Length);
            }
            return output;
        }

        private void ThrowIfCompleted()
        {
            if (completed)
            {
                throw new InvalidOperationException("AuditSift: this import has already completed.");
            }
        }

        /// <summary>Frees the native objects.</summary>
        public void Dispose()
        {
            Close();
            if (filter != null)
            {
                filter.Dispose();
            }
            if (collector != null)
            {
                collector.Dispose();
            }
            if (exposure != null)
            {
                exposure.Dispose();
            }
            if (report != null)
            {
                report.Dispose();
            }
            completed = true;
        }
    }

    /// <summary>
    /// The native file reader: the only place that calls auditsift_reader_*, so that the reader ABI can
    /// change without touching the rest.
    /// </summary>
    internal sealed class NativeFileReader : IDisposable
    {
        private readonly ReaderHandle handle;

        private NativeFileReader(ReaderHandle handle)
        {
            this.handle = handle;
        }

        internal static NativeFileReader Open(string path)
        {
            byte[] bytes = Native.Utf8(path);
            ReaderHandle handle;
            Native.Check(NativeMethods.auditsift_reader_open(bytes, Native.Size(bytes.Length), out handle),
                "opening '" + path + "'");
            return new NativeFileReader(handle);
        }

        /// <summary>The next batch as a result, or null at the end of the file (a batch of no documents).</summary>
        internal ResultHandle Next(int maxDocuments, FilterHandle filter, uint flags)
        {
            ResultHandle result;
            int status = filter == null
                ? NativeMethods.auditsift_reader_next_unfiltered(handle, Native.Size(maxDocuments), IntPtr.Zero, flags, out result)
                : NativeMethods.auditsift_reader_next(handle, Native.Size(maxDocuments), filter, flags, out result);
            Native.Check(status, "auditsift_reader_next");
            NativeTally t;
            Native.Check(NativeMethods.auditsift_result_tally(result, out t), "auditsift_result_tally");
            if (t.Read == 0)
            {
                result.Dispose();
                return null;
            }
            return result;
        }

        /// <summary>Bytes read over bytes in the file, 0 to 100 (compressed bytes for gzip).</summary>
        internal double PercentComplete
        {
            get
            {
                ulong read, total;
                if (NativeMethods.auditsift_reader_progress(handle, out read, out total) != (int)NativeStatus.Ok || total == 0)
                {
                    return 0;
                }
                return Math.Min(100.0, 100.0 * read / total);
            }
        }

        public void Dispose()
        {
            handle.Dispose();
        }
    }
}
