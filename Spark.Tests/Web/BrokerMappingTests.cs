using Microsoft.Extensions.Options;
using Spark.Core.Market;
using Spark.Core.Platforms.Brokers;
using Spark.Web.Services.Connections;

namespace Spark.Tests.Web;

/// <summary>What Spark may create from a broker's word, and which rupee rate converts a USDT fill (no database).</summary>
public sealed class BrokerMappingTests
{
    [Theory]
    [InlineData("BTCINR", "CRYPTO", null, SecurityType.Crypto, "BTCINR")]
    [InlineData("NEWCO", "NSE", "INE002A01018", SecurityType.Stock, "NEWCO")]
    [InlineData("NEWCO", "BSE", "INE002A01018", SecurityType.Stock, "NEWCO")]
    [InlineData("Some Fund", null, "INF846K01EW2", SecurityType.MutualFund, "INF846K01EW2")]
    public void A_crypto_asset_in_rupees_a_listed_share_with_an_indian_isin_and_a_fund_with_its_isin_may_be_created(string symbol, string? exchange,
        string? isin, SecurityType type, string created)
    {
        var security = InstrumentMatcher.Creatable("zerodha", new BrokerInstrument(symbol, exchange, isin, type, "A name"));
        Assert.NotNull(security);
        Assert.Equal(created, security.Symbol);
        Assert.Equal(type, security.Type);
    }

    [Theory]
    [InlineData("BTCUSDT", "CRYPTO", null, SecurityType.Crypto)] // not priced in rupees
    [InlineData("AAPL", "NASDAQ", "US0378331005", SecurityType.Stock)] // not an Indian market
    [InlineData("NEWCO", "NSE", null, SecurityType.Stock)] // no ISIN to tell it apart
    [InlineData("NEWCO", "NSE", "INE002A0101X", SecurityType.Stock)] // the ISIN's check character is not a digit
    [InlineData("NEWCO", "NSE", "US0378331005", SecurityType.Stock)] // a foreign ISIN on NSE
    [InlineData("NEW CO", "NSE", "INE002A01018", SecurityType.Stock)] // not an exchange symbol
    public void Anything_the_brokers_word_does_not_settle_is_left_for_the_investor(string symbol, string? exchange, string? isin, SecurityType type) =>
        Assert.Null(InstrumentMatcher.Creatable("zerodha", new BrokerInstrument(symbol, exchange, isin, type, "A name")));

    [Fact]
    public void A_fund_without_a_name_is_not_created() =>
        Assert.Null(InstrumentMatcher.Creatable("zerodha", new BrokerInstrument("INF846K01EW2", null, "INF846K01EW2", SecurityType.MutualFund)));

    [Fact]
    public async Task A_fill_takes_the_last_rate_dated_on_or_before_its_day_and_none_before_the_first()
    {
        var options = new SyncOptions();
        options.InrRates["USDT"] = new() { ["2024-01-01"] = 83.21m, ["2025-01-01"] = 85.62m };
        var rates = new QuoteRates(new StaticOptions(options));
        Assert.Equal(83.21m, await rates.InrPerUnitAsync("USDT", new DateOnly(2024, 12, 31), CancellationToken.None));
        Assert.Equal(85.62m, await rates.InrPerUnitAsync("usdt", new DateOnly(2025, 1, 1), CancellationToken.None));
        Assert.Null(await rates.InrPerUnitAsync("USDT", new DateOnly(2023, 12, 31), CancellationToken.None));
        Assert.Null(await rates.InrPerUnitAsync("FDUSD", new DateOnly(2025, 6, 1), CancellationToken.None));
        Assert.Equal(1m, await rates.InrPerUnitAsync("INR", new DateOnly(2025, 6, 1), CancellationToken.None));
    }

    private sealed class StaticOptions(SyncOptions value) : IOptionsMonitor<SyncOptions>
    {
        public SyncOptions CurrentValue => value;

        public SyncOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<SyncOptions, string?> listener) => null;
    }
}
