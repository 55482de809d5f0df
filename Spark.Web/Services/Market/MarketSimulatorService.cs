using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Spark.Core.Market;
using Spark.Data;
using Spark.Web.Hosting;

namespace Spark.Web.Services.Market;

using Security = Spark.Core.Market.Security;

/// <summary>
/// The built-in simulated market, Spark's default data source. On start it backfills daily bars (5 years by
/// default) and the current session's minute bars; then it moves prices every tick, stores each finished
/// minute, and stores each finished day (mutual funds: one NAV after the close). Every price is a pure function
/// of (seed, symbol, time), so restarts and several instances agree on the market: every instance ticks for its own
/// screens, and only the exchange's owner writes bars (decision 0056; a standby starts writing when it is elected).
/// </summary>
public sealed partial class MarketSimulatorService(
    SparkDb db, SecurityCatalog catalog, MarketDataService market, PriceBook prices, IMarketFeed feed, IOptions<SparkOptions> options,
    TimeProvider clock, BackgroundLoops loops, MarketHistory history, Orders.ExchangeOwnership ownership, ILogger<MarketSimulatorService> log,
    Cluster.IExchangeRole? role = null) : BackgroundService
{
    private const int BatchSize = 20_000;
    private readonly Dictionary<Guid, DateOnly> _lastDaily = [];
    private readonly Dictionary<Guid, DateTimeOffset> _lastMinute = [];
    private readonly Dictionary<(Guid, DateOnly), decimal> _previousClose = [];
    private List<Simulated> _securities = [];

    private SparkOptions.MarketOptions Options => options.Value.Market;

    /// <summary>The simulator as configured: every bar of the market follows from it.</summary>
    public PriceSimulator Simulator { get; } = new(options.Value.Market.Seed, SimulatedMarket.AnchorDate);

    /// <summary>The loop's name in /health/ready and the log.</summary>
    public const string LoopName = "market-simulator";

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => loops.RunAsync(LoopName, async cancellationToken =>
    {
        loops.Starting(LoopName);
        await ownership.Decided.WaitAsync(cancellationToken);
        // Bars are written by the owner, or while ownership is unknown (no database answer: writing then fails and is
        // retried, and the writes are idempotent upserts of the same pure prices); a standby only ticks.
        bool MayWrite() => ownership.Role.Kind != Orders.ExchangeRoleKind.Standby;
        var writing = MayWrite();
        if (writing) await StartAsync(clock.GetUtcNow(), cancellationToken);
        else
        {
            // The owner has written (or is writing) the history; a standby reads prices and bars from it.
            await LoadSecuritiesAsync(cancellationToken);
            history.MarkComplete();
            await prices.ReloadAsync(cancellationToken);
        }

        loops.Healthy(LoopName);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(Options.TickMilliseconds), clock);
        var minute = Minute(clock.GetUtcNow());
        // Prices keep moving through a database outage (a tick needs no database); only storing bars waits for it.
        var backoff = new BackgroundLoops.Backoff();
        DateTimeOffset? retryAt = null;
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            // With Redis, only the exchange's owner moves prices and the others receive its ticks through the cluster bus
            // (decision 0057); without it, or while Redis is away, every instance ticks the same pure prices itself.
            if (role is { IsOwner: false }) continue;
            var now = clock.GetUtcNow();
            Tick(now);
            if (Minute(now) == minute && (retryAt is null || now < retryAt)) continue;
            minute = Minute(now);
            if (!MayWrite())
            {
                writing = false;
                continue;
            }

            try
            {
                // Newly elected: the markers of what is stored are read again (the previous owner wrote meanwhile).
                if (!writing) await StartAsync(now, cancellationToken);
                else await CatchUpAsync(now, cancellationToken);
                writing = true;
                retryAt = null;
                backoff.Reset();
                loops.Healthy(LoopName);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                loops.Faulted(LoopName, e);
                retryAt = now + backoff.Next();
            }
        }
    }, stoppingToken);

    /// <summary>Loads the securities and writes what is missing up to <paramref name="now"/>.</summary>
    public async Task StartAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await LoadSecuritiesAsync(cancellationToken);
        await using (var context = db.Shared())
        {
            var daily = await context.DailyBars.GroupBy(b => b.SecurityId).Select(g => new { g.Key, Last = g.Max(b => b.TradeDate) })
                .ToListAsync(cancellationToken);
            foreach (var d in daily) _lastDaily[d.Key] = d.Last;
            var since = now.ToUniversalTime().AddDays(-2);
            var minutes = await context.MarketData.Where(b => b.Timestamp >= since).GroupBy(b => b.SecurityId)
                .Select(g => new { g.Key, Last = g.Max(b => b.Timestamp) }).ToListAsync(cancellationToken);
            foreach (var m in minutes) _lastMinute[m.Key] = m.Last;
        }

        var started = clock.GetTimestamp();
        var written = await CatchUpAsync(now, cancellationToken);

        // Every instrument's days up to the last finished session are stored: backtests may read them now (issue 15, item 7).
        history.MarkComplete();

        // From here on the ticks keep the price book current; re-reading bars every minute would only set it back.
        await prices.ReloadAsync(cancellationToken);
        LogStarted(log, _securities.Count, written, clock.GetElapsedTime(started).TotalSeconds);
    }

    /// <summary>The securities the simulator moves (all a standby needs to tick for its own screens).</summary>
    private async Task LoadSecuritiesAsync(CancellationToken cancellationToken)
    {
        _securities = [.. (await catalog.AllAsync(cancellationToken))
            .Where(s => s.IsActive)
            .Select(s => (Security: s, Anchor: SimulatedMarket.AnchorPrice(s)))
            .Where(x => x.Anchor is > 0m)
            .Select(x => new Simulated(x.Security, x.Anchor!.Value))];
    }

    /// <summary>Writes finished days and minutes not stored yet; returns the number of bars written.</summary>
    public async Task<int> CatchUpAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var today = MarketCalendar.IstDate(now);
        var earliest = today.AddYears(-Options.BackfillYears);
        int written;
        // The markers move ahead of the writes: if a write fails they go back, so the next attempt writes the same bars again.
        var lastDaily = new Dictionary<Guid, DateOnly>(_lastDaily);
        var lastMinute = new Dictionary<Guid, DateTimeOffset>(_lastMinute);
        try
        {
            written = await CatchUpAsync(now, today, earliest, cancellationToken);
        }
        catch
        {
            Restore(_lastDaily, lastDaily);
            Restore(_lastMinute, lastMinute);
            throw;
        }

        return written;
    }

    private static void Restore<TValue>(Dictionary<Guid, TValue> markers, Dictionary<Guid, TValue> saved)
    {
        markers.Clear();
        foreach (var (key, value) in saved) markers[key] = value;
    }

    private async Task<int> CatchUpAsync(DateTimeOffset now, DateOnly today, DateOnly earliest, CancellationToken cancellationToken)
    {
        var daily = new List<DayBar>();
        var minutes = new List<MinuteBar>();
        var closes = new List<PriceTick>();
        var written = 0;
        foreach (var s in _securities)
        {
            var lastDone = LastFinishedDay(s.Security.Type, now, today);
            var from = _lastDaily.TryGetValue(s.Security.Id, out var last) ? last.AddDays(1) : earliest;
            if (from <= lastDone)
            {
                DayBar? newest = null;
                foreach (var simulated in Simulator.DailyBars(s.Security.Symbol, s.Security.Type, s.Anchor, from, lastDone))
                {
                    var bar = SimulatedMarket.Unadjust(simulated, s.Metadata, s.Security.Type);
                    newest = new DayBar(s.Security.Id, bar.TradeDate, bar.Open, bar.High, bar.Low, bar.Close, bar.Volume);
                    daily.Add(newest.Value);
                }

                // A session just closed (or a fund struck its NAV): its close is the price until the next session.
                if (_lastDaily.ContainsKey(s.Security.Id) && newest is { } closed)
                {
                    closes.Add(new PriceTick(s.Security.Id, s.Security.Symbol, closed.Close, PreviousClose(s, closed.TradeDate), now));
                }

                _lastDaily[s.Security.Id] = lastDone;
            }

            if (MarketCalendar.HasIntraday(s.Security.Type) && MarketCalendar.TradesOn(s.Security.Type, today))
            {
                var after = _lastMinute.GetValueOrDefault(s.Security.Id);
                foreach (var simulated in Simulator.MinuteBars(s.Security.Symbol, s.Security.Type, s.Anchor, today, now))
                {
                    var bar = SimulatedMarket.Unadjust(simulated, s.Metadata, s.Security.Type);
                    if (bar.Start <= after) continue;
                    minutes.Add(new MinuteBar(s.Security.Id, bar.Start.ToUniversalTime(), bar.Open, bar.High, bar.Low, bar.Close, bar.Volume));
                    _lastMinute[s.Security.Id] = bar.Start;
                }
            }

            if (daily.Count >= BatchSize)
            {
                written += await market.WriteDailyAsync(daily, publish: false, cancellationToken);
                daily.Clear();
            }
        }

        written += await market.WriteDailyAsync(daily, publish: false, cancellationToken);
        written += await market.WriteMinutesAsync(minutes, publish: false, cancellationToken);
        feed.Publish(closes);
        return written;
    }

    /// <summary>Moves every security that trades now to its price at <paramref name="now"/> and publishes the moves.</summary>
    public void Tick(DateTimeOffset now)
    {
        var today = MarketCalendar.IstDate(now);
        var ticks = new List<PriceTick>();
        foreach (var s in _securities)
        {
            if (!MarketCalendar.TradesNow(s.Security.Type, now)) continue;
            var price = Simulator.PriceAt(s.Security.Symbol, s.Security.Type, s.Anchor, now) * SimulatedMarket.UnadjustedFactor(s.Metadata, today);
            ticks.Add(new PriceTick(s.Security.Id, s.Security.Symbol, price, PreviousClose(s, today), now));
        }

        feed.Publish(ticks);
    }

    private decimal PreviousClose(Simulated s, DateOnly today)
    {
        if (_previousClose.TryGetValue((s.Security.Id, today), out var close)) return close;
        var previous = s.Security.Type == SecurityType.Crypto ? today.AddDays(-1) : MarketCalendar.PreviousTradingDay(today);
        close = SimulatedMarket.CloseOn(Simulator, s.Security.Symbol, s.Security.Type, s.Anchor, s.Metadata, previous);
        _previousClose[(s.Security.Id, today)] = close;
        return close;
    }

    /// <summary>A day's bar is final once its session closed: crypto's at IST midnight, the rest (and fund NAVs) at 15:30.</summary>
    private static DateOnly LastFinishedDay(SecurityType type, DateTimeOffset now, DateOnly today)
    {
        if (type == SecurityType.Crypto) return today.AddDays(-1);
        var session = MarketCalendar.SessionOn(today);
        return session is not null && now >= session.Close ? today : MarketCalendar.PreviousTradingDay(today);
    }

    private static long Minute(DateTimeOffset instant) => instant.ToUnixTimeSeconds() / 60;

    private sealed record Simulated(Security Security, decimal Anchor)
    {
        public System.Text.Json.JsonElement? Metadata => Security.Metadata?.RootElement;
    }

    [LoggerMessage(LogLevel.Information, "Simulated market: {Securities} securities, {Bars} bars written at start in {Seconds:0.0} s")]
    private static partial void LogStarted(ILogger logger, int securities, int bars, double seconds);
}
