// Benchmark of AuditSift's C# layer under Mono, next to the JSON readers behind ConvertFrom-Json:
// JavaScriptSerializer.DeserializeObject (Windows PowerShell 5.1) and Newtonsoft's JObject.Parse
// (PowerShell 7), on the same records in the same run. Not a test: it prints records/s and ratios.
//
// usage: mono Bench.exe <records.jsonl> <session id> [repetitions]
// Run it with scripts/mono-bench.sh, which builds everything against the release library.
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Text;
using System.Web.Script.Serialization;
using AuditSift;
using Newtonsoft.Json.Linq;

internal static class Bench
{
    private delegate long Run(List<string> docs);

    public static int Main(string[] args)
    {
        if (args.Length < 2)
        {
            Console.Error.WriteLine("usage: Bench.exe <records.jsonl> <session id> [repetitions]");
            return 2;
        }
        List<string> docs = new List<string>();
        long bytes = 0;
        foreach (string line in File.ReadLines(args[0], Encoding.UTF8))
        {
            if (line.Trim().Length == 0) continue;
            docs.Add(line);
            bytes += Encoding.UTF8.GetByteCount(line) + 1;
        }
        string session = args[1];
        int repetitions = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 3;
        Console.WriteLine("records: {0:N0} ({1:N1} MB, {2:N0} bytes each on average), session {3}, best of {4} interleaved rounds",
            docs.Count, bytes / 1e6, bytes / Math.Max(1, docs.Count), session, repetitions);
        Native.EnsureLoaded();

        long hits = -1, jssHits = -1, jobjHits = -1;
        List<Contender> contenders = new List<Contender>();
        contenders.Add(new Contender("AuditSift ConvertFrom-AuditData (typed records)", delegate(List<string> d) { return AuditSiftConvert(d, false); }));
        contenders.Add(new Contender("AuditSift ConvertFrom-AuditData -Full", delegate(List<string> d) { return AuditSiftConvert(d, true); }));
        contenders.Add(new Contender("AuditSift Select-AuditSession -SessionId", delegate(List<string> d) { hits = AuditSiftSelect(d, session); return hits; }));
        contenders.Add(new Contender("AuditSift Get-AuditSession", AuditSiftInventory));
        contenders.Add(new Contender("JavaScriptSerializer.DeserializeObject (WinPS 5.1)", delegate(List<string> d) { jssHits = JavaScriptSerializerFilter(d, session); return jssHits; }));
        contenders.Add(new Contender("Newtonsoft JObject.Parse (PS 7)", delegate(List<string> d) { jobjHits = JObjectFilter(d, session); return jobjHits; }));
        Measure(contenders, docs, repetitions);
        double convert = contenders[0].Rate(docs.Count), full = contenders[1].Rate(docs.Count);
        double select = contenders[2].Rate(docs.Count), inventory = contenders[3].Rate(docs.Count);
        double jss = contenders[4].Rate(docs.Count), jobj = contenders[5].Rate(docs.Count);
        if (hits != jssHits || hits != jobjHits)
        {
            Console.WriteLine("MISMATCH: the session filter found {0} records, JavaScriptSerializer {1}, JObject {2}", hits, jssHits, jobjHits);
            return 1;
        }
        Console.WriteLine();
        Console.WriteLine("session {0}: {1} records (the same in all three)", session, hits);
        Console.WriteLine();
        Console.WriteLine("{0,-48} {1,12} {2,12}", "ratio", "vs JSS", "vs JObject");
        Ratio("full conversion (typed records)", convert, jss, jobj);
        Ratio("full conversion with -Full tree", full, jss, jobj);
        Ratio("session filter", select, jss, jobj);
        Ratio("session inventory", inventory, jss, jobj);
        Console.WriteLine();
        Console.WriteLine("{0,-48} {1,12} {2,12}", "median of the rounds' own ratios", "vs JSS", "vs JObject");
        RoundRatio("full conversion (typed records)", contenders[0], contenders[4], contenders[5]);
        RoundRatio("full conversion with -Full tree", contenders[1], contenders[4], contenders[5]);
        RoundRatio("session filter", contenders[2], contenders[4], contenders[5]);
        RoundRatio("session inventory", contenders[3], contenders[4], contenders[5]);
        return 0;
    }

    private static void Ratio(string what, double ours, double jss, double jobj)
    {
        Console.WriteLine("{0,-48} {1,11:N1}x {2,11:N1}x", what, ours / jss, ours / jobj);
    }

    // Each round's ratio compares runs made seconds apart, so a slow spell of the machine that spans
    // a round cancels out; the median of those ratios is the figure least moved by the machine.
    private static void RoundRatio(string what, Contender ours, Contender jss, Contender jobj)
    {
        Console.WriteLine("{0,-48} {1,11:N1}x {2,11:N1}x", what, MedianRatio(jss, ours), MedianRatio(jobj, ours));
    }

    private static double MedianRatio(Contender slower, Contender faster)
    {
        List<double> ratios = new List<double>();
        for (int i = 0; i < Math.Min(slower.Times.Count, faster.Times.Count); i++)
        {
            ratios.Add(slower.Times[i] / faster.Times[i]);
        }
        ratios.Sort();
        int n = ratios.Count;
        if (n == 0) return double.NaN;
        return n % 2 == 1 ? ratios[n / 2] : (ratios[n / 2 - 1] + ratios[n / 2]) / 2;
    }

    /// <summary>One thing measured: its best time over the rounds and what its last run gave out.</summary>
    private sealed class Contender
    {
        internal readonly string Name;
        internal readonly Run Run;
        internal double Best = double.MaxValue;
        internal readonly List<double> Times = new List<double>();
        internal long Out;

        internal Contender(string name, Run run)
        {
            Name = name;
            Run = run;
        }

        internal double Rate(int records)
        {
            return records / Best;
        }
    }

    // Rounds run every contender once in turn and each keeps its best time, so that a slow spell of
    // the machine hits them all alike rather than whichever ran during it.
    private static void Measure(List<Contender> contenders, List<string> docs, int repetitions)
    {
        List<string> warmUp = docs.GetRange(0, Math.Min(docs.Count, 2000));
        foreach (Contender c in contenders)
        {
            c.Run(warmUp);
        }
        for (int i = 0; i < repetitions; i++)
        {
            foreach (Contender c in contenders)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                Stopwatch watch = Stopwatch.StartNew();
                c.Out = c.Run(docs);
                watch.Stop();
                c.Best = Math.Min(c.Best, watch.Elapsed.TotalSeconds);
                c.Times.Add(watch.Elapsed.TotalSeconds);
            }
        }
        foreach (Contender c in contenders)
        {
            Console.WriteLine("{0,-52} {1,12:N0} records/s ({2:N3} s, {3:N0} out)", c.Name, c.Rate(docs.Count), c.Best, c.Out);
        }
    }

    private static PipelineOptions Options(PipelineMode mode)
    {
        PipelineOptions o = new PipelineOptions();
        o.Mode = mode;
        o.BatchSize = 5000;
        return o;
    }

    // What ConvertFrom-AuditData emits, each record then read as the peers read theirs: its SessionId
    // and Id (with -Full, from the Full dictionaries, which are built when first read).
    private static long AuditSiftConvert(List<string> docs, bool full)
    {
        PipelineOptions o = Options(PipelineMode.Convert);
        o.Full = full;
        long n = 0;
        using (AuditPipeline p = new AuditPipeline(o))
        {
            foreach (string d in docs)
            {
                AuditBatchOutput batch = p.Add(d, d);
                if (batch != null) n += Read(batch, full);
            }
            n += Read(p.Complete(), full);
        }
        return n;
    }

    private static long Read(AuditBatchOutput batch, bool full)
    {
        long n = 0;
        foreach (object item in batch.Items)
        {
            AuditRecord r = (AuditRecord)item;
            object session = full ? (r.Full == null ? null : r.Full["SessionId"]) : r.SessionId;
            object id = full ? (r.Full == null ? null : r.Full["Id"]) : r.Id;
            if (session != null || id != null || r.AuditData != null) n++;
        }
        return n;
    }

    private static long AuditSiftSelect(List<string> docs, string session)
    {
        PipelineOptions o = Options(PipelineMode.Select);
        o.Filter.SessionIds = new string[] { session };
        using (AuditPipeline p = new AuditPipeline(o))
        {
            foreach (string d in docs)
            {
                p.Add(d, d);
            }
            return p.Complete().Items.Count;
        }
    }

    private static long AuditSiftInventory(List<string> docs)
    {
        using (AuditPipeline p = new AuditPipeline(Options(PipelineMode.Inventory)))
        {
            foreach (string d in docs)
            {
                p.Add(d, d);
            }
            return p.Complete().Items.Count;
        }
    }

    // What `ConvertFrom-Json | Where-Object SessionId -eq $id` does underneath, without the
    // PSObject wrapping that makes the real cmdlets slower still. Hits are counted once per Id, as
    // Select-AuditSession de-duplicates them.
    private static long JavaScriptSerializerFilter(List<string> docs, string session)
    {
        JavaScriptSerializer serializer = new JavaScriptSerializer();
        serializer.MaxJsonLength = int.MaxValue;
        Dictionary<string, bool> hits = new Dictionary<string, bool>(StringComparer.OrdinalIgnoreCase);
        foreach (string d in docs)
        {
            object parsed;
            try
            {
                parsed = serializer.DeserializeObject(d);
            }
            catch (ArgumentException)
            {
                continue;
            }
            catch (InvalidOperationException)
            {
                // Mono's JavaScriptSerializer reports a syntax error this way.
                continue;
            }
            IDictionary<string, object> map = parsed as IDictionary<string, object>;
            object value;
            if (map != null && map.TryGetValue("SessionId", out value) && string.Equals(value as string, session, StringComparison.OrdinalIgnoreCase))
            {
                object id;
                map.TryGetValue("Id", out id);
                hits[(id as string) ?? d] = true;
            }
        }
        return hits.Count;
    }

    private static long JObjectFilter(List<string> docs, string session)
    {
        Dictionary<string, bool> hits = new Dictionary<string, bool>(StringComparer.OrdinalIgnoreCase);
        foreach (string d in docs)
        {
            JObject parsed;
            try
            {
                parsed = JObject.Parse(d);
            }
            catch (Newtonsoft.Json.JsonReaderException)
            {
                continue;
            }
            JToken value = parsed["SessionId"];
            if (value != null && value.Type == JTokenType.String && string.Equals((string)value, session, StringComparison.OrdinalIgnoreCase))
            {
                JToken id = parsed["Id"];
                hits[id != null ? (string)id : d] = true;
            }
        }
        return hits.Count;
    }
}
