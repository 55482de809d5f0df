namespace Spark.Core.Tax;

/// <summary>
/// The Cost Inflation Index of clause (v) of the Explanation to section 48, base year 2001-02 = 100, as notified by the
/// CBDT: Notification No. 44/2017 (S.O. 1790(E), 5 June 2017) for 2001-02 to 2017-18, amended each year since
/// (S.O. 2571(E) of 12 June 2023 added 2023-24 = 348; Notification No. 44/2024, S.O. 2103(E) of 24 May 2024, added
/// 2024-25 = 363; Notification No. 70/2025 of 1 July 2025 added 2025-26 = 376). Decision 0064 lists the sources checked.
/// </summary>
public static class CostInflationIndex
{
    /// <summary>The base year since the Finance Act 2017: an asset acquired before 1 April 2001 is indexed from 2001-02.</summary>
    public const int BaseYear = 2001;

    private static readonly int[] Values =
    [
        100, // 2001-02
        105, 109, 113, 117, 122, 129, 137, 148, 167, // 2002-03 … 2010-11
        184, 200, 220, 240, 254, 264, 272, 280, 289, // 2011-12 … 2019-20
        301, 317, 331, 348, 363, 376, // 2020-21 … 2025-26
    ];

    /// <summary>The index of <paramref name="year"/>; null for a year before 2001-02 or one not yet notified.</summary>
    public static int? Of(FinancialYear year)
    {
        var i = year.StartYear - BaseYear;
        return i >= 0 && i < Values.Length ? Values[i] : null;
    }

    /// <summary>
    /// Second proviso to section 48: cost × CII(year of transfer) ÷ CII(year of acquisition, or 2001-02 when the asset was
    /// acquired before 1 April 2001), rounded to the paisa (<see cref="Money.Paisa"/>, half away from zero). Null when an
    /// index is not known.
    /// </summary>
    public static (decimal IndexedCost, int AcquisitionIndex, int TransferIndex)? Index(decimal cost, DateOnly acquired, DateOnly transferred)
    {
        var from = FinancialYear.Of(acquired);
        if (from.StartYear < BaseYear) from = new FinancialYear(BaseYear);
        if (Of(from) is not { } a || Of(FinancialYear.Of(transferred)) is not { } t) return null;
        return (Money.Paisa(cost * t / a), a, t);
    }
}
