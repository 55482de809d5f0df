using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace Spark.Bench;

/// <summary>
/// The managed heap of another .NET process, settled: an EventPipe session with the runtime's GCHeapSnapshot keywords
/// makes that process run one induced, blocking, full (gen 2) collection and report every live object's size and type
/// during it — how dotnet-gcdump takes a snapshot, without the tool. <see cref="Bytes"/> is the heap after that
/// collection (GCHeapStats: the sizes of generations 0–2, the large- and the pinned-object heap); <see cref="ByType"/>
/// sums the live objects by type name. The collection pauses the process for as long as the walk takes (seconds).
/// </summary>
/// <see cref="ArraysBySize"/> splits the arrays by size: the type name with the smallest power of two bytes that holds each
/// (e.g. "RenderTreeFrame[] ≤ 2048 B"), to tell many small render trees from a few large ones.
internal sealed record HeapSnapshot(long Bytes, IReadOnlyDictionary<string, (long Bytes, long Count)> ByType,
    IReadOnlyDictionary<string, (long Bytes, long Count)> ArraysBySize)
{
    public static async Task<HeapSnapshot> TakeAsync(int pid, TimeSpan timeout)
    {
        var client = new DiagnosticsClient(pid);
        var providers = new[]
        {
            new EventPipeProvider(ClrTraceEventParser.ProviderName, EventLevel.Verbose, (long)ClrTraceEventParser.Keywords.GCHeapSnapshot),
        };
        using var session = client.StartEventPipeSession(providers, requestRundown: false);
        var typeNames = new Dictionary<ulong, string>();
        var sizes = new Dictionary<ulong, (long Bytes, long Count)>();
        var bySize = new Dictionary<(ulong TypeId, int Log2), (long Bytes, long Count)>();
        long heap = -1;
        var inducedCount = -1;
        var ended = false;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var source = new EventPipeEventSource(session.EventStream);
        source.Clr.GCStart += e =>
        {
            if (inducedCount < 0 && e.Reason == GCReason.Induced) inducedCount = e.Count;
        };
        source.Clr.TypeBulkType += e =>
        {
            for (var i = 0; i < e.Count; i++)
            {
                var type = e.Values(i);
                typeNames[type.TypeID] = type.TypeName;
            }
        };
        source.Clr.GCBulkNode += e =>
        {
            if (inducedCount < 0 || ended) return;
            for (var i = 0; i < e.Count; i++)
            {
                var node = e.Values(i);
                var (bytes, count) = sizes.GetValueOrDefault(node.TypeID);
                sizes[node.TypeID] = (bytes + (long)node.Size, count + 1);
                var key = (node.TypeID, 64 - System.Numerics.BitOperations.LeadingZeroCount(Math.Max(1UL, node.Size - 1)));
                var (b2, c2) = bySize.GetValueOrDefault(key);
                bySize[key] = (b2 + (long)node.Size, c2 + 1);
            }
        };
        source.Clr.GCHeapStats += e =>
        {
            if (inducedCount < 0 || heap >= 0) return;
            heap = e.GenerationSize0 + e.GenerationSize1 + e.GenerationSize2 + e.GenerationSize3 + e.GenerationSize4;
            if (ended) done.TrySetResult();
        };
        source.Clr.GCStop += e =>
        {
            if (e.Count != inducedCount) return;
            ended = true;
            if (heap >= 0) done.TrySetResult();
        };
        var processing = Task.Run(source.Process);
        var finished = await Task.WhenAny(done.Task, Task.Delay(timeout)) == done.Task;
        await session.StopAsync(CancellationToken.None);
        await processing;
        if (!finished || heap < 0) throw new TimeoutException($"No induced collection was reported by process {pid} within {timeout.TotalSeconds:0} s.");
        var byType = new Dictionary<string, (long Bytes, long Count)>();
        foreach (var (typeId, (bytes, count)) in sizes)
        {
            var name = typeNames.GetValueOrDefault(typeId) ?? $"type {typeId:x}";
            var (b, c) = byType.GetValueOrDefault(name);
            byType[name] = (b + bytes, c + count);
        }

        var arraysBySize = new Dictionary<string, (long Bytes, long Count)>();
        foreach (var ((typeId, log2), (bytes, count)) in bySize)
        {
            if (typeNames.GetValueOrDefault(typeId) is not { } name || !name.EndsWith("[]", StringComparison.Ordinal)) continue;
            arraysBySize[string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{name} ≤ {1L << log2} B")] = (bytes, count);
        }

        return new HeapSnapshot(heap, byType, arraysBySize);
    }
}
