// AuditSift: the typed objects the module emits.
namespace AuditSift
{
    using System;
    using System.Collections.Generic;
    using System.Collections.Specialized;

    /// <summary>
    /// One audit record, normalized. Property names follow AuditData's own.
    /// </summary>
    /// <remarks>
    /// A record made from a native result keeps a reference to its batch's text and tables and decodes a
    /// field when it is read: making an object per record is then cheap, and a pipeline that reads a few
    /// properties (Format-Table, Where-Object) never pays for the others. Text fields are decoded again at
    /// each read rather than cached: a cache shared by the batch is a large array that the garbage
    /// collector rescans for every young string stored in it, which costs more than decoding again.
    /// Items, parameters and folders are made once, when first read. Not thread-safe, like most .NET
    /// objects.
    /// </remarks>
    public sealed class AuditRecord
    {
        private const int FieldCount = (int)NativeField.Count;

        private readonly RecordTable table;
        private readonly int row;
        // Field values set on this record (a bit of `set` per field); the others are decoded from the batch's
        // table each time they are read, so that reading a record allocates only the strings it returns.
        private string[] texts;
        private ulong set;
        private DateTime? creationTime;
        private bool creationTimeKnown;
        // The input's AuditData, set by the pipeline on every record: kept apart from `texts`, so
        // that a record whose other fields are never read allocates nothing for them.
        private string auditData;
        private bool auditDataSet;
        // Made when first read (from the batch's tables, or empty).
        private List<AuditItem> items;
        private List<AuditParameter> parameters;
        private List<AuditFolder> folders;
        // -Full: the tree, or where to build it from when first read.
        private OrderedDictionary full;
        private FullTree fullTree;

        /// <summary>Creates an empty record with empty lists.</summary>
        public AuditRecord()
        {
        }

        /// <summary>A record whose fields are read from row <paramref name="row"/> of a batch's table.</summary>
        internal AuditRecord(RecordTable table, int row)
        {
            this.table = table;
            this.row = row;
        }

        private string Text(NativeField field)
        {
            int f = (int)field;
            if ((set & (1UL << f)) != 0)
            {
                return texts[f];
            }
            return table == null ? null : table.Text(row, f);
        }

        private void SetText(NativeField field, string value)
        {
            int f = (int)field;
            if (texts == null)
            {
                texts = new string[FieldCount];
            }
            texts[f] = value;
            set |= 1UL << f;
        }

        /// <summary>Position of the record in the input (0-based, over the whole pipeline or file).</summary>
        public long Index { get; set; }

        /// <summary>CreationTime in UTC (Kind Utc); null when the record had none that could be read.</summary>
        public DateTime? CreationTime
        {
            get
            {
                if (!creationTimeKnown)
                {
                    creationTime = table == null ? null : table.Time(row, (int)NativeField.CreationTime);
                    creationTimeKnown = true;
                }
                return creationTime;
            }
            set
            {
                creationTime = value;
                creationTimeKnown = true;
            }
        }

        /// <summary>RecordType as a number.</summary>
        public int? RecordType
        {
            get
            {
                long? n = FieldText.ToLong(Text(NativeField.RecordType));
                return n.HasValue && n.Value >= int.MinValue && n.Value <= int.MaxValue ? (int?)n.Value : null;
            }
            set { SetText(NativeField.RecordType, FieldText.FromLong(value)); }
        }

        /// <summary>ExternalAccess.</summary>
        public bool? ExternalAccess
        {
            get { return FieldText.ToBool(Text(NativeField.ExternalAccess)); }
            set { SetText(NativeField.ExternalAccess, FieldText.FromBool(value)); }
        }

        /// <summary>MailItemsAccessed: true when auditing of binds was throttled after this record.</summary>
        public bool? IsThrottled
        {
            get { return FieldText.ToBool(Text(NativeField.IsThrottled)); }
            set { SetText(NativeField.IsThrottled, FieldText.FromBool(value)); }
        }

        /// <summary>OperationCount: how many operations an aggregated record stands for.</summary>
        public long? OperationCount
        {
            get { return FieldText.ToLong(Text(NativeField.OperationCount)); }
            set { SetText(NativeField.OperationCount, FieldText.FromLong(value)); }
        }

        /// <summary>The record's Id (a GUID), used to drop repeated pages.</summary>
        public string Id
        {
            get { return Text(NativeField.Id); }
            set { SetText(NativeField.Id, value); }
        }

        /// <summary>Operation: MailItemsAccessed, HardDelete, New-InboxRule...</summary>
        public string Operation
        {
            get { return Text(NativeField.Operation); }
            set { SetText(NativeField.Operation, value); }
        }

        /// <summary>RecordType as a name (ExchangeItem...).</summary>
        public string RecordTypeName
        {
            get { return Text(NativeField.RecordTypeName); }
            set { SetText(NativeField.RecordTypeName, value); }
        }

        /// <summary>Workload: Exchange, SharePoint, OneDrive, AzureActiveDirectory...</summary>
        public string Workload
        {
            get { return Text(NativeField.Workload); }
            set { SetText(NativeField.Workload, value); }
        }

        /// <summary>ResultStatus as given.</summary>
        public string ResultStatus
        {
            get { return Text(NativeField.ResultStatus); }
            set { SetText(NativeField.ResultStatus, value); }
        }

        /// <summary>UserId: the acting user.</summary>
        public string UserId
        {
            get { return Text(NativeField.UserId); }
            set { SetText(NativeField.UserId, value); }
        }

        /// <summary>UserKey.</summary>
        public string UserKey
        {
            get { return Text(NativeField.UserKey); }
            set { SetText(NativeField.UserKey, value); }
        }

        /// <summary>UserType as a name.</summary>
        public string UserType
        {
            get { return Text(NativeField.UserType); }
            set { SetText(NativeField.UserType, value); }
        }

        /// <summary>OrganizationId.</summary>
        public string OrganizationId
        {
            get { return Text(NativeField.OrganizationId); }
            set { SetText(NativeField.OrganizationId, value); }
        }

        /// <summary>ClientIP exactly as given (may carry a port or brackets).</summary>
        public string ClientIP
        {
            get { return Text(NativeField.ClientIP); }
            set { SetText(NativeField.ClientIP, value); }
        }

        /// <summary>The bare address derived from ClientIP (or ClientIPAddress).</summary>
        public string ClientAddress
        {
            get { return Text(NativeField.ClientAddress); }
            set { SetText(NativeField.ClientAddress, value); }
        }

        /// <summary>Exchange SessionId.</summary>
        public string SessionId
        {
            get { return Text(NativeField.SessionId); }
            set { SetText(NativeField.SessionId, value); }
        }

        /// <summary>AppAccessContext.AADSessionId: the Entra ID session.</summary>
        public string AADSessionId
        {
            get { return Text(NativeField.AADSessionId); }
            set { SetText(NativeField.AADSessionId, value); }
        }

        /// <summary>Exchange ClientIPAddress as given.</summary>
        public string ClientIPAddress
        {
            get { return Text(NativeField.ClientIPAddress); }
            set { SetText(NativeField.ClientIPAddress, value); }
        }

        /// <summary>ClientInfoString (Client=OWA;...).</summary>
        public string ClientInfoString
        {
            get { return Text(NativeField.ClientInfoString); }
            set { SetText(NativeField.ClientInfoString, value); }
        }

        /// <summary>LogonType as a name (Owner, Admin, Delegate...).</summary>
        public string LogonType
        {
            get { return Text(NativeField.LogonType); }
            set { SetText(NativeField.LogonType, value); }
        }

        /// <summary>MailboxOwnerUPN.</summary>
        public string MailboxOwnerUPN
        {
            get { return Text(NativeField.MailboxOwnerUPN); }
            set { SetText(NativeField.MailboxOwnerUPN, value); }
        }

        /// <summary>MailboxGuid.</summary>
        public string MailboxGuid
        {
            get { return Text(NativeField.MailboxGuid); }
            set { SetText(NativeField.MailboxGuid, value); }
        }

        /// <summary>LogonUserSid.</summary>
        public string LogonUserSid
        {
            get { return Text(NativeField.LogonUserSid); }
            set { SetText(NativeField.LogonUserSid, value); }
        }

        /// <summary>AppId.</summary>
        public string AppId
        {
            get { return Text(NativeField.AppId); }
            set { SetText(NativeField.AppId, value); }
        }

        /// <summary>ClientAppId.</summary>
        public string ClientAppId
        {
            get { return Text(NativeField.ClientAppId); }
            set { SetText(NativeField.ClientAppId, value); }
        }

        /// <summary>OriginatingServer, without its trailing line break.</summary>
        public string OriginatingServer
        {
            get { return Text(NativeField.OriginatingServer); }
            set { SetText(NativeField.OriginatingServer, value); }
        }

        /// <summary>MailItemsAccessed: Bind or Sync.</summary>
        public string MailAccessType
        {
            get { return Text(NativeField.MailAccessType); }
            set { SetText(NativeField.MailAccessType, value); }
        }

        /// <summary>The AuditData text as received (for Search-MailboxAuditLog input: the flat JSON made of it).</summary>
        public string AuditData
        {
            get { return auditDataSet ? auditData : Text(NativeField.AuditData); }
            set
            {
                auditData = value;
                auditDataSet = true;
            }
        }

        /// <summary>A one-line summary of what was touched.</summary>
        public string Detail
        {
            get { return Text(NativeField.Detail); }
            set { SetText(NativeField.Detail, value); }
        }

        /// <summary>Items and folders the operation touched (AffectedItems, Item, Folder, DestFolder).</summary>
        public List<AuditItem> Items
        {
            get { return items ?? (items = table == null ? new List<AuditItem>() : table.Items(row)); }
            set { items = value; }
        }

        /// <summary>Parameters of admin cmdlets, in order.</summary>
        public List<AuditParameter> Parameters
        {
            get { return parameters ?? (parameters = table == null ? new List<AuditParameter>() : table.Parameters(row)); }
            set { parameters = value; }
        }

        /// <summary>MailItemsAccessed Folders with the message ids bound in each.</summary>
        public List<AuditFolder> Folders
        {
            get { return folders ?? (folders = table == null ? new List<AuditFolder>() : table.Folders(row)); }
            set { folders = value; }
        }

        /// <summary>
        /// Every AuditData field, nested ones included, as ordered dictionaries (only with -Full). Built from the
        /// batch's tree table when first read, once.
        /// </summary>
        public OrderedDictionary Full
        {
            get
            {
                if (fullTree != null)
                {
                    FullTree source = fullTree;
                    fullTree = null;
                    full = source.Build();
                }
                return full;
            }
            set
            {
                full = value;
                fullTree = null;
            }
        }

        /// <summary>-Full: the record's tree is the given rows of its batch's tree table, built when first read.</summary>
        internal void SetFullTree(FullTree tree)
        {
            full = null;
            fullTree = tree;
        }
        /// <summary>The object this record was made from (null when read from a file).</summary>
        public object InputObject { get; set; }

        /// <summary>The record in one line: time, operation, user, detail.</summary>
        public override string ToString()
        {
            DateTime? t = CreationTime;
            string time = t.HasValue
                ? t.Value.ToString("yyyy-MM-dd HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture)
                : "(no time)";
            string detail = Detail;
            return time + " " + (Operation ?? "?") + " " + (UserId ?? "?")
                + (string.IsNullOrEmpty(detail) ? string.Empty : " " + detail);
        }
    }

    /// <summary>The text forms of the typed fields, as the native library writes them.</summary>
    internal static class FieldText
    {
        internal static long? ToLong(string text)
        {
            long n;
            if (text != null && long.TryParse(text, System.Globalization.NumberStyles.Integer,
                System.Globalization.CultureInfo.InvariantCulture, out n))
            {
                return n;
            }
            return null;
        }

        internal static string FromLong(long? value)
        {
            return value.HasValue ? value.Value.ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
        }

        internal static bool? ToBool(string text)
        {
            if (string.Equals(text, "True", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
            if (string.Equals(text, "False", StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
            return null;
        }

        internal static string FromBool(bool? value)
        {
            return value.HasValue ? (value.Value ? "True" : "False") : null;
        }
    }

    /// <summary>A message or folder an operation touched.</summary>
    public sealed class AuditItem
    {
        /// <summary>Which AuditData field it came from: AffectedItems, Item, Folder or DestFolder.</summary>
        public string Role { get; set; }
        /// <summary>Subject (attacker-chosen text).</summary>
        public string Subject { get; set; }
        /// <summary>InternetMessageId.</summary>
        public string InternetMessageId { get; set; }
        /// <summary>The folder path.</summary>
        public string Folder { get; set; }

        /// <summary>Role and the first of subject, message id and folder that is set.</summary>
        public override string ToString()
        {
            return Role + ": " + (Subject ?? InternetMessageId ?? Folder ?? string.Empty);
        }
    }

    /// <summary>A Name/Value pair of an admin cmdlet's Parameters.</summary>
    public sealed class AuditParameter
    {
        /// <summary>Name.</summary>
        public string Name { get; set; }
        /// <summary>Value, scalars rendered as text.</summary>
        public string Value { get; set; }

        /// <summary>Name=Value.</summary>
        public override string ToString()
        {
            return Name + "=" + Value;
        }
    }

    /// <summary>One MailItemsAccessed folder with the message ids bound in it.</summary>
    public sealed class AuditFolder
    {
        /// <summary>Creates a folder with no message ids.</summary>
        public AuditFolder()
        {
            MessageIds = new List<string>();
        }

        /// <summary>The folder path, e.g. \Inbox.</summary>
        public string Path { get; set; }
        /// <summary>InternetMessageIds, in order.</summary>
        public List<string> MessageIds { get; set; }

        /// <summary>Path (n items).</summary>
        public override string ToString()
        {
            return (Path ?? "?") + " (" + MessageIds.Count + " items)";
        }
    }

    /// <summary>One Exchange session's summary, or the group of records without a SessionId.</summary>
    public sealed class AuditSession
    {
        /// <summary>Creates an empty summary.</summary>
        public AuditSession()
        {
            Users = new List<string>();
            MailboxOwners = new List<string>();
            ClientIPs = new List<string>();
            ClientInfoStrings = new List<string>();
            AADSessionIds = new List<string>();
            Operations = new OrderedDictionary(StringComparer.OrdinalIgnoreCase);
        }

        /// <summary>The SessionId as first seen; null for the records without one.</summary>
        public string SessionId { get; set; }
        /// <summary>Earliest CreationTime (UTC).</summary>
        public DateTime? FirstSeen { get; set; }
        /// <summary>Latest CreationTime (UTC).</summary>
        public DateTime? LastSeen { get; set; }
        /// <summary>Number of records, duplicates removed.</summary>
        public long Records { get; set; }
        /// <summary>Acting users (UserId).</summary>
        public List<string> Users { get; set; }
        /// <summary>Mailboxes touched (MailboxOwnerUPN).</summary>
        public List<string> MailboxOwners { get; set; }
        /// <summary>Client addresses.</summary>
        public List<string> ClientIPs { get; set; }
        /// <summary>ClientInfoStrings.</summary>
        public List<string> ClientInfoStrings { get; set; }
        /// <summary>AADSessionIds seen with this session.</summary>
        public List<string> AADSessionIds { get; set; }
        /// <summary>Operation name to record count.</summary>
        public OrderedDictionary Operations { get; set; }

        /// <summary>How long the session lasted, when both ends are known.</summary>
        public TimeSpan? Duration
        {
            get
            {
                if (FirstSeen.HasValue && LastSeen.HasValue)
                {
                    return LastSeen.Value - FirstSeen.Value;
                }
                return null;
            }
        }

        /// <summary>The session id (or "(no session)") and its record count.</summary>
        public override string ToString()
        {
            return (SessionId ?? "(no session)") + ": " + Records + " records";
        }
    }

    /// <summary>
    /// Something a file reader noticed that did not stop a record from being read: bytes that were
    /// not UTF-8 and were replaced, or a culture-formatted date whose day and month could be swapped
    /// and was read month first.
    /// </summary>
    public sealed class AuditReadWarning
    {
        /// <summary>Position of the record in the import (0-based), or -1 when it is not one record's.</summary>
        public long Index { get; set; }
        /// <summary>InvalidUtf8 or AmbiguousDate.</summary>
        public string Kind { get; set; }
        /// <summary>Where: file and row or line.</summary>
        public string Source { get; set; }
        /// <summary>What was noticed, in words.</summary>
        public string Message { get; set; }

        /// <summary>Source: message.</summary>
        public override string ToString()
        {
            return string.IsNullOrEmpty(Source) ? Message : Source + ": " + Message;
        }
    }

    /// <summary>An input that could not be read into a record. Nothing is dropped silently.</summary>
    public sealed class AuditRecordError
    {
        /// <summary>Position of the input (0-based, over the whole pipeline or file).</summary>
        public long Index { get; set; }
        /// <summary>Where it came from (file and row, or the input object's Identity); may be empty.</summary>
        public string Source { get; set; }
        /// <summary>Why it could not be read.</summary>
        public string Reason { get; set; }
        /// <summary>The text as received.</summary>
        public string RawText { get; set; }
        /// <summary>The object it came from (null when read from a file).</summary>
        public object InputObject { get; set; }

        /// <summary>A message naming the record and the reason.</summary>
        public string Message
        {
            get
            {
                string where = string.IsNullOrEmpty(Source)
                    ? "Record " + Index
                    : "Record " + Index + " (" + Source + ")";
                return where + " could not be read: " + Reason;
            }
        }

        /// <summary>The message.</summary>
        public override string ToString()
        {
            return Message;
        }
    }

    /// <summary>The exception carried by the error record written for an <see cref="AuditRecordError"/>.</summary>
    [Serializable]
    public class AuditRecordException : FormatException
    {
        /// <summary>Wraps a record error.</summary>
        public AuditRecordException(AuditRecordError error)
            : base(error == null ? "An audit record could not be read." : error.Message)
        {
            Error = error;
        }

        /// <summary>The record that could not be read.</summary>
        public AuditRecordError Error { get; private set; }
    }

    /// <summary>
    /// Counts that account for every input: Read = Skipped + Rejected + Parsed and
    /// Parsed = FilteredOut + Duplicates + Matched.
    /// </summary>
    public sealed class AuditTally
    {
        /// <summary>Inputs received.</summary>
        public long Read { get; set; }
        /// <summary>Not parsed: they could not match the session filter.</summary>
        public long Skipped { get; set; }
        /// <summary>Could not be read; each gave an error.</summary>
        public long Rejected { get; set; }
        /// <summary>Read into a record.</summary>
        public long Parsed { get; set; }
        /// <summary>Parsed, but the filter did not keep them.</summary>
        public long FilteredOut { get; set; }
        /// <summary>Kept by the filter, but an earlier record had the same Id.</summary>
        public long Duplicates { get; set; }
        /// <summary>Kept.</summary>
        public long Matched { get; set; }

        /// <summary>Adds a native result's counts, all but Read (which the caller counts as inputs arrive).</summary>
        internal void AddParsed(NativeTally t)
        {
            Skipped += (long)t.Skipped;
            Rejected += (long)t.Rejected;
            Parsed += (long)t.Parsed;
            FilteredOut += (long)t.FilteredOut;
            Duplicates += (long)t.Duplicates;
            Matched += (long)t.Matched;
        }

        /// <summary>The counts a native exposure or pivot ends with: which parsed records it used, and the repeats.</summary>
        internal void TakeFinal(NativeTally t)
        {
            FilteredOut = (long)t.FilteredOut;
            Duplicates = (long)t.Duplicates;
            Matched = (long)t.Matched;
        }

        /// <summary>After a collector: the batches counted every match, and only <paramref name="kept"/> were the first of their Id.</summary>
        internal void KeepFirstOfEachId(long kept)
        {
            Duplicates += Matched - kept;
            Matched = kept;
        }

        /// <summary>True when the counts add up.</summary>
        public bool IsConsistent
        {
            get { return Read == Skipped + Rejected + Parsed && Parsed == FilteredOut + Duplicates + Matched; }
        }

        /// <summary>All counts in one line.</summary>
        public override string ToString()
        {
            return "read " + Read + ", skipped " + Skipped + ", rejected " + Rejected + ", parsed " + Parsed
                + ", filtered out " + FilteredOut + ", duplicates " + Duplicates + ", matched " + Matched;
        }
    }
}
