namespace Spark.Core.Market;

/// <summary>
/// The parameters of a simulated price series: geometric Brownian motion with an annual drift and volatility,
/// stepped once per trading period (252 exchange days a year, or 365 calendar days for crypto).
/// </summary>
/// <param name="GapShare">The overnight gap's standard deviation as a share of the daily volatility (0: no gap).</param>
/// <param name="Tick">The price step quotes are rounded to.</param>
/// <param name="DailyTurnover">Typical value traded in a day, in rupees, from which volumes are drawn (0: no volume).</param>
public sealed record SimulationProfile(
    double AnnualDrift,
    double AnnualVolatility,
    int PeriodsPerYear,
    double GapShare,
    decimal Tick,
    decimal DailyTurnover)
{
    // A flat ₹0.05 tick for everything exchange-traded is a simplification: NSE sets tick sizes by price band
    // and revises them by circular. Crypto is quoted to the paisa, NAVs to four decimals as AMCs publish them.
    // Crypto has no overnight gap because it never closes; a mutual fund has no open, only the NAV.
    private static readonly SimulationProfile StockProfile = new(0.12, 0.25, 252, 0.25, 0.05m, 2_000_000_000m);
    private static readonly SimulationProfile EtfProfile = new(0.10, 0.16, 252, 0.20, 0.05m, 150_000_000m);
    private static readonly SimulationProfile MutualFundProfile = new(0.11, 0.14, 252, 0, 0.0001m, 0m);
    private static readonly SimulationProfile BondProfile = new(0.07, 0.04, 252, 0.20, 0.05m, 5_000_000m);
    private static readonly SimulationProfile CryptoProfile = new(0.30, 0.70, 365, 0, 0.01m, 250_000_000m);

    public static SimulationProfile For(SecurityType type) => type switch
    {
        SecurityType.Stock => StockProfile,
        SecurityType.Etf => EtfProfile,
        SecurityType.MutualFund => MutualFundProfile,
        SecurityType.Bond => BondProfile,
        SecurityType.Crypto => CryptoProfile,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "No simulation profile for this security type."),
    };

    /// <summary>The length of one step in years.</summary>
    public double Dt => 1.0 / PeriodsPerYear;

    /// <summary>σ√Δt: the standard deviation of one period's log-return.</summary>
    public double PeriodVolatility => AnnualVolatility * Math.Sqrt(Dt);

    /// <summary>(μ − σ²/2)Δt: the mean of one period's log-return.</summary>
    public double PeriodLogDrift => (AnnualDrift - (AnnualVolatility * AnnualVolatility / 2)) * Dt;
}
