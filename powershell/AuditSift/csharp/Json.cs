// AuditSift: JSON text for the native parser.
//
// The files under csharp/ are joined into one compilation unit by AuditSift.psm1 (Add-Type) and by
// scripts/mono-tests.sh, so every file keeps its using directives inside its namespace block.
// C# 5 only (Windows PowerShell 5.1 compiles through CodeDom): no string interpolation, no ?.,
// no nameof, no expression-bodied members, no unsafe code, no reference to
// System.Management.Automation or System.Core.
namespace AuditSift
{
    using System;
    using System.Collections;
    using System.Collections.Generic;
    using System.Globalization;
    using System.Text;

    /// <summary>Writes JSON text: strings escaped per RFC 8259, .NET values mapped to JSON.</summary>
    public static class JsonText
    {
        private const int MaxDepth = 64;
        private const string Hex = "0123456789abcdef";

        /// <summary>Appends <paramref name="value"/> as a quoted JSON string.</summary>
        public static void AppendString(StringBuilder sb, string value)
        {
            sb.Append('"');
            int start = 0;
            for (int i = 0; i < value.Length; i++)
            {
                char c = value[i];
                if (c >= ' ' && c != '"' && c != '\\' && c != '\u2028' && c != '\u2029')
                {
                    continue;
                }
                sb.Append(value, start, i - start);
                start = i + 1;
                switch (c)
                {
                    case '"': sb.Append("\\\""); break;
                    case '\\': sb.Append("\\\\"); break;
                    case '\n': sb.Append("\\n"); break;
                    case '\r': sb.Append("\\r"); break;
                    case '\t': sb.Append("\\t"); break;
                    case '\b': sb.Append("\\b"); break;
                    case '\f': sb.Append("\\f"); break;
                    default:
                        // Other control characters, and the two line separators that some
                        // JavaScript readers choke on.
                        sb.Append("\\u");
                        sb.Append(Hex[(c >> 12) & 0xF]);
                        sb.Append(Hex[(c >> 8) & 0xF]);
                        sb.Append(Hex[(c >> 4) & 0xF]);
                        sb.Append(Hex[c & 0xF]);
                        break;
                }
            }
            sb.Append(value, start, value.Length - start);
            sb.Append('"');
        }

        /// <summary>A flat JSON object of string values, in the order given; null values are left out.</summary>
        public static string FlatObject(IList<KeyValuePair<string, string>> properties)
        {
            StringBuilder sb = new StringBuilder(64 + properties.Count * 48);
            sb.Append('{');
            bool first = true;
            foreach (KeyValuePair<string, string> p in properties)
            {
                if (p.Key == null || p.Value == null)
                {
                    continue;
                }
                if (!first)
                {
                    sb.Append(',');
                }
                first = false;
                AppendString(sb, p.Key);
                sb.Append(':');
                AppendString(sb, p.Value);
            }
            sb.Append('}');
            return sb.ToString();
        }

        /// <summary>
        /// Any .NET value as JSON: dictionaries as objects, other enumerables as arrays, times as ISO 8601
        /// UTC, numbers and booleans as themselves, anything else as its invariant text.
        /// </summary>
        public static string Serialize(object value)
        {
            StringBuilder sb = new StringBuilder(256);
            AppendValue(sb, value, 0);
            return sb.ToString();
        }

        private static void AppendValue(StringBuilder sb, object value, int depth)
        {
            if (depth > MaxDepth)
            {
                throw new FormatException("the value is nested more than " + MaxDepth + " levels deep");
            }
            if (value == null || value is DBNull)
            {
                sb.Append("null");
                return;
            }
            string s = value as string;
            if (s != null)
            {
                AppendString(sb, s);
                return;
            }
            if (value is bool)
            {
                sb.Append((bool)value ? "true" : "false");
                return;
            }
            if (value is DateTime || value is DateTimeOffset)
            {
                AppendString(sb, TextValue.Of(value));
                return;
            }
            if (IsNumber(value))
            {
                string n = ((IFormattable)value).ToString(null, CultureInfo.InvariantCulture);
                double d;
                if (double.TryParse(n, NumberStyles.Float, CultureInfo.InvariantCulture, out d)
                    && !double.IsNaN(d) && !double.IsInfinity(d))
                {
                    sb.Append(n);
                }
                else
                {
                    AppendString(sb, n);
                }
                return;
            }
            IDictionary map = value as IDictionary;
            if (map != null)
            {
                sb.Append('{');
                bool first = true;
                foreach (DictionaryEntry e in map)
                {
                    if (!first)
                    {
                        sb.Append(',');
                    }
                    first = false;
                    AppendString(sb, Convert.ToString(e.Key, CultureInfo.InvariantCulture) ?? string.Empty);
                    sb.Append(':');
                    AppendValue(sb, e.Value, depth + 1);
                }
                sb.Append('}');
                return;
            }
            IEnumerable list = value as IEnumerable;
            if (list != null)
            {
                sb.Append('[');
                bool first = true;
                foreach (object item in list)
                {
                    if (!first)
                    {
                        sb.Append(',');
                    }
                    first = false;
                    AppendValue(sb, item, depth + 1);
                }
                sb.Append(']');
                return;
            }
            AppendString(sb, TextValue.Of(value));
        }

        private static bool IsNumber(object value)
        {
            return value is int || value is long || value is short || value is sbyte
                || value is uint || value is ulong || value is ushort || value is byte
                || value is double || value is float || value is decimal;
        }
    }

    /// <summary>Property values as the text the native parser reads.</summary>
    public static class TextValue
    {
        /// <summary>The ISO 8601 UTC form used for every time handed to the native library.</summary>
        public const string IsoUtcFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

        /// <summary>
        /// Text of a property value: times as ISO 8601 UTC (a time without a zone is taken as local, as
        /// .NET and PowerShell do), booleans as True/False, numbers in the invariant culture, lists as
        /// one entry per line. Null stays null.
        /// </summary>
        public static string Of(object value)
        {
            return Of(value, 0);
        }

        /// <summary>A time as ISO 8601 UTC (<see cref="IsoUtcFormat"/>).</summary>
        public static string IsoUtc(DateTime time)
        {
            DateTime utc = time.Kind == DateTimeKind.Utc ? time : time.ToUniversalTime();
            return utc.ToString(IsoUtcFormat, CultureInfo.InvariantCulture);
        }

        private static string Of(object value, int depth)
        {
            if (value == null || value is DBNull)
            {
                return null;
            }
            string s = value as string;
            if (s != null)
            {
                return s;
            }
            if (value is DateTime)
            {
                return IsoUtc((DateTime)value);
            }
            if (value is DateTimeOffset)
            {
                return ((DateTimeOffset)value).UtcDateTime.ToString(IsoUtcFormat, CultureInfo.InvariantCulture);
            }
            if (value is bool)
            {
                return (bool)value ? "True" : "False";
            }
            if (value is Enum)
            {
                return value.ToString();
            }
            IFormattable formattable = value as IFormattable;
            if (formattable != null && !(value is IEnumerable))
            {
                return formattable.ToString(null, CultureInfo.InvariantCulture);
            }
            if (value is IDictionary)
            {
                return JsonText.Serialize(value);
            }
            IEnumerable list = value as IEnumerable;
            if (list != null && depth < 4)
            {
                StringBuilder sb = new StringBuilder();
                foreach (object item in list)
                {
                    string text = Of(item, depth + 1);
                    if (text == null)
                    {
                        continue;
                    }
                    if (sb.Length > 0)
                    {
                        sb.Append('\n');
                    }
                    sb.Append(text);
                }
                return sb.ToString();
            }
            return value.ToString();
        }
    }
}
