using System.Diagnostics.Tracing;

namespace Lumen.Bench;

/// <summary>Where a training step's managed allocations go, by type: listens to the runtime's GC allocation-tick events
/// (one per ~100 KB allocated, naming the type of the object that crossed the mark), so the per-type totals are a
/// sample, good to about 100 KB. <c>--alloc-trace</c> of a <c>--model-case</c> child prints them to stderr; set
/// <c>ALLOC_TRACE_BY_THREAD=1</c> to split them by object size and OS thread (e.g. thread-local kernel buffers
/// re-made on new thread-pool threads).</summary>
internal sealed class AllocTrace : EventListener
{
    private readonly Dictionary<string, (long Bytes, int Ticks)> _sites = new();
    private readonly bool _byThread = Environment.GetEnvironmentVariable("ALLOC_TRACE_BY_THREAD") == "1";
    private volatile bool _on;

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime") EnableEvents(source, EventLevel.Verbose, (EventKeywords)0x1);   // GC keyword
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (!_on || e.EventName?.StartsWith("GCAllocationTick") != true || e.PayloadNames == null || e.Payload == null) return;
        int type = e.PayloadNames.IndexOf("TypeName"), size = e.PayloadNames.IndexOf("ObjectSize"), amount = e.PayloadNames.IndexOf("AllocationAmount64");
        if (type < 0 || amount < 0) return;
        string key = _byThread ? $"{e.Payload[type]} size={(size >= 0 ? e.Payload[size] : "?")} kind={e.Payload[e.PayloadNames.IndexOf("AllocationKind")]} thread={e.OSThreadId}" : $"{e.Payload[type]}";
        lock (_sites)
        {
            _sites.TryGetValue(key, out var v);
            _sites[key] = (v.Bytes + Convert.ToInt64(e.Payload[amount]), v.Ticks + 1);
        }
    }

    /// <summary>Runs <paramref name="step"/> <paramref name="steps"/> times and prints the 25 largest types per step.</summary>
    public static void Run(Action step, int steps)
    {
        using var trace = new AllocTrace();
        trace._on = true;
        for (int i = 0; i < steps; i++) step();
        trace._on = false;
        Thread.Sleep(500);   // events arrive on the listener's thread, a little after the fact
        lock (trace._sites)
            foreach (var (k, v) in trace._sites.OrderByDescending(kv => kv.Value.Bytes).Take(25))
                Console.Error.WriteLine($"{v.Bytes / steps / 1024,8} KiB/step {v.Ticks,5} ticks  {k}");
    }
}
