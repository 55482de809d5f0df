using Spark.Core.Market;
using Spark.Web.Services.Market;

namespace Spark.Web.Components.Pages.Market.Parts;

/// <summary>
/// A quote as a screen shows it: <see cref="Version"/> grows with every tick so the cell can be re-created (restarting
/// its flash animation), and <see cref="Direction"/> says which way the last tick moved the price.
/// </summary>
public sealed record LiveQuote(Quote Quote, int Version, int Direction)
{
    public decimal Price => Quote.Price;

    public decimal? Change => Quote.PreviousClose is { } p ? Quote.Price - p : null;

    public decimal? ChangeRate => Quote.PreviousClose is { } p and > 0m ? (Quote.Price - p) / p : null;

    /// <summary>"flash-up", "flash-down" or nothing (the first render does not flash).</summary>
    public string? FlashClass => Version == 0 ? null : Direction > 0 ? "flash-up" : Direction < 0 ? "flash-down" : null;

    public static LiveQuote From(Quote quote) => new(quote, 0, 0);

    /// <summary>The quote after <paramref name="tick"/>; a tick that changes nothing still flashes, as a fresh print.</summary>
    public LiveQuote After(PriceTick tick)
    {
        ArgumentNullException.ThrowIfNull(tick);
        return new LiveQuote(tick.ToQuote(), Version + 1, Math.Sign(tick.Price - Quote.Price));
    }
}
