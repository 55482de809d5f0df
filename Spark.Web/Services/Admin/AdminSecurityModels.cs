using Spark.Core.Market;

namespace Spark.Web.Services.Admin;

public enum AdminSecuritySort { Symbol, Name, Type, Exchange, Sector, Updated }

/// <summary>The back office's securities list: free text (symbol, name, ISIN), filters, sort and a page.</summary>
public sealed record AdminSecurityQuery
{
    public string? Search { get; init; }
    public SecurityType? Type { get; init; }
    public string? Exchange { get; init; }
    public string? Sector { get; init; }
    public bool? Active { get; init; }
    public AdminSecuritySort Sort { get; init; } = AdminSecuritySort.Symbol;
    public bool Descending { get; init; }
    public int Page { get; init; } = 1;
    public int PageSize { get; init; } = 25;
}

public sealed record AdminSecurityRow(Guid Id, string Symbol, string Name, string? Isin, SecurityType Type, string? Exchange, string? Sector,
    string? Industry, int LotSize, decimal? MarketCap, string Currency, bool IsActive, DateTimeOffset UpdatedAt);

/// <summary>
/// A security as staff type it (create, edit, or one CSV row). Words stay text so that a wrong one is a field error
/// with the allowed values, not an unreadable body.
/// </summary>
public sealed record SecurityInput
{
    public string? Symbol { get; set; }
    public string? Name { get; set; }
    public string? Isin { get; set; }
    public string? Type { get; set; }
    public string? Exchange { get; set; }
    public string? Sector { get; set; }
    public string? Industry { get; set; }
    public int? LotSize { get; set; }
    public decimal? MarketCap { get; set; }
    public string? Currency { get; set; }
}

public sealed record SecurityImportError(int Line, string? Field, string Message);

public sealed record SecurityImportReport(int Imported, int Updated, int Unchanged, IReadOnlyList<SecurityImportError> Errors);

/// <summary>What the caller may do in the securities master; the service checks the same on every write.</summary>
public sealed record SecurityPermissions(bool CanEdit, string? Explanation);
