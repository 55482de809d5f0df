using Spark.Core.Tax;

namespace Spark.Web.Services.Tax;

/// <summary>The capital-gains statement of issue #15, computed from the ledger (the Tax page, the API and the CSV use it).</summary>
public interface ICapitalGainsStatements
{
    /// <summary>The statement of <paramref name="userId"/> for <paramref name="year"/>, rows paged (page from 1).</summary>
    Task<CapitalGainsStatement> GetAsync(Guid userId, FinancialYear year, int page, int pageSize, CancellationToken cancellationToken = default);

    /// <summary>Every row of the year (for the CSV and the printable page).</summary>
    Task<CapitalGainsStatement> GetAllAsync(Guid userId, FinancialYear year, CancellationToken cancellationToken = default);

    /// <summary>The financial years in which the user has a sale or a dividend, newest first (the year picker).</summary>
    Task<IReadOnlyList<FinancialYear>> YearsAsync(Guid userId, CancellationToken cancellationToken = default);
}

/// <summary>
/// Section 55(2)(ac) fair market values on 31 January 2018: per security, per unit in today's units (after later splits
/// and bonuses), from the admin's value for its ISIN where one is entered, otherwise from the day's bar (the highest
/// price quoted that day for shares and ETFs; the NAV for fund units). Missing securities are absent from the answer.
/// </summary>
public interface IGrandfatheringPrices
{
    Task<IReadOnlyDictionary<Guid, decimal>> GetAsync(IReadOnlyCollection<Guid> securityIds, CancellationToken cancellationToken = default);
}
