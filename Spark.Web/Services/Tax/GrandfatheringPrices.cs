using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Spark.Core.Market;
using Spark.Core.Orders;
using Spark.Data;
using Spark.Web.Services.Orders;

namespace Spark.Web.Services.Tax;

using Security = Spark.Core.Market.Security;

/// <summary>Where a security's section 55(2)(ac) value comes from.</summary>
public enum GrandfatheringSource
{
    /// <summary>An admin entered the value for the security's ISIN (table grandfathered_values).</summary>
    Admin,

    /// <summary>The stored daily bar of 31 January 2018: its high for shares and ETFs, its close (the NAV) for fund units.</summary>
    Bar,

    /// <summary>Neither: Spark has no 31 January 2018 value and the estimate keeps the actual cost.</summary>
    Missing,

    /// <summary>Section 55(2)(ac) does not apply: the security is not an equity share or a unit of an equity-oriented fund.</summary>
    NotApplicable,
}

/// <summary>
/// One security's 31 January 2018 fair market value and how it was found. <see cref="Value"/> is per unit in today's
/// units: the 2018 value (admin's or the bar's) divided by <see cref="UnitFactor"/>, the product of the splits and
/// bonuses recorded with an ex-date after 31 January 2018.
/// </summary>
public sealed record GrandfatheringDetail(
    Guid SecurityId,
    string Symbol,
    string? Isin,
    GrandfatheringSource Source,
    decimal? AdminValue,
    decimal? BarValue,
    string? BarField,
    decimal UnitFactor,
    decimal? Value);

/// <summary>
/// Section 55(2)(ac) of the Income-tax Act 1961: the cost of a long-term capital asset that is an equity share or a
/// unit of an equity-oriented fund (or a business trust), acquired before 1 February 2018, is the higher of its actual
/// cost and the lower of its fair market value and the full value of consideration. The Explanation to that clause
/// defines the fair market value as (a) for a listed share or unit, the highest price quoted on a recognised stock
/// exchange on 31 January 2018, and (b) for a unit that is not listed, its net asset value on that date.
/// </summary>
/// <remarks>
/// Per security: the admin's value for its ISIN where one is entered, otherwise the stored daily bar of 31 January 2018
/// (its high for shares and ETFs, listed; its close, the NAV, for mutual fund units, not listed). Later splits and
/// bonuses recorded by the back office (table corporate_actions, decision 0042) divide it so that it multiplies a lot's
/// current units. Where that day has no bar, Spark says it has no value rather than use another day: the Explanation's
/// clause (a)(ii) (the highest price on the last earlier day the asset was traded, when it was not traded on 31 January
/// 2018) is not applied, because a missing bar in Spark's store does not show that the asset was not traded (an admin
/// enters that day's price by ISIN instead). Four queries for any number of securities, no per-security round trip.
/// </remarks>
public sealed class GrandfatheringPrices(SparkDb db) : IGrandfatheringPrices
{
    /// <summary>31 January 2018, the day of the Explanation to section 55(2)(ac).</summary>
    public static DateOnly Date => CapitalGainsEstimator.GrandfatheringDate;

    public async Task<IReadOnlyDictionary<Guid, decimal>> GetAsync(IReadOnlyCollection<Guid> securityIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(securityIds);
        if (securityIds.Count == 0) return new Dictionary<Guid, decimal>();
        var details = await DetailsAsync(securityIds, cancellationToken);
        return details.Where(d => d.Value is not null).ToDictionary(d => d.SecurityId, d => d.Value!.Value);
    }

    /// <summary>Every known security of <paramref name="securityIds"/> with its value and where it came from (unknown ids are left out).</summary>
    public async Task<IReadOnlyList<GrandfatheringDetail>> DetailsAsync(IReadOnlyCollection<Guid> securityIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(securityIds);
        var ids = securityIds.Distinct().ToArray();
        if (ids.Length == 0) return [];

        // Reference data only (securities, bars, grandfathered values, corporate actions): no user's rows are read.
        await using var context = db.Shared();
        var securities = await context.Securities.AsNoTracking().Where(s => ids.Contains(s.Id)).ToListAsync(cancellationToken);
        if (securities.Count == 0) return [];
        var bars = await context.DailyBars.AsNoTracking().Where(b => ids.Contains(b.SecurityId) && b.TradeDate == Date)
            .ToDictionaryAsync(b => b.SecurityId, cancellationToken);
        var isins = securities.Where(s => s.Isin != null).Select(s => s.Isin!).Distinct().ToArray();
        var admin = isins.Length == 0 ? [] : (await QueryAsync(context,
            "SELECT isin, value FROM grandfathered_values WHERE isin = ANY(@isins)",
            r => (Isin: r.GetString(0), Value: r.GetDecimal(1)), cancellationToken, ("isins", isins))).ToDictionary(x => x.Isin, x => x.Value, StringComparer.Ordinal);
        var actions = await QueryAsync(context, """
            SELECT security_id, type, ratio_new, ratio_old FROM corporate_actions
            WHERE security_id = ANY(@ids) AND type IN ('split', 'bonus') AND ex_date > @date AND ratio_new > 0 AND ratio_old > 0
            """, r => (SecurityId: r.GetGuid(0), Type: r.GetString(1), New: r.GetDecimal(2), Old: r.GetDecimal(3)), cancellationToken,
            ("ids", ids), ("date", Date));
        var factors = actions.GroupBy(a => a.SecurityId).ToDictionary(g => g.Key, g => g.Aggregate(1m, (f, a) => f * Factor(a.Type, a.New, a.Old)));

        return [.. securities.OrderBy(s => s.Symbol, StringComparer.Ordinal).Select(s => Detail(s, bars.GetValueOrDefault(s.Id),
            s.Isin is { } isin && admin.TryGetValue(isin, out var v) ? v : null, factors.GetValueOrDefault(s.Id, 1m)))];
    }

    /// <summary>
    /// How many of today's units one unit of 31 January 2018 became: a split of <paramref name="ratioNew"/> for
    /// <paramref name="ratioOld"/> multiplies the units by new/old; a bonus of new for every old held adds new/old.
    /// </summary>
    public static decimal Factor(string type, decimal ratioNew, decimal ratioOld) => type switch
    {
        "split" => ratioNew / ratioOld,
        "bonus" => (ratioOld + ratioNew) / ratioOld,
        _ => 1m,
    };

    /// <summary>The value in today's units, from the admin's value or the bar, as the Explanation to section 55(2)(ac) defines it.</summary>
    public static GrandfatheringDetail Detail(Security security, DailyBar? bar, decimal? adminValue, decimal unitFactor)
    {
        ArgumentNullException.ThrowIfNull(security);
        // Section 55(2)(ac) covers equity shares and units of equity-oriented funds only (section 112A's assets).
        if (Instruments.Tax(security) != TaxClass.Equity)
        {
            return new(security.Id, security.Symbol, security.Isin, GrandfatheringSource.NotApplicable, adminValue, null, null, unitFactor, null);
        }

        // Explanation (a) to section 55(2)(ac): a listed share or ETF unit at the day's highest quoted price; (b) an
        // unlisted mutual fund unit at its net asset value, which a fund's daily bar holds as its close.
        var fundUnit = security.Type == SecurityType.MutualFund;
        decimal? barValue = bar is null ? null : fundUnit ? bar.Close : bar.High;
        var field = bar is null ? null : fundUnit ? "close" : "high";
        var (source, value) = adminValue is { } a ? (GrandfatheringSource.Admin, a)
            : barValue is { } b and > 0m ? (GrandfatheringSource.Bar, b)
            : (GrandfatheringSource.Missing, 0m);
        return new(security.Id, security.Symbol, security.Isin, source, adminValue, barValue, field, unitFactor,
            source == GrandfatheringSource.Missing ? null : value / unitFactor);
    }

    internal static async Task<List<T>> QueryAsync<T>(SparkDbContext context, string sql, Func<DbDataReader, T> read, CancellationToken cancellationToken,
        params (string Name, object Value)[] parameters)
    {
        await context.Database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, (NpgsqlConnection)context.Database.GetDbConnection());
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<T>();
        while (await reader.ReadAsync(cancellationToken)) list.Add(read(reader));
        return list;
    }
}
