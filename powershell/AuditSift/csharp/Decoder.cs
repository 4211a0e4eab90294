// AuditSift: native results copied out and decoded into typed objects.
namespace AuditSift
{
    using System;
    using System.Collections;
    using System.Collections.Generic;
    using System.Collections.Specialized;
    using System.Globalization;
    using System.Text;

    /// <summary>
    /// One native result copied into managed memory: its text buffer once, each table once, then the
    /// native result can be freed. Text references are (offset, length) pairs; offset -1 is null.
    /// </summary>
    internal sealed class ResultData
    {
        private readonly ResultHandle handle;
        private readonly Dictionary<int, long[]> tables = new Dictionary<int, long[]>();
        private readonly byte[] text;

        internal ResultData(ResultHandle handle)
        {
            this.handle = handle;
            Count = (long)NativeMethods.auditsift_result_count(handle).ToUInt64();
            NativeTally t;
            Native.Check(NativeMethods.auditsift_result_tally(handle, out t), "auditsift_result_tally");
            Tally = t;
            ulong length = NativeMethods.auditsift_result_text_len(handle).ToUInt64();
            if (length > int.MaxValue)
            {
                throw new InvalidOperationException(
                    "AuditSift: one batch produced more than 2 GB of text; use a smaller -BatchSize.");
            }
            text = new byte[length];
            if (length > 0)
            {
                Native.Check(NativeMethods.auditsift_result_text(handle, text, Native.Size(text.Length)), "auditsift_result_text");
            }
        }

        /// <summary>Rows of the main table.</summary>
        internal long Count { get; private set; }

        /// <summary>The result's counts.</summary>
        internal NativeTally Tally { get; private set; }

        /// <summary>A table's values, copied once.</summary>
        internal long[] Table(NativeTable table)
        {
            long[] values;
            if (tables.TryGetValue((int)table, out values))
            {
                return values;
            }
            ulong length = NativeMethods.auditsift_result_table_len(handle, (int)table).ToUInt64();
            values = new long[length];
            if (length > 0)
            {
                Native.Check(NativeMethods.auditsift_result_table(handle, (int)table, values, Native.Size(values.Length)),
                    "auditsift_result_table");
            }
            tables[(int)table] = values;
            return values;
        }

        /// <summary>The copied text buffer.</summary>
        internal byte[] TextBytes
        {
            get { return text; }
        }

        /// <summary>The text at a reference, or null.</summary>
        internal string Text(long offset, long length)
        {
            if (offset < 0 || length < 0 || offset + length > text.Length)
            {
                return null;
            }
            if (length == 0)
            {
                return string.Empty;
            }
            return Encoding.UTF8.GetString(text, (int)offset, (int)length);
        }

        /// <summary>The text at the reference stored at values[at], values[at + 1].</summary>
        internal string TextAt(long[] values, long at)
        {
            return Text(values[at], values[at + 1]);
        }

        /// <summary>An ISO 8601 UTC time at a reference, read from the bytes without making a string.</summary>
        internal DateTime? TimeAt(long[] values, long at)
        {
            long offset = values[at];
            long length = values[at + 1];
            if (offset < 0 || length < 20 || offset + length > text.Length)
            {
                return null;
            }
            return IsoTime.Parse(text, (int)offset, (int)length);
        }
    }

    /// <summary>
    /// One batch's records as the native library wrote them: the text buffer and the fields table,
    /// shared by the batch's AuditRecord objects, which decode a field when it is first read.
    /// </summary>
    internal sealed class RecordTable
    {
        private const int FieldRow = 2 * (int)NativeField.Count;
        private readonly byte[] text;
        private readonly long[] fields;

        internal RecordTable(byte[] text, long[] fields)
        {
            this.text = text;
            this.fields = fields;
        }

        /// <summary>The text of a field of a row, or null when absent.</summary>
        internal string Text(int row, int field)
        {
            long at = (long)row * FieldRow + 2 * field;
            long offset = fields[at];
            long length = fields[at + 1];
            if (offset < 0 || length < 0 || offset + length > text.Length)
            {
                return null;
            }
            return length == 0 ? string.Empty : Encoding.UTF8.GetString(text, (int)offset, (int)length);
        }

        /// <summary>A time field of a row, read from the bytes.</summary>
        internal DateTime? Time(int row, int field)
        {
            long at = (long)row * FieldRow + 2 * field;
            long offset = fields[at];
            long length = fields[at + 1];
            if (offset < 0 || length < 20 || offset + length > text.Length)
            {
                return null;
            }
            return IsoTime.Parse(text, (int)offset, (int)length);
        }
    }

    /// <summary>Reads the ISO 8601 UTC times the native library writes (yyyy-MM-ddTHH:mm:ss[.f...]Z).</summary>
    internal static class IsoTime
    {
        internal static DateTime? Parse(byte[] b, int at, int length)
        {
            int end = at + length;
            if (length < 20 || b[at + 4] != '-' || b[at + 7] != '-' || b[at + 10] != 'T' || b[at + 13] != ':'
                || b[at + 16] != ':' || b[end - 1] != 'Z')
            {
                return null;
            }
            int year, month, day, hour, minute, second;
            if (!Digits(b, at, 4, out year) || !Digits(b, at + 5, 2, out month) || !Digits(b, at + 8, 2, out day)
                || !Digits(b, at + 11, 2, out hour) || !Digits(b, at + 14, 2, out minute)
                || !Digits(b, at + 17, 2, out second))
            {
                return null;
            }
            long ticks = 0;
            int i = at + 19;
            if (i < end - 1)
            {
                if (b[i] != '.')
                {
                    return null;
                }
                long scale = TimeSpan.TicksPerSecond;
                for (i++; i < end - 1; i++)
                {
                    int d = b[i] - '0';
                    if (d < 0 || d > 9)
                    {
                        return null;
                    }
                    scale /= 10;
                    ticks += d * scale;
                }
            }
            if (year < 1 || month < 1 || month > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)
                || hour > 23 || minute > 59 || second > 59)
            {
                return null;
            }
            return new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc).AddTicks(ticks);
        }

        private static bool Digits(byte[] b, int at, int count, out int value)
        {
            value = 0;
            for (int i = at; i < at + count; i++)
            {
                int d = b[i] - '0';
                if (d < 0 || d > 9)
                {
                    return false;
                }
                value = value * 10 + d;
            }
            return true;
        }
    }

    /// <summary>Builds typed objects from the tables of a result.</summary>
    internal static class Decoder
    {
        private const int FieldCount = (int)NativeField.Count;
        private const int FieldRow = 2 * FieldCount;

        /// <summary>The records of a result, with their origins (index in the input the result was made from).</summary>
        internal static AuditRecord[] Records(ResultData data, long[] origins, bool full)
        {
            long count = data.Count;
            long[] f = data.Table(NativeTable.Fields);
            if (origins.Length < count || f.Length < count * FieldRow)
            {
                throw new InvalidOperationException("AuditSift: the native result's tables are shorter than its record count.");
            }
            // Fields are decoded when first read (see AuditRecord); only the shared table is made here.
            RecordTable table = new RecordTable(data.TextBytes, f);
            AuditRecord[] records = new AuditRecord[count];
            for (long i = 0; i < count; i++)
            {
                AuditRecord r = new AuditRecord(table, (int)i);
                r.Index = origins[i];
                records[i] = r;
            }
            AddItems(data, records);
            AddParameters(data, records);
            AddFolders(data, records);
            if (full)
            {
                AddTrees(data, records);
            }
            return records;
        }

        private static AuditRecord Owner(AuditRecord[] records, long row)
        {
            if (row < 0 || row >= records.Length)
            {
                throw new InvalidOperationException("AuditSift: a native table names record " + row + " of " + records.Length + ".");
            }
            return records[row];
        }

        private static void AddItems(ResultData data, AuditRecord[] records)
        {
            long[] t = data.Table(NativeTable.Items);
            for (long at = 0; at + 8 <= t.Length; at += 8)
            {
                AuditItem item = new AuditItem();
                item.Role = RoleName(t[at + 1]);
                item.Subject = data.TextAt(t, at + 2);
                item.InternetMessageId = data.TextAt(t, at + 4);
                item.Folder = data.TextAt(t, at + 6);
                Owner(records, t[at]).Items.Add(item);
            }
        }

        private static string RoleName(long role)
        {
            switch ((NativeItemRole)role)
            {
                case NativeItemRole.Affected: return "AffectedItems";
                case NativeItemRole.Item: return "Item";
                case NativeItemRole.Folder: return "Folder";
                case NativeItemRole.DestFolder: return "DestFolder";
                default: return role.ToString(CultureInfo.InvariantCulture);
            }
        }

        private static void AddParameters(ResultData data, AuditRecord[] records)
        {
            long[] t = data.Table(NativeTable.Parameters);
            for (long at = 0; at + 5 <= t.Length; at += 5)
            {
                AuditParameter p = new AuditParameter();
                p.Name = data.TextAt(t, at + 1);
                p.Value = data.TextAt(t, at + 3);
                Owner(records, t[at]).Parameters.Add(p);
            }
        }

        private static void AddFolders(ResultData data, AuditRecord[] records)
        {
            // One row per message; consecutive rows of one record with the same path reference are
            // one folder. A folder without messages has one row whose message reference is -1.
            long[] t = data.Table(NativeTable.Folders);
            AuditFolder current = null;
            long currentRecord = -1, currentPath = -2, currentPathLength = -2;
            for (long at = 0; at + 5 <= t.Length; at += 5)
            {
                if (current == null || t[at] != currentRecord || t[at + 1] != currentPath || t[at + 2] != currentPathLength)
                {
                    current = new AuditFolder();
                    current.Path = data.TextAt(t, at + 1);
                    currentRecord = t[at];
                    currentPath = t[at + 1];
                    currentPathLength = t[at + 2];
                    Owner(records, currentRecord).Folders.Add(current);
                }
                string id = data.TextAt(t, at + 3);
                if (id != null)
                {
                    current.MessageIds.Add(id);
                }
            }
        }

        private static void AddTrees(ResultData data, AuditRecord[] records)
        {
            long[] t = data.Table(NativeTable.Tree);
            long rows = t.Length / 7;
            object[] nodes = new object[rows];
            for (long n = 0; n < rows; n++)
            {
                long at = n * 7;
                AuditRecord owner = Owner(records, t[at]);
                long parent = t[at + 1];
                object value = NodeValue(data, t, at);
                nodes[n] = value;
                if (parent < 0)
                {
                    OrderedDictionary root = value as OrderedDictionary;
                    if (root != null)
                    {
                        owner.Full = root;
                    }
                    continue;
                }
                if (parent >= n)
                {
                    throw new InvalidOperationException("AuditSift: a tree node's parent comes after it.");
                }
                OrderedDictionary map = nodes[parent] as OrderedDictionary;
                if (map != null)
                {
                    string key = data.TextAt(t, at + 3) ?? string.Empty;
                    // JSON allows repeated keys; the last one wins, as in ConvertFrom-Json.
                    map[key] = value;
                    continue;
                }
                ArrayList list = nodes[parent] as ArrayList;
                if (list != null)
                {
                    list.Add(value);
                }
            }
        }

        private static object NodeValue(ResultData data, long[] t, long at)
        {
            string text = data.TextAt(t, at + 5);
            switch ((NativeNodeKind)t[at + 2])
            {
                case NativeNodeKind.Object: return new OrderedDictionary(StringComparer.OrdinalIgnoreCase);
                case NativeNodeKind.Array: return new ArrayList();
                case NativeNodeKind.Null: return null;
                case NativeNodeKind.Bool: return string.Equals(text, "true", StringComparison.OrdinalIgnoreCase);
                case NativeNodeKind.Number: return Number(text);
                default: return text;
            }
        }

        /// <summary>A JSON number as long when integral and in range, else double, else the text.</summary>
        private static object Number(string text)
        {
            if (text == null)
            {
                return null;
            }
            long l;
            if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out l))
            {
                return l;
            }
            double d;
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out d))
            {
                return d;
            }
            return text;
        }

        /// <summary>The error table as record errors; <paramref name="describe"/> fills Source and InputObject.</summary>
        internal static List<AuditRecordError> Errors(ResultData data)
        {
            long[] t = data.Table(NativeTable.Errors);
            List<AuditRecordError> errors = new List<AuditRecordError>((int)(t.Length / 5));
            for (long at = 0; at + 5 <= t.Length; at += 5)
            {
                AuditRecordError e = new AuditRecordError();
                e.Index = t[at];
                e.Reason = data.TextAt(t, at + 1) ?? "unknown reason";
                e.RawText = data.TextAt(t, at + 3);
                e.Source = string.Empty;
                errors.Add(e);
            }
            return errors;
        }

        /// <summary>A file reader's warnings (the WARNINGS table), indexes as the reader gave them.</summary>
        internal static List<AuditReadWarning> Warnings(ResultData data)
        {
            long[] t = data.Table(NativeTable.Warnings);
            List<AuditReadWarning> warnings = new List<AuditReadWarning>((int)(t.Length / 6));
            for (long at = 0; at + 6 <= t.Length; at += 6)
            {
                AuditReadWarning w = new AuditReadWarning();
                w.Index = t[at];
                w.Kind = t[at + 1] == 0 ? "InvalidUtf8" : t[at + 1] == 1 ? "AmbiguousDate" : "Other";
                w.Source = data.TextAt(t, at + 2) ?? string.Empty;
                w.Message = data.TextAt(t, at + 4) ?? string.Empty;
                warnings.Add(w);
            }
            return warnings;
        }

        /// <summary>The session inventory of a summarize result.</summary>
        internal static List<AuditSession> Sessions(ResultData data)
        {
            long[] s = data.Table(NativeTable.Sessions);
            List<AuditSession> sessions = new List<AuditSession>((int)(s.Length / 7));
            for (long at = 0; at + 7 <= s.Length; at += 7)
            {
                AuditSession session = new AuditSession();
                session.SessionId = data.TextAt(s, at);
                session.FirstSeen = data.TimeAt(s, at + 2);
                session.LastSeen = data.TimeAt(s, at + 4);
                session.Records = s[at + 6];
                sessions.Add(session);
            }
            long[] v = data.Table(NativeTable.SessionValues);
            for (long at = 0; at + 5 <= v.Length; at += 5)
            {
                long row = v[at];
                if (row < 0 || row >= sessions.Count)
                {
                    throw new InvalidOperationException("AuditSift: a session value names session " + row + " of " + sessions.Count + ".");
                }
                AuditSession session = sessions[(int)row];
                string value = data.TextAt(v, at + 2) ?? string.Empty;
                switch ((NativeSessionValue)v[at + 1])
                {
                    case NativeSessionValue.User: session.Users.Add(value); break;
                    case NativeSessionValue.MailboxOwner: session.MailboxOwners.Add(value); break;
                    case NativeSessionValue.ClientIP: session.ClientIPs.Add(value); break;
                    case NativeSessionValue.ClientInfoString: session.ClientInfoStrings.Add(value); break;
                    case NativeSessionValue.AADSessionId: session.AADSessionIds.Add(value); break;
                    case NativeSessionValue.Operation: session.Operations[value] = v[at + 4]; break;
                }
            }
            return sessions;
        }
    }
}
