// AuditSift: the per-call pipeline session behind ConvertFrom-AuditData, Select-AuditSession,
// Get-AuditSession, Get-MailboxExposure, Find-AuditPivot and Export-AuditReport: input gathered into
// batches, one native call per batch, typed output.
namespace AuditSift
{
    using System;
    using System.Collections.Generic;
    using System.Runtime.ExceptionServices;
    using System.Runtime.InteropServices;
    using System.Text;
    using System.Threading;
    using System.Threading.Tasks;

    /// <summary>Which records an investigator wants. Empty lists mean "any".</summary>
    public sealed class AuditFilter
    {
        /// <summary>Exchange SessionIds (case-insensitive); OR-ed with <see cref="AADSessionIds"/>.</summary>
        public string[] SessionIds { get; set; }
        /// <summary>Entra ID AADSessionIds (case-insensitive).</summary>
        public string[] AADSessionIds { get; set; }
        /// <summary>Users, matched against UserId and MailboxOwnerUPN (case-insensitive).</summary>
        public string[] UserIds { get; set; }
        /// <summary>Operation names (case-insensitive).</summary>
        public string[] Operations { get; set; }
        /// <summary>Client addresses, with or without a port.</summary>
        public string[] IPAddresses { get; set; }
        /// <summary>Earliest CreationTime kept (inclusive). Local and unspecified times are converted to UTC.</summary>
        public DateTime? StartTime { get; set; }
        /// <summary>Latest CreationTime kept (inclusive).</summary>
        public DateTime? EndTime { get; set; }

        /// <summary>True when the filter keeps every record.</summary>
        public bool IsEmpty
        {
            get
            {
                return !HasValues(SessionIds) && !HasValues(AADSessionIds) && !HasValues(UserIds)
                    && !HasValues(Operations) && !HasValues(IPAddresses) && !StartTime.HasValue && !EndTime.HasValue;
            }
        }

        private static bool HasValues(string[] values)
        {
            if (values == null)
            {
                return false;
            }
            foreach (string v in values)
            {
                if (!string.IsNullOrEmpty(v) && v.Trim().Length > 0)
                {
                    return true;
                }
            }
            return false;
        }

        /// <summary>The native filter, or null when the filter keeps everything.</summary>
        internal FilterHandle CreateNative()
        {
            if (IsEmpty)
            {
                return null;
            }
            FilterHandle handle;
            Native.Check(NativeMethods.auditsift_filter_new(out handle), "auditsift_filter_new");
            try
            {
                Native.AddEach(SessionIds, (v, n) => NativeMethods.auditsift_filter_add(handle, (int)NativeFilterField.SessionId, v, n), "auditsift_filter_add");
                Native.AddEach(AADSessionIds, (v, n) => NativeMethods.auditsift_filter_add(handle, (int)NativeFilterField.AADSessionId, v, n), "auditsift_filter_add");
                Native.AddEach(UserIds, (v, n) => NativeMethods.auditsift_filter_add(handle, (int)NativeFilterField.User, v, n), "auditsift_filter_add");
                Native.AddEach(Operations, (v, n) => NativeMethods.auditsift_filter_add(handle, (int)NativeFilterField.Operation, v, n), "auditsift_filter_add");
                Native.AddEach(IPAddresses, (v, n) => NativeMethods.auditsift_filter_add(handle, (int)NativeFilterField.IPAddress, v, n), "auditsift_filter_add");
                // The library keeps milliseconds: the window is widened to whole milliseconds at both
                // ends, so that a bound never drops a record it includes.
                if (StartTime.HasValue)
                {
                    Native.Check(NativeMethods.auditsift_filter_set_start(handle, UnixMilliseconds(StartTime.Value, false)),
                        "auditsift_filter_set_start");
                }
                if (EndTime.HasValue)
                {
                    Native.Check(NativeMethods.auditsift_filter_set_end(handle, UnixMilliseconds(EndTime.Value, true)),
                        "auditsift_filter_set_end");
                }
            }
            catch
            {
                handle.Dispose();
                throw;
            }
            return handle;
        }

        /// <summary>
        /// Milliseconds since 1970-01-01 UTC (a time without a zone is taken as local), rounded down, or
        /// up when <paramref name="roundUp"/> is set.
        /// </summary>
        internal static long UnixMilliseconds(DateTime time, bool roundUp)
        {
            DateTime utc = time.Kind == DateTimeKind.Utc ? time : time.ToUniversalTime();
            long ticks = utc.Ticks - new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;
            long ms = ticks / TimeSpan.TicksPerMillisecond;
            long rest = ticks % TimeSpan.TicksPerMillisecond;
            if (rest < 0)
            {
                ms--;
                rest += TimeSpan.TicksPerMillisecond;
            }
            return roundUp && rest > 0 ? ms + 1 : ms;
        }
    }

    /// <summary>What a pipeline does with its records.</summary>
    public enum PipelineMode
    {
        /// <summary>Every record that matches, in input order, as each batch finishes.</summary>
        Convert,
        /// <summary>The matches, de-duplicated by Id and sorted by time, when the input ends.</summary>
        Select,
        /// <summary>The session inventory of the matches, when the input ends.</summary>
        Inventory,
        /// <summary>
        /// The MailItemsAccessed exposure of the matches (the filter is the scope), per mailbox, when the input
        /// ends. Throttled records of the scoped users count whatever their session or time.
        /// </summary>
        Exposure,
        /// <summary>What <see cref="PipelineOptions.Pivot"/> leads to (the filter must be empty), when the input ends.</summary>
        Pivot,
        /// <summary>
        /// The HTML investigation report of the matches (the filter is the scope) written to
        /// <see cref="PipelineOptions.Report"/> when the input ends: timeline, sessions, MailItemsAccessed
        /// exposure, and the input summary with the records that could not be read. Nothing is emitted.
        /// </summary>
        Report,
    }

    /// <summary>How a pipeline session runs.</summary>
    public sealed class PipelineOptions
    {
        /// <summary>Default options: convert, no filter, batches of 5000.</summary>
        public PipelineOptions()
        {
            Mode = PipelineMode.Convert;
            Filter = new AuditFilter();
            BatchSize = 5000;
            Overlap = true;
        }

        /// <summary>What to emit.</summary>
        public PipelineMode Mode { get; set; }
        /// <summary>Which records to keep.</summary>
        public AuditFilter Filter { get; set; }
        /// <summary>Fill AuditRecord.Full with every AuditData field.</summary>
        public bool Full { get; set; }
        /// <summary>Select: emit the original input objects instead of records.</summary>
        public bool PassThru { get; set; }
        /// <summary>Documents per native call.</summary>
        public int BatchSize { get; set; }
        /// <summary>
        /// Parse a full batch on a background thread while the next one fills (the default): the caller's
        /// own work (the cmdlet upstream, whatever reads the records) runs meanwhile. A batch's output then
        /// comes from the first Add after it is ready, or from Flush or Complete, in batch order. False
        /// parses each batch within the Add that fills it.
        /// </summary>
        public bool Overlap { get; set; }
        /// <summary>Pivot: what to pivot from.</summary>
        public PivotQuery Pivot { get; set; }
        /// <summary>Pivot: what to write when the input ends (the whole result is on <see cref="AuditPipeline.PivotResult"/>).</summary>
        public PivotView PivotView { get; set; }
        /// <summary>Report: the file to write and how.</summary>
        public ReportOptions Report { get; set; }

        /// <summary>
        /// The flags of a result whose records are only read out (converted, or the collector's at the end): no copy
        /// of the records kept, and the full trees when asked for.
        /// </summary>
        internal uint ReadOutFlags
        {
            get { return (uint)NativeFlags.TablesOnly | (Full ? (uint)NativeFlags.FullTree : 0); }
        }
    }

    /// <summary>What one batch (or the end of the input) gives: objects to write and errors to report.</summary>
    public sealed class AuditBatchOutput
    {
        /// <summary>An empty output.</summary>
        public AuditBatchOutput()
        {
            Items = new List<object>();
            Errors = new List<AuditRecordError>();
            Warnings = new List<AuditReadWarning>();
        }

        /// <summary>Records, sessions or input objects, in the order to write them.</summary>
        public List<object> Items { get; private set; }
        /// <summary>Inputs that could not be read, in input order.</summary>
        public List<AuditRecordError> Errors { get; private set; }
        /// <summary>What a file reader noticed while reading records that were still read.</summary>
        public List<AuditReadWarning> Warnings { get; private set; }
    }

    /// <summary>
    /// One call's pipeline session: inputs go in one at a time, documents are parsed natively one batch at
    /// a time, and typed output comes back per batch (Convert) or at the end (Select, Inventory).
    /// </summary>
    public sealed class AuditPipeline : IDisposable
    {
        private readonly PipelineOptions options;
        private readonly FilterHandle filter;
        private readonly BatchEncoder encoder = new BatchEncoder();
        // The batch being filled, the one being parsed on a background thread (Overlap) if any, and a
        // used one kept for the next fill.
        private InputBatch filling;
        private InputBatch inFlight;
        private InputBatch spare;
        private readonly AuditTally tally = new AuditTally();
        private CollectorHandle collector;
        private InventoryHandle inventory;
        private ExposureHandle exposure;
        private PivotHandle pivot;
        private NativeReport report;
        // Pivot: positions of the inputs rejected here, ascending (the native origins count documents only).
        private readonly List<long> rejectedInputs = new List<long>();
        // Select: the input object and document of each match, by position in the whole input (written
        // by the batch's parse, on whichever thread; read at the end).
        private readonly Dictionary<long, PendingMatch> matches = new Dictionary<long, PendingMatch>();
        // Position of the next input in the whole input, and the number of documents handed to the
        // native collector so far (its origins count documents, not the inputs rejected here).
        private long nextIndex;
        private long documentsSent;
        private bool completed;

        /// <summary>Starts a session.</summary>
        public AuditPipeline(PipelineOptions options)
        {
            if (options == null)
            {
                throw new ArgumentNullException("options");
            }
            if (options.BatchSize < 1)
            {
                throw new ArgumentOutOfRangeException("options", "BatchSize must be at least 1.");
            }
            Native.EnsureLoaded();
            this.options = options;
            filling = new InputBatch(Math.Min(options.BatchSize, 65536));
            AuditFilter wanted = options.Filter ?? new AuditFilter();
            if (options.Mode == PipelineMode.Exposure)
            {
                // The filter is the scope; the input is parsed with the exposure's wider filter.
                using (FilterHandle scope = wanted.CreateNative())
                {
                    int status = scope == null
                        ? NativeMethods.auditsift_exposure_new_unscoped(IntPtr.Zero, out exposure)
                        : NativeMethods.auditsift_exposure_new(scope, out exposure);
                    Native.Check(status, "auditsift_exposure_new");
                }
                Native.Check(NativeMethods.auditsift_exposure_parse_filter(exposure, out filter), "auditsift_exposure_parse_filter");
                return;
            }
            if (options.Mode == PipelineMode.Report)
            {
                // The filter is the scope; the input is parsed with the report's wider filter.
                report = NativeReport.Create(wanted, options.Report, out filter);
                return;
            }
            if (options.Mode == PipelineMode.Pivot)
            {
                if (!wanted.IsEmpty)
                {
                    throw new ArgumentException("A pivot reads every record: give its keys in Pivot, not in Filter.", "options");
                }
                if (options.Pivot == null)
                {
                    throw new ArgumentException("A pivot needs Pivot: what to pivot from.", "options");
                }
                pivot = options.Pivot.CreateNative();
                Native.Check(NativeMethods.auditsift_pivot_parse_filter(pivot, out filter), "auditsift_pivot_parse_filter");
                return;
            }
            filter = wanted.CreateNative();
            if (options.Mode == PipelineMode.Select)
            {
                Native.Check(NativeMethods.auditsift_collector_new(out collector), "auditsift_collector_new");
            }
            else if (options.Mode == PipelineMode.Inventory)
            {
                Native.Check(NativeMethods.auditsift_inventory_new(out inventory), "auditsift_inventory_new");
            }
        }

        /// <summary>How this session runs.</summary>
        public PipelineOptions Options
        {
            get { return options; }
        }

        /// <summary>Pivot: everything the pivot found, once <see cref="Complete"/> has run.</summary>
        public PivotResult PivotResult { get; private set; }

        /// <summary>Counts over every input so far.</summary>
        public AuditTally Tally
        {
            get { return tally; }
        }

        /// <summary>Inputs waiting for the next native call.</summary>
        public int Pending
        {
            get { return filling.Count; }
        }

        /// <summary>
        /// Adds one input. <paramref name="document"/> is what the record is read from (an AuditData
        /// string, a dictionary or an object; see <see cref="AuditDocument.From"/>);
        /// <paramref name="inputObject"/> is kept on the record. Returns the output of the batch this
        /// input completed, or null while the batch is still filling.
        /// </summary>
        public AuditBatchOutput Add(object document, object inputObject)
        {
            ThrowIfCompleted();
            long index = nextIndex++;
            tally.Read++;
            string problem;
            string text = AuditDocument.From(document, out problem);
            if (text == null)
            {
                AuditRecordError e = new AuditRecordError();
                e.Index = index;
                e.Source = string.Empty;
                e.Reason = problem;
                e.InputObject = inputObject;
                e.RawText = document as string;
                filling.Rejected.Add(e);
                tally.Rejected++;
                if (options.Mode == PipelineMode.Pivot)
                {
                    rejectedInputs.Add(index);
                }
                if (options.Mode == PipelineMode.Report)
                {
                    // The report numbers its items in the order they arrive: the documents before this
                    // input go first, so that its "record N" is the error's Index. The flush writes the error.
                    AuditBatchOutput output = Flush();
                    report.AddRejected(e);
                    return output;
                }
            }
            else
            {
                filling.Documents.Add(text);
                filling.Inputs.Add(inputObject);
                filling.Indexes.Add(index);
            }
            AuditBatchOutput ready = null;
            if (inFlight != null && inFlight.IsDone)
            {
                ready = Collect();
            }
            if (Pending >= options.BatchSize)
            {
                ready = Combine(ready, options.Overlap ? StartInBackground() : Flush());
            }
            return ready;
        }

        /// <summary>Adds one input that is its own document (an AuditData string, say).</summary>
        public AuditBatchOutput Add(object input)
        {
            return Add(input, input);
        }

        /// <summary>
        /// Parses the pending batch now and returns its output, after that of a batch still being parsed in
        /// the background.
        /// </summary>
        public AuditBatchOutput Flush()
        {
            ThrowIfCompleted();
            if (options.Overlap && filling.Documents.Count > 0)
            {
                // The batch before is read out while this one is parsed, then this one is waited for.
                AuditBatchOutput before = StartInBackground();
                return Combine(before, Collect());
            }
            AuditBatchOutput earlier = Collect();
            InputBatch batch = TakeFilling();
            Process(batch);
            return Combine(earlier, Finish(batch));
        }

        /// <summary>
        /// Hands the full batch to a background thread; returns the output of the one before it. The strings are
        /// pinned before waiting for that one, and it is finished (unpinned, counted) after this one has started:
        /// the work on this thread overlaps the parse on the other.
        /// </summary>
        private AuditBatchOutput StartInBackground()
        {
            InputBatch batch = TakeFilling();
            if (BatchEncoder.Utf16Available)
            {
                batch.Pinned.Pin(batch.Documents);
            }
            InputBatch previous = WaitForInFlight();
            inFlight = batch;
            // The default scheduler, whatever the caller's: the parse must not wait for the caller's thread.
            batch.Work = Task.Factory.StartNew(delegate { Process(batch); }, CancellationToken.None,
                TaskCreationOptions.None, TaskScheduler.Default);
            return previous == null ? null : Finish(previous);
        }

        /// <summary>Waits for the batch parsed in the background, if any, and returns its output.</summary>
        private AuditBatchOutput Collect()
        {
            InputBatch batch = WaitForInFlight();
            return batch == null ? null : Finish(batch);
        }

        /// <summary>Waits for the batch parsed in the background, if any, and takes it (not yet finished).</summary>
        private InputBatch WaitForInFlight()
        {
            InputBatch batch = inFlight;
            if (batch != null)
            {
                inFlight = null;
                batch.Work.Wait();
                batch.Work = null;
            }
            return batch;
        }

        /// <summary>The batch being filled, now closed, with its place among the documents sent.</summary>
        private InputBatch TakeFilling()
        {
            InputBatch batch = filling;
            filling = spare ?? new InputBatch(batch.Documents.Capacity);
            spare = null;
            batch.DocumentsBefore = documentsSent;
            documentsSent += batch.Documents.Count;
            return batch;
        }

        /// <summary>
        /// Parses a batch's documents (on the caller's thread or a background one: it touches only the batch, the
        /// native handles and, for Select, the matches). A failure is kept for <see cref="Finish"/> to throw.
        /// </summary>
        private void Process(InputBatch batch)
        {
            try
            {
                if (batch.Documents.Count > 0)
                {
                    ProcessBatch(batch);
                }
            }
            catch (Exception e)
            {
                batch.Failure = ExceptionDispatchInfo.Capture(e);
            }
        }

        /// <summary>On the caller's thread: counts a parsed batch, adds its rejected inputs, and returns its output.</summary>
        private AuditBatchOutput Finish(InputBatch batch)
        {
            try
            {
                if (batch.Failure != null)
                {
                    batch.Failure.Throw();
                }
                if (batch.Result != null)
                {
                    ReadOut(batch, batch.Result);
                }
                AuditBatchOutput output = batch.Output;
                if (batch.Parsed.HasValue)
                {
                    tally.AddParsed(batch.Parsed.Value);
                }
                if (batch.Rejected.Count > 0)
                {
                    output.Errors.AddRange(batch.Rejected);
                    output.Errors.Sort(CompareIndex);
                }
                return output;
            }
            finally
            {
                batch.Clear();
                spare = batch;
            }
        }

        /// <summary>Two outputs in order as one (either may be null).</summary>
        private static AuditBatchOutput Combine(AuditBatchOutput first, AuditBatchOutput second)
        {
            if (first == null)
            {
                return second;
            }
            if (second == null)
            {
                return first;
            }
            first.Items.AddRange(second.Items);
            first.Errors.AddRange(second.Errors);
            first.Warnings.AddRange(second.Warnings);
            return first;
        }

        private static int CompareIndex(AuditRecordError a, AuditRecordError b)
        {
            return a.Index.CompareTo(b.Index);
        }

        private void ProcessBatch(InputBatch batch)
        {
            // The input objects hold the AuditData; in Convert mode the records are only read out, their text
            // taken from the documents held here where it is a run of them.
            uint flags = (uint)NativeFlags.NoRaw
                | (options.Mode == PipelineMode.Convert ? options.ReadOutFlags | (uint)NativeFlags.DocumentRefs : 0);
            ResultHandle result = encoder.Parse(batch.Documents, batch.Pinned, filter, flags);
            if (options.Mode == PipelineMode.Convert)
            {
                // Read out by Finish on the caller's thread, while the next batch is parsed on this one.
                batch.Result = result;
                return;
            }
            using (result)
            {
                ReadOut(batch, result);
            }
        }

        /// <summary>Takes a batch's result into its output and counts, and into the handle this session builds.</summary>
        private void ReadOut(InputBatch batch, ResultHandle result)
        {
            List<string> documents = batch.Documents;
            List<object> inputs = batch.Inputs;
            List<long> indexes = batch.Indexes;
            AuditBatchOutput output = batch.Output;
            ResultData data = new ResultData(result);
            batch.Parsed = data.Tally;
            foreach (AuditRecordError e in Decoder.Errors(data))
            {
                int at = (int)e.Index;
                if (at >= 0 && at < documents.Count)
                {
                    e.InputObject = inputs[at];
                    // The document as the input gave it (the library's copy went through UTF-8).
                    e.RawText = documents[at];
                    e.Index = indexes[at];
                }
                output.Errors.Add(e);
            }
            long[] origins = data.Table(NativeTable.Origins);
            switch (options.Mode)
            {
                case PipelineMode.Convert:
                    AuditRecord[] records = Decoder.Records(data, origins, options.Full, documents);
                    foreach (AuditRecord r in records)
                    {
                        int at = (int)r.Index;
                        r.InputObject = inputs[at];
                        r.AuditData = documents[at];
                        r.Index = indexes[at];
                    }
                    output.Items.AddRange(records);
                    break;
                case PipelineMode.Select:
                    Native.Check(NativeMethods.auditsift_collector_add(collector, result), "auditsift_collector_add");
                    for (long i = 0; i < data.Count; i++)
                    {
                        int at = (int)origins[i];
                        matches[batch.DocumentsBefore + at] = new PendingMatch(inputs[at], documents[at], indexes[at]);
                    }
                    break;
                case PipelineMode.Inventory:
                    Native.Check(NativeMethods.auditsift_inventory_add(inventory, result), "auditsift_inventory_add");
                    break;
                case PipelineMode.Exposure:
                    Native.Check(NativeMethods.auditsift_exposure_add(exposure, result), "auditsift_exposure_add");
                    break;
                case PipelineMode.Pivot:
                    Native.Check(NativeMethods.auditsift_pivot_add(pivot, result), "auditsift_pivot_add");
                    break;
                case PipelineMode.Report:
                    report.Add(result);
                    break;
            }
        }

        /// <summary>
        /// Ends the input: parses the last batch, then for Select sorts and de-duplicates the matches, for
        /// Inventory summarizes the sessions, for Report writes the file (throwing, with the path, when it
        /// cannot). Returns everything still to write.
        /// </summary>
        public AuditBatchOutput Complete()
        {
            AuditBatchOutput output = Flush();
            completed = true;
            if (options.Mode == PipelineMode.Select)
            {
                uint flags = (uint)NativeFlags.NoRaw | options.ReadOutFlags;
                ResultHandle result;
                Native.Check(NativeMethods.auditsift_collector_finish(collector, flags, out result), "auditsift_collector_finish");
                using (result)
                {
                    ResultData data = new ResultData(result);
                    AuditRecord[] records = Decoder.Records(data, data.Table(NativeTable.Origins), options.Full);
                    long kept = 0;
                    foreach (AuditRecord r in records)
                    {
                        PendingMatch source;
                        if (matches.TryGetValue(r.Index, out source))
                        {
                            r.InputObject = source.Input;
                            r.AuditData = source.Document;
                            r.Index = source.Index;
                        }
                        output.Items.Add(options.PassThru ? r.InputObject : r);
                        kept++;
                    }
                    tally.KeepFirstOfEachId(kept);
                }
                matches.Clear();
            }
            else if (options.Mode == PipelineMode.Inventory)
            {
                ResultHandle result;
                Native.Check(NativeMethods.auditsift_inventory_summarize(inventory, out result), "auditsift_inventory_summarize");
                using (result)
                {
                    foreach (AuditSession s in Decoder.Sessions(new ResultData(result)))
                    {
                        output.Items.Add(s);
                    }
                }
            }
            else if (options.Mode == PipelineMode.Exposure)
            {
                ResultHandle result;
                Native.Check(NativeMethods.auditsift_exposure_summarize(exposure, out result), "auditsift_exposure_summarize");
                using (result)
                {
                    ResultData data = new ResultData(result);
                    tally.TakeFinal(data.Tally);
                    output.Items.AddRange(ExposureDecoder.Mailboxes(data).ToArray());
                }
            }
            else if (options.Mode == PipelineMode.Pivot)
            {
                CompletePivot(output);
            }
            else if (options.Mode == PipelineMode.Report)
            {
                report.AddInput("pipeline", tally.Read);
                report.Write();
                report.CopyCounts(tally);
            }
            return output;
        }

        private void CompletePivot(AuditBatchOutput output)
        {
            // Records come back with their AuditData; the input objects are not held (a pivot by message id or
            // address reads every record).
            uint flags = options.ReadOutFlags;
            ResultHandle result;
            Native.Check(NativeMethods.auditsift_pivot_finish(pivot, flags, out result), "auditsift_pivot_finish");
            PivotResult found = new PivotResult();
            using (result)
            {
                ResultData data = new ResultData(result);
                tally.TakeFinal(data.Tally);
                AuditRecord[] records = Decoder.Records(data, data.Table(NativeTable.Origins), options.Full);
                foreach (AuditRecord r in records)
                {
                    r.Index = InputIndex(r.Index);
                }
                found.Records.AddRange(records);
                found.Sessions.AddRange(Decoder.Sessions(data));
                found.MessageAccesses.AddRange(ExposureDecoder.Accesses(data));
            }
            PivotResult = found;
            switch (options.PivotView)
            {
                case PivotView.Sessions: output.Items.AddRange(found.Sessions.ToArray()); break;
                case PivotView.Accesses: output.Items.AddRange(found.MessageAccesses.ToArray()); break;
                case PivotView.Records: output.Items.AddRange(found.Records.ToArray()); break;
            }
        }

        /// <summary>The position in the whole input of the document at a native origin (documents sent only).</summary>
        private long InputIndex(long origin)
        {
            long index = origin;
            foreach (long rejected in rejectedInputs)
            {
                if (rejected > index)
                {
                    break;
                }
                index++;
            }
            return index;
        }

        private void ThrowIfCompleted()
        {
            if (completed)
            {
                throw new InvalidOperationException("AuditSift: this pipeline session has already completed.");
            }
        }

        /// <summary>Waits for a batch still being parsed, then frees the native objects.</summary>
        public void Dispose()
        {
            InputBatch abandoned = WaitForInFlight();
            if (abandoned != null)
            {
                // Its output is dropped: the caller is done with this session.
                abandoned.Clear();
            }
            if (filter != null)
            {
                filter.Dispose();
            }
            if (collector != null)
            {
                collector.Dispose();
            }
            if (inventory != null)
            {
                inventory.Dispose();
            }
            if (exposure != null)
            {
                exposure.Dispose();
            }
            if (pivot != null)
            {
                pivot.Dispose();
            }
            if (report != null)
            {
                report.Dispose();
            }
            completed = true;
        }
    }

    /// <summary>
    /// The characters of a batch's strings pinned in place for auditsift_parse_batch_utf16 (no copy): a handle,
    /// pointer and length per string, the arrays reused from batch to batch.
    /// </summary>
    internal sealed class PinnedDocuments
    {
        private GCHandle[] handles = new GCHandle[0];

        internal PinnedDocuments()
        {
            Pointers = new IntPtr[0];
            Lengths = new UIntPtr[0];
        }

        /// <summary>Strings pinned now.</summary>
        internal int Count { get; private set; }
        internal IntPtr[] Pointers { get; private set; }
        internal UIntPtr[] Lengths { get; private set; }

        /// <summary>Pins every document (none stays pinned when one fails).</summary>
        internal void Pin(List<string> documents)
        {
            Unpin();
            int count = documents.Count;
            if (handles.Length < count)
            {
                handles = new GCHandle[count];
                Pointers = new IntPtr[count];
                Lengths = new UIntPtr[count];
            }
            try
            {
                for (int i = 0; i < count; i++)
                {
                    string d = documents[i];
                    handles[i] = GCHandle.Alloc(d, GCHandleType.Pinned);
                    Count = i + 1;
                    Pointers[i] = handles[i].AddrOfPinnedObject();
                    Lengths[i] = (UIntPtr)(uint)d.Length;
                }
            }
            catch
            {
                Unpin();
                throw;
            }
        }

        /// <summary>Releases the pins (nothing when none).</summary>
        internal void Unpin()
        {
            for (int i = 0; i < Count; i++)
            {
                handles[i].Free();
            }
            Count = 0;
        }
    }

    /// <summary>
    /// One batch of inputs: the documents for the native call with the input object and position of each, the
    /// inputs rejected before it, and what its parse gave.
    /// </summary>
    internal sealed class InputBatch
    {
        internal InputBatch(int capacity)
        {
            Documents = new List<string>(capacity);
            Inputs = new List<object>(capacity);
            Indexes = new List<long>(capacity);
            Rejected = new List<AuditRecordError>();
            Output = new AuditBatchOutput();
            Pinned = new PinnedDocuments();
        }

        internal List<string> Documents { get; private set; }
        internal List<object> Inputs { get; private set; }
        /// <summary>Position in the whole input of each document.</summary>
        internal List<long> Indexes { get; private set; }
        /// <summary>Inputs that were not documents at all.</summary>
        internal List<AuditRecordError> Rejected { get; private set; }
        /// <summary>Documents sent to the library before this batch.</summary>
        internal long DocumentsBefore { get; set; }
        /// <summary>The background parse, while there is one.</summary>
        internal Task Work { get; set; }
        /// <summary>Convert: the parsed batch, until it is read out on the caller's thread.</summary>
        internal ResultHandle Result { get; set; }
        /// <summary>The documents' characters, when pinned before the parse (background batches).</summary>
        internal PinnedDocuments Pinned { get; private set; }
        internal AuditBatchOutput Output { get; private set; }
        /// <summary>The library's counts for the batch, once parsed.</summary>
        internal NativeTally? Parsed { get; set; }
        internal ExceptionDispatchInfo Failure { get; set; }

        internal int Count
        {
            get { return Documents.Count + Rejected.Count; }
        }

        internal bool IsDone
        {
            get { return Work == null || Work.IsCompleted; }
        }

        /// <summary>
        /// Empties the batch for the next fill (its output has been handed out), releasing its pins and result.
        /// </summary>
        internal void Clear()
        {
            Pinned.Unpin();
            Documents.Clear();
            Inputs.Clear();
            Indexes.Clear();
            Rejected.Clear();
            Work = null;
            if (Result != null)
            {
                Result.Dispose();
                Result = null;
            }
            Output = new AuditBatchOutput();
            Parsed = null;
            Failure = null;
        }
    }

    /// <summary>A match held until the end of the input: its input object, document and position.</summary>
    internal sealed class PendingMatch
    {
        internal PendingMatch(object input, string document, long index)
        {
            Input = input;
            Document = document;
            Index = index;
        }

        internal object Input { get; private set; }
        internal string Document { get; private set; }
        internal long Index { get; private set; }
    }

    /// <summary>
    /// Hands a batch of documents to the native parser in one call. When the library has
    /// auditsift_parse_batch_utf16, the .NET strings are pinned and read in place (the library skips
    /// the documents that cannot match a session filter and transcodes only the others); otherwise they
    /// are encoded into one reused UTF-8 buffer with offsets.
    /// </summary>
    internal sealed class BatchEncoder
    {
        private static readonly object ProbeGate = new object();
        private static int utf16State; // 0 unknown, 1 available, 2 missing

        private byte[] buffer = new byte[1 << 16];
        private ulong[] offsets = new ulong[1];
        // Pins for a batch that comes unpinned (parsed within Flush, or without Overlap).
        private readonly PinnedDocuments ownPins = new PinnedDocuments();

        /// <summary>True when the library reads UTF-16 documents in place.</summary>
        internal static bool Utf16Available
        {
            get
            {
                lock (ProbeGate)
                {
                    if (utf16State == 0)
                    {
                        try
                        {
                            ResultHandle empty;
                            int status = NativeMethods.auditsift_parse_batch_utf16_unfiltered(null, null, UIntPtr.Zero,
                                IntPtr.Zero, 0, out empty);
                            if (empty != null)
                            {
                                empty.Dispose();
                            }
                            utf16State = status == (int)NativeStatus.Ok ? 1 : 2;
                        }
                        catch (EntryPointNotFoundException)
                        {
                            utf16State = 2;
                        }
                    }
                    return utf16State == 1;
                }
            }
        }

        /// <summary>
        /// Parses the documents; <paramref name="pinned"/> holds their pinned characters when the caller pinned
        /// them already (it then unpins them), else they are pinned for the call here.
        /// </summary>
        internal ResultHandle Parse(List<string> documents, PinnedDocuments pinned, FilterHandle filter, uint flags)
        {
            if (!Utf16Available)
            {
                return ParseUtf8(documents, filter, flags);
            }
            if (pinned.Count == documents.Count)
            {
                return ParseUtf16(pinned, filter, flags);
            }
            ownPins.Pin(documents);
            try
            {
                return ParseUtf16(ownPins, filter, flags);
            }
            finally
            {
                ownPins.Unpin();
            }
        }

        private static ResultHandle ParseUtf16(PinnedDocuments pinned, FilterHandle filter, uint flags)
        {
            ResultHandle result;
            int count = pinned.Count;
            int status = filter == null
                ? NativeMethods.auditsift_parse_batch_utf16_unfiltered(pinned.Pointers, pinned.Lengths, Native.Size(count), IntPtr.Zero, flags, out result)
                : NativeMethods.auditsift_parse_batch_utf16(pinned.Pointers, pinned.Lengths, Native.Size(count), filter, flags, out result);
            Native.Check(status, "auditsift_parse_batch_utf16");
            return result;
        }

        private ResultHandle ParseUtf8(List<string> documents, FilterHandle filter, uint flags)
        {
            // References into documents would count UTF-8 bytes, not the strings' units.
            flags &= ~(uint)NativeFlags.DocumentRefs;
            int count = documents.Count;
            if (offsets.Length < count + 1)
            {
                offsets = new ulong[count + 1];
            }
            long position = 0;
            for (int i = 0; i < count; i++)
            {
                string d = documents[i];
                // UTF-8 takes at most 3 bytes per UTF-16 unit.
                long need = position + 3L * d.Length;
                if (need > buffer.Length)
                {
                    Grow(need);
                }
                offsets[i] = (ulong)position;
                position += Encoding.UTF8.GetBytes(d, 0, d.Length, buffer, (int)position);
            }
            offsets[count] = (ulong)position;
            ResultHandle result;
            int status = filter == null
                ? NativeMethods.auditsift_parse_batch_unfiltered(buffer, Native.Size(position), offsets, Native.Size(count),
                    IntPtr.Zero, flags, out result)
                : NativeMethods.auditsift_parse_batch(buffer, Native.Size(position), offsets, Native.Size(count),
                    filter, flags, out result);
            Native.Check(status, "auditsift_parse_batch");
            return result;
        }

        private void Grow(long need)
        {
            if (need > int.MaxValue - 64)
            {
                throw new InvalidOperationException("AuditSift: one batch is larger than 2 GB; use a smaller -BatchSize.");
            }
            long size = Math.Max(need, Math.Min((long)buffer.Length * 2, int.MaxValue - 64));
            byte[] bigger = new byte[size];
            Buffer.BlockCopy(buffer, 0, bigger, 0, buffer.Length);
            buffer = bigger;
        }
    }
}
