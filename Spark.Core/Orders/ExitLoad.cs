namespace Spark.Core.Orders;

/// <summary>A fund's exit load: <see cref="Rate"/> of the redemption value of units redeemed within <see cref="WithinDays"/> of their purchase.</summary>
public sealed record ExitLoadTerms(decimal Rate, int WithinDays)
{
    public static ExitLoadTerms None { get; } = new(0m, 0);

    public bool Applies => Rate > 0m && WithinDays > 0;
}

/// <summary>An exit load from a date in <see cref="ChargeSchedule"/> (bindable: a dated list like the other charges).</summary>
public sealed class DatedExitLoad
{
    public DateOnly EffectiveFrom { get; set; }
    public decimal Rate { get; set; }
    public int WithinDays { get; set; }
}

public static class ExitLoads
{
    /// <summary>
    /// How many of <paramref name="redeemed"/> units pay the load: units leave the oldest lots first (FIFO, as the
    /// fund house and the tax rules count them), and a unit pays when it is redeemed fewer than
    /// <paramref name="withinDays"/> days after it was bought.
    /// </summary>
    /// <param name="lotsOldestFirst">The holding's open lots: purchase date and units still held, oldest first.</param>
    public static decimal UnitsUnderLoad(IEnumerable<(DateOnly Bought, decimal Units)> lotsOldestFirst, decimal redeemed, DateOnly on, int withinDays)
    {
        ArgumentNullException.ThrowIfNull(lotsOldestFirst);
        ArgumentOutOfRangeException.ThrowIfNegative(redeemed);
        var left = redeemed;
        var loaded = 0m;
        foreach (var (bought, units) in lotsOldestFirst)
        {
            if (left <= 0m) break;
            var taken = Math.Min(units, left);
            if (on < bought.AddDays(withinDays)) loaded += taken;
            left -= taken;
        }

        return loaded;
    }
}
