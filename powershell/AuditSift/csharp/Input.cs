// AuditSift: what a pipeline input object becomes before it reaches the native parser.
namespace AuditSift
{
    using System;
    using System.Collections;
    using System.Collections.Generic;
    using System.Reflection;

    /// <summary>
    /// Turns an input object into the document text the native parser reads: AuditData JSON, or a flat
    /// JSON object of a Search-MailboxAuditLog -ShowDetails record's properties.
    /// </summary>
    public static class AuditDocument
    {
        /// <summary>The property that holds AuditData on Search-UnifiedAuditLog results and exports.</summary>
        public const string AuditDataProperty = "AuditData";

        /// <summary>
        /// The document for <paramref name="input"/>, or null with <paramref name="problem"/> saying why
        /// there is none. Accepted: an AuditData string; a dictionary or object with an AuditData
        /// property (string, or a nested object as Microsoft Graph returns it); a dictionary or object of
        /// Search-MailboxAuditLog properties.
        /// </summary>
        public static string From(object input, out string problem)
        {
            problem = null;
            if (input == null)
            {
                problem = "the input is null";
                return null;
            }
            string text = input as string;
            if (text != null)
            {
                if (IsBlank(text))
                {
                    problem = "the AuditData text is empty";
                    return null;
                }
                return text;
            }
            IDictionary map = input as IDictionary;
            if (map != null)
            {
                return FromDictionary(map, out problem);
            }
            if (input is IEnumerable)
            {
                problem = "a collection is not one audit record (" + input.GetType().FullName + ")";
                return null;
            }
            return FromObject(input, out problem);
        }

        private static string FromDictionary(IDictionary map, out string problem)
        {
            problem = null;
            List<KeyValuePair<string, string>> flat = new List<KeyValuePair<string, string>>(map.Count);
            object auditData = null;
            bool hasAuditData = false;
            foreach (DictionaryEntry e in map)
            {
                string key = e.Key as string;
                if (key == null)
                {
                    continue;
                }
                if (string.Equals(key, AuditDataProperty, StringComparison.OrdinalIgnoreCase))
                {
                    hasAuditData = true;
                    auditData = e.Value;
                    continue;
                }
                flat.Add(new KeyValuePair<string, string>(key, TextValue.Of(e.Value)));
            }
            if (hasAuditData)
            {
                return FromAuditDataValue(auditData, out problem);
            }
            return FromFlat(flat, out problem);
        }

        private static string FromObject(object input, out string problem)
        {
            problem = null;
            PropertyInfo[] properties = input.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance);
            List<KeyValuePair<string, string>> flat = new List<KeyValuePair<string, string>>(properties.Length);
            foreach (PropertyInfo p in properties)
            {
                if (!p.CanRead || p.GetIndexParameters().Length != 0)
                {
                    continue;
                }
                object value;
                try
                {
                    value = p.GetValue(input, null);
                }
                catch (TargetInvocationException)
                {
                    // A getter that throws tells nothing about the record: leave it out.
                    continue;
                }
                if (string.Equals(p.Name, AuditDataProperty, StringComparison.OrdinalIgnoreCase))
                {
                    return FromAuditDataValue(value, out problem);
                }
                flat.Add(new KeyValuePair<string, string>(p.Name, TextValue.Of(value)));
            }
            return FromFlat(flat, out problem);
        }

        private static string FromAuditDataValue(object value, out string problem)
        {
            problem = null;
            if (value == null || value is DBNull)
            {
                problem = "its AuditData is empty";
                return null;
            }
            string text = value as string;
            if (text != null)
            {
                if (IsBlank(text))
                {
                    problem = "its AuditData is empty";
                    return null;
                }
                return text;
            }
            if (value is IDictionary)
            {
                // Microsoft Graph gives AuditData as an object, not as a string.
                return JsonText.Serialize(value);
            }
            problem = "its AuditData is neither text nor an object (" + value.GetType().FullName + ")";
            return null;
        }

        private static string FromFlat(List<KeyValuePair<string, string>> flat, out string problem)
        {
            problem = null;
            foreach (KeyValuePair<string, string> p in flat)
            {
                if (p.Value != null && IsRecordProperty(p.Key))
                {
                    return JsonText.FlatObject(flat);
                }
            }
            problem = "it has no AuditData and is not a Search-MailboxAuditLog record (no Operation, LastAccessed or CreationTime property)";
            return null;
        }

        /// <summary>
        /// True when the text is only white space (as String.Trim sees it), found without copying it: a
        /// document starts with "{" or "[", so the first character answers.
        /// </summary>
        internal static bool IsBlank(string text)
        {
            for (int i = 0; i < text.Length; i++)
            {
                if (!char.IsWhiteSpace(text[i]))
                {
                    return false;
                }
            }
            return true;
        }

        /// <summary>Properties without which a flat object is not an audit record at all.</summary>
        private static bool IsRecordProperty(string name)
        {
            return string.Equals(name, "Operation", StringComparison.OrdinalIgnoreCase)
                || string.Equals(name, "LastAccessed", StringComparison.OrdinalIgnoreCase)
                || string.Equals(name, "CreationTime", StringComparison.OrdinalIgnoreCase);
        }
    }
}
