using System.Globalization;
using Spark.Core.Formatting;
using Spark.Core.Tax;

namespace Spark.Web.Components.Pages.Portfolio.TaxParts;

/// <summary>How the capital-gains statement reads on screen and on paper: heads, rates, holding periods.</summary>
public static class TaxText
{
    /// <summary>The head of income in words; the section comes from the statement itself.</summary>
    public static string Head(GainClass head) => head switch
    {
        GainClass.EquityShortTerm => "Short-term equity",
        GainClass.EquityLongTerm => "Long-term equity",
        GainClass.OtherShortTerm => "Other short-term",
        GainClass.OtherLongTerm => "Other long-term",
        GainClass.VirtualDigitalAsset => "Crypto (virtual digital assets)",
        _ => head.ToString(),
    };

    /// <summary>A short name for narrow places (chart axis, phone cards).</summary>
    public static string ShortHead(GainClass head) => head switch
    {
        GainClass.EquityShortTerm => "Equity STCG",
        GainClass.EquityLongTerm => "Equity LTCG",
        GainClass.OtherShortTerm => "Other STCG",
        GainClass.OtherLongTerm => "Other LTCG",
        GainClass.VirtualDigitalAsset => "Crypto",
        _ => head.ToString(),
    };

    /// <summary>
    /// "sales to 22 Jul 2024" or "sales from 23 Jul 2024" for a head the Finance (No. 2) Act 2024 split at 23 July 2024
    /// (it has one entry per rate period); null for an entry covering the whole year.
    /// </summary>
    public static string? Period(GainClassTotal total, FinancialYear year)
    {
        ArgumentNullException.ThrowIfNull(total);
        if (total.SalesFrom == default || (total.SalesFrom <= year.From && total.SalesTo >= year.To)) return null;
        var inv = CultureInfo.InvariantCulture;
        if (total.SalesFrom <= year.From) return $"sales to {total.SalesTo.ToString("d MMM yyyy", inv)}";
        if (total.SalesTo >= year.To) return $"sales from {total.SalesFrom.ToString("d MMM yyyy", inv)}";
        return $"sales {total.SalesFrom.ToString("d MMM yyyy", inv)} to {total.SalesTo.ToString("d MMM yyyy", inv)}";
    }

    /// <summary>The chart's short form of <see cref="Period"/>: "to 22 Jul", "from 23 Jul".</summary>
    public static string? ShortPeriod(GainClassTotal total, FinancialYear year)
    {
        ArgumentNullException.ThrowIfNull(total);
        if (total.SalesFrom == default || (total.SalesFrom <= year.From && total.SalesTo >= year.To)) return null;
        var inv = CultureInfo.InvariantCulture;
        return total.SalesFrom <= year.From ? $"to {total.SalesTo.ToString("d MMM", inv)}" : $"from {total.SalesFrom.ToString("d MMM", inv)}";
    }

    public static string Section(string section) => string.IsNullOrWhiteSpace(section) ? "" : $"Sec. {section}";

    /// <summary>"12.5 %", or "slab rate" where the rate depends on the investor's income and Spark does not estimate it.</summary>
    public static string Rate(decimal? rate) => rate is { } r ? IndianFormat.Percent(r, decimals: r * 1000m % 10m == 0m ? 0 : 1) : "slab rate";

    /// <summary>"2 years 3 months", "5 months 4 days", "12 days": calendar months from the buy date to the sale date.</summary>
    public static string HoldingPeriod(DateOnly bought, DateOnly sold)
    {
        if (sold <= bought) return sold == bought ? "same day" : "—";
        var months = (sold.Year - bought.Year) * 12 + sold.Month - bought.Month;
        if (bought.AddMonths(months) > sold) months--;
        var days = sold.DayNumber - bought.AddMonths(months).DayNumber;
        var parts = new List<string>(3);
        if (months / 12 > 0) parts.Add(Plural(months / 12, "year"));
        if (months % 12 > 0) parts.Add(Plural(months % 12, "month"));
        if (days > 0 && months < 12) parts.Add(Plural(days, "day"));
        return parts.Count == 0 ? Plural(days, "day") : string.Join(' ', parts);
    }

    /// <summary>Whole units as integers, fractions (fund units, crypto) to as many decimals as they have, up to 8.</summary>
    public static string Units(decimal units)
    {
        if (units == decimal.Truncate(units)) return IndianFormat.Number(units, 0);
        var text = IndianFormat.Number(units, 8);
        return text.TrimEnd('0').TrimEnd('.');
    }

    private static string Plural(int n, string unit) => string.Create(CultureInfo.InvariantCulture, $"{n} {unit}{(n == 1 ? "" : "s")}");
}
