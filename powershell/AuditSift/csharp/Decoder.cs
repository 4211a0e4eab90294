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
        private readonly Dictionary<int, int[]> narrowTables = new Dictionary<int, int[]>();
        // 0 unknown, 1 the library copies tables as int32, 2 it does not (an older build).
        private static int narrowCopy;
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

        /// <summary>
        /// A table's values as int32, copied once: half the bytes of <see cref="Table"/>, for the record tables
        /// a batch's records keep (their values always fit).
        /// </summary>
        internal int[] Table32(NativeTable table)
        {
            int[] values;
            if (narrowTables.TryGetValue((int)table, out values))
            {
                return values;
            }
            if (narrowCopy != 2)
            {
                ulong length = NativeMethods.auditsift_result_table_len(handle, (int)table).ToUInt64();
                values = new int[length];
                try
                {
                    if (length > 0)
                    {
                        Native.Check(NativeMethods.auditsift_result_table_i32(handle, (int)table, values, Native.Size(values.Length)),
                            "auditsift_result_table_i32");
                    }
                    narrowCopy = 1;
                }
                catch (EntryPointNotFoundException)
                {
                    narrowCopy = 2;
                    values = null;
                }
            }
            if (values == null)
            {
                long[] wide = Table(table);
                values = new int[wide.Length];
                for (int i = 0; i < wide.Length; i++)
                {
                    values[i] = checked((int)wide[i]);
                }
            }
            narrowTables[(int)table] = values;
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
    /// shared by the batch's AuditRecord objects, which decode a field when it is read.
    /// </summary>
    internal sealed class RecordTable
    {
        private const int FieldRow = 2 * (int)NativeField.Count;
        private const int ItemRow = 8;
        private const int NameValueRow = 5;
        private readonly byte[] text;
        private readonly string[] sources;
        private readonly int[] fields;
        private readonly int[] items;
        private readonly int[] parameters;
        private readonly int[] folders;
        // For each record, where its rows of each table start (in values); one more entry ends the last.
        private readonly int[] itemsAt;
        private readonly int[] parametersAt;
        private readonly int[] foldersAt;

        /// <summary>
        /// The tables of <paramref name="count"/> records; every row of the other tables names its record.
        /// <paramref name="sources"/> holds each record's document, for the references into it
        /// (NativeFlags.DocumentRefs), or is null when the result has none.
        /// </summary>
        internal RecordTable(ResultData data, long count, string[] sources)
        {
            this.sources = sources;
            text = data.TextBytes;
            fields = data.Table32(NativeTable.Fields);
            items = data.Table32(NativeTable.Items);
            parameters = data.Table32(NativeTable.Parameters);
            folders = data.Table32(NativeTable.Folders);
            itemsAt = RowStarts(items, ItemRow, count);
            parametersAt = RowStarts(parameters, NameValueRow, count);
            foldersAt = RowStarts(folders, NameValueRow, count);
        }

        /// <summary>
        /// Where each record's rows start in a table whose rows begin with their record (the library writes a
        /// record's rows together, in record order).
        /// </summary>
        private static int[] RowStarts(int[] table, int width, long count)
        {
            int[] starts = new int[count + 1];
            int at = 0;
            for (long record = 0; record <= count; record++)
            {
                while (at + width <= table.Length && table[at] < record)
                {
                    if (table[at] < 0 || (record > 0 && table[at] < record - 1))
                    {
                        throw new InvalidOperationException("AuditSift: a native table names record " + table[at]
                            + " out of order.");
                    }
                    at += width;
                }
                starts[record] = at;
            }
            if (at + width <= table.Length)
            {
                throw new InvalidOperationException("AuditSift: a native table names record " + table[at] + " of " + count + ".");
            }
            return starts;
        }

        /// <summary>The items of a record.</summary>
        internal List<AuditItem> Items(int row)
        {
            List<AuditItem> list = new List<AuditItem>((int)((itemsAt[row + 1] - itemsAt[row]) / ItemRow));
            for (int at = itemsAt[row]; at < itemsAt[row + 1]; at += ItemRow)
            {
                AuditItem item = new AuditItem();
                item.Role = Decoder.RoleName(items[at + 1]);
                item.Subject = Decode(row, items[at + 2], items[at + 3]);
                item.InternetMessageId = Decode(row, items[at + 4], items[at + 5]);
                item.Folder = Decode(row, items[at + 6], items[at + 7]);
                list.Add(item);
            }
            return list;
        }

        /// <summary>The parameters of a record.</summary>
        internal List<AuditParameter> Parameters(int row)
        {
            List<AuditParameter> list = new List<AuditParameter>((int)((parametersAt[row + 1] - parametersAt[row]) / NameValueRow));
            for (int at = parametersAt[row]; at < parametersAt[row + 1]; at += NameValueRow)
            {
                AuditParameter p = new AuditParameter();
                p.Name = Decode(row, parameters[at + 1], parameters[at + 2]);
                p.Value = Decode(row, parameters[at + 3], parameters[at + 4]);
                list.Add(p);
            }
            return list;
        }

        /// <summary>
        /// The MailItemsAccessed folders of a record: one row per message; consecutive rows with the same path
        /// reference are one folder, and a folder without messages has one row whose message reference is -1.
        /// </summary>
        internal List<AuditFolder> Folders(int row)
        {
            List<AuditFolder> list = new List<AuditFolder>();
            AuditFolder current = null;
            int currentPath = -2, currentPathLength = -2;
            for (int at = foldersAt[row]; at < foldersAt[row + 1]; at += NameValueRow)
            {
                if (current == null || folders[at + 1] != currentPath || folders[at + 2] != currentPathLength)
                {
                    current = new AuditFolder();
                    current.Path = Decode(row, folders[at + 1], folders[at + 2]);
                    currentPath = folders[at + 1];
                    currentPathLength = folders[at + 2];
                    list.Add(current);
                }
                string id = Decode(row, folders[at + 3], folders[at + 4]);
                if (id != null)
                {
                    current.MessageIds.Add(id);
                }
            }
            return list;
        }

        /// <summary>The text at a reference of a row: into the text buffer, into the row's document, or null.</summary>
        private string Decode(int row, long offset, long length)
        {
            if (offset <= -2)
            {
                // A run of the record's own document: a substring, with no copy out of the library.
                string source = sources == null ? null : sources[row];
                long start = -2 - offset;
                if (source == null || length < 0 || start + length > source.Length)
                {
                    return null;
                }
                return source.Substring((int)start, (int)length);
            }
            if (offset < 0 || length < 0 || offset + length > text.Length)
            {
                return null;
            }
            return length == 0 ? string.Empty : Encoding.UTF8.GetString(text, (int)offset, (int)length);
        }

        /// <summary>The text of a field of a row, or null when absent.</summary>
        internal string Text(int row, int field)
        {
            long at = (long)row * FieldRow + 2 * field;
            return Decode(row, fields[at], fields[at + 1]);
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

    /// <summary>
    /// One batch's tree table and text, shared by the FullTree of each of its records, with the object keys
    /// read so far: the records of a batch repeat the same keys, which are then one string each.
    /// </summary>
    internal sealed class TreeTable
    {
        // Keys by a hash of their bytes; a slot holds the last key that hashed there.
        private const int KeySlots = 1024;
        private const int MaxCachedKey = 64;
        private readonly string[] keys = new string[KeySlots];

        internal TreeTable(byte[] text, long[] rows)
        {
            Text = text;
            Rows = rows;
        }

        internal byte[] Text { get; private set; }
        internal long[] Rows { get; private set; }

        /// <summary>The object key at a text reference ("" when absent).</summary>
        internal string Key(long offset, long length)
        {
            byte[] text = Text;
            if (offset < 0 || length <= 0 || offset + length > text.Length)
            {
                return string.Empty;
            }
            int at = (int)offset;
            int count = (int)length;
            if (count > MaxCachedKey)
            {
                return Encoding.UTF8.GetString(text, at, count);
            }
            uint hash = 2166136261;
            for (int i = at; i < at + count; i++)
            {
                hash = (hash ^ text[i]) * 16777619;
            }
            int slot = (int)(hash % KeySlots);
            string cached = keys[slot];
            if (cached != null && SameAscii(cached, text, at, count))
            {
                return cached;
            }
            string key = Encoding.UTF8.GetString(text, at, count);
            keys[slot] = key;
            return key;
        }

        /// <summary>True when the string is the ASCII bytes (a key with other characters is never reused).</summary>
        private static bool SameAscii(string s, byte[] text, int at, int count)
        {
            if (s.Length != count)
            {
                return false;
            }
            for (int i = 0; i < count; i++)
            {
                if (s[i] != text[at + i] || s[i] > 0x7f)
                {
                    return false;
                }
            }
            return true;
        }
    }

    /// <summary>
    /// Compares keys as StringComparer.OrdinalIgnoreCase does, with a hash that folds ASCII letters without
    /// calling into culture data: Full's dictionaries hold tens of keys per record.
    /// </summary>
    [Serializable]
    internal sealed class KeyComparer : IEqualityComparer
    {
        internal static readonly KeyComparer Instance = new KeyComparer();

        public new bool Equals(object x, object y)
        {
            string a = x as string;
            string b = y as string;
            if (a != null && b != null)
            {
                return string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
            }
            return object.Equals(x, y);
        }

        public int GetHashCode(object obj)
        {
            string s = obj as string;
            if (s == null)
            {
                return obj == null ? 0 : obj.GetHashCode();
            }
            // Equal under OrdinalIgnoreCase means equal after char.ToUpperInvariant, char by char.
            int hash = 5381;
            for (int i = 0; i < s.Length; i++)
            {
                char c = s[i];
                char upper = c < 0x80 ? (c >= 'a' && c <= 'z' ? (char)(c - 32) : c) : char.ToUpperInvariant(c);
                hash = unchecked(hash * 31 + upper);
            }
            return hash;
        }
    }

    /// <summary>
    /// The rows of one record's AuditData tree (every field, in document order), turned into ordered
    /// dictionaries, lists and values when the record's Full property is first read.
    /// </summary>
    internal sealed class FullTree
    {
        /// <summary>Values per row of the tree table: record, parent, kind, key ref, value ref.</summary>
        internal const int RowWidth = 7;

        // Booleans and small numbers are boxed once: trees hold many of them.
        private static readonly object BoxedTrue = true;
        private static readonly object BoxedFalse = false;
        private static readonly object[] SmallNumbers = MakeSmallNumbers(256);

        private readonly TreeTable table;
        private readonly int start;
        private readonly int end;

        private static object[] MakeSmallNumbers(int count)
        {
            object[] numbers = new object[count];
            for (int i = 0; i < count; i++)
            {
                numbers[i] = (long)i;
            }
            return numbers;
        }

        internal FullTree(TreeTable table, int start, int end)
        {
            this.table = table;
            this.start = start;
            this.end = end;
        }

        /// <summary>The root object, or null when the root is not an object.</summary>
        internal OrderedDictionary Build()
        {
            long[] t = table.Rows;
            byte[] text = table.Text;
            int count = end - start;
            // How many children each node has, so that each dictionary and list is made at its size.
            int[] children = new int[count];
            for (int n = 1; n < count; n++)
            {
                long parent = t[(long)(start + n) * RowWidth + 1] - start;
                if (parent < 0 || parent >= n)
                {
                    throw new InvalidOperationException("AuditSift: a tree node's parent is not before it in its record.");
                }
                children[parent]++;
            }
            object[] nodes = new object[count];
            for (int n = 0; n < count; n++)
            {
                long at = (long)(start + n) * RowWidth;
                object value = Value(text, t, at, children[n]);
                nodes[n] = value;
                if (n == 0)
                {
                    continue;
                }
                object parent = nodes[t[at + 1] - start];
                OrderedDictionary map = parent as OrderedDictionary;
                if (map != null)
                {
                    string key = table.Key(t[at + 3], t[at + 4]);
                    // JSON allows repeated keys; the last one wins, as in ConvertFrom-Json.
                    if (map.Contains(key))
                    {
                        map[key] = value;
                    }
                    else
                    {
                        map.Add(key, value);
                    }
                    continue;
                }
                ArrayList list = parent as ArrayList;
                if (list != null)
                {
                    list.Add(value);
                }
            }
            return count > 0 ? nodes[0] as OrderedDictionary : null;
        }

        private static object Value(byte[] text, long[] t, long at, int children)
        {
            switch ((NativeNodeKind)t[at + 2])
            {
                case NativeNodeKind.Object: return new OrderedDictionary(children, KeyComparer.Instance);
                case NativeNodeKind.Array: return new ArrayList(children);
                case NativeNodeKind.Null: return null;
                // The value text is "true" or "false".
                case NativeNodeKind.Bool: return t[at + 6] == 4 ? BoxedTrue : BoxedFalse;
                case NativeNodeKind.Number: return Number(text, t[at + 5], t[at + 6]);
                default: return Decode(text, t[at + 5], t[at + 6]);
            }
        }

        private static string Decode(byte[] text, long offset, long length)
        {
            if (offset < 0 || length < 0 || offset + length > text.Length)
            {
                return null;
            }
            return length == 0 ? string.Empty : Encoding.UTF8.GetString(text, (int)offset, (int)length);
        }

        /// <summary>A JSON number as long when integral and in range, else double, else the text.</summary>
        private static object Number(byte[] text, long offset, long length)
        {
            long whole;
            if (Integer(text, offset, length, out whole))
            {
                return whole >= 0 && whole < SmallNumbers.Length ? SmallNumbers[whole] : whole;
            }
            string s = Decode(text, offset, length);
            if (s == null)
            {
                return null;
            }
            long l;
            if (long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out l))
            {
                return l;
            }
            double d;
            if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out d))
            {
                return d;
            }
            return s;
        }

        /// <summary>Reads up to 18 decimal digits with an optional minus sign, without making a string.</summary>
        private static bool Integer(byte[] text, long offset, long length, out long value)
        {
            value = 0;
            if (offset < 0 || length < 1 || offset + length > text.Length)
            {
                return false;
            }
            int at = (int)offset;
            int end = (int)(offset + length);
            bool negative = text[at] == '-';
            if (negative)
            {
                at++;
            }
            if (at == end || end - at > 18)
            {
                return false;
            }
            for (; at < end; at++)
            {
                int d = text[at] - '0';
                if (d < 0 || d > 9)
                {
                    return false;
                }
                value = value * 10 + d;
            }
            if (negative)
            {
                value = -value;
            }
            return true;
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
            return Records(data, origins, full, null);
        }

        /// <summary>
        /// The records of a result parsed with NativeFlags.DocumentRefs from <paramref name="documents"/> (by
        /// origin), which its references may point into.
        /// </summary>
        internal static AuditRecord[] Records(ResultData data, long[] origins, bool full, IList<string> documents)
        {
            long count = data.Count;
            int[] f = data.Table32(NativeTable.Fields);
            if (origins.Length < count || f.Length < count * FieldRow)
            {
                throw new InvalidOperationException("AuditSift: the native result's tables are shorter than its record count.");
            }
            // Fields, items, parameters and folders are decoded when read (see AuditRecord); only the
            // shared table is made here.
            string[] sources = null;
            if (documents != null)
            {
                sources = new string[count];
                for (long i = 0; i < count; i++)
                {
                    long origin = origins[i];
                    sources[i] = origin >= 0 && origin < documents.Count ? documents[(int)origin] : null;
                }
            }
            RecordTable table = new RecordTable(data, count, sources);
            AuditRecord[] records = new AuditRecord[count];
            for (long i = 0; i < count; i++)
            {
                AuditRecord r = new AuditRecord(table, (int)i);
                r.Index = origins[i];
                records[i] = r;
            }
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

        internal static string RoleName(long role)
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

        /// <summary>
        /// Gives each record the rows of the tree table that are its tree (a record's rows are consecutive and
        /// in record order); the dictionaries are built when its Full property is first read.
        /// </summary>
        private static void AddTrees(ResultData data, AuditRecord[] records)
        {
            long[] t = data.Table(NativeTable.Tree);
            long rows = t.Length / FullTree.RowWidth;
            TreeTable table = new TreeTable(data.TextBytes, t);
            long start = 0;
            while (start < rows)
            {
                long owner = t[start * FullTree.RowWidth];
                long end = start + 1;
                while (end < rows && t[end * FullTree.RowWidth] == owner)
                {
                    end++;
                }
                Owner(records, owner).SetFullTree(new FullTree(table, (int)start, (int)end));
                start = end;
            }
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
