using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Spark.Core.Market;
using Spark.Web.Services.Market;

namespace Spark.Tests.Core;

/// <summary>The market's status (decision 0051) at instants worked from NSE's holiday circulars and session timings.</summary>
public sealed class MarketHoursTests
{
    private static readonly TimeSpan Ist = TimeSpan.FromHours(5.5);

    private static DateTimeOffset AtIst(int year, int month, int day, int hour, int minute, int second = 0) =>
        new(year, month, day, hour, minute, second, Ist);

    /// <summary>A Muhurat session configured for the provisional 2027 Diwali holiday (Friday 29 Oct 2027), 18:00–19:00, pre-open 17:45.</summary>
    private static readonly MarketHours WithMuhurat2027 = new([new SpecialSession(new(2027, 10, 29), new(18, 0), new(19, 0), "Muhurat trading", new(17, 45))]);

    [Fact]
    public void Christmas_2026_is_a_holiday_and_the_market_opens_again_after_the_long_weekend()
    {
        // NSE's 2026 list: Friday 25 December, Christmas. Saturday and Sunday follow: the next session is Monday 28 December.
        var status = MarketHours.Default.StatusAt(AtIst(2026, 12, 25, 11, 0));
        Assert.Equal(MarketPhase.Holiday, status.Phase);
        Assert.Equal("Christmas", status.Holiday);
        Assert.Null(status.SessionClose);
        Assert.Equal(AtIst(2026, 12, 28, 9, 15), status.NextOpen);
        Assert.Equal("Holiday: Christmas", MarketStatusText.Chip(status));
    }

    [Fact]
    public void A_weekend_is_closed_until_monday_at_09_15()
    {
        var status = MarketHours.Default.StatusAt(AtIst(2026, 12, 6, 11, 0));
        Assert.Equal(MarketPhase.Closed, status.Phase);
        Assert.Null(status.Holiday);
        Assert.Equal(AtIst(2026, 12, 7, 9, 15), status.NextOpen);
        Assert.Equal("Closed · opens Mon 09:15", MarketStatusText.Chip(status));
        Assert.False(status.Trading);
    }

    [Fact]
    public void At_09_05_the_market_is_in_pre_open_and_opens_at_09_15()
    {
        var status = MarketHours.Default.StatusAt(AtIst(2026, 12, 7, 9, 5));
        Assert.Equal(MarketPhase.PreOpen, status.Phase);
        Assert.Equal(AtIst(2026, 12, 7, 9, 15), status.SessionOpen);
        Assert.Equal(AtIst(2026, 12, 7, 15, 30), status.SessionClose);
        Assert.Equal(AtIst(2026, 12, 7, 9, 15), status.NextOpen);
        Assert.Equal("Pre-open · opens 09:15", MarketStatusText.Chip(status));
        Assert.False(status.Trading);
        Assert.Equal(MarketPhase.Closed, MarketHours.Default.StatusAt(AtIst(2026, 12, 7, 8, 59, 59)).Phase);
    }

    [Fact]
    public void The_session_is_open_at_15_29_and_closed_at_15_30()
    {
        var open = MarketHours.Default.StatusAt(AtIst(2026, 12, 7, 15, 29, 59));
        Assert.Equal(MarketPhase.Open, open.Phase);
        Assert.Equal("Market open · closes 15:30", MarketStatusText.Chip(open));
        Assert.Equal(AtIst(2026, 12, 8, 9, 15), open.NextOpen);
        var closed = MarketHours.Default.StatusAt(AtIst(2026, 12, 7, 15, 30));
        Assert.Equal(MarketPhase.Closed, closed.Phase);
        Assert.Equal(AtIst(2026, 12, 8, 9, 15), closed.NextOpen);
        Assert.Equal("Closed · opens Tue 09:15", MarketStatusText.Chip(closed));
        Assert.True(MarketHours.Default.IsOpen(AtIst(2026, 12, 7, 9, 15)));
        Assert.False(MarketHours.Default.IsOpen(AtIst(2026, 12, 7, 15, 30)));
    }

    [Fact]
    public void A_configured_muhurat_session_opens_on_a_holiday_evening()
    {
        var morning = WithMuhurat2027.StatusAt(AtIst(2027, 10, 29, 11, 0));
        Assert.Equal(MarketPhase.Holiday, morning.Phase);
        Assert.Contains("Diwali", morning.Holiday, StringComparison.Ordinal);
        Assert.Equal(AtIst(2027, 10, 29, 18, 0), morning.NextOpen);

        var preOpen = WithMuhurat2027.StatusAt(AtIst(2027, 10, 29, 17, 50));
        Assert.Equal(MarketPhase.PreOpen, preOpen.Phase);
        Assert.Equal(AtIst(2027, 10, 29, 18, 0), preOpen.SessionOpen);

        var open = WithMuhurat2027.StatusAt(AtIst(2027, 10, 29, 18, 30));
        Assert.Equal(MarketPhase.Open, open.Phase);
        Assert.Equal("Muhurat trading", open.SessionName);
        Assert.Equal(AtIst(2027, 10, 29, 19, 0), open.SessionClose);
        Assert.Equal("Muhurat trading open · closes 19:00", MarketStatusText.Chip(open));

        // After it, the holiday again; Saturday and Sunday follow, so the next session is Monday 1 November.
        var after = WithMuhurat2027.StatusAt(AtIst(2027, 10, 29, 19, 0));
        Assert.Equal(MarketPhase.Holiday, after.Phase);
        Assert.Equal(AtIst(2027, 11, 1, 9, 15), after.NextOpen);

        // Without the configuration the day is a holiday all day.
        Assert.Equal(MarketPhase.Holiday, MarketHours.Default.StatusAt(AtIst(2027, 10, 29, 18, 30)).Phase);
    }

    [Fact]
    public void The_next_open_crosses_the_good_friday_long_weekend_of_2027()
    {
        // Good Friday 26 March 2027 (Easter is 28 March): from Thursday's close the next session is Monday 29 March.
        Assert.Equal(AtIst(2027, 3, 29, 9, 15), MarketHours.Default.StatusAt(AtIst(2027, 3, 25, 16, 0)).NextOpen);
        Assert.Equal("Good Friday", MarketHours.Default.StatusAt(AtIst(2027, 3, 26, 10, 0)).Holiday);
        Assert.Equal("Republic Day", MarketCalendar.HolidayName(new(2027, 1, 26)));
        Assert.True(MarketCalendar.HasHolidayList(2027));
    }

    [Fact]
    public void The_known_special_saturday_sessions_are_open()
    {
        // Union Budget, Saturday 1 February 2025: a full session 09:15–15:30.
        var budget = MarketHours.Default.StatusAt(AtIst(2025, 2, 1, 11, 0));
        Assert.Equal(MarketPhase.Open, budget.Phase);
        Assert.Equal(AtIst(2025, 2, 1, 15, 30), budget.SessionClose);
        // Muhurat 2024, Friday 1 November (a listed holiday): 18:00–19:00.
        Assert.Equal(MarketPhase.Open, MarketHours.Default.StatusAt(AtIst(2024, 11, 1, 18, 30)).Phase);
        Assert.Equal(MarketPhase.Holiday, MarketHours.Default.StatusAt(AtIst(2024, 11, 1, 12, 0)).Phase);
    }

    [Fact]
    public void A_configured_session_replaces_the_known_one_of_its_date()
    {
        var hours = new MarketHours([new SpecialSession(new(2024, 11, 1), new(18, 15), new(19, 15), "Muhurat trading (moved)")]);
        Assert.Equal(MarketPhase.Holiday, hours.StatusAt(AtIst(2024, 11, 1, 18, 5)).Phase);
        Assert.Equal(MarketPhase.Open, hours.StatusAt(AtIst(2024, 11, 1, 19, 5)).Phase);
    }

    [Fact]
    public void Special_sessions_that_cannot_be_are_refused_at_start()
    {
        var validator = new MarketSessionOptionsValidator();
        var bad = new MarketSessionOptions
        {
            SpecialSessions =
            [
                new() { Date = new(2027, 10, 29), Open = new(19, 0), Close = new(18, 0), Name = "Muhurat trading" },
                new() { Open = new(18, 0), Close = new(19, 0) },
            ],
        };
        var result = validator.Validate(null, bad);
        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.Contains("Open must be before Close", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.Contains("Date is required", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.Contains("Name is required", StringComparison.Ordinal));
        Assert.True(validator.Validate(null, new MarketSessionOptions
        {
            SpecialSessions = [new() { Date = new(2027, 10, 29), Open = new(18, 0), Close = new(19, 0), Name = "Muhurat trading" }],
        }).Succeeded);
    }

    [Fact]
    public void Special_sessions_bind_from_configuration_keys()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Spark:Market:SpecialSessions:0:Date"] = "2027-10-29",
            ["Spark:Market:SpecialSessions:0:Open"] = "18:00",
            ["Spark:Market:SpecialSessions:0:Close"] = "19:00",
            ["Spark:Market:SpecialSessions:0:PreOpen"] = "17:45",
            ["Spark:Market:SpecialSessions:0:Name"] = "Muhurat trading",
        }).Build();
        var options = new MarketSessionOptions();
        Microsoft.Extensions.Configuration.ConfigurationBinder.Bind(configuration.GetSection(MarketSessionOptions.Section), options);
        Assert.True(new MarketSessionOptionsValidator().Validate(null, options).Succeeded);
        var service = new MarketStatusService(Options.Create(options), new Microsoft.Extensions.Time.Testing.FakeTimeProvider(AtIst(2027, 10, 29, 17, 50)));
        Assert.Equal(MarketPhase.PreOpen, service.Now().Phase);
    }

    [Fact]
    public void The_service_reads_special_sessions_from_configuration()
    {
        var options = Options.Create(new MarketSessionOptions
        {
            SpecialSessions = [new() { Date = new(2027, 10, 29), Open = new(18, 0), Close = new(19, 0), PreOpen = new(17, 45), Name = "Muhurat trading" }],
        });
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(AtIst(2027, 10, 29, 18, 30));
        var service = new MarketStatusService(options, clock);
        Assert.Equal(MarketPhase.Open, service.Now().Phase);
        Assert.False(service.IsAfterMarket(SecurityType.Stock, enforceMarketHours: true, out _));
        clock.Advance(TimeSpan.FromHours(1));
        Assert.True(service.IsAfterMarket(SecurityType.Stock, enforceMarketHours: true, out var sendsAt));
        Assert.Equal(AtIst(2027, 11, 1, 9, 15), sendsAt);
        Assert.False(service.IsAfterMarket(SecurityType.Crypto, enforceMarketHours: true, out _));
        Assert.False(service.IsAfterMarket(SecurityType.MutualFund, enforceMarketHours: true, out _));
        Assert.False(service.IsAfterMarket(SecurityType.Stock, enforceMarketHours: false, out _));
        Assert.Equal("Mon 1 Nov, 09:15", MarketStatusText.SessionTime(sendsAt));
    }
}

/// <summary>Index levels from constituents' price relatives (NSE Indices' free-float method with fixed share counts).</summary>
public sealed class MarketIndicesTests
{
    [Fact]
    public void Every_constituent_at_its_reference_price_puts_the_index_at_its_reference_level()
    {
        var prices = MarketIndices.Nifty50.Weights.Keys.ToDictionary(s => s, _ => new ConstituentPrice(100m, 100m, 100m));
        var level = MarketIndices.Compute(MarketIndices.Nifty50, prices)!;
        Assert.Equal(26_000m, level.Level);
        Assert.Equal(0m, level.Change);
        Assert.Equal(MarketIndices.Nifty50.Weights.Count, level.Constituents);
    }

    [Fact]
    public void A_constituent_up_ten_per_cent_moves_the_index_by_its_weight()
    {
        // NIFTY Bank from HDFCBANK (28) and ICICIBANK (24.5) only: HDFCBANK up 10 % from yesterday's close at its reference,
        // ICICIBANK flat. 59,000 × (28 × 1.1 + 24.5) / 52.5 = 59,000 × 55.3 / 52.5 = 62,146.666… → 62,146.67;
        // previous close 59,000; change 3,146.67 = 5.3333 %.
        var prices = new Dictionary<string, ConstituentPrice>
        {
            ["HDFCBANK"] = new(1_000m, 1_100m, 1_000m),
            ["ICICIBANK"] = new(1_400m, 1_400m, 1_400m),
        };
        var level = MarketIndices.Compute(MarketIndices.NiftyBank, prices)!;
        Assert.Equal(62_146.67m, level.Level);
        Assert.Equal(59_000m, level.PreviousClose);
        Assert.Equal(3_146.67m, level.Change);
        Assert.Equal(0.053333m, level.ChangeRate);
        Assert.Equal(2, level.Constituents);
    }

    [Fact]
    public void An_index_without_priced_constituents_has_no_level()
    {
        Assert.Null(MarketIndices.Compute(MarketIndices.Sensex, new Dictionary<string, ConstituentPrice>()));
        Assert.Null(MarketIndices.Compute(MarketIndices.Sensex, new Dictionary<string, ConstituentPrice> { ["TCS"] = new(100m, 101m, null) }));
    }
}
