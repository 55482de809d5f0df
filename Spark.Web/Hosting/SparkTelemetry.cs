using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Components.Server.Circuits;

namespace Spark.Web.Hosting;

/// <summary>
/// Spark's own meter. Every instrument is created from <see cref="IMeterFactory"/> with this meter name, so the
/// OpenTelemetry set-up (<see cref="SparkHostingExtensions"/>, decision 0058) exports it over OTLP and on /metrics.
/// Instrument names follow OpenTelemetry's semantic conventions (dot-separated, unit in the unit field, not the name).
/// </summary>
public static class SparkTelemetry
{
    public const string MeterName = "Spark";

    /// <summary>The activity source for Spark's own spans (retention runs, for now).</summary>
    public static readonly ActivitySource Activities = new(MeterName);
}

/// <summary>The instruments of the "Spark" meter that H3's issue (#17) names: circuits, ticks, fills, placement latency, plan runs, sync results.</summary>
public sealed class SparkMetrics
{
    private readonly UpDownCounter<long> _circuits;
    private readonly Counter<long> _ticks;
    private readonly Counter<long> _fills;
    private readonly Histogram<double> _placement;
    private readonly Counter<long> _planRuns;
    private readonly Counter<long> _syncResults;
    private readonly Counter<long> _retained;

    public SparkMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(SparkTelemetry.MeterName);
        _circuits = meter.CreateUpDownCounter<long>("spark.circuits.open", "{circuit}", "Blazor Server circuits open on this instance.");
        _ticks = meter.CreateCounter<long>("spark.market.ticks", "{tick}", "Price ticks published to the market feed.");
        _fills = meter.CreateCounter<long>("spark.orders.fills", "{fill}", "Fills written by the paper exchange.");
        _placement = meter.CreateHistogram<double>("spark.orders.placement.duration", "s", "Time to place an order, from the request to its acceptance or refusal.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] });
        _planRuns = meter.CreateCounter<long>("spark.plans.runs", "{plan}", "Auto-invest plan executions, by outcome.");
        _syncResults = meter.CreateCounter<long>("spark.sync.results", "{sync}", "Broker connection syncs finished, by platform and outcome.");
        _retained = meter.CreateCounter<long>("spark.retention.rows", "{row}", "Rows removed or moved by the retention jobs, by rule.");
    }

    public void CircuitOpened() => _circuits.Add(1);

    public void CircuitClosed() => _circuits.Add(-1);

    public void Ticks(int count) => _ticks.Add(count);

    public void Filled(string side) => _fills.Add(1, new KeyValuePair<string, object?>("side", side));

    public void Placed(TimeSpan elapsed, string outcome) => _placement.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("outcome", outcome));

    public void PlanRun(string outcome, int count = 1) => _planRuns.Add(count, new KeyValuePair<string, object?>("outcome", outcome));

    public void SyncFinished(string platform, string outcome) =>
        _syncResults.Add(1, new KeyValuePair<string, object?>("platform", platform), new KeyValuePair<string, object?>("outcome", outcome));

    public void Retained(string rule, long rows) => _retained.Add(rows, new KeyValuePair<string, object?>("rule", rule));
}

/// <summary>Counts open circuits: one per Blazor Server connection, opened and closed by the framework.</summary>
public sealed class TelemetryCircuitHandler(SparkMetrics metrics) : CircuitHandler
{
    public override Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        metrics.CircuitOpened();
        return Task.CompletedTask;
    }

    public override Task OnCircuitClosedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        metrics.CircuitClosed();
        return Task.CompletedTask;
    }
}

/// <summary>Counts the ticks this instance's market feed carries (its own and, with a backplane, other nodes'), as a listener.</summary>
public sealed class TickMeter(Services.Market.IMarketFeed feed, SparkMetrics metrics) : IHostedService, IDisposable
{
    private IDisposable? _subscription;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = feed.Subscribe(ticks => metrics.Ticks(ticks.Count));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _subscription?.Dispose();
        _subscription = null;
    }
}
