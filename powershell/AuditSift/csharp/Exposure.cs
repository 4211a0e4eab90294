// AuditSift: MailItemsAccessed exposure and pivots, decoded from the native tables into typed objects.
namespace AuditSift
{
    using System;
    using System.Collections.Generic;
    using System.Collections.Specialized;
    using System.Globalization;

    /// <summary>
    /// Who read mail, from where, with what: Exchange writes a new MailItemsAccessed record when any of
    /// these changes, so exposure is counted per access context.
    /// </summary>
    public sealed class AccessContext
    {
        /// <summary>The Exchange SessionId; null for clients without one (basic authentication).</summary>
        public string SessionId { get; set; }
        /// <summary>The client's address (ClientIPAddress, or ClientIP), without a port.</summary>
        public string ClientIPAddress { get; set; }
        /// <summary>ClientInfoString.</summary>
        public string ClientInfoString { get; set; }
        /// <summary>LogonType as a name (Owner, Admin, Delegate...).</summary>
        public string LogonType { get; set; }
        /// <summary>The acting user (UserId).</summary>
        public string UserId { get; set; }

        /// <summary>session / address / client / logon type / user, with - for what is absent.</summary>
        public override string ToString()
        {
            return Dash(SessionId) + " / " + Dash(ClientIPAddress) + " / " + Dash(ClientInfoString) + " / "
                + Dash(LogonType) + " / " + Dash(UserId);
        }

        private static string Dash(string value)
        {
            return string.IsNullOrEmpty(value) ? "-" : value;
        }
    }

    /// <summary>Counts of what was exposed, for one context or one mailbox.</summary>
    public sealed class ExposureTotals
    {
        /// <summary>MailItemsAccessed records counted.</summary>
        public long Records { get; set; }
        /// <summary>Sync records (whole folders downloaded).</summary>
        public long Syncs { get; set; }
        /// <summary>Binds: the sum of OperationCount (or of the listed messages where that is larger).</summary>
        public long Binds { get; set; }
        /// <summary>Unique messages listed by Bind records.</summary>
        public long Messages { get; set; }
        /// <summary>Distinct folders synced or bound in.</summary>
        public long Folders { get; set; }
        /// <summary>Binds beyond the listed messages: reads whose message is not known.</summary>
        public long UnitemizedBinds { get; set; }

        /// <summary>All counts in one line.</summary>
        public override string ToString()
        {
            return Records + " records, " + Syncs + " syncs, " + Binds + " binds, " + Messages + " messages, "
                + Folders + " folders, " + UnitemizedBinds + " unitemized binds";
        }
    }

    /// <summary>
    /// A message read by Bind: over a whole mailbox (every context that read it), or within one context
    /// (that context's reads only).
    /// </summary>
    public sealed class ExposedMessage
    {
        /// <summary>Creates a message with empty lists.</summary>
        public ExposedMessage()
        {
            Folders = new List<string>();
            Sessions = new List<string>();
            Contexts = new List<AccessContext>();
        }

        /// <summary>The mailbox it is in.</summary>
        public string Mailbox { get; set; }
        /// <summary>InternetMessageId.</summary>
        public string InternetMessageId { get; set; }
        /// <summary>The folders it was listed in (usually one).</summary>
        public List<string> Folders { get; set; }
        /// <summary>The earliest record listing it (UTC).</summary>
        public DateTime? FirstAccess { get; set; }
        /// <summary>The latest record listing it (UTC).</summary>
        public DateTime? LastAccess { get; set; }
        /// <summary>How many times its id was listed: a lower bound of the reads (Exchange drops repeats within an hour).</summary>
        public long Accesses { get; set; }
        /// <summary>The SessionIds that read it.</summary>
        public List<string> Sessions { get; set; }
        /// <summary>True when one of its folders had been synced at or before its last access.</summary>
        public bool InSyncedFolder { get; set; }
        /// <summary>The contexts that read it.</summary>
        public List<AccessContext> Contexts { get; set; }

        /// <summary>The message id and its access count.</summary>
        public override string ToString()
        {
            return InternetMessageId + " (" + Accesses + (Accesses == 1 ? " access)" : " accesses)");
        }
    }

    /// <summary>A folder downloaded by a Sync: every item in it counts as exposed from then on.</summary>
    public sealed class SyncedFolder
    {
        /// <summary>The mailbox.</summary>
        public string Mailbox { get; set; }
        /// <summary>The folder path (\Inbox); null when the record named none.</summary>
        public string Folder { get; set; }
        /// <summary>When (UTC).</summary>
        public DateTime? Time { get; set; }
        /// <summary>The Sync record's Id.</summary>
        public string RecordId { get; set; }
        /// <summary>The context that synced it.</summary>
        public AccessContext Context { get; set; }

        /// <summary>The syncing context's SessionId.</summary>
        public string SessionId
        {
            get { return Context == null ? null : Context.SessionId; }
        }

        /// <summary>The syncing context's address.</summary>
        public string ClientIPAddress
        {
            get { return Context == null ? null : Context.ClientIPAddress; }
        }

        /// <summary>The folder and the time.</summary>
        public override string ToString()
        {
            return (Folder ?? "(no folder)") + " at " + ExposureText.Time(Time);
        }
    }

    /// <summary>A folder's exposure over a mailbox.</summary>
    public sealed class ExposedFolder
    {
        /// <summary>The folder path.</summary>
        public string Path { get; set; }
        /// <summary>The first Sync of it (UTC); null when it was never synced.</summary>
        public DateTime? FirstSync { get; set; }
        /// <summary>Sync records of it.</summary>
        public long Syncs { get; set; }
        /// <summary>Unique messages bound in it.</summary>
        public long BoundMessages { get; set; }

        /// <summary>The path with its counts.</summary>
        public override string ToString()
        {
            return Path + " (" + Syncs + " syncs, " + BoundMessages + " messages)";
        }
    }

    /// <summary>A Bind record whose OperationCount exceeds the messages it lists: reads of unknown messages.</summary>
    public sealed class UnitemizedBind
    {
        /// <summary>The mailbox.</summary>
        public string Mailbox { get; set; }
        /// <summary>The record's Id.</summary>
        public string RecordId { get; set; }
        /// <summary>When (UTC).</summary>
        public DateTime? Time { get; set; }
        /// <summary>OperationCount.</summary>
        public long OperationCount { get; set; }
        /// <summary>Messages listed.</summary>
        public long Listed { get; set; }
        /// <summary>The context of the record.</summary>
        public AccessContext Context { get; set; }

        /// <summary>Binds without a listed message.</summary>
        public long Unitemized
        {
            get { return OperationCount - Listed; }
        }

        /// <summary>The record and its counts.</summary>
        public override string ToString()
        {
            return (RecordId ?? "(no Id)") + ": OperationCount " + OperationCount + " with " + Listed + " listed";
        }
    }

    /// <summary>
    /// A hole in the evidence: after a MailItemsAccessed record with IsThrottled = True, Bind auditing of
    /// the mailbox stopped for 24 hours. Any message in the mailbox may have been read unrecorded.
    /// </summary>
    public sealed class ThrottleWindow
    {
        /// <summary>Creates a window with empty lists.</summary>
        public ThrottleWindow()
        {
            RecordIds = new List<string>();
            Sessions = new List<string>();
        }

        /// <summary>The mailbox.</summary>
        public string Mailbox { get; set; }
        /// <summary>The first throttled record's time (UTC); null when it had none.</summary>
        public DateTime? Start { get; set; }
        /// <summary>24 hours after the last throttled record of the window (UTC).</summary>
        public DateTime? End { get; set; }
        /// <summary>The Ids of the throttled records.</summary>
        public List<string> RecordIds { get; set; }
        /// <summary>Throttled records in the window (some may have no Id).</summary>
        public long Records { get; set; }
        /// <summary>
        /// The sessions active in the mailbox during the window, among the records in scope; a null entry
        /// stands for the records without a SessionId.
        /// </summary>
        public List<string> Sessions { get; set; }

        /// <summary>What the window means, in words, for a warning.</summary>
        public string Warning
        {
            get
            {
                return (Mailbox ?? "(no mailbox)") + ": Bind auditing stopped from " + ExposureText.Time(Start) + " to "
                    + ExposureText.Time(End) + " (MailItemsAccessed was throttled): reads in that window were not recorded, "
                    + "so all mail in the mailbox must be assumed read.";
            }
        }

        /// <summary>The window.</summary>
        public override string ToString()
        {
            return ExposureText.Time(Start) + " to " + ExposureText.Time(End);
        }
    }

    /// <summary>
    /// Something done in one access context, with the context's parts also as properties of its own (so
    /// that tables and Where-Object reach them directly).
    /// </summary>
    public abstract class ContextualAccess
    {
        /// <summary>Creates it with an empty context.</summary>
        protected ContextualAccess()
        {
            Context = new AccessContext();
        }

        /// <summary>Who, from where, with what.</summary>
        public AccessContext Context { get; set; }

        /// <summary>The context's SessionId.</summary>
        public string SessionId
        {
            get { return Context.SessionId; }
        }

        /// <summary>The context's address.</summary>
        public string ClientIPAddress
        {
            get { return Context.ClientIPAddress; }
        }

        /// <summary>The context's ClientInfoString.</summary>
        public string ClientInfoString
        {
            get { return Context.ClientInfoString; }
        }

        /// <summary>The context's LogonType.</summary>
        public string LogonType
        {
            get { return Context.LogonType; }
        }

        /// <summary>The context's user.</summary>
        public string UserId
        {
            get { return Context.UserId; }
        }
    }

    /// <summary>One access context's part of a mailbox's exposure.</summary>
    public sealed class ExposureContext : ContextualAccess
    {
        /// <summary>Creates a context with empty lists.</summary>
        public ExposureContext()
        {
            Totals = new ExposureTotals();
            Messages = new List<ExposedMessage>();
            SyncFolders = new List<SyncedFolder>();
            UnitemizedBinds = new List<UnitemizedBind>();
        }

        /// <summary>The mailbox.</summary>
        public string Mailbox { get; set; }
        /// <summary>Position among the mailbox's contexts (by first access).</summary>
        public int Index { get; set; }
        /// <summary>The earliest MailItemsAccessed record of this context (UTC).</summary>
        public DateTime? FirstSeen { get; set; }
        /// <summary>The latest MailItemsAccessed record of this context (UTC).</summary>
        public DateTime? LastSeen { get; set; }
        /// <summary>True when this context's session was active while Bind auditing of the mailbox was throttled.</summary>
        public bool DuringThrottling { get; set; }
        /// <summary>What this context accessed.</summary>
        public ExposureTotals Totals { get; set; }
        /// <summary>The messages this context bound, with this context's accesses only.</summary>
        public List<ExposedMessage> Messages { get; set; }
        /// <summary>The folders this context synced.</summary>
        public List<SyncedFolder> SyncFolders { get; set; }
        /// <summary>This context's Bind records with more binds than listed messages.</summary>
        public List<UnitemizedBind> UnitemizedBinds { get; set; }

        /// <summary>The context and its counts.</summary>
        public override string ToString()
        {
            return Context + ": " + Totals.Messages + " messages, " + Totals.Syncs + " syncs";
        }
    }

    /// <summary>One mailbox's MailItemsAccessed exposure: what was read, by which context, and the holes in the evidence.</summary>
    public sealed class MailboxExposure
    {
        /// <summary>Creates an exposure with empty lists.</summary>
        public MailboxExposure()
        {
            Totals = new ExposureTotals();
            Contexts = new List<ExposureContext>();
            Folders = new List<ExposedFolder>();
            SyncFolders = new List<SyncedFolder>();
            Messages = new List<ExposedMessage>();
            UnitemizedBinds = new List<UnitemizedBind>();
            ThrottledWindows = new List<ThrottleWindow>();
        }

        /// <summary>MailboxOwnerUPN (or the acting UserId when a record has no owner).</summary>
        public string Mailbox { get; set; }
        /// <summary>The earliest access in scope (UTC).</summary>
        public DateTime? FirstSeen { get; set; }
        /// <summary>The latest access in scope (UTC).</summary>
        public DateTime? LastSeen { get; set; }
        /// <summary>True when a context in scope was active during a throttle window.</summary>
        public bool DuringThrottling { get; set; }
        /// <summary>Over all contexts.</summary>
        public ExposureTotals Totals { get; set; }
        /// <summary>Every context that accessed mail, by first access.</summary>
        public List<ExposureContext> Contexts { get; set; }
        /// <summary>Folders synced or bound in, by path.</summary>
        public List<ExposedFolder> Folders { get; set; }
        /// <summary>Every Sync, in time order.</summary>
        public List<SyncedFolder> SyncFolders { get; set; }
        /// <summary>Every bound message, by InternetMessageId, with every context that read it.</summary>
        public List<ExposedMessage> Messages { get; set; }
        /// <summary>Bind records with more binds than listed messages, in time order.</summary>
        public List<UnitemizedBind> UnitemizedBinds { get; set; }
        /// <summary>Holes in the evidence, in time order.</summary>
        public List<ThrottleWindow> ThrottledWindows { get; set; }

        /// <summary>True when the mailbox has a hole in its evidence.</summary>
        public bool IsThrottled
        {
            get { return ThrottledWindows.Count > 0; }
        }

        /// <summary>The mailbox and its counts.</summary>
        public override string ToString()
        {
            return Mailbox + ": " + Totals.Messages + " messages, " + Totals.Syncs + " syncs, " + Contexts.Count + " contexts"
                + (IsThrottled ? ", " + ThrottledWindows.Count + " throttle windows" : string.Empty);
        }
    }

    /// <summary>How one access context touched one message (a pivot by InternetMessageId).</summary>
    public sealed class MessageAccess : ContextualAccess
    {
        /// <summary>Creates an access with no operations.</summary>
        public MessageAccess()
        {
            Operations = new OrderedDictionary(StringComparer.OrdinalIgnoreCase);
        }

        /// <summary>The InternetMessageId as the records wrote it.</summary>
        public string InternetMessageId { get; set; }
        /// <summary>The earliest record (UTC).</summary>
        public DateTime? FirstSeen { get; set; }
        /// <summary>The latest record (UTC).</summary>
        public DateTime? LastSeen { get; set; }
        /// <summary>Records of this context that name the message.</summary>
        public long Records { get; set; }
        /// <summary>Operation name (MailItemsAccessed, HardDelete, Send...) to record count.</summary>
        public OrderedDictionary Operations { get; set; }

        /// <summary>The message, the context and the record count.</summary>
        public override string ToString()
        {
            return InternetMessageId + " by " + Context + ": " + Records + " records";
        }
    }

    /// <summary>What a pivot starts from. Kinds given together are OR-ed; blank values are ignored.</summary>
    public sealed class PivotQuery
    {
        /// <summary>Entra ID session ids (AppAccessContext.AADSessionId, a sign-in's session).</summary>
        public string[] AADSessionIds { get; set; }
        /// <summary>InternetMessageIds, with or without their angle brackets.</summary>
        public string[] InternetMessageIds { get; set; }
        /// <summary>Client addresses, with or without a port.</summary>
        public string[] IPAddresses { get; set; }

        /// <summary>True when the query names nothing.</summary>
        public bool IsEmpty
        {
            get { return Count(AADSessionIds) + Count(InternetMessageIds) + Count(IPAddresses) == 0; }
        }

        private static int Count(string[] values)
        {
            int n = 0;
            if (values != null)
            {
                foreach (string v in values)
                {
                    if (!string.IsNullOrEmpty(v) && v.Trim().Length > 0)
                    {
                        n++;
                    }
                }
            }
            return n;
        }

        /// <summary>The native pivot with these keys.</summary>
        internal PivotHandle CreateNative()
        {
            if (IsEmpty)
            {
                throw new ArgumentException("AuditSift: a pivot needs an AADSessionId, an InternetMessageId or an IPAddress.");
            }
            PivotHandle handle;
            Native.Check(NativeMethods.auditsift_pivot_new(out handle), "auditsift_pivot_new");
            try
            {
                Native.AddEach(AADSessionIds, (v, n) => NativeMethods.auditsift_pivot_add_key(handle, (uint)NativePivotKey.AADSessionId, v, n), "auditsift_pivot_add_key");
                Native.AddEach(InternetMessageIds, (v, n) => NativeMethods.auditsift_pivot_add_key(handle, (uint)NativePivotKey.InternetMessageId, v, n), "auditsift_pivot_add_key");
                Native.AddEach(IPAddresses, (v, n) => NativeMethods.auditsift_pivot_add_key(handle, (uint)NativePivotKey.IPAddress, v, n), "auditsift_pivot_add_key");
            }
            catch
            {
                handle.Dispose();
                throw;
            }
            return handle;
        }
    }

    /// <summary>Which part of a pivot's findings a pipeline writes.</summary>
    public enum PivotView
    {
        /// <summary>The sessions of the records found.</summary>
        Sessions,
        /// <summary>Per message and access context: when, how often, which operations.</summary>
        Accesses,
        /// <summary>The records found, de-duplicated and in time order.</summary>
        Records,
    }

    /// <summary>What a pivot found.</summary>
    public sealed class PivotResult
    {
        /// <summary>Creates an empty result.</summary>
        public PivotResult()
        {
            Sessions = new List<AuditSession>();
            MessageAccesses = new List<MessageAccess>();
            Records = new List<AuditRecord>();
        }

        /// <summary>The sessions of the records found (the group without a SessionId included).</summary>
        public List<AuditSession> Sessions { get; set; }
        /// <summary>For InternetMessageIds: each message and context that touched it.</summary>
        public List<MessageAccess> MessageAccesses { get; set; }
        /// <summary>The records found, de-duplicated and in time order.</summary>
        public List<AuditRecord> Records { get; set; }

        /// <summary>The counts.</summary>
        public override string ToString()
        {
            return Records.Count + " records, " + Sessions.Count + " sessions, " + MessageAccesses.Count + " message accesses";
        }
    }

    /// <summary>Times as the views and messages write them.</summary>
    internal static class ExposureText
    {
        internal static string Time(DateTime? t)
        {
            return t.HasValue
                ? t.Value.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + "Z"
                : "(no time)";
        }
    }

    /// <summary>Builds exposure and pivot objects from the tables of a native result.</summary>
    internal static class ExposureDecoder
    {
        private const int MailboxWidth = 8;
        private const int ContextWidth = 22;
        private const int FolderWidth = 7;
        private const int SyncWidth = 8;
        private const int MessageWidth = 10;
        private const int UnitemizedWidth = 8;
        private const int WindowWidth = 6;
        private const int ValueWidth = 5;
        private const int AccessWidth = 17;
        private const int OperationWidth = 4;

        /// <summary>A table's values, checked to hold whole rows of the width this decoder reads.</summary>
        private static long[] Rows(ResultData data, NativeTable table, int width)
        {
            ulong native = NativeMethods.auditsift_table_row_width((uint)table).ToUInt64();
            if (native != (ulong)width)
            {
                throw new InvalidOperationException("AuditSift: the native library's " + table + " rows are " + native
                    + " values wide; this module reads " + width + ". Install the module and its library from the same release.");
            }
            long[] values = data.Table(table);
            if (values.Length % width != 0)
            {
                throw new InvalidOperationException("AuditSift: the native " + table + " table does not hold whole rows.");
            }
            return values;
        }

        private static T At<T>(List<T> list, long row, string what)
        {
            if (row < 0 || row >= list.Count)
            {
                throw new InvalidOperationException("AuditSift: a native table names " + what + " " + row + " of " + list.Count + ".");
            }
            return list[(int)row];
        }

        private static ExposureTotals Totals(long[] t, long at)
        {
            ExposureTotals totals = new ExposureTotals();
            totals.Records = t[at];
            totals.Syncs = t[at + 1];
            totals.Binds = t[at + 2];
            totals.Messages = t[at + 3];
            totals.Folders = t[at + 4];
            totals.UnitemizedBinds = t[at + 5];
            return totals;
        }

        private static AccessContext Context(ResultData data, long[] t, long at)
        {
            AccessContext c = new AccessContext();
            c.SessionId = data.TextAt(t, at);
            c.ClientIPAddress = data.TextAt(t, at + 2);
            c.ClientInfoString = data.TextAt(t, at + 4);
            c.LogonType = data.TextAt(t, at + 6);
            c.UserId = data.TextAt(t, at + 8);
            return c;
        }

        /// <summary>The mailboxes of an exposure summary, with every list filled in.</summary>
        internal static List<MailboxExposure> Mailboxes(ResultData data)
        {
            long[] t = Rows(data, NativeTable.ExposureMailboxes, MailboxWidth);
            List<MailboxExposure> mailboxes = new List<MailboxExposure>(t.Length / MailboxWidth);
            for (long at = 0; at < t.Length; at += MailboxWidth)
            {
                MailboxExposure m = new MailboxExposure();
                m.Mailbox = data.TextAt(t, at);
                m.Totals = Totals(t, at + 2);
                mailboxes.Add(m);
            }

            // Context rows are global; each knows its mailbox.
            t = Rows(data, NativeTable.ExposureContexts, ContextWidth);
            List<ExposureContext> contexts = new List<ExposureContext>(t.Length / ContextWidth);
            for (long at = 0; at < t.Length; at += ContextWidth)
            {
                MailboxExposure m = At(mailboxes, t[at], "mailbox");
                ExposureContext c = new ExposureContext();
                c.Mailbox = m.Mailbox;
                c.Index = m.Contexts.Count;
                c.Context = Context(data, t, at + 1);
                c.FirstSeen = data.TimeAt(t, at + 11);
                c.LastSeen = data.TimeAt(t, at + 13);
                c.DuringThrottling = t[at + 15] != 0;
                c.Totals = Totals(t, at + 16);
                m.Contexts.Add(c);
                contexts.Add(c);
                if (c.FirstSeen.HasValue && (!m.FirstSeen.HasValue || c.FirstSeen.Value < m.FirstSeen.Value))
                {
                    m.FirstSeen = c.FirstSeen;
                }
                if (c.LastSeen.HasValue && (!m.LastSeen.HasValue || c.LastSeen.Value > m.LastSeen.Value))
                {
                    m.LastSeen = c.LastSeen;
                }
                m.DuringThrottling |= c.DuringThrottling;
            }

            t = Rows(data, NativeTable.ExposureFolders, FolderWidth);
            for (long at = 0; at < t.Length; at += FolderWidth)
            {
                ExposedFolder f = new ExposedFolder();
                f.Path = data.TextAt(t, at + 1);
                f.FirstSync = data.TimeAt(t, at + 3);
                f.Syncs = t[at + 5];
                f.BoundMessages = t[at + 6];
                At(mailboxes, t[at], "mailbox").Folders.Add(f);
            }

            t = Rows(data, NativeTable.ExposureSyncs, SyncWidth);
            for (long at = 0; at < t.Length; at += SyncWidth)
            {
                MailboxExposure m = At(mailboxes, t[at], "mailbox");
                ExposureContext c = At(contexts, t[at + 1], "context");
                SyncedFolder s = new SyncedFolder();
                s.Mailbox = m.Mailbox;
                s.Folder = data.TextAt(t, at + 2);
                s.Time = data.TimeAt(t, at + 4);
                s.RecordId = data.TextAt(t, at + 6);
                s.Context = c.Context;
                m.SyncFolders.Add(s);
                c.SyncFolders.Add(s);
            }

            t = Rows(data, NativeTable.ExposureMessages, MessageWidth);
            List<ExposedMessage> messages = new List<ExposedMessage>(t.Length / MessageWidth);
            for (long at = 0; at < t.Length; at += MessageWidth)
            {
                MailboxExposure m = At(mailboxes, t[at], "mailbox");
                ExposedMessage message = new ExposedMessage();
                message.Mailbox = m.Mailbox;
                message.InternetMessageId = data.TextAt(t, at + 2);
                message.FirstAccess = data.TimeAt(t, at + 4);
                message.LastAccess = data.TimeAt(t, at + 6);
                message.Accesses = t[at + 8];
                message.InSyncedFolder = t[at + 9] != 0;
                messages.Add(message);
                if (t[at + 1] < 0)
                {
                    m.Messages.Add(message);
                }
                else
                {
                    At(contexts, t[at + 1], "context").Messages.Add(message);
                }
            }

            t = Rows(data, NativeTable.ExposureUnitemized, UnitemizedWidth);
            for (long at = 0; at < t.Length; at += UnitemizedWidth)
            {
                MailboxExposure m = At(mailboxes, t[at], "mailbox");
                ExposureContext c = At(contexts, t[at + 1], "context");
                UnitemizedBind u = new UnitemizedBind();
                u.Mailbox = m.Mailbox;
                u.RecordId = data.TextAt(t, at + 2);
                u.Time = data.TimeAt(t, at + 4);
                u.OperationCount = t[at + 6];
                u.Listed = t[at + 7];
                u.Context = c.Context;
                m.UnitemizedBinds.Add(u);
                c.UnitemizedBinds.Add(u);
            }

            t = Rows(data, NativeTable.ExposureThrottled, WindowWidth);
            List<ThrottleWindow> windows = new List<ThrottleWindow>(t.Length / WindowWidth);
            for (long at = 0; at < t.Length; at += WindowWidth)
            {
                MailboxExposure m = At(mailboxes, t[at], "mailbox");
                ThrottleWindow w = new ThrottleWindow();
                w.Mailbox = m.Mailbox;
                w.Start = data.TimeAt(t, at + 1);
                w.End = data.TimeAt(t, at + 3);
                w.Records = t[at + 5];
                m.ThrottledWindows.Add(w);
                windows.Add(w);
            }

            t = Rows(data, NativeTable.ExposureValues, ValueWidth);
            for (long at = 0; at < t.Length; at += ValueWidth)
            {
                long owner = t[at];
                string text = data.TextAt(t, at + 2);
                switch ((NativeExposureValue)t[at + 1])
                {
                    case NativeExposureValue.MessageFolder:
                        At(messages, owner, "message").Folders.Add(text ?? string.Empty);
                        break;
                    case NativeExposureValue.MessageContext:
                        At(messages, owner, "message").Contexts.Add(At(contexts, t[at + 4], "context").Context);
                        break;
                    case NativeExposureValue.MessageSession:
                        At(messages, owner, "message").Sessions.Add(text ?? string.Empty);
                        break;
                    case NativeExposureValue.WindowRecordId:
                        At(windows, owner, "throttle window").RecordIds.Add(text ?? string.Empty);
                        break;
                    case NativeExposureValue.WindowSession:
                        // Null: the records without a SessionId.
                        At(windows, owner, "throttle window").Sessions.Add(text);
                        break;
                }
            }
            return mailboxes;
        }

        /// <summary>The message accesses of a pivot result.</summary>
        internal static List<MessageAccess> Accesses(ResultData data)
        {
            long[] t = Rows(data, NativeTable.MessageAccesses, AccessWidth);
            List<MessageAccess> accesses = new List<MessageAccess>(t.Length / AccessWidth);
            for (long at = 0; at < t.Length; at += AccessWidth)
            {
                MessageAccess a = new MessageAccess();
                a.InternetMessageId = data.TextAt(t, at);
                a.Context = Context(data, t, at + 2);
                a.FirstSeen = data.TimeAt(t, at + 12);
                a.LastSeen = data.TimeAt(t, at + 14);
                a.Records = t[at + 16];
                accesses.Add(a);
            }
            t = Rows(data, NativeTable.AccessOperations, OperationWidth);
            for (long at = 0; at < t.Length; at += OperationWidth)
            {
                At(accesses, t[at], "message access").Operations[data.TextAt(t, at + 1) ?? string.Empty] = t[at + 3];
            }
            return accesses;
        }
    }
}
