// Tests of AuditSift's C# interop against the real native library, under Mono.
//
// scripts/mono-tests.sh compiles the module's C# (csharp/*.cs joined as AuditSift.psm1 joins them,
// the library path put in as at import) into AuditSift.dll with only System.dll referenced, then this
// file against it, and runs it. Each test is a public static method named Test*; the last line of the
// output is "N passed, M failed" and the exit code is non-zero when any test failed.
// C# 5, like the module.
using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.Specialized;
using System.Globalization;
using System.IO;
using System.Reflection;
using System.Text;
using System.Xml;
using AuditSift;

internal static class InteropTests
{
    private static string repoRoot;

    private const string AttackerSession = "7c3e91a4-2b5d-4f18-a6c0-d94e2b7f1a53";
    private const string AttackerAad = "2f8d6b1c-94a3-4e57-8c21-6a0b3d9e5f74";
    private const string UserSession = "0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6";

    public static int Main(string[] args)
    {
        repoRoot = args.Length > 0 ? args[0] : Directory.GetCurrentDirectory();
        string only = args.Length > 1 ? args[1] : null;
        int passed = 0, failed = 0, skipped = 0;
        MethodInfo[] methods = typeof(InteropTests).GetMethods(BindingFlags.Public | BindingFlags.Static);
        Array.Sort(methods, delegate(MethodInfo a, MethodInfo b) { return string.CompareOrdinal(a.Name, b.Name); });
        foreach (MethodInfo m in methods)
        {
            if (!m.Name.StartsWith("Test", StringComparison.Ordinal) || (only != null && m.Name.IndexOf(only, StringComparison.Ordinal) < 0))
            {
                continue;
            }
            try
            {
                m.Invoke(null, null);
                passed++;
                Console.WriteLine("ok   " + m.Name);
            }
            catch (TargetInvocationException e)
            {
                if (e.InnerException is SkipException)
                {
                    skipped++;
                    Console.WriteLine("SKIP " + m.Name + ": " + e.InnerException.Message);
                    continue;
                }
                failed++;
                Console.WriteLine("FAIL " + m.Name + ": " + e.InnerException);
            }
        }
        Console.WriteLine(passed + " passed, " + failed + " failed" + (skipped > 0 ? ", " + skipped + " skipped" : string.Empty));
        return failed == 0 && passed > 0 ? 0 : 1;
    }

    // ---- assertions -------------------------------------------------------------------------

    /// <summary>Thrown by a test that cannot run against this library; reported as SKIP.</summary>
    private sealed class SkipException : Exception
    {
        public SkipException(string message) : base(message) { }
    }

    private static void Check(bool condition, string what)
    {
        if (!condition)
        {
            throw new Exception("check failed: " + what);
        }
    }

    private static void Equal<T>(T expected, T actual, string what)
    {
        if (!EqualityComparer<T>.Default.Equals(expected, actual))
        {
            throw new Exception(what + ": expected <" + expected + "> but got <" + actual + ">");
        }
    }

    private static void Throws<TException>(Action action, string what) where TException : Exception
    {
        try
        {
            action();
        }
        catch (TException)
        {
            return;
        }
        throw new Exception(what + ": no " + typeof(TException).Name + " was thrown");
    }

    // ---- fixtures ---------------------------------------------------------------------------

    /// <summary>An AuditData document; extra is raw JSON members appended (with a leading comma).</summary>
    private static string Doc(string id, string time, string operation, string user, string session, string extra)
    {
        StringBuilder sb = new StringBuilder();
        sb.Append("{\"CreationTime\":\"").Append(time).Append("\",\"Id\":\"").Append(id)
            .Append("\",\"Operation\":\"").Append(operation)
            .Append("\",\"OrganizationId\":\"4a8f3b2e-6c1d-4e7a-9b5f-2d8c0e1a7f36\",\"RecordType\":2,\"ResultStatus\":\"Succeeded\"")
            .Append(",\"UserKey\":\"10032000A1B2C3D4\",\"UserType\":0,\"Version\":1,\"Workload\":\"Exchange\"")
            .Append(",\"UserId\":\"").Append(user).Append("\"");
        if (session != null)
        {
            sb.Append(",\"SessionId\":\"").Append(session).Append("\"");
        }
        if (extra != null)
        {
            sb.Append(extra);
        }
        sb.Append('}');
        return sb.ToString();
    }

    private static string Guid(int n)
    {
        return string.Format(CultureInfo.InvariantCulture, "{0:x8}-0000-4000-8000-{1:x12}", n, n);
    }

    private static string Time(int minute)
    {
        return new DateTime(2026, 3, 2, 9, 0, 0, DateTimeKind.Utc).AddMinutes(minute)
            .ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
    }

    private static PipelineOptions Options(PipelineMode mode, AuditFilter filter, int batchSize)
    {
        PipelineOptions o = new PipelineOptions();
        o.Mode = mode;
        o.Filter = filter ?? new AuditFilter();
        o.BatchSize = batchSize;
        return o;
    }

    /// <summary>Runs inputs through a pipeline; returns every item written and every error.</summary>
    private static List<object> Run(PipelineOptions options, IList inputs, List<AuditRecordError> errors, List<int> flushSizes)
    {
        List<object> items = new List<object>();
        using (AuditPipeline p = new AuditPipeline(options))
        {
            foreach (object input in inputs)
            {
                AuditBatchOutput o = p.Add(input, input);
                if (o != null)
                {
                    items.AddRange(o.Items);
                    if (errors != null) errors.AddRange(o.Errors);
                    if (flushSizes != null) flushSizes.Add(o.Items.Count + o.Errors.Count);
                }
            }
            AuditBatchOutput last = p.Complete();
            items.AddRange(last.Items);
            if (errors != null) errors.AddRange(last.Errors);
            Check(p.Tally.IsConsistent, "tally adds up: " + p.Tally);
            Equal((long)inputs.Count, p.Tally.Read, "every input is counted");
        }
        return items;
    }

    private static List<AuditRecord> Records(List<object> items)
    {
        List<AuditRecord> records = new List<AuditRecord>();
        foreach (object o in items)
        {
            AuditRecord r = o as AuditRecord;
            Check(r != null, "item is an AuditRecord: " + o);
            records.Add(r);
        }
        return records;
    }

    private static List<AuditRecord> Select(AuditFilter filter, IList inputs)
    {
        return Records(Run(Options(PipelineMode.Select, filter, 4), inputs, null, null));
    }

    private static List<string> Ids(List<AuditRecord> records)
    {
        List<string> ids = new List<string>();
        foreach (AuditRecord r in records) ids.Add(r.Id);
        return ids;
    }

    private static string Join(List<string> values)
    {
        return string.Join(",", values.ToArray());
    }

    /// <summary>A mixed set: the attacker's session, the user's, an admin cmdlet, a sign-in.</summary>
    private static List<object> Incident()
    {
        List<object> docs = new List<object>();
        docs.Add(Doc(Guid(1), Time(30), "MailItemsAccessed", "megan.bowen@contoso.com", AttackerSession.ToUpperInvariant(),
            ",\"ClientIP\":\"185.73.124.135:19823\",\"ClientIPAddress\":\"185.73.124.135\",\"LogonType\":0,\"ExternalAccess\":false"
            + ",\"MailboxOwnerUPN\":\"megan.bowen@contoso.com\",\"AppAccessContext\":{\"AADSessionId\":\"" + AttackerAad + "\"}"
            + ",\"MailboxGuid\":\"6b1c0a7e-93f2-4d3f-8a1e-5c2b7d9e0f11\",\"LogonUserSid\":\"S-1-5-21-1-2-3-1001\",\"AppId\":\"00000002-0000-0ff1-ce00-000000000000\""
            + ",\"ClientAppId\":\"d3590ed6-52b3-4102-aeff-aad2292ab01c\",\"OriginatingServer\":\"AM0PR01MB1234 (15.20.7452.028)\\r\\n\""
            + ",\"ClientInfoString\":\"Client=REST;Client=RESTSystem;\""
            + ",\"OperationProperties\":[{\"Name\":\"MailAccessType\",\"Value\":\"Bind\"},{\"Name\":\"IsThrottled\",\"Value\":\"False\"}]"
            + ",\"OperationCount\":3,\"Folders\":[{\"Path\":\"\\\\Inbox\",\"FolderItems\":[{\"InternetMessageId\":\"<a1@contoso.com>\"},{\"InternetMessageId\":\"<a2@contoso.com>\"}]},"
            + "{\"Path\":\"\\\\Sent Items\",\"FolderItems\":[{\"InternetMessageId\":\"<s1@contoso.com>\"}]}]"));
        docs.Add(Doc(Guid(2), Time(10), "New-InboxRule", "megan.bowen@contoso.com", AttackerSession,
            ",\"ClientIP\":\"[2001:db8::1]:443\",\"Parameters\":[{\"Name\":\"Name\",\"Value\":\"..\"},{\"Name\":\"DeleteMessage\",\"Value\":\"True\"}]"));
        docs.Add(Doc(Guid(3), Time(20), "Send", "megan.bowen@contoso.com", UserSession,
            ",\"ClientIP\":\"10.0.0.5\",\"LogonType\":\"Owner\",\"Item\":{\"Subject\":\"Quarterly report\",\"InternetMessageId\":\"<q@contoso.com>\",\"ParentFolder\":{\"Path\":\"\\\\Sent Items\"}}"));
        docs.Add(Doc(Guid(4), Time(40), "HardDelete", "megan.bowen@contoso.com", AttackerSession,
            ",\"ClientIP\":\"::ffff:10.1.2.3\",\"LogonType\":2,\"AffectedItems\":[{\"Subject\":\"Invoice\",\"InternetMessageId\":\"<i@x>\",\"ParentFolder\":{\"Path\":\"\\\\Inbox\"}}]"));
        docs.Add(Doc(Guid(5), Time(5), "Set-Mailbox", "admin@contoso.com", null, ",\"ClientIP\":\"10.0.0.9\""));
        docs.Add(Doc(Guid(6), Time(50), "FileDownloaded", "megan.bowen@contoso.com", null,
            ",\"ClientIP\":\"185.73.124.135\",\"AppAccessContext\":{\"AADSessionId\":\"" + AttackerAad + "\"}"));
        return docs;
    }

    // ---- library ----------------------------------------------------------------------------

    public static void TestLibraryLoadsByAbsolutePath()
    {
        Check(Path.IsPathRooted(Native.LibraryPath), "LibraryPath is absolute: " + Native.LibraryPath);
        Check(File.Exists(Native.LibraryPath), "the library exists at " + Native.LibraryPath);
        Check(Native.LibraryPath.IndexOf("__AUDITSIFT", StringComparison.Ordinal) < 0, "the placeholder was replaced");
        Native.EnsureLoaded();
        Native.EnsureLoaded();
        Equal(Native.ExpectedAbiVersion, Native.AbiVersion(), "ABI version");
        Equal(3, Native.InteropVersion, "interop version");
    }

    public static void TestModuleInteropVersionMatchesThePsm1()
    {
        string psm1 = File.ReadAllText(Path.Combine(repoRoot, "powershell/AuditSift/AuditSift.psm1"));
        Check(psm1.Contains("$script:InteropVersion = " + Native.InteropVersion), "AuditSift.psm1 expects interop version " + Native.InteropVersion);
    }

    // ---- conversion -------------------------------------------------------------------------

    public static void TestConvertKeepsEveryNormalizedField()
    {
        List<object> input = Incident();
        List<AuditRecord> records = Records(Run(Options(PipelineMode.Convert, null, 5000), input, null, null));
        Equal(input.Count, records.Count, "one record per input");
        AuditRecord r = records[0];
        Equal(0L, r.Index, "index");
        Check(r.CreationTime.HasValue, "CreationTime set");
        Equal(DateTimeKind.Utc, r.CreationTime.Value.Kind, "CreationTime is UTC");
        Equal(new DateTime(2026, 3, 2, 9, 30, 0, DateTimeKind.Utc), r.CreationTime.Value, "CreationTime");
        Equal(Guid(1), r.Id, "Id");
        Equal("MailItemsAccessed", r.Operation, "Operation");
        Equal((int?)2, r.RecordType, "RecordType");
        Equal("ExchangeItem", r.RecordTypeName, "RecordTypeName");
        Equal("Exchange", r.Workload, "Workload");
        Equal("Succeeded", r.ResultStatus, "ResultStatus");
        Equal("megan.bowen@contoso.com", r.UserId, "UserId");
        Equal("10032000A1B2C3D4", r.UserKey, "UserKey");
        Equal("Regular", r.UserType, "UserType");
        Equal("4a8f3b2e-6c1d-4e7a-9b5f-2d8c0e1a7f36", r.OrganizationId, "OrganizationId");
        Equal("185.73.124.135:19823", r.ClientIP, "ClientIP kept as given");
        Equal("185.73.124.135", r.ClientAddress, "ClientAddress");
        Equal(AttackerSession.ToUpperInvariant(), r.SessionId, "SessionId as given");
        Equal(AttackerAad, r.AADSessionId, "AADSessionId apart from SessionId");
        Equal("185.73.124.135", r.ClientIPAddress, "ClientIPAddress");
        Equal("Owner", r.LogonType, "LogonType name");
        Equal((bool?)false, r.ExternalAccess, "ExternalAccess");
        Equal("megan.bowen@contoso.com", r.MailboxOwnerUPN, "MailboxOwnerUPN");
        Equal("6b1c0a7e-93f2-4d3f-8a1e-5c2b7d9e0f11", r.MailboxGuid, "MailboxGuid");
        Equal("S-1-5-21-1-2-3-1001", r.LogonUserSid, "LogonUserSid");
        Equal("00000002-0000-0ff1-ce00-000000000000", r.AppId, "AppId");
        Equal("d3590ed6-52b3-4102-aeff-aad2292ab01c", r.ClientAppId, "ClientAppId");
        Equal("AM0PR01MB1234 (15.20.7452.028)", r.OriginatingServer, "OriginatingServer without its line break");
        Equal("Client=REST;Client=RESTSystem;", r.ClientInfoString, "ClientInfoString");
        Equal("Bind", r.MailAccessType, "MailAccessType");
        Equal((bool?)false, r.IsThrottled, "IsThrottled");
        Equal((long?)3, r.OperationCount, "OperationCount");
        Equal(2, r.Folders.Count, "folders");
        Equal("\\Inbox", r.Folders[0].Path, "folder path unescaped");
        Equal("<a1@contoso.com>,<a2@contoso.com>", Join(r.Folders[0].MessageIds), "message ids in order");
        Equal("\\Sent Items", r.Folders[1].Path, "second folder");
        Equal(1, r.Folders[1].MessageIds.Count, "second folder's ids");
        Check(r.Detail != null && r.Detail.Contains("Bind"), "Detail mentions Bind: " + r.Detail);
        Check(ReferenceEquals(input[0], r.InputObject), "InputObject is the original object");
        Equal((string)input[0], r.AuditData, "AuditData is the text received");
        Check(r.Full == null, "Full is empty without -Full");

        AuditRecord rule = records[1];
        Equal("[2001:db8::1]:443", rule.ClientIP, "bracketed ClientIP");
        Equal("2001:db8::1", rule.ClientAddress, "IPv6 address");
        Equal(2, rule.Parameters.Count, "parameters");
        Equal("Name", rule.Parameters[0].Name, "parameter name");
        Equal("..", rule.Parameters[0].Value, "parameter value");
        Equal("DeleteMessage=True", rule.Parameters[1].ToString(), "parameter text");

        AuditRecord send = records[2];
        Equal("Owner", send.LogonType, "LogonType given as a name");
        Equal(1, send.Items.Count, "item");
        Equal("Item", send.Items[0].Role, "item role");
        Equal("Quarterly report", send.Items[0].Subject, "subject");
        Equal("<q@contoso.com>", send.Items[0].InternetMessageId, "message id");
        Equal("\\Sent Items", send.Items[0].Folder, "item folder");

        AuditRecord delete = records[3];
        Equal("Delegate", delete.LogonType, "LogonType 2");
        Equal("AffectedItems", delete.Items[0].Role, "affected role");
        Equal("Invoice", delete.Items[0].Subject, "affected subject");

        Check(records[4].SessionId == null, "no SessionId is null");
        Check(records[4].ExternalAccess == null && records[4].IsThrottled == null && records[4].OperationCount == null,
            "absent optional values are null");
        Equal(0, records[4].Items.Count + records[4].Parameters.Count + records[4].Folders.Count, "empty lists");
        for (int i = 0; i < records.Count; i++)
        {
            Equal((long)i, records[i].Index, "records in input order");
        }
    }

    public static void TestBatchesAcrossBoundaries()
    {
        foreach (bool overlap in new bool[] { false, true })
        {
            BatchesAcrossBoundaries(overlap);
        }
    }

    private static void BatchesAcrossBoundaries(bool overlap)
    {
        List<object> input = new List<object>();
        for (int i = 0; i < 10; i++)
        {
            input.Add(Doc(Guid(100 + i), Time(100 - i), "Send", "u" + i + "@contoso.com", UserSession, null));
        }
        input.Insert(4, "{ this is not JSON");
        List<int> flushes = new List<int>();
        List<AuditRecordError> errors = new List<AuditRecordError>();
        PipelineOptions o = Options(PipelineMode.Convert, null, 3);
        o.Overlap = overlap;
        List<AuditRecord> records = Records(Run(o, input, errors, flushes));
        string written = string.Join(",", flushes.ConvertAll(delegate(int n) { return n.ToString(CultureInfo.InvariantCulture); }).ToArray());
        if (overlap)
        {
            // In the background, a batch comes out whole at the first Add after it is parsed: the third one
            // during the last two inputs or at the end, as the threads go.
            Check(written == "3,3" || written == "3,3,3", "whole batches as they are parsed: " + written);
        }
        else
        {
            Equal("3,3,3", written, "a batch is written as soon as it is full");
        }
        Equal(10, records.Count, "all good records");
        Equal(1, errors.Count, "one error");
        Equal(4L, errors[0].Index, "error index over the whole input");
        long expected = 0;
        foreach (AuditRecord r in records)
        {
            if (expected == 4) expected++;
            Equal(expected, r.Index, "input order and positions across batches");
            expected++;
        }
        Equal("u0@contoso.com", records[0].UserId, "first");
        Equal("u9@contoso.com", records[9].UserId, "last");
    }

    public static void TestBatchSizeOneAndPendingCount()
    {
        PipelineOptions o = Options(PipelineMode.Convert, null, 1);
        o.Overlap = false;
        using (AuditPipeline p = new AuditPipeline(o))
        {
            AuditBatchOutput out1 = p.Add(Doc(Guid(1), Time(1), "Send", "a@b", null, null));
            Check(out1 != null && out1.Items.Count == 1, "a batch of one is written at once");
            Equal(0, p.Pending, "nothing pending");
            Equal(0, p.Complete().Items.Count, "nothing left");
            Throws<InvalidOperationException>(delegate { p.Add("{}"); }, "Add after Complete");
        }
        o.BatchSize = 0;
        Throws<ArgumentOutOfRangeException>(delegate { new AuditPipeline(o); }, "batch size 0");
        Throws<ArgumentNullException>(delegate { new AuditPipeline(null); }, "no options");
    }

    public static void TestOverlapWritesEveryBatchOnceInOrder()
    {
        List<object> input = new List<object>();
        for (int i = 0; i < 25; i++)
        {
            input.Add(i == 11 ? (object)"{ broken" : Doc(Guid(i), Time(i), "Send", "u@contoso.com", UserSession, null));
        }
        List<object> items = new List<object>();
        List<AuditRecordError> errors = new List<AuditRecordError>();
        using (AuditPipeline p = new AuditPipeline(Options(PipelineMode.Convert, null, 4)))
        {
            Check(p.Options.Overlap, "overlap is the default");
            for (int i = 0; i < input.Count; i++)
            {
                AuditBatchOutput o = p.Add(input[i]);
                if (o != null) { items.AddRange(o.Items); errors.AddRange(o.Errors); }
                if (i == 7)
                {
                    Equal(0, p.Pending, "two full batches handed over");
                }
                if (i == 13)
                {
                    // Flush gives the batch still in the background, if any, then the pending ones.
                    Equal(2, p.Pending, "two pending");
                    o = p.Flush();
                    items.AddRange(o.Items);
                    errors.AddRange(o.Errors);
                    Equal(0, p.Pending, "none pending after a flush");
                }
            }
            AuditBatchOutput last = p.Complete();
            items.AddRange(last.Items);
            errors.AddRange(last.Errors);
            Check(p.Tally.IsConsistent, "tally adds up: " + p.Tally);
            Equal(25L, p.Tally.Read, "every input counted");
            Equal(24L, p.Tally.Matched, "every record counted");
        }
        List<long> indexes = new List<long>();
        foreach (AuditRecord r in Records(items)) indexes.Add(r.Index);
        List<long> expected = new List<long>();
        for (long i = 0; i < 25; i++) if (i != 11) expected.Add(i);
        Equal(string.Join(",", expected.ConvertAll(delegate(long n) { return n.ToString(CultureInfo.InvariantCulture); }).ToArray()),
            string.Join(",", indexes.ConvertAll(delegate(long n) { return n.ToString(CultureInfo.InvariantCulture); }).ToArray()),
            "every record once, in input order");
        Equal(1, errors.Count, "the broken input once");
        Equal(11L, errors[0].Index, "at its position");
        Check(ReferenceEquals(input[11], errors[0].InputObject), "with its input object");
    }

    public static void TestDisposeWaitsForTheBatchInTheBackground()
    {
        AuditFilter f = new AuditFilter();
        f.SessionIds = new string[] { AttackerSession };
        foreach (PipelineMode mode in new PipelineMode[] { PipelineMode.Convert, PipelineMode.Select, PipelineMode.Inventory })
        {
            AuditPipeline p = new AuditPipeline(Options(mode, mode == PipelineMode.Convert ? null : f, 2000));
            for (int i = 0; i < 2000; i++)
            {
                p.Add(Doc(Guid(i), Time(i), "Send", "u@contoso.com", AttackerSession, null));
            }
            // The batch is being parsed on another thread with the native handles Dispose frees.
            p.Dispose();
            p.Dispose();
            Throws<InvalidOperationException>(delegate { p.Add("{}"); }, "Add after Dispose");
        }
    }

    public static void TestFlushWritesAPartialBatch()
    {
        using (AuditPipeline p = new AuditPipeline(Options(PipelineMode.Convert, null, 100)))
        {
            Check(p.Add(Doc(Guid(1), Time(1), "Send", "a@b", null, null)) == null, "still filling");
            Equal(1, p.Pending, "one pending");
            AuditBatchOutput o = p.Flush();
            Equal(1, o.Items.Count, "flushed");
            Equal(0, p.Pending, "none pending");
            Equal(0, p.Complete().Items.Count, "nothing left");
            p.Dispose();
        }
    }

    // ---- filters ----------------------------------------------------------------------------

    public static void TestSessionFilterIgnoresCaseAndSorts()
    {
        AuditFilter f = new AuditFilter();
        f.SessionIds = new string[] { AttackerSession.ToUpperInvariant() };
        List<AuditRecord> r = Select(f, Incident());
        Equal(Guid(2) + "," + Guid(1) + "," + Guid(4), Join(Ids(r)), "attacker's Exchange session in time order");
    }

    public static void TestAadSessionFilterIsOredWithSessionId()
    {
        AuditFilter f = new AuditFilter();
        f.AADSessionIds = new string[] { AttackerAad.ToUpperInvariant() };
        Equal(Guid(1) + "," + Guid(6), Join(Ids(Select(f, Incident()))), "AADSessionId alone");
        f.SessionIds = new string[] { UserSession };
        Equal(Guid(3) + "," + Guid(1) + "," + Guid(6), Join(Ids(Select(f, Incident()))), "either session");
    }

    public static void TestUserFilterMatchesUserIdAndMailboxOwner()
    {
        AuditFilter f = new AuditFilter();
        f.UserIds = new string[] { "ADMIN@contoso.com" };
        Equal(Guid(5), Join(Ids(Select(f, Incident()))), "UserId without case");
        List<object> docs = new List<object>();
        docs.Add(Doc(Guid(7), Time(1), "MailItemsAccessed", "attacker@evil.example", null, ",\"MailboxOwnerUPN\":\"ceo@contoso.com\""));
        docs.Add(Doc(Guid(8), Time(2), "Send", "someone@contoso.com", null, null));
        f.UserIds = new string[] { "ceo@contoso.com" };
        Equal(Guid(7), Join(Ids(Select(f, docs))), "MailboxOwnerUPN");
    }

    public static void TestOperationFilter()
    {
        AuditFilter f = new AuditFilter();
        f.Operations = new string[] { "harddelete", "New-InboxRule" };
        Equal(Guid(2) + "," + Guid(4), Join(Ids(Select(f, Incident()))), "operations, any case");
    }

    public static void TestIpFilterIgnoresPorts()
    {
        AuditFilter f = new AuditFilter();
        f.IPAddresses = new string[] { "185.73.124.135" };
        Equal(Guid(1) + "," + Guid(6), Join(Ids(Select(f, Incident()))), "with and without port");
        f.IPAddresses = new string[] { "[2001:db8::1]:8443" };
        Equal(Guid(2), Join(Ids(Select(f, Incident()))), "IPv6 with another port");
    }

    public static void TestTimeFilterIsInclusiveAndUtc()
    {
        AuditFilter f = new AuditFilter();
        f.StartTime = new DateTime(2026, 3, 2, 9, 10, 0, DateTimeKind.Utc);
        f.EndTime = new DateTime(2026, 3, 2, 9, 30, 0, DateTimeKind.Utc);
        Equal(Guid(2) + "," + Guid(3) + "," + Guid(1), Join(Ids(Select(f, Incident()))), "inclusive window");
        // A local time means the same instant.
        f.StartTime = f.StartTime.Value.ToLocalTime();
        f.EndTime = f.EndTime.Value.ToLocalTime();
        Equal(Guid(2) + "," + Guid(3) + "," + Guid(1), Join(Ids(Select(f, Incident()))), "local times converted");
    }

    public static void TestFiltersCombineWithAnd()
    {
        AuditFilter f = new AuditFilter();
        f.SessionIds = new string[] { AttackerSession };
        f.Operations = new string[] { "HardDelete", "Send" };
        Equal(Guid(4), Join(Ids(Select(f, Incident()))), "session AND operation");
        f.UserIds = new string[] { "admin@contoso.com" };
        Equal(0, Select(f, Incident()).Count, "no record has all three");
    }

    public static void TestBlankFilterValuesAreIgnored()
    {
        AuditFilter f = new AuditFilter();
        f.SessionIds = new string[] { "", "  ", null };
        Check(f.IsEmpty, "blank values make an empty filter");
        Equal(6, Select(f, Incident()).Count, "keeps everything");
    }

    public static void TestConvertAppliesTheFilterInInputOrder()
    {
        AuditFilter f = new AuditFilter();
        f.SessionIds = new string[] { AttackerSession };
        List<AuditRecord> r = Records(Run(Options(PipelineMode.Convert, f, 2), Incident(), null, null));
        Equal(Guid(1) + "," + Guid(2) + "," + Guid(4), Join(Ids(r)), "input order");
        Equal("0,1,3", string.Join(",", r.ConvertAll(delegate(AuditRecord x) { return x.Index.ToString(CultureInfo.InvariantCulture); }).ToArray()), "positions");
    }

    // ---- select: de-duplication, pass-through ----------------------------------------------

    public static void TestSelectDeduplicatesAcrossBatches()
    {
        List<object> input = Incident();
        List<object> pageTwo = Incident();
        input.AddRange(pageTwo);
        input.Add(Doc(Guid(1).ToUpperInvariant(), Time(30), "MailItemsAccessed", "megan.bowen@contoso.com", AttackerSession, null));
        AuditFilter f = new AuditFilter();
        f.SessionIds = new string[] { AttackerSession };
        PipelineOptions o = Options(PipelineMode.Select, f, 4);
        using (AuditPipeline p = new AuditPipeline(o))
        {
            foreach (object i in input)
            {
                AuditBatchOutput batch = p.Add(i, i);
                Check(batch == null || batch.Items.Count == 0, "Select writes records only at the end");
            }
            List<AuditRecord> r = Records(p.Complete().Items);
            Equal(Guid(2) + "," + Guid(1) + "," + Guid(4), Join(Ids(r)), "each Id once, in time order");
            Equal(3L, p.Tally.Matched, "matched");
            Equal(4L, p.Tally.Duplicates, "duplicates");
            Check(p.Tally.IsConsistent, "tally: " + p.Tally);
            Check(ReferenceEquals(input[1], r[0].InputObject), "the first occurrence's input is kept");
            Equal(1L, r[0].Index, "its position");
            Equal((string)input[1], r[0].AuditData, "its AuditData");
        }
    }

    public static void TestPassThruWritesTheInputObjects()
    {
        List<object> input = Incident();
        AuditFilter f = new AuditFilter();
        f.SessionIds = new string[] { AttackerSession };
        PipelineOptions o = Options(PipelineMode.Select, f, 2);
        o.PassThru = true;
        List<object> items = Run(o, input, null, null);
        Equal(3, items.Count, "three inputs");
        Check(ReferenceEquals(input[1], items[0]) && ReferenceEquals(input[0], items[1]) && ReferenceEquals(input[3], items[2]),
            "the original objects, in time order");
    }

    // ---- errors -----------------------------------------------------------------------------

    public static void TestUnreadableInputsAreErrorsAndTheRestGoesOn()
    {
        Hashtable notARecord = new Hashtable();
        notARecord["Name"] = "explorer";
        List<object> input = new List<object>();
        input.Add(Doc(Guid(1), Time(1), "Send", "a@contoso.com", null, null));
        input.Add("{\"CreationTime\": \"2026-03-02T09:00:00\", \"Operation\": ");
        input.Add("   ");
        input.Add(null);
        input.Add(notARecord);
        input.Add("\"just a string\"");
        input.Add(new int[] { 1, 2 });
        input.Add(Doc(Guid(2), Time(2), "Send", "b@contoso.com", null, null));
        List<AuditRecordError> errors = new List<AuditRecordError>();
        List<AuditRecord> records = Records(Run(Options(PipelineMode.Convert, null, 3), input, errors, null));
        Equal(2, records.Count, "the good records");
        Equal(7L, records[1].Index, "the last good record's position");
        Equal(6, errors.Count, "one error per bad input");
        Equal("1,2,3,4,5,6", string.Join(",", errors.ConvertAll(delegate(AuditRecordError e) { return e.Index.ToString(CultureInfo.InvariantCulture); }).ToArray()),
            "errors in input order with their positions");
        AuditRecordError bad = errors[0];
        Check(bad.Reason.Length > 0, "a reason");
        Equal((string)input[1], bad.RawText, "raw text kept");
        Check(ReferenceEquals(input[1], bad.InputObject), "the input object kept");
        Check(bad.Message.StartsWith("Record 1 could not be read: ", StringComparison.Ordinal), "message names the record: " + bad.Message);
        Equal(bad.Message, bad.ToString(), "ToString is the message");
        bad.Source = "Identity 42";
        Check(bad.Message.StartsWith("Record 1 (Identity 42) could not be read: ", StringComparison.Ordinal), "message names the source: " + bad.Message);
        Check(errors[1].Reason.Contains("empty"), "blank text: " + errors[1].Reason);
        Check(errors[2].Reason.Contains("null"), "null: " + errors[2].Reason);
        Check(errors[3].Reason.Contains("not a Search-MailboxAuditLog record"), "not a record: " + errors[3].Reason);
        Check(ReferenceEquals(notARecord, errors[3].InputObject), "its object kept");
        Check(errors[4].Reason.Length > 0 && errors[4].RawText == "\"just a string\"", "a JSON string: " + errors[4].Reason);
        Check(errors[5].Reason.Contains("collection"), "a collection: " + errors[5].Reason);
        AuditRecordException ex = new AuditRecordException(bad);
        Equal(bad.Message, ex.Message, "the exception carries the message");
        Check(ReferenceEquals(bad, ex.Error), "and the error");
        Check(ex is FormatException, "a FormatException");
    }

    public static void TestErrorsAreWrittenWithTheirBatch()
    {
        PipelineOptions options = Options(PipelineMode.Select, null, 2);
        options.Overlap = false;
        using (AuditPipeline p = new AuditPipeline(options))
        {
            Check(p.Add("not json") == null, "filling");
            AuditBatchOutput o = p.Add(Doc(Guid(1), Time(1), "Send", "a@b", null, null));
            Check(o != null, "batch full");
            Equal(1, o.Errors.Count, "the error comes with its batch, before the end");
            Equal(0, o.Items.Count, "records wait for the end");
            Equal(1, p.Complete().Items.Count, "the record at the end");
        }
    }

    // ---- Unicode ----------------------------------------------------------------------------

    public static void TestUnicodeSurvivesBothWays()
    {
        string subject = "Caf\u00e9 \u65e5\u672c\u8a9e \U0001F600 \"quoted\" back\\slash tab\t end";
        string user = "j\u00fcrgen.m\u00fcller@contoso.com";
        string doc = Doc(Guid(1), Time(1), "Send", user, AttackerSession,
            ",\"Item\":{\"Subject\":" + Quote(subject) + "},\"ClientInfoString\":\"Client=OWA;\\u00e9\"");
        List<AuditRecord> r = Records(Run(Options(PipelineMode.Convert, null, 10), new object[] { doc }, null, null));
        Equal(subject, r[0].Items[0].Subject, "subject with accents, CJK, an emoji and escapes");
        Equal(user, r[0].UserId, "non-ASCII user");
        Equal("Client=OWA;\u00e9", r[0].ClientInfoString, "JSON \\u escape decoded");
        AuditFilter f = new AuditFilter();
        f.UserIds = new string[] { user };
        Equal(1, Select(f, new object[] { doc }).Count, "filter on a non-ASCII user");
    }

    public static void TestLoneSurrogatesDoNotBreakABatch()
    {
        string broken = Doc(Guid(1), Time(1), "Send", "a@b", null, ",\"Item\":{\"Subject\":\"bad \uD800 half\"}");
        List<AuditRecordError> errors = new List<AuditRecordError>();
        List<AuditRecord> r = Records(Run(Options(PipelineMode.Convert, null, 10),
            new object[] { broken, Doc(Guid(2), Time(2), "Send", "b@c", null, null) }, errors, null));
        Equal(2, r.Count, "both read (the lone surrogate becomes U+FFFD)");
        Check(r[0].Items[0].Subject.Contains("\uFFFD"), "replacement character");
    }

    private static string Quote(string s)
    {
        StringBuilder sb = new StringBuilder();
        JsonText.AppendString(sb, s);
        return sb.ToString();
    }

    // ---- empty and very large input ---------------------------------------------------------

    public static void TestEmptyInput()
    {
        foreach (PipelineMode mode in new PipelineMode[] { PipelineMode.Convert, PipelineMode.Select, PipelineMode.Inventory })
        {
            List<AuditRecordError> errors = new List<AuditRecordError>();
            List<object> items = Run(Options(mode, null, 10), new object[0], errors, null);
            Equal(0, items.Count, mode + ": no items");
            Equal(0, errors.Count, mode + ": no errors");
        }
        AuditFilter f = new AuditFilter();
        f.SessionIds = new string[] { AttackerSession };
        Equal(0, Run(Options(PipelineMode.Select, f, 10), new object[0], null, null).Count, "filtered, empty");
    }

    public static void TestManyRecordsInManyBatches()
    {
        const int count = 60000;
        List<object> input = new List<object>(count);
        for (int i = 0; i < count; i++)
        {
            string session = i % 1000 == 7 ? AttackerSession : UserSession;
            input.Add(Doc(Guid(i), Time(count - i), "MailItemsAccessed", "user" + (i % 97) + "@contoso.com", session,
                ",\"ClientIP\":\"10.0." + (i % 250) + ".1\""));
        }
        List<int> flushes = new List<int>();
        List<AuditRecord> all = Records(Run(Options(PipelineMode.Convert, null, 5000), input, null, flushes));
        Equal(count, all.Count, "every record");
        Equal(11, flushes.Count, "eleven full batches come out while the input goes on, the twelfth at the end");
        for (int i = 0; i < count; i += 7919)
        {
            Equal((long)i, all[i].Index, "position");
            Equal(Guid(i), all[i].Id, "record " + i);
        }
        AuditFilter f = new AuditFilter();
        f.SessionIds = new string[] { AttackerSession };
        List<AuditRecord> hits = Records(Run(Options(PipelineMode.Select, f, 5000), input, null, null));
        Equal(60, hits.Count, "hits");
        for (int i = 1; i < hits.Count; i++)
        {
            Check(hits[i - 1].CreationTime <= hits[i].CreationTime, "sorted");
        }
        Equal(Guid(59007), hits[0].Id, "the latest input is the earliest record");
    }

    public static void TestAVeryLargeDocument()
    {
        string subject = new string('x', 3 * 1024 * 1024) + "\u00e9";
        string doc = Doc(Guid(1), Time(1), "Send", "a@b", null, ",\"Item\":{\"Subject\":\"" + subject + "\"}");
        List<AuditRecord> r = Records(Run(Options(PipelineMode.Convert, null, 10),
            new object[] { Doc(Guid(0), Time(0), "Send", "a@b", null, null), doc }, null, null));
        Equal(subject.Length, r[1].Items[0].Subject.Length, "3 MB subject intact");
        Equal(subject, r[1].Items[0].Subject, "same text");
    }

    // ---- Search-MailboxAuditLog -------------------------------------------------------------

    /// <summary>The properties of a Search-MailboxAuditLog -ShowDetails record, with their real names and types.</summary>
    public sealed class MailboxAuditLogRecord
    {
        public string Operation { get; set; }
        public string OperationResult { get; set; }
        public string LogonType { get; set; }
        public bool ExternalAccess { get; set; }
        public DateTime LastAccessed { get; set; }
        public string MailboxOwnerUPN { get; set; }
        public string MailboxOwnerSid { get; set; }
        public string LogonUserDisplayName { get; set; }
        public string LogonUserSid { get; set; }
        public string ClientInfoString { get; set; }
        public string ClientIPAddress { get; set; }
        public string ClientProcessName { get; set; }
        public string ClientVersion { get; set; }
        public string InternalLogonType { get; set; }
        public Guid MailboxGuid { get; set; }
        public string SessionId { get; set; }
        public string[] OperationProperties { get; set; }
        public int? AuditOperationsCountInAggregatedRecord { get; set; }
        public string FolderPathName { get; set; }
        public string ItemSubject { get; set; }
        public string ItemInternetMessageId { get; set; }
        public string[] SourceItemInternetMessageIdsList { get; set; }
        public string[] SourceItemSubjectsList { get; set; }
        public string AggregatedRecordFoldersData { get; set; }
        public string DestFolderPathName { get; set; }
        public string RunspaceId { get; set; }
    }

    private static MailboxAuditLogRecord SyncRecord()
    {
        MailboxAuditLogRecord m = new MailboxAuditLogRecord();
        m.Operation = "MailItemsAccessed";
        m.OperationResult = "Succeeded";
        m.LogonType = "Owner";
        m.ExternalAccess = false;
        m.LastAccessed = new DateTime(2026, 3, 2, 10, 15, 30, DateTimeKind.Utc).ToLocalTime();
        m.MailboxOwnerUPN = "megan.bowen@contoso.com";
        m.MailboxOwnerSid = "S-1-5-21-1-2-3-1001";
        m.LogonUserDisplayName = "Megan Bowen";
        m.LogonUserSid = "S-1-5-21-1-2-3-1001";
        m.ClientInfoString = "Client=MSExchangeRPC";
        m.ClientIPAddress = "185.73.124.135";
        m.ClientProcessName = "OUTLOOK.EXE";
        m.ClientVersion = "16.0.17328.20162";
        m.InternalLogonType = "Owner";
        m.MailboxGuid = new Guid("6b1c0a7e-93f2-4d3f-8a1e-5c2b7d9e0f11");
        m.SessionId = AttackerSession;
        m.OperationProperties = new string[] { "MailAccessType:Sync", "IsThrottled:True" };
        m.AuditOperationsCountInAggregatedRecord = 1;
        m.FolderPathName = "\\Inbox";
        m.RunspaceId = "00000000-0000-0000-0000-000000000000";
        return m;
    }

    public static void TestMailboxAuditLogObjectsAreMapped()
    {
        MailboxAuditLogRecord sync = SyncRecord();
        MailboxAuditLogRecord bind = SyncRecord();
        bind.OperationProperties = new string[] { "MailAccessType:Bind", "IsThrottled:False" };
        bind.AuditOperationsCountInAggregatedRecord = 2;
        bind.LastAccessed = new DateTime(2026, 3, 2, 10, 20, 0, DateTimeKind.Utc);
        bind.AggregatedRecordFoldersData = "\\Inbox: \"<m1@contoso.com>\",\"<m2@contoso.com>\"";
        MailboxAuditLogRecord delete = SyncRecord();
        delete.Operation = "HardDelete";
        delete.OperationProperties = null;
        delete.AuditOperationsCountInAggregatedRecord = null;
        delete.LastAccessed = new DateTime(2026, 3, 2, 10, 25, 0, DateTimeKind.Utc);
        delete.SourceItemInternetMessageIdsList = new string[] { "<d1@contoso.com>", "<d2@contoso.com>" };
        delete.SourceItemSubjectsList = new string[] { "Invoice", "Wire details" };
        List<AuditRecord> r = Records(Run(Options(PipelineMode.Convert, null, 10), new object[] { sync, bind, delete }, null, null));
        Equal(3, r.Count, "three records");
        Equal(new DateTime(2026, 3, 2, 10, 15, 30, DateTimeKind.Utc), r[0].CreationTime.Value, "LastAccessed to CreationTime (local time converted)");
        Equal(DateTimeKind.Utc, r[0].CreationTime.Value.Kind, "UTC");
        Equal("MailItemsAccessed", r[0].Operation, "Operation");
        Equal("Succeeded", r[0].ResultStatus, "OperationResult to ResultStatus");
        Equal("Exchange", r[0].Workload, "Workload");
        Equal("megan.bowen@contoso.com", r[0].UserId, "UserId from the mailbox owner");
        Equal("Sync", r[0].MailAccessType, "MailAccessType:Sync");
        Equal((bool?)true, r[0].IsThrottled, "IsThrottled:True");
        Equal((long?)1, r[0].OperationCount, "AuditOperationsCountInAggregatedRecord");
        Equal("Owner", r[0].LogonType, "LogonType");
        Equal((bool?)false, r[0].ExternalAccess, "ExternalAccess bool");
        Equal(AttackerSession, r[0].SessionId, "SessionId");
        Equal("185.73.124.135", r[0].ClientAddress, "address from ClientIPAddress");
        Equal("6b1c0a7e-93f2-4d3f-8a1e-5c2b7d9e0f11", r[0].MailboxGuid, "MailboxGuid");
        Equal("\\Inbox", r[0].Folders[0].Path, "Sync names its folder");
        Check(ReferenceEquals(sync, r[0].InputObject), "InputObject is the .NET object");
        Check(r[0].AuditData.StartsWith("{", StringComparison.Ordinal) && r[0].AuditData.Contains("\"LastAccessed\":\"2026-03-02T10:15:30.0000000Z\""),
            "flat JSON with an ISO UTC time: " + r[0].AuditData);
        Equal("Bind", r[1].MailAccessType, "Bind");
        Equal((bool?)false, r[1].IsThrottled, "not throttled");
        Equal((long?)2, r[1].OperationCount, "count");
        Equal("<m1@contoso.com>,<m2@contoso.com>", Join(r[1].Folders[0].MessageIds), "AggregatedRecordFoldersData ids");
        Equal("HardDelete", r[2].Operation, "delete");
        List<AuditItem> affected = r[2].Items.FindAll(delegate(AuditItem i) { return i.Role == "AffectedItems"; });
        Equal(2, affected.Count, "SourceItem lists to affected items");
        Equal("<d2@contoso.com>", affected[1].InternetMessageId, "second id");
        Equal("Wire details", affected[1].Subject, "second subject");
        Check(r[2].Items.Exists(delegate(AuditItem i) { return i.Role == "Folder" && i.Folder == "\\Inbox"; }), "FolderPathName as the folder acted in");
        Check(r[2].MailAccessType == null && r[2].OperationCount == null, "nulls stay null");
    }

    public static void TestMailboxAuditLogDictionariesAreMapped()
    {
        // What Get-AuditSiftDocumentSource builds from a deserialized Exchange object, and what
        // Import-Csv of a Search-MailboxAuditLog export gives (every value text).
        OrderedDictionary d = new OrderedDictionary();
        d["RunspaceId"] = "9d2c1b0a-0000-0000-0000-000000000000";
        d["Operation"] = "MailItemsAccessed";
        d["OperationResult"] = "Succeeded";
        d["LogonType"] = "Delegate";
        d["ExternalAccess"] = "False";
        d["LastAccessed"] = "3/2/2026 10:15:30 AM";
        d["MailboxOwnerUPN"] = "megan.bowen@contoso.com";
        d["ClientIPAddress"] = "185.73.124.135";
        d["SessionId"] = AttackerSession;
        d["OperationProperties"] = "MailAccessType:Sync\nIsThrottled:False";
        d["AuditOperationsCountInAggregatedRecord"] = "4";
        d["FolderPathName"] = "\\Sent Items";
        d["Empty"] = null;
        Dictionary<string, object> typed = new Dictionary<string, object>();
        typed["Operation"] = "Update";
        typed["LastAccessed"] = new DateTimeOffset(2026, 3, 2, 12, 0, 0, TimeSpan.FromHours(2));
        typed["ExternalAccess"] = true;
        typed["MailboxOwnerUPN"] = "adele@contoso.com";
        typed["ItemSubject"] = "Payroll";
        List<AuditRecord> r = Records(Run(Options(PipelineMode.Convert, null, 10), new object[] { d, typed }, null, null));
        Equal(new DateTime(2026, 3, 2, 10, 15, 30, DateTimeKind.Utc), r[0].CreationTime.Value, "US-culture LastAccessed");
        Equal("Delegate", r[0].LogonType, "LogonType name");
        Equal((bool?)false, r[0].ExternalAccess, "ExternalAccess text");
        Equal("Sync", r[0].MailAccessType, "OperationProperties lines");
        Equal((bool?)false, r[0].IsThrottled, "IsThrottled:False");
        Equal((long?)4, r[0].OperationCount, "count as text");
        Check(!r[0].AuditData.Contains("Empty"), "null values are left out");
        Equal(new DateTime(2026, 3, 2, 10, 0, 0, DateTimeKind.Utc), r[1].CreationTime.Value, "DateTimeOffset to UTC");
        Equal((bool?)true, r[1].ExternalAccess, "bool");
        Equal("Payroll", r[1].Items[0].Subject, "ItemSubject");
    }

    public static void TestMailboxRecordsAreDeduplicatedAndSelected()
    {
        MailboxAuditLogRecord a = SyncRecord();
        MailboxAuditLogRecord same = SyncRecord();
        MailboxAuditLogRecord other = SyncRecord();
        other.SessionId = UserSession;
        AuditFilter f = new AuditFilter();
        f.SessionIds = new string[] { AttackerSession };
        List<AuditRecord> r = Select(f, new object[] { a, same, other });
        Equal(1, r.Count, "the repeated record (no Id: same content) counted once, the other session left out");
        Check(ReferenceEquals(a, r[0].InputObject), "first occurrence");
    }

    // ---- input shapes -----------------------------------------------------------------------

    public sealed class UnifiedAuditLogResult
    {
        public string RecordType { get; set; }
        public DateTime CreationDate { get; set; }
        public string UserIds { get; set; }
        public string Operations { get; set; }
        public string AuditData { get; set; }
        public int ResultIndex { get; set; }
        public int ResultCount { get; set; }
        public string Identity { get; set; }
        public bool IsValid { get; set; }
        public string ObjectState { get; set; }
    }

    public static void TestInputShapes()
    {
        string doc = Doc(Guid(1), Time(1), "Send", "a@contoso.com", AttackerSession, null);
        UnifiedAuditLogResult sual = new UnifiedAuditLogResult();
        sual.RecordType = "ExchangeItem";
        sual.CreationDate = new DateTime(2026, 3, 2, 9, 1, 0);
        sual.UserIds = "a@contoso.com";
        sual.Operations = "Send";
        sual.AuditData = doc;
        sual.ResultIndex = 1;
        sual.ResultCount = 5000;
        sual.Identity = Guid(1);
        sual.IsValid = true;
        sual.ObjectState = "Unchanged";
        Hashtable csvRow = new Hashtable();
        csvRow["RecordId"] = Guid(1);
        csvRow["CreationDate"] = "2026-03-02T09:01:00.0000000Z ";
        csvRow["auditdata"] = doc;
        Hashtable graph = new Hashtable();
        OrderedDictionary auditData = new OrderedDictionary();
        auditData["CreationTime"] = Time(1);
        auditData["Id"] = Guid(9);
        auditData["Operation"] = "FileAccessed";
        auditData["RecordType"] = 6;
        auditData["ExternalAccess"] = false;
        OrderedDictionary ctx = new OrderedDictionary();
        ctx["AADSessionId"] = AttackerAad;
        auditData["AppAccessContext"] = ctx;
        auditData["Tags"] = new object[] { "a", 1.5, null, true };
        graph["id"] = Guid(9);
        graph["AuditData"] = auditData;
        List<AuditRecord> r = Records(Run(Options(PipelineMode.Convert, null, 10), new object[] { doc, sual, csvRow, graph }, null, null));
        Equal(4, r.Count, "four shapes");
        for (int i = 0; i < 3; i++)
        {
            Equal(Guid(1), r[i].Id, "shape " + i);
            Equal(doc, r[i].AuditData, "AuditData text of shape " + i);
        }
        Check(ReferenceEquals(sual, r[1].InputObject), "Search-UnifiedAuditLog object kept");
        Equal(Guid(9), r[3].Id, "Graph AuditData object");
        Equal(AttackerAad, r[3].AADSessionId, "nested object serialized");
        Equal((int?)6, r[3].RecordType, "number");
        Equal("AuditData", AuditDocument.AuditDataProperty, "the property read");
    }

    public static void TestAuditDocumentProblems()
    {
        string problem;
        Check(AuditDocument.From(null, out problem) == null && problem.Contains("null"), "null");
        Hashtable empty = new Hashtable();
        empty["AuditData"] = "";
        Check(AuditDocument.From(empty, out problem) == null && problem.Contains("empty"), "empty AuditData: " + problem);
        Hashtable number = new Hashtable();
        number["AuditData"] = 42;
        Check(AuditDocument.From(number, out problem) == null && problem.Contains("neither text nor an object"), "numeric AuditData: " + problem);
        Check(AuditDocument.From(new object(), out problem) == null && problem.Contains("not a Search-MailboxAuditLog record"), "plain object: " + problem);
        Equal("{}", AuditDocument.From("{}", out problem), "a string passes through");
        Check(problem == null, "no problem");
    }

    // ---- full tree --------------------------------------------------------------------------

    public static void TestFullGivesEveryFieldAsOrderedDictionaries()
    {
        string doc = Doc(Guid(1), Time(1), "New-InboxRule", "a@contoso.com", AttackerSession,
            ",\"Parameters\":[{\"Name\":\"Name\",\"Value\":\"..\"},{\"Name\":\"MoveToFolder\",\"Value\":\"RSS Feeds\"}]"
            + ",\"AppAccessContext\":{\"AADSessionId\":\"" + AttackerAad + "\",\"IssuedAtTime\":\"2026-03-02T08:59:00\",\"UniqueTokenId\":\"tok\"}"
            + ",\"Nested\":{\"Deep\":[1,2.5,-3,true,false,null,\"x\",[],{}]},\"Big\":12345678901234,\"Escaped\":\"line\\nbreak \\u00e9\"");
        PipelineOptions o = Options(PipelineMode.Convert, null, 10);
        o.Full = true;
        List<AuditRecord> r = Records(Run(o, new object[] { doc }, null, null));
        OrderedDictionary full = r[0].Full;
        Check(full != null, "Full set");
        Equal("New-InboxRule", (string)full["Operation"], "top-level field");
        Equal("CreationTime", (string)((DictionaryEntry)Entries(full)[0]).Key, "fields in document order");
        Equal(2L, full["RecordType"], "numbers as long");
        IList parameters = (IList)full["Parameters"];
        Equal(2, parameters.Count, "array");
        Equal("RSS Feeds", (string)((IDictionary)parameters[1])["Value"], "object in array");
        IDictionary ctx = (IDictionary)full["AppAccessContext"];
        Equal("tok", (string)ctx["uniquetokenid"], "keys without case, as in PowerShell");
        IList deep = (IList)((IDictionary)full["Nested"])["Deep"];
        Equal(9, deep.Count, "all kinds");
        Equal(1L, deep[0], "int");
        Equal(2.5, deep[1], "double");
        Equal(-3L, deep[2], "negative");
        Equal(true, deep[3], "true");
        Equal(false, deep[4], "false");
        Check(deep[5] == null, "null");
        Equal("x", (string)deep[6], "string");
        Equal(0, ((IList)deep[7]).Count, "empty array");
        Equal(0, ((IDictionary)deep[8]).Count, "empty object");
        Equal(12345678901234L, full["Big"], "big integer");
        Equal("line\nbreak \u00e9", (string)full["Escaped"], "escapes decoded");

        AuditFilter f = new AuditFilter();
        f.SessionIds = new string[] { AttackerSession };
        PipelineOptions s = Options(PipelineMode.Select, f, 10);
        s.Full = true;
        List<AuditRecord> selected = Records(Run(s, new object[] { doc, Doc(Guid(2), Time(0), "Send", "b@c", null, null) }, null, null));
        Equal(1, selected.Count, "selected");
        Check(selected[0].Full != null && ((IDictionary)selected[0].Full["AppAccessContext"]).Contains("UniqueTokenId"), "Full after Select");
    }

    public static void TestFullIsBuiltOnceWhenFirstReadAndCanBeSet()
    {
        List<object> docs = new List<object>();
        for (int i = 0; i < 700; i++)
        {
            docs.Add(Doc(Guid(i), Time(i % 60), "Send", "a@contoso.com", i % 2 == 0 ? AttackerSession : null,
                ",\"Dup\":1,\"dup\":2,\"N\":" + (i - 350) + ",\"Flags\":[true,false],\"Name\":\"n\\u00e9" + i + "\""));
        }
        PipelineOptions o = Options(PipelineMode.Convert, null, 300);
        o.Full = true;
        List<AuditRecord> records = Records(Run(o, docs, null, null));
        Equal(700, records.Count, "records");
        for (int i = 0; i < records.Count; i++)
        {
            OrderedDictionary full = records[i].Full;
            Check(full != null && object.ReferenceEquals(full, records[i].Full), "Full is built once: " + i);
            Equal(Guid(i), (string)full["ID"], "each record its own tree: " + i);
            Equal((long)(i - 350), full["n"], "numbers: " + i);
            Equal(2L, full["Dup"], "a repeated key (in any case) keeps its last value: " + i);
            Equal("n\u00e9" + i, (string)full["Name"], "text: " + i);
            IList flags = (IList)full["Flags"];
            Check(true.Equals(flags[0]) && false.Equals(flags[1]), "booleans: " + i);
            Equal(i % 2 == 0, full.Contains("SessionId"), "only the fields of the record: " + i);
        }
        OrderedDictionary replaced = new OrderedDictionary();
        records[1].Full = replaced;
        Check(object.ReferenceEquals(replaced, records[1].Full), "Full can be replaced");
        records[2].Full = null;
        Check(records[2].Full == null, "and cleared, before it was ever read");
        records[3].Full["Added"] = "x";
        Equal("x", (string)records[3].Full["Added"], "changes to Full stay");

        List<AuditRecord> plain = Records(Run(Options(PipelineMode.Convert, null, 300), docs, null, null));
        Check(plain[0].Full == null, "no Full without -Full");
    }

    public static void TestItemsParametersAndFoldersAreReadWhenFirstAsked()
    {
        List<AuditRecord> records = Records(Run(Options(PipelineMode.Convert, null, 10), Incident(), null, null));
        Equal(2, records[0].Folders.Count, "folders of a record");
        Equal("<s1@contoso.com>", records[0].Folders[1].MessageIds[0], "message id of the second folder");
        Equal(0, records[0].Items.Count, "no items");
        Equal("DeleteMessage=True", records[1].Parameters[1].ToString(), "parameters of another record");
        Equal("Invoice", records[3].Items[0].Subject, "items of a third");
        Check(object.ReferenceEquals(records[3].Items, records[3].Items), "made once");
        records[3].Items = new List<AuditItem>();
        Equal(0, records[3].Items.Count, "and replaceable");
        AuditRecord empty = new AuditRecord();
        Check(empty.Items != null && empty.Parameters != null && empty.Folders != null && empty.Full == null, "a new record has empty lists");
        empty.AuditData = "{}";
        empty.SessionId = "s";
        Equal("{}", empty.AuditData, "AuditData");
        Equal("s", empty.SessionId, "SessionId");
        Equal((string)Incident()[1], records[1].AuditData, "AuditData is the input text");
        Equal(AttackerSession, records[1].SessionId, "and the other fields are still read from the batch");
        // A field set on a record read from a batch is the record's own from then on (null included);
        // its other fields, and the same field of the batch's other records, are still read from the batch.
        string operation = records[2].Operation;
        string user = records[2].UserId;
        Equal(operation, records[2].Operation, "a field reads the same twice");
        records[2].Operation = "Renamed";
        records[2].SessionId = null;
        records[2].OperationCount = 7;
        Equal("Renamed", records[2].Operation, "a set field");
        Check(records[2].SessionId == null, "a field set to null stays null");
        Equal(7L, records[2].OperationCount.Value, "a set number");
        Equal(user, records[2].UserId, "an unset field of the same record");
        Equal(AttackerSession, records[1].SessionId, "the same field of another record");
    }

    public static void TestTextReadFromTheDocumentsIsTheTextTheLibraryCopies()
    {
        // Convert reads text that is a run of a document out of the document itself; Select's records
        // come from the collector, whose text is all copied. Every property must read the same.
        List<object> docs = new List<object>();
        docs.Add(Doc(Guid(1), Time(1), "MailItemsAccessed", "a@contoso.com", AttackerSession,
            ",\"ClientIPAddress\":\"203.0.113.7:443\",\"ClientInfoString\":\"Client=OWA;Action=ViaProxy\",\"LogonType\":1"
            + ",\"MailboxOwnerUPN\":\"ceo@contoso.com\",\"OperationCount\":3,\"OperationProperties\":[{\"Name\":\"MailAccessType\",\"Value\":\"Bind\"}]"
            + ",\"Folders\":[{\"Path\":\"\\\\Inbox\",\"FolderItems\":[{\"InternetMessageId\":\"<m1@x>\"},{\"InternetMessageId\":\"<m2@x>\"}]},{\"Path\":\"Plain\"}]"));
        docs.Add(Doc(Guid(2), Time(2), "Send", "b@contoso.com", AttackerSession,
            ",\"Item\":{\"Subject\":\"quote \\\" and \\\\ escaped\",\"InternetMessageId\":\"<s@x>\",\"ParentFolder\":{\"Path\":\"Sent Items\"}}"));
        docs.Add(Doc(Guid(3), Time(3), "New-InboxRule", "c\u00e9@contoso.com", AttackerSession,
            ",\"Parameters\":[{\"Name\":\"Name\",\"Value\":\"r\u00e9gle\"},{\"Name\":\"DeleteMessage\",\"Value\":\"True\"}]"));
        docs.Add(Doc(Guid(4), Time(4), "Set-Mailbox", "d@contoso.com", AttackerSession,
            ",\"Parameters\":[{\"Name\":\"Identity\",\"Value\":\"d\"}],\"ClientIP\":\"[2001:db8::1]:80\""));
        List<AuditRecord> converted = Records(Run(Options(PipelineMode.Convert, null, 3), docs, null, null));
        List<AuditRecord> selected = Records(Run(Options(PipelineMode.Select, null, 3), docs, null, null));
        Equal(docs.Count, converted.Count, "converted");
        Equal(docs.Count, selected.Count, "selected");
        int compared = 0;
        for (int i = 0; i < docs.Count; i++)
        {
            AuditRecord a = converted[i], b = selected[i];
            foreach (PropertyInfo p in typeof(AuditRecord).GetProperties())
            {
                if (p.GetIndexParameters().Length > 0 || p.Name == "Full") continue;
                object x = p.GetValue(a, null), y = p.GetValue(b, null);
                IEnumerable list = x as IEnumerable;
                if (list != null && !(x is string))
                {
                    Equal(Describe(y as IEnumerable), Describe(list), a.Id + " " + p.Name);
                }
                else
                {
                    Equal(Convert.ToString(y, CultureInfo.InvariantCulture), Convert.ToString(x, CultureInfo.InvariantCulture), a.Id + " " + p.Name);
                }
                compared++;
            }
        }
        Check(compared > 40, "properties compared: " + compared);
        Equal("quote \" and \\ escaped", converted[1].Items[0].Subject, "an escaped subject");
        Equal("<m2@x>", converted[0].Folders[0].MessageIds[1], "a folder's message");
        Equal("r\u00e9gle", converted[2].Parameters[0].Value, "a parameter of a non-ASCII document");
    }

    private static string Describe(IEnumerable values)
    {
        if (values == null) return "(null)";
        StringBuilder sb = new StringBuilder();
        foreach (object v in values)
        {
            AuditFolder f = v as AuditFolder;
            AuditItem item = v as AuditItem;
            if (f != null) sb.Append(f.Path).Append(':').Append(string.Join("|", f.MessageIds.ToArray()));
            else if (item != null) sb.Append(item.Role).Append(':').Append(item.Subject).Append('|').Append(item.InternetMessageId).Append('|').Append(item.Folder);
            else sb.Append(Convert.ToString(v, CultureInfo.InvariantCulture));
            sb.Append(';');
        }
        return sb.ToString();
    }

    public static void TestStringsAreReadAsTheirUtf8WouldBe()
    {
        // .NET writes a lone surrogate as U+FFFD in UTF-8: the library reads the strings in place the same way.
        Equal("x\uFFFDy\uFFFD", Encoding.UTF8.GetString(Encoding.UTF8.GetBytes("x\uD800y\uDC00")), ".NET's UTF-8 of lone surrogates");
        string escapedSession = "\\u0037c3e91a4-2b5d-4f18-a6c0-d94e2b7f1a5\\u0033";
        List<object> docs = new List<object>();
        docs.Add(Doc(Guid(1), Time(1), "Send", "a@contoso.com", AttackerSession, ",\"Item\":{\"Subject\":\"lone \uD800 high \uDFFF low \uD83D\uDE00 pair\"}"));
        docs.Add(Doc(Guid(2), Time(2), "Send", "\u00e9l\u00e8ve@contoso.com", escapedSession, ",\"Item\":{\"Subject\":\"Caf\u00e9 \u65e5\u672c\"}"));
        docs.Add(Doc(Guid(3), Time(3), "Send", "a@contoso.com", "other", ",\"Item\":{\"Subject\":\"" + AttackerSession + "\"}"));
        docs.Add(Doc(Guid(4), Time(4), "Send", "a@contoso.com", "other", null));
        docs.Add("{\"Id\":\"\uDBFF" + AttackerSession + "\"}\uDC00");
        List<AuditRecordError> errors = new List<AuditRecordError>();
        List<AuditRecord> all = Records(Run(Options(PipelineMode.Convert, null, 10), docs, errors, null));
        Equal(4, all.Count, "records");
        Equal("lone \uFFFD high \uFFFD low \uD83D\uDE00 pair", all[0].Items[0].Subject, "lone surrogates become U+FFFD, pairs stay");
        Equal("\u00e9l\u00e8ve@contoso.com", all[1].UserId, "non-ASCII text");
        Equal("Caf\u00e9 \u65e5\u672c", all[1].Items[0].Subject, "non-ASCII subject");
        Equal(1, errors.Count, "text after the object is an error");
        Equal(4L, errors[0].Index, "at its index");
        Equal((string)docs[4], errors[0].RawText, "with the input's own text");

        AuditFilter f = new AuditFilter();
        f.SessionIds = new string[] { AttackerSession.ToUpperInvariant() };
        using (AuditPipeline p = new AuditPipeline(Options(PipelineMode.Select, f, 10)))
        {
            foreach (object d in docs) p.Add(d, d);
            List<AuditRecord> selected = Records(p.Complete().Items);
            Equal(Guid(1) + "," + Guid(2), Join(Ids(selected)), "the session, written plainly or with escapes, in any case");
            Equal(5L, p.Tally.Read, "read");
            Equal(1L, p.Tally.Skipped, "the document without the id is skipped unparsed");
            Equal(1L, p.Tally.Rejected, "the unreadable one is rejected");
            Equal(1L, p.Tally.FilteredOut, "the id in a subject is parsed and filtered out");
        }
    }

    public static void TestBlankTextIsAnErrorWhateverTheWhiteSpace()
    {
        string[] blanks = { "", " ", "\t\r\n", "\u00a0\u2003 \u3000" };
        foreach (string blank in blanks)
        {
            string problem;
            Check(AuditDocument.From(blank, out problem) == null && problem.Contains("empty"), "blank: [" + blank + "]");
            Hashtable row = new Hashtable();
            row["AuditData"] = blank;
            Check(AuditDocument.From(row, out problem) == null && problem.Contains("empty"), "blank AuditData: [" + blank + "]");
        }
        string p2;
        Equal(" {}", AuditDocument.From(" {}", out p2), "text with white space is kept as it is");
    }

    private static ArrayList Entries(OrderedDictionary d)
    {
        ArrayList list = new ArrayList();
        foreach (DictionaryEntry e in d) list.Add(e);
        return list;
    }

    // ---- inventory --------------------------------------------------------------------------

    public static void TestInventoryListsSessions()
    {
        List<object> input = Incident();
        input.AddRange(Incident());
        List<object> items = Run(Options(PipelineMode.Inventory, null, 4), input, null, null);
        List<AuditSession> sessions = items.ConvertAll(delegate(object o) { return (AuditSession)o; });
        Equal(3, sessions.Count, "attacker, user, and the group without a session");
        AuditSession attacker = sessions[0];
        Check(string.Equals(AttackerSession, attacker.SessionId, StringComparison.OrdinalIgnoreCase), "first seen first: " + attacker.SessionId);
        Equal(3L, attacker.Records, "duplicates counted once");
        Equal(new DateTime(2026, 3, 2, 9, 10, 0, DateTimeKind.Utc), attacker.FirstSeen.Value, "first seen");
        Equal(new DateTime(2026, 3, 2, 9, 40, 0, DateTimeKind.Utc), attacker.LastSeen.Value, "last seen");
        Equal(TimeSpan.FromMinutes(30), attacker.Duration.Value, "duration");
        Equal("megan.bowen@contoso.com", Join(attacker.Users), "users");
        Equal("megan.bowen@contoso.com", Join(attacker.MailboxOwners), "mailbox owners");
        Check(attacker.ClientIPs.Contains("185.73.124.135") && attacker.ClientIPs.Contains("2001:db8::1"), "addresses: " + Join(attacker.ClientIPs));
        Equal(AttackerAad, Join(attacker.AADSessionIds), "AAD sessions");
        Equal("Client=REST;Client=RESTSystem;", Join(attacker.ClientInfoStrings), "client strings");
        Equal(1L, attacker.Operations["HardDelete"], "operation counts");
        Equal(1L, attacker.Operations["mailitemsaccessed"], "operation names without case");
        Equal(3, attacker.Operations.Count, "three operations");
        Equal(UserSession, sessions[1].SessionId, "user session");
        Check(sessions[2].SessionId == null, "no-session group last");
        Equal(2L, sessions[2].Records, "two records without a session");
        Check(sessions[2].ToString().Contains("no session"), "text of the group");
    }

    public static void TestInventoryWithAFilter()
    {
        AuditFilter f = new AuditFilter();
        f.UserIds = new string[] { "admin@contoso.com" };
        List<object> items = Run(Options(PipelineMode.Inventory, f, 4), Incident(), null, null);
        Equal(1, items.Count, "only the admin's group");
        Equal(1L, ((AuditSession)items[0]).Records, "one record");
    }

    // ---- files ------------------------------------------------------------------------------

    public static void TestImportReadsFilesWithFilters()
    {
        string dir = Path.Combine(Path.GetTempPath(), "auditsift-mono-" + System.Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            List<object> docs = Incident();
            string jsonl = Path.Combine(dir, "a.jsonl");
            StringBuilder lines = new StringBuilder();
            foreach (object d in docs) lines.Append((string)d).Append('\n');
            lines.Append("{ broken\n");
            File.WriteAllText(jsonl, lines.ToString(), new UTF8Encoding(false));
            string csv = Path.Combine(dir, "b.csv");
            StringBuilder rows = new StringBuilder("RecordId,CreationDate,RecordType,Operation,UserId,AuditData,AssociatedAdminUnits,AssociatedAdminUnitsNames\r\n");
            foreach (object d in docs)
            {
                rows.Append("x,2026-03-02T09:00:00.0000000Z,ExchangeItem,Send,u,\"").Append(((string)d).Replace("\"", "\"\"")).Append("\",,\r\n");
            }
            File.WriteAllText(csv, rows.ToString(), new UTF8Encoding(true));

            AuditFilter f = new AuditFilter();
            f.SessionIds = new string[] { AttackerSession };
            PipelineOptions o = Options(PipelineMode.Select, f, 2);
            List<AuditRecordError> errors = new List<AuditRecordError>();
            List<AuditRecord> records;
            using (AuditLogImport import = new AuditLogImport(o))
            {
                foreach (string file in new string[] { jsonl, csv })
                {
                    import.Open(file);
                    AuditBatchOutput batch;
                    int batches = 0;
                    while ((batch = import.ReadNext()) != null)
                    {
                        batches++;
                        errors.AddRange(batch.Errors);
                        Equal(0, batch.Items.Count, "Select writes at the end");
                        Check(import.PercentComplete >= 0 && import.PercentComplete <= 100, "progress in range");
                    }
                    Check(batches >= 1, "read in batches");
                    import.Close();
                }
                records = Records(import.Complete().Items);
                Check(import.Tally.IsConsistent, "tally: " + import.Tally);
                Equal((long)(2 * docs.Count + 1), import.Tally.Read, "every row and line counted (the documents in each file, and the broken line)");
            }
            Equal(Guid(2) + "," + Guid(1) + "," + Guid(4), Join(Ids(records)), "both files, de-duplicated, in time order");
            Check(records[0].AuditData != null && records[0].AuditData.Contains(Guid(2)), "AuditData from the file");
            Check(records[0].InputObject == null, "no input object for file records");
            // The broken line cannot contain the session id: the prefilter skips it, no error.
            Equal(0, errors.Count, "nothing unreadable among the candidates");

            List<AuditRecordError> streamErrors = new List<AuditRecordError>();
            List<AuditRecord> streamed = new List<AuditRecord>();
            using (AuditLogImport import = new AuditLogImport(Options(PipelineMode.Convert, null, 3)))
            {
                import.Open(jsonl);
                AuditBatchOutput batch;
                while ((batch = import.ReadNext()) != null)
                {
                    streamed.AddRange(Records(batch.Items));
                    streamErrors.AddRange(batch.Errors);
                }
                Equal(0, import.Complete().Items.Count, "streaming writes nothing at the end");
            }
            Equal(6, streamed.Count, "file order, all records");
            Equal(Guid(1), streamed[0].Id, "first line first");
            Equal(1, streamErrors.Count, "the broken line");
            Equal(6L, streamErrors[0].Index, "its position");
            Check(streamErrors[0].Source.Contains("a.jsonl") && streamErrors[0].Source.Contains("7"), "names the file and line: " + streamErrors[0].Source);
            Equal("{ broken", streamErrors[0].RawText, "raw line kept");

            using (AuditLogImport import = new AuditLogImport(Options(PipelineMode.Convert, null, 3)))
            {
                Throws<InvalidOperationException>(delegate { import.Open(Path.Combine(dir, "missing.csv")); }, "a missing file");
            }
            Throws<ArgumentException>(delegate { new AuditLogImport(Options(PipelineMode.Inventory, null, 3)); }, "inventory is not an import");
            Throws<ArgumentException>(delegate { new AuditLogImport(Options(PipelineMode.Pivot, null, 3)); }, "nor is a pivot");
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    /// <summary>
    /// A record whose AuditData has no CreationTime takes the CSV's CreationDate; 3/12/2025 could be
    /// 12 March or 3 December, so the import says so as a warning naming the file and row.
    /// </summary>
    public static void TestImportWarnsAboutAmbiguousDates()
    {
        string purview = Path.Combine(Path.Combine(Path.Combine(Path.Combine(repoRoot, "tests"), "fixtures"), "files"), "purview.csv");
        List<AuditReadWarning> warnings = new List<AuditReadWarning>();
        int errors = 0;
        using (AuditLogImport import = new AuditLogImport(Options(PipelineMode.Convert, null, 3)))
        {
            import.Open(purview);
            AuditBatchOutput batch;
            while ((batch = import.ReadNext()) != null)
            {
                warnings.AddRange(batch.Warnings);
                errors += batch.Errors.Count;
            }
        }
        Equal(3, errors, "the fixture's three bad rows");
        Equal(1, warnings.Count, "one date read month first");
        Equal("AmbiguousDate", warnings[0].Kind, "kind");
        Equal(3L, warnings[0].Index, "the fourth record");
        Check(warnings[0].Source.EndsWith("purview.csv:row 4 (line 34)"), "names the file and row: " + warnings[0].Source);
        Check(warnings[0].ToString().Contains("'3/12/2025 7:31:34 PM' could be month/day or day/month"), warnings[0].ToString());
    }

    // ---- MailItemsAccessed exposure and pivots ----------------------------------------------

    private const string S1 = "11111111-1111-4111-8111-111111111111";
    private const string S2 = "22222222-2222-4222-8222-222222222222";
    private const string S3 = "33333333-3333-4333-8333-333333333333";

    /// <summary>A MailItemsAccessed AuditData record of megan.bowen's mailbox; session null leaves SessionId out.</summary>
    private static string Mia(int n, string time, string session, string ip, string kind, bool throttled, string folder,
        string[] messages, int count)
    {
        StringBuilder extra = new StringBuilder();
        extra.Append(",\"MailboxOwnerUPN\":\"megan.bowen@contoso.com\",\"ClientIPAddress\":\"").Append(ip)
            .Append("\",\"ClientInfoString\":\"Client=REST;Client=RESTSystem;;\",\"LogonType\":0")
            .Append(",\"OperationProperties\":[{\"Name\":\"MailAccessType\",\"Value\":\"").Append(kind)
            .Append("\"},{\"Name\":\"IsThrottled\",\"Value\":\"").Append(throttled ? "True" : "False").Append("\"}]")
            .Append(",\"OperationCount\":").Append(count)
            .Append(",\"Folders\":[{\"Path\":").Append(Quote(folder)).Append(",\"FolderItems\":[");
        for (int i = 0; i < messages.Length; i++)
        {
            extra.Append(i == 0 ? string.Empty : ",").Append("{\"InternetMessageId\":").Append(Quote(messages[i])).Append('}');
        }
        extra.Append("]}]");
        return Doc(Guid(n), time, "MailItemsAccessed", "megan.bowen@contoso.com", session, extra.ToString());
    }

    private static string Bind(int n, string time, string session, string ip, params string[] messages)
    {
        return Mia(n, time, session, ip, "Bind", false, "\\Inbox", messages, messages.Length);
    }

    /// <summary>Microsoft's example: three Bind records, contexts differing by SessionId and address, messages A to F.</summary>
    private static List<object> DocumentedExample()
    {
        List<object> docs = new List<object>();
        docs.Add(Bind(101, "2026-03-02T10:00:00", S1, "192.0.2.10", "<A@contoso.com>", "<B@contoso.com>", "<C@contoso.com>"));
        docs.Add(Bind(102, "2026-03-02T10:01:00", S2, "192.0.2.10", "<D@contoso.com>", "<E@contoso.com>"));
        docs.Add(Bind(103, "2026-03-02T10:02:00", S1, "198.51.100.7", "<A@contoso.com>", "<F@contoso.com>"));
        return docs;
    }

    private static List<MailboxExposure> Exposure(AuditFilter scope, IList inputs, int batchSize, List<AuditRecordError> errors)
    {
        List<MailboxExposure> mailboxes = new List<MailboxExposure>();
        foreach (object o in Run(Options(PipelineMode.Exposure, scope, batchSize), inputs, errors, null))
        {
            MailboxExposure m = o as MailboxExposure;
            Check(m != null, "item is a MailboxExposure: " + o);
            mailboxes.Add(m);
        }
        return mailboxes;
    }

    /// <summary>Everything an exposure says, as text, to compare two of them.</summary>
    private static string Describe(List<MailboxExposure> mailboxes)
    {
        StringBuilder sb = new StringBuilder();
        foreach (MailboxExposure m in mailboxes)
        {
            sb.Append(m).Append(" | ").Append(m.Totals).Append(" | ").Append(m.FirstSeen).Append('\n');
            foreach (ExposureContext c in m.Contexts)
            {
                sb.Append("  ").Append(c).Append(' ').Append(c.Totals).Append(' ').Append(c.DuringThrottling).Append('\n');
                foreach (ExposedMessage b in c.Messages) sb.Append("    ").Append(b).Append(' ').Append(b.LastAccess).Append('\n');
            }
            foreach (ExposedMessage b in m.Messages)
            {
                sb.Append("  ").Append(b).Append(' ').Append(string.Join(",", b.Folders.ToArray())).Append(' ')
                    .Append(string.Join(",", b.Sessions.ToArray())).Append(' ').Append(b.Contexts.Count).Append(' ').Append(b.InSyncedFolder).Append('\n');
            }
            foreach (SyncedFolder s in m.SyncFolders) sb.Append("  sync ").Append(s).Append(' ').Append(s.RecordId).Append('\n');
            foreach (UnitemizedBind u in m.UnitemizedBinds) sb.Append("  unitemized ").Append(u).Append('\n');
            foreach (ThrottleWindow w in m.ThrottledWindows)
            {
                sb.Append("  window ").Append(w).Append(' ').Append(string.Join(",", w.RecordIds.ToArray())).Append(' ')
                    .Append(w.Sessions.Count).Append('\n');
            }
        }
        return sb.ToString();
    }

    public static void TestExposureDocumentedExample()
    {
        List<MailboxExposure> mailboxes = Exposure(null, DocumentedExample(), 2, null);
        Equal(1, mailboxes.Count, "one mailbox");
        MailboxExposure m = mailboxes[0];
        Equal("megan.bowen@contoso.com", m.Mailbox, "mailbox");
        Equal(3, m.Contexts.Count, "SessionId and ClientIPAddress each make a context");
        Equal(S1 + "/192.0.2.10," + S2 + "/192.0.2.10," + S1 + "/198.51.100.7",
            m.Contexts[0].SessionId + "/" + m.Contexts[0].ClientIPAddress + "," + m.Contexts[1].SessionId + "/" + m.Contexts[1].ClientIPAddress
            + "," + m.Contexts[2].SessionId + "/" + m.Contexts[2].ClientIPAddress, "contexts by first access");
        Equal("Owner", m.Contexts[0].LogonType, "LogonType name");
        Equal("Client=REST;Client=RESTSystem;;", m.Contexts[0].ClientInfoString, "client");
        List<string> ids = new List<string>();
        foreach (ExposedMessage b in m.Messages) ids.Add(b.InternetMessageId);
        Equal("<A@contoso.com>,<B@contoso.com>,<C@contoso.com>,<D@contoso.com>,<E@contoso.com>,<F@contoso.com>", Join(ids), "messages A to F");
        ExposedMessage a = m.Messages[0];
        Equal(2L, a.Accesses, "A read twice");
        Equal(2, a.Contexts.Count, "A in two contexts");
        Check(ReferenceEquals(m.Contexts[0].Context, a.Contexts[0]) && ReferenceEquals(m.Contexts[2].Context, a.Contexts[1]),
            "A's contexts are the mailbox's first and third");
        Equal(S1, Join(a.Sessions), "one session read A");
        Equal(new DateTime(2026, 3, 2, 10, 0, 0, DateTimeKind.Utc), a.FirstAccess.Value, "first access");
        Equal(new DateTime(2026, 3, 2, 10, 2, 0, DateTimeKind.Utc), a.LastAccess.Value, "last access");
        Equal("\\Inbox", Join(a.Folders), "folder");
        Equal("3,2,2", m.Contexts[0].Totals.Messages + "," + m.Contexts[1].Totals.Messages + "," + m.Contexts[2].Totals.Messages, "per context");
        Equal("<A@contoso.com> (1 access),<F@contoso.com> (1 access)",
            m.Contexts[2].Messages[0] + "," + m.Contexts[2].Messages[1], "a context lists its own accesses");
        Equal(1, m.Contexts[2].Messages[0].Contexts.Count, "and only itself");
        Equal(6L, m.Totals.Messages, "six messages");
        Equal(7L, m.Totals.Binds, "seven binds");
        Equal(3L, m.Totals.Records, "three records");
        Equal(0L, m.Totals.Syncs, "no sync");
        Check(!m.IsThrottled && !m.DuringThrottling, "no hole");
        Equal(new DateTime(2026, 3, 2, 10, 0, 0, DateTimeKind.Utc), m.FirstSeen.Value, "first seen");
        Equal(new DateTime(2026, 3, 2, 10, 2, 0, DateTimeKind.Utc), m.LastSeen.Value, "last seen");
        Equal("\\Inbox (0 syncs, 6 messages)", m.Folders[0].ToString(), "folder summary");

        AuditFilter one = new AuditFilter();
        one.SessionIds = new string[] { S2.ToUpperInvariant() };
        m = Exposure(one, DocumentedExample(), 10, null)[0];
        Equal(1, m.Contexts.Count, "narrowed to one session");
        Equal(2L, m.Totals.Messages, "its two messages");
    }

    /// <summary>A throttled Sync of another session opens a hole that flags the scoped session active in it.</summary>
    private static List<object> ThrottledIncident()
    {
        List<object> docs = new List<object>();
        docs.Add(Mia(201, "2026-03-02T12:00:00", S2, "192.0.2.99", "Sync", true, "\\Inbox", new string[0], 1));
        docs.Add(Bind(202, "2026-03-02T11:00:00", S1, "192.0.2.10", "<P@contoso.com>"));
        docs.Add(Doc(Guid(203), "2026-03-03T09:00:00", "HardDelete", "megan.bowen@contoso.com", S1,
            ",\"MailboxOwnerUPN\":\"megan.bowen@contoso.com\",\"ClientIPAddress\":\"192.0.2.10\""));
        docs.Add(Bind(204, "2026-03-04T13:00:00", S3, "192.0.2.10", "<Q@contoso.com>"));
        // Basic authentication (no SessionId) inside the hole.
        docs.Add(Mia(205, "2026-03-02T18:00:00", null, "203.0.113.5", "Sync", false, "\\Sent Items", new string[0], 1));
        return docs;
    }

    public static void TestExposureThrottlingHoleFlagsSessions()
    {
        AuditFilter scope = new AuditFilter();
        scope.SessionIds = new string[] { S1, S3 };
        MailboxExposure m = Exposure(scope, ThrottledIncident(), 2, null)[0];
        Equal(1, m.ThrottledWindows.Count, "one hole");
        ThrottleWindow w = m.ThrottledWindows[0];
        Equal(new DateTime(2026, 3, 2, 12, 0, 0, DateTimeKind.Utc), w.Start.Value, "a throttled record outside the scope still opens it");
        Equal(new DateTime(2026, 3, 3, 12, 0, 0, DateTimeKind.Utc), w.End.Value, "24 hours");
        Equal(Guid(201), Join(w.RecordIds), "its record");
        Equal(1L, w.Records, "one throttled record");
        Equal(S1, Join(w.Sessions), "the scoped session active in the hole");
        Equal(0L, m.Totals.Syncs, "the throttled Sync itself is out of scope");
        Equal("True,False", m.Contexts[0].DuringThrottling + "," + m.Contexts[1].DuringThrottling, "flags");
        Check(m.DuringThrottling && m.IsThrottled, "mailbox flags");
        Check(w.Warning.Contains("megan.bowen@contoso.com") && w.Warning.Contains("Bind auditing stopped from 2026-03-02 12:00:00Z to 2026-03-03 12:00:00Z")
            && w.Warning.Contains("all mail in the mailbox must be assumed read"), "warning: " + w.Warning);

        // Unscoped: the basic-auth session in the hole is a null session of the window.
        m = Exposure(null, ThrottledIncident(), 3, null)[0];
        w = m.ThrottledWindows[0];
        Check(w.Sessions.Contains(null), "a null entry for the records without a SessionId: " + w.Sessions.Count);
        Check(w.Sessions.Contains(S2) && w.Sessions.Contains(S1), "S1 and S2 active");
        ExposureContext basic = m.Contexts.Find(delegate(ExposureContext c) { return c.SessionId == null; });
        Check(basic != null && basic.DuringThrottling, "the basic-auth context is flagged");
        Equal("\\Sent Items", basic.SyncFolders[0].Folder, "its Sync");
        Equal(2L, m.Totals.Syncs, "both Syncs count unscoped");

        AuditFilter other = new AuditFilter();
        other.UserIds = new string[] { "alex.wilber@contoso.com" };
        Equal(0, Exposure(other, ThrottledIncident(), 3, null).Count, "another user's scope sees no hole here");
    }

    public static void TestExposureFromMailboxAuditLogObjects()
    {
        MailboxAuditLogRecord bind = SyncRecord();
        bind.OperationProperties = new string[] { "MailAccessType:Bind", "IsThrottled:False" };
        bind.AuditOperationsCountInAggregatedRecord = 4;
        bind.LastAccessed = new DateTime(2026, 3, 2, 7, 55, 12, DateTimeKind.Utc);
        bind.AggregatedRecordFoldersData = "\\Inbox: \"<H8@contoso.com>\",\"<I9@contoso.com>\"";
        MailboxAuditLogRecord throttled = SyncRecord();
        throttled.LastAccessed = new DateTime(2026, 3, 2, 8, 0, 0, DateTimeKind.Utc);
        List<MailboxExposure> mailboxes = Exposure(null, new object[] { bind, throttled, bind }, 1, null);
        MailboxExposure m = mailboxes[0];
        Equal("megan.bowen@contoso.com", m.Mailbox, "owner");
        Equal(1, m.Contexts.Count, "one context");
        Equal(AttackerSession, m.Contexts[0].SessionId, "SessionId");
        Equal("185.73.124.135", m.Contexts[0].ClientIPAddress, "address");
        Equal(2L, m.Totals.Messages, "the aggregated message ids");
        Equal(4L, m.Totals.Binds, "AuditOperationsCountInAggregatedRecord");
        Equal(1, m.UnitemizedBinds.Count, "two binds not itemized");
        Equal(2L, m.UnitemizedBinds[0].Unitemized, "4 - 2");
        Equal(1L, m.Totals.Syncs, "the throttled Sync is in scope");
        Equal("\\Inbox", m.SyncFolders[0].Folder, "Sync folder");
        Equal(AttackerSession, m.SyncFolders[0].SessionId, "Sync session");
        Equal(1, m.ThrottledWindows.Count, "IsThrottled:True opens a hole");
        Check(m.Messages[0].InSyncedFolder == false, "bound before the Sync");

        // The same access as AuditData gives the same exposure.
        string unified = Mia(301, "2026-03-02T07:55:12", AttackerSession, "185.73.124.135", "Bind", false, "\\Inbox",
            new string[] { "<H8@contoso.com>", "<I9@contoso.com>" }, 4).Replace("Client=REST;Client=RESTSystem;;", "Client=MSExchangeRPC");
        MailboxExposure u = Exposure(null, new object[] { unified }, 5, null)[0];
        Equal(m.Totals.Binds + "," + m.Totals.Messages + "," + m.Totals.UnitemizedBinds,
            u.Totals.Binds + "," + u.Totals.Messages + "," + u.Totals.UnitemizedBinds, "both cmdlets' shapes count alike");
    }

    public static void TestExposureCountsRepeatedPagesOnce()
    {
        List<object> pages = new List<object>();
        for (int i = 0; i < 3; i++) pages.AddRange(DocumentedExample());
        using (AuditPipeline p = new AuditPipeline(Options(PipelineMode.Exposure, null, 2)))
        {
            List<object> items = new List<object>();
            foreach (object d in pages)
            {
                AuditBatchOutput o = p.Add(d);
                if (o != null) items.AddRange(o.Items);
            }
            Equal(0, items.Count, "nothing before the end");
            items.AddRange(p.Complete().Items);
            Equal(1, items.Count, "one mailbox");
            Equal(6L, p.Tally.Duplicates, "two repeats of three records");
            Equal(3L, p.Tally.Matched, "three records used");
            Check(p.Tally.IsConsistent, "tally: " + p.Tally);
            MailboxExposure m = (MailboxExposure)items[0];
            Equal(3L, m.Totals.Records, "counted once");
            Equal(2L, m.Messages[0].Accesses, "A still read twice");
        }
    }

    public static void TestExposureIsTheSameForEveryBatchSize()
    {
        List<object> docs = new List<object>(DocumentedExample());
        docs.AddRange(ThrottledIncident());
        docs.Add(Mia(401, "2026-03-02T09:00:00", S1, "192.0.2.10", "Sync", false, "\\Inbox", new string[0], 1));
        string one = Describe(Exposure(null, docs, 1, null));
        Check(one.Contains("window") && one.Contains("sync") && one.Contains("True"), "a rich exposure: " + one);
        foreach (int size in new int[] { 2, 3, 7, 5000 })
        {
            Equal(one, Describe(Exposure(null, docs, size, null)), "batch size " + size);
        }
        docs.Reverse();
        Equal(one, Describe(Exposure(null, docs, 4, null)), "input order does not matter");
    }

    public static void TestExposureKeepsUnreadableInputsAsErrors()
    {
        List<object> docs = new List<object>();
        docs.Add("{oops");
        docs.AddRange(DocumentedExample());
        docs.Add(new UnifiedAuditLogResult());
        List<AuditRecordError> errors = new List<AuditRecordError>();
        List<MailboxExposure> m = Exposure(null, docs, 2, errors);
        Equal(1, m.Count, "the readable records counted");
        Equal(3L, m[0].Totals.Records, "all three");
        Equal(2, errors.Count, "two errors");
        Equal(0L, errors[0].Index, "first input");
        Equal(4L, errors[1].Index, "last input");
        Equal("{oops", errors[0].RawText, "raw text kept");
    }

    private static PivotResult Pivot(PivotQuery query, PivotView view, IList inputs, int batchSize, List<object> items,
        List<AuditRecordError> errors)
    {
        PipelineOptions o = Options(PipelineMode.Pivot, null, batchSize);
        o.Pivot = query;
        o.PivotView = view;
        using (AuditPipeline p = new AuditPipeline(o))
        {
            foreach (object d in inputs)
            {
                AuditBatchOutput batch = p.Add(d);
                if (batch != null)
                {
                    Equal(0, batch.Items.Count, "a pivot writes at the end");
                    if (errors != null) errors.AddRange(batch.Errors);
                }
            }
            AuditBatchOutput last = p.Complete();
            if (items != null) items.AddRange(last.Items);
            if (errors != null) errors.AddRange(last.Errors);
            Check(p.Tally.IsConsistent, "tally: " + p.Tally);
            Equal((long)inputs.Count, p.Tally.Read, "every input counted");
            Equal((long)p.PivotResult.Records.Count, p.Tally.Matched, "matched are the records found");
            return p.PivotResult;
        }
    }

    public static void TestPivotByMessageIdListsEveryContext()
    {
        List<object> docs = new List<object>();
        docs.Add("not json");
        docs.AddRange(DocumentedExample());
        docs.Add(Doc(Guid(104), "2026-03-02T10:30:00", "HardDelete", "megan.bowen@contoso.com", S2,
            ",\"ClientIP\":\"198.51.100.7:4431\",\"MailboxOwnerUPN\":\"megan.bowen@contoso.com\""
            + ",\"AffectedItems\":[{\"Subject\":\"Invoice\",\"InternetMessageId\":\"<a@CONTOSO.com>\",\"ParentFolder\":{\"Path\":\"\\\\Inbox\"}}]"));
        docs.Add(new Hashtable());
        docs.AddRange(DocumentedExample());
        PivotQuery q = new PivotQuery();
        q.InternetMessageIds = new string[] { "  a@contoso.com " };
        List<object> items = new List<object>();
        List<AuditRecordError> errors = new List<AuditRecordError>();
        PivotResult found = Pivot(q, PivotView.Accesses, docs, 2, items, errors);
        Equal(3, items.Count, "three contexts touched A");
        MessageAccess first = (MessageAccess)items[0];
        Equal("<A@contoso.com>", first.InternetMessageId, "as the record wrote it");
        Equal(S1 + "/192.0.2.10", first.SessionId + "/" + first.ClientIPAddress, "first context");
        Equal(1L, (long)first.Operations["MailItemsAccessed"], "one Bind record");
        MessageAccess delete = (MessageAccess)items[2];
        Equal(S2 + "/198.51.100.7", delete.SessionId + "/" + delete.ClientIPAddress, "the deleting context, port dropped");
        Equal(1L, (long)delete.Operations["harddelete"], "operations by name, any case");
        Equal(new DateTime(2026, 3, 2, 10, 30, 0, DateTimeKind.Utc), delete.FirstSeen.Value, "when");
        Equal(Guid(101) + "," + Guid(103) + "," + Guid(104), Join(Ids(found.Records)), "the records, de-duplicated, in time order");
        Equal("1,3,4", found.Records[0].Index + "," + found.Records[1].Index + "," + found.Records[2].Index,
            "record positions count every input, the unreadable ones too");
        Check(found.Records[2].AuditData.Contains("HardDelete"), "AuditData comes back");
        Equal(2, found.Sessions.Count, "the sessions of the records found");
        Equal(2, errors.Count, "the bad inputs are errors");
        Equal(0L, errors[0].Index, "'not json'");
        Equal(5L, errors[1].Index, "the empty dictionary");
    }

    public static void TestPivotByAddressAndEntraSession()
    {
        PivotQuery byIp = new PivotQuery();
        byIp.IPAddresses = new string[] { "198.51.100.7:443" };
        List<object> items = new List<object>();
        Pivot(byIp, PivotView.Sessions, DocumentedExample(), 1, items, null);
        Equal(1, items.Count, "one session used the address");
        Equal(S1, ((AuditSession)items[0]).SessionId, "S1");

        PivotQuery byAad = new PivotQuery();
        byAad.AADSessionIds = new string[] { AttackerAad.ToUpperInvariant() };
        items.Clear();
        PivotResult found = Pivot(byAad, PivotView.Records, Incident(), 4, items, null);
        Equal(Guid(1) + "," + Guid(6), Join(Ids(Records(items))), "the Exchange record and the file download of the Entra session");
        Check(found.Sessions.Exists(delegate(AuditSession s) { return string.Equals(s.SessionId, AttackerSession, StringComparison.OrdinalIgnoreCase); }),
            "its Exchange session");
        Equal(0, found.MessageAccesses.Count, "no message ids asked");

        PivotQuery both = new PivotQuery();
        both.AADSessionIds = new string[] { AttackerAad };
        both.IPAddresses = new string[] { "10.0.0.9" };
        found = Pivot(both, PivotView.Records, Incident(), 4, null, null);
        Equal(Guid(5) + "," + Guid(1) + "," + Guid(6), Join(Ids(found.Records)), "kinds are OR-ed");

        Throws<ArgumentException>(delegate { Pivot(new PivotQuery(), PivotView.Records, Incident(), 4, null, null); }, "a pivot needs a key");
        PipelineOptions filtered = Options(PipelineMode.Pivot, new AuditFilter(), 4);
        filtered.Pivot = byIp;
        filtered.Filter.UserIds = new string[] { "x@y" };
        Throws<ArgumentException>(delegate { new AuditPipeline(filtered).Dispose(); }, "a pivot takes no filter");
    }

    /// <summary>The bundled incident: a file read by the native reader into an exposure, and the same records from the pipeline.</summary>
    public static void TestExposureOfTheSampleFromAFileAndFromThePipeline()
    {
        string sample = Path.Combine(repoRoot, "examples/incident.csv");
        AuditFilter scope = new AuditFilter();
        scope.SessionIds = new string[] { AttackerSession };
        List<MailboxExposure> fromFile;
        List<AuditRecordError> fileErrors = new List<AuditRecordError>();
        using (AuditLogImport import = new AuditLogImport(Options(PipelineMode.Exposure, scope, 700)))
        {
            import.Open(sample);
            AuditBatchOutput batch;
            while ((batch = import.ReadNext()) != null)
            {
                Equal(0, batch.Items.Count, "an exposure writes at the end");
                fileErrors.AddRange(batch.Errors);
            }
            fromFile = new List<MailboxExposure>();
            foreach (object o in import.Complete().Items) fromFile.Add((MailboxExposure)o);
            Check(import.Tally.IsConsistent, "tally: " + import.Tally);
            Equal(3000L, import.Tally.Read, "every row");
        }

        // The same rows as AuditData strings through the pipeline.
        List<object> docs = new List<object>();
        using (AuditLogImport import = new AuditLogImport(Options(PipelineMode.Convert, null, 1000)))
        {
            import.Open(sample);
            AuditBatchOutput batch;
            while ((batch = import.ReadNext()) != null)
            {
                foreach (AuditRecord r in Records(batch.Items)) docs.Add(r.AuditData);
            }
        }
        List<MailboxExposure> fromPipeline = Exposure(scope, docs, 500, null);
        Equal(Describe(fromFile), Describe(fromPipeline), "the file reader and the pipeline agree");

        Equal(1, fromFile.Count, "the attacker read one mailbox");
        MailboxExposure m = fromFile[0];
        Equal("megan.bowen@contoso.com", m.Mailbox, "the victim's");
        Check(m.Contexts.TrueForAll(delegate(ExposureContext c) { return c.SessionId == AttackerSession; }), "only the attacker's contexts");
        string truth = File.ReadAllText(Path.Combine(repoRoot, "examples/incident.truth.json"));
        int truthMessages = truth.Split(new string[] { "\"internet_message_id\"" }, StringSplitOptions.None).Length - 1;
        Equal((long)truthMessages, m.Totals.Messages, "the messages the generator says the attacker read");
        Equal(1, m.ThrottledWindows.Count, "one hole");
        Check(m.ThrottledWindows[0].Sessions.Contains(AttackerSession), "the attacker session is flagged");
        Check(m.Contexts.Exists(delegate(ExposureContext c) { return c.DuringThrottling; }), "a context during the hole");
    }

    public static void TestExposureObjectsPrintReadably()
    {
        MailboxExposure m = Exposure(null, DocumentedExample(), 5, null)[0];
        Equal("megan.bowen@contoso.com: 6 messages, 0 syncs, 3 contexts", m.ToString(), "mailbox");
        Equal(S1 + " / 192.0.2.10 / Client=REST;Client=RESTSystem;; / Owner / megan.bowen@contoso.com", m.Contexts[0].Context.ToString(), "context");
        Equal("3 records, 0 syncs, 7 binds, 6 messages, 1 folders, 0 unitemized binds", m.Totals.ToString(), "totals");
        Equal("- / - / - / - / -", new AccessContext().ToString(), "empty context");
        ThrottleWindow w = new ThrottleWindow();
        Check(w.Warning.Contains("(no time)"), "a window without times still reads: " + w.Warning);
    }

    // ---- HTML report ------------------------------------------------------------------------

    /// <summary>A new empty folder under the temp path.</summary>
    private static string TempFolder()
    {
        string dir = Path.Combine(Path.GetTempPath(), "auditsift-mono-" + System.Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    private const string DataOpen = "<script id=\"auditsift-data\" type=\"application/json\">";

    /// <summary>The report's embedded data, as the page holds it (escaped JSON).</summary>
    private static string ReportData(string html)
    {
        int start = html.IndexOf(DataOpen, StringComparison.Ordinal);
        Check(start >= 0, "the report has its data element");
        start += DataOpen.Length;
        int end = html.IndexOf("</script>", start, StringComparison.Ordinal);
        Check(end > start, "the data element ends");
        return html.Substring(start, end - start);
    }

    private static int Occurrences(string text, string what)
    {
        int n = 0;
        for (int at = text.IndexOf(what, StringComparison.Ordinal); at >= 0; at = text.IndexOf(what, at + what.Length, StringComparison.Ordinal))
        {
            n++;
        }
        return n;
    }

    private static PipelineOptions ReportOptionsFor(AuditFilter scope, int batchSize, string path, string title)
    {
        PipelineOptions o = Options(PipelineMode.Report, scope, batchSize);
        o.Report = new ReportOptions();
        o.Report.Path = path;
        o.Report.Title = title;
        return o;
    }

    /// <summary>Pipeline objects in batches of 3: the attacker's records, a hostile subject, a bad document and a null.</summary>
    public static void TestReportFromPipelineObjects()
    {
        List<object> input = Incident();
        input.Add(Doc(Guid(7), Time(45), "HardDelete", "megan.bowen@contoso.com", AttackerSession,
            ",\"AffectedItems\":[{\"Subject\":\"</script><img src=x onerror=alert(1)>\"}]"));
        input.Add("{\"SessionId\":\"" + AttackerSession + "\", oops");
        input.Add(null);
        input.Add(input[0]);
        input.Add(Doc(Guid(8), Time(60), "Send", "megan.bowen@contoso.com", AttackerSession, null));
        AuditFilter scope = new AuditFilter();
        scope.SessionIds = new string[] { AttackerSession };
        string dir = TempFolder();
        try
        {
            string path = Path.Combine(dir, "report.html");
            List<AuditRecordError> errors = new List<AuditRecordError>();
            using (AuditPipeline p = new AuditPipeline(ReportOptionsFor(scope, 3, path, "Case <4711>")))
            {
                foreach (object o in input)
                {
                    AuditBatchOutput batch = p.Add(o, o);
                    if (batch != null)
                    {
                        Equal(0, batch.Items.Count, "a report emits no objects");
                        errors.AddRange(batch.Errors);
                    }
                }
                Check(!File.Exists(path), "the file is written when the input ends");
                AuditBatchOutput last = p.Complete();
                Equal(0, last.Items.Count, "a report emits no objects");
                errors.AddRange(last.Errors);
                Check(p.Tally.IsConsistent, "tally adds up: " + p.Tally);
                Equal("11 2 1 5", p.Tally.Read + " " + p.Tally.Rejected + " " + p.Tally.Duplicates + " " + p.Tally.Matched,
                    "read, rejected, duplicates, matched");
            }
            Check(File.Exists(path), "the report exists");
            string html = File.ReadAllText(path, Encoding.UTF8);
            string data = ReportData(html);

            // The attacker's five records, not the user's session nor the sign-in.
            Equal(5, Occurrences(data, "{\"d\":"), "one event per record in scope");
            foreach (int n in new int[] { 1, 2, 4, 7, 8 })
            {
                Check(data.Contains(Guid(n)), "record " + n + " is in the report");
            }
            Check(!data.Contains(Guid(3)) && !data.Contains(Guid(6)), "records out of scope are not");
            Check(data.Contains("\"ThrottledWindows\":[]") && data.Contains("<a1@contoso.com>".Replace("<", "\\u003c").Replace(">", "\\u003e")),
                "the exposure of the attacker's MailItemsAccessed");

            // Hostile text stays escaped JSON inside the data element.
            Check(!html.Contains("<img src=x"), "the hostile subject is not markup");
            Check(data.Contains("\\u003c/script\\u003e\\u003cimg src=x onerror=alert(1)\\u003e"), "it is kept, escaped");
            Check(data.IndexOf('<') < 0 && data.IndexOf('>') < 0, "no markup characters in the data");
            Check(data.Contains("\"title\":\"Case \\u003c4711\\u003e\""), "the title, escaped");
            Check(data.Contains("\"filters\":[\"-SessionId " + AttackerSession + "\"]"), "the filters as PowerShell parameters");
            Check(data.Contains("\"files\":[{\"path\":\"pipeline\",\"records\":11}]"), "the input summary");

            // Errors name the record, in the report as in the output.
            Equal(2, errors.Count, "the bad document and the null");
            Equal(7L, errors[0].Index, "the bad document's position");
            Check(errors[0].Message.StartsWith("Record 7 could not be read: ", StringComparison.Ordinal), errors[0].Message);
            Equal(8L, errors[1].Index, "the null's position");
            Check(data.Contains("\"source\":\"record 7\"}"), "the report names the bad document");
            Check(data.Contains("\"raw\":\"{\\\"SessionId\\\":\\\"" + AttackerSession + "\\\", oops\""), "with its raw text");
            Check(data.Contains("\"reason\":\"the input is null\",\"source\":\"record 8\"}"), "and the null");
            Check(data.Contains("\"rejected\":2") && data.Contains("\"duplicates\":1") && data.Contains("\"read\":11"), "the counts");
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    /// <summary>Files read natively (the sample and a Purview fixture with bad rows) into a report without raw AuditData.</summary>
    public static void TestReportFromFiles()
    {
        string[] files = new string[]
        {
            Path.Combine(repoRoot, "examples/incident.csv"),
            Path.Combine(repoRoot, "tests/fixtures/files/purview.csv"),
        };
        AuditFilter scope = new AuditFilter();
        scope.SessionIds = new string[] { AttackerSession };
        // What Import-AuditLog selects from the same files.
        List<AuditRecord> selected = new List<AuditRecord>();
        using (AuditLogImport import = new AuditLogImport(Options(PipelineMode.Select, scope, 500)))
        {
            foreach (string file in files)
            {
                import.Open(file);
                while (import.ReadNext() != null) { }
            }
            selected.AddRange(Records(import.Complete().Items));
        }
        Check(selected.Count > 49, "the attacker's records in both files: " + selected.Count);

        string dir = TempFolder();
        try
        {
            string path = Path.Combine(dir, "report.html");
            PipelineOptions options = ReportOptionsFor(scope, 500, path, null);
            options.Report.NoRawAuditData = true;
            List<AuditRecordError> errors = new List<AuditRecordError>();
            using (AuditLogImport import = new AuditLogImport(options))
            {
                foreach (string file in files)
                {
                    import.Open(file);
                    AuditBatchOutput batch;
                    while ((batch = import.ReadNext()) != null)
                    {
                        Equal(0, batch.Items.Count, "a report emits no objects");
                        errors.AddRange(batch.Errors);
                    }
                }
                Equal(0, import.Complete().Items.Count, "nor at the end");
                Check(import.Tally.IsConsistent, "tally: " + import.Tally);
                Equal(3008L, import.Tally.Read, "every row of both files");
                Equal((long)selected.Count, import.Tally.Matched, "the records in scope");
            }
            string data = ReportData(File.ReadAllText(path, Encoding.UTF8));
            Equal(selected.Count, Occurrences(data, "{\"d\":"), "one event per record Import-AuditLog selects");
            foreach (AuditRecord r in selected)
            {
                Check(data.Contains("\"" + r.CreationTime.Value.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture) + "\""),
                    "the time of " + r.Id);
            }
            Check(data.Contains("\"files\":[{\"path\":\"" + files[0] + "\",\"records\":3000},{\"path\":\"" + files[1] + "\",\"records\":8}]"),
                "both files with their rows");
            Check(!data.Contains(",\"raw\":"), "no raw AuditData on the events");
            Check(data.Contains("\"ThrottledWindows\":[{"), "the throttling hole of the sample");

            // The Purview fixture's bad rows: errors that name the file and row, in the report too.
            Equal(3, errors.Count, "the fixture's three bad rows");
            foreach (AuditRecordError e in errors)
            {
                Check(e.Source.StartsWith(files[1] + ":row ", StringComparison.Ordinal), "named by file and row: " + e.Message);
                Check(data.Contains("\"source\":\"" + e.Source + "\"}"), "the report names it too: " + e.Source);
            }
            Check(data.Contains("\"rejected\":3"), "counted");
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    public static void TestReportFilterTextIsPowerShell()
    {
        AuditFilter f = new AuditFilter();
        f.SessionIds = new string[] { AttackerSession, "  " };
        f.UserIds = new string[] { " megan.bowen@contoso.com " };
        f.Operations = new string[] { "HardDelete", "New-InboxRule" };
        f.IPAddresses = new string[] { "[2001:db8::1]:443", "it's", "10.0.0.5" };
        f.StartTime = new DateTime(2026, 3, 2, 9, 0, 0, DateTimeKind.Utc);
        f.EndTime = new DateTime(2026, 3, 2, 9, 30, 0, 500, DateTimeKind.Utc);
        Equal("-SessionId " + AttackerSession + "|-UserId megan.bowen@contoso.com|-Operation HardDelete, New-InboxRule"
            + "|-IPAddress '[2001:db8::1]:443', 'it''s', 10.0.0.5|-StartTime 2026-03-02T09:00:00Z|-EndTime 2026-03-02T09:30:00.5Z",
            string.Join("|", ReportFilterText.Describe(f)), "one entry per parameter");
        AuditFilter local = new AuditFilter();
        local.AADSessionIds = new string[] { AttackerAad };
        DateTime start = new DateTime(2026, 3, 2, 9, 0, 0, DateTimeKind.Local);
        local.StartTime = start;
        Equal("-AADSessionId " + AttackerAad + "|-StartTime "
            + start.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture) + "Z",
            string.Join("|", ReportFilterText.Describe(local)), "a local time is shown in UTC");
        Equal(0, ReportFilterText.Describe(new AuditFilter()).Length, "no filter, no entries");
        Equal(0, ReportFilterText.Describe(null).Length, "null: none");
    }

    public static void TestReportErrorsNameThePath()
    {
        string dir = TempFolder();
        try
        {
            string path = Path.Combine(dir, "no-such-folder/report.html");
            using (AuditPipeline p = new AuditPipeline(ReportOptionsFor(null, 10, path, "t")))
            {
                p.Add(Doc(Guid(1), Time(1), "Send", "a@contoso.com", null, null));
                try
                {
                    p.Complete();
                    throw new Exception("no error for an unwritable path");
                }
                catch (InvalidOperationException e)
                {
                    Check(e.Message.Contains(path), "the message names the path: " + e.Message);
                }
            }
            Check(!File.Exists(path), "nothing written");
            Throws<ArgumentException>(delegate { new AuditPipeline(Options(PipelineMode.Report, null, 10)).Dispose(); }, "a report needs a path");
            Throws<ArgumentException>(delegate { new AuditLogImport(ReportOptionsFor(null, 10, "", null)).Dispose(); }, "an empty path");
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    // ---- JSON and text values ---------------------------------------------------------------

    public static void TestJsonEscaping()
    {
        Equal("\"a\\\"b\\\\c\\n\\r\\t\\b\\f\\u0001\\u001f\\u2028 \u00e9\"", Quote("a\"b\\c\n\r\t\b\f\u0001\u001f\u2028 \u00e9"), "escapes");
        List<KeyValuePair<string, string>> flat = new List<KeyValuePair<string, string>>();
        flat.Add(new KeyValuePair<string, string>("A", "1"));
        flat.Add(new KeyValuePair<string, string>("Skip", null));
        flat.Add(new KeyValuePair<string, string>("Q\"", "x\ny"));
        Equal("{\"A\":\"1\",\"Q\\\"\":\"x\\ny\"}", JsonText.FlatObject(flat), "flat object");
        Hashtable h = new Hashtable();
        h["n"] = 1.5;
        Equal("{\"n\":1.5}", JsonText.Serialize(h), "number");
        Equal("[null,true,\"NaN\",7,\"2026-03-02T09:00:00.0000000Z\"]",
            JsonText.Serialize(new object[] { null, true, double.NaN, 7L, new DateTime(2026, 3, 2, 9, 0, 0, DateTimeKind.Utc) }),
            "array of kinds");
        object[] loop = new object[1];
        loop[0] = loop;
        Throws<FormatException>(delegate { JsonText.Serialize(loop); }, "a cycle is refused, not a stack overflow");
    }

    public static void TestTextValues()
    {
        Check(TextValue.Of(null) == null, "null");
        Equal("True", TextValue.Of(true), "bool");
        Equal("1.5", TextValue.Of(1.5), "invariant number");
        Equal("2026-03-02T09:00:00.1234567Z", TextValue.Of(new DateTime(2026, 3, 2, 9, 0, 0, DateTimeKind.Utc).AddTicks(1234567)), "UTC time");
        DateTime local = new DateTime(2026, 3, 2, 9, 0, 0, DateTimeKind.Local);
        Equal(TextValue.IsoUtc(local.ToUniversalTime()), TextValue.Of(local), "local time converted");
        Equal("a\nb", TextValue.Of(new string[] { "a", null, "b" }), "lists one per line");
        Equal("Monday", TextValue.Of(DayOfWeek.Monday), "enum name");
    }

    // ---- objects ----------------------------------------------------------------------------

    public static void TestObjectsPrintReadably()
    {
        AuditRecord r = new AuditRecord();
        r.CreationTime = new DateTime(2026, 3, 2, 9, 0, 0, DateTimeKind.Utc);
        r.Operation = "Send";
        r.UserId = "a@b";
        r.Detail = "Hello";
        Equal("2026-03-02 09:00:00Z Send a@b Hello", r.ToString(), "record");
        AuditItem item = new AuditItem();
        item.Role = "Item";
        item.Folder = "\\Inbox";
        Equal("Item: \\Inbox", item.ToString(), "item");
        AuditFolder folder = new AuditFolder();
        folder.Path = "\\Inbox";
        folder.MessageIds.Add("<a>");
        Equal("\\Inbox (1 items)", folder.ToString(), "folder");
        AuditSession s = new AuditSession();
        s.SessionId = "S";
        s.Records = 2;
        Equal("S: 2 records", s.ToString(), "session");
        Check(s.Duration == null, "no duration without times");
        AuditTally t = new AuditTally();
        t.Read = 3;
        t.Parsed = 2;
        t.Matched = 2;
        Check(!t.IsConsistent, "3 read, 2 parsed, nothing else: inconsistent");
        t.Rejected = 1;
        Check(t.IsConsistent, "consistent");
        Equal("read 3, skipped 0, rejected 1, parsed 2, filtered out 0, duplicates 0, matched 2", t.ToString(), "tally text");
        AuditRecord typed = new AuditRecord();
        typed.RecordType = 50;
        typed.ExternalAccess = true;
        typed.IsThrottled = false;
        typed.OperationCount = 12;
        Check(typed.RecordType == 50 && typed.ExternalAccess == true && typed.IsThrottled == false && typed.OperationCount == 12,
            "typed properties keep what is set");
        typed.OperationCount = null;
        Check(typed.OperationCount == null && typed.Id == null && typed.CreationTime == null, "unset values are null");
    }

    public static void TestFormatFileNamesRealProperties()
    {
        XmlDocument xml = new XmlDocument();
        xml.Load(Path.Combine(repoRoot, "powershell/AuditSift/AuditSift.Format.ps1xml"));
        XmlNodeList views = xml.SelectNodes("/Configuration/ViewDefinitions/View");
        Check(views.Count >= 4, "table and list views for records and sessions");
        int properties = 0;
        foreach (XmlNode view in views)
        {
            string typeName = view.SelectSingleNode("ViewSelectedBy/TypeName").InnerText;
            Type type = typeof(AuditRecord).Assembly.GetType(typeName);
            Check(type != null, "view type exists: " + typeName);
            foreach (XmlNode p in view.SelectNodes(".//PropertyName"))
            {
                Check(type.GetProperty(p.InnerText) != null, typeName + " has " + p.InnerText);
                properties++;
            }
            foreach (XmlNode block in view.SelectNodes(".//ScriptBlock"))
            {
                foreach (string word in block.InnerText.Split(' ', '(', ')', ';', ',', '{', '}'))
                {
                    if (word.StartsWith("$_.", StringComparison.Ordinal))
                    {
                        // "$_.Name" or "$_.Method()" (inside ForEach-Object, $_ is an item whose type
                        // is not checked here; methods are accepted for that reason).
                        string name = word.Substring(3).Split('.')[0];
                        Check(type.GetProperty(name) != null || name == "ToString", typeName + " has " + name + " (script block)");
                    }
                }
            }
        }
        Check(properties >= 20, "properties checked: " + properties);
    }
}
