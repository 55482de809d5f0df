using Spark.Core.Portfolio;

namespace Spark.Web.Services.Portfolio;

/// <summary>A transaction as screens and the API show it.</summary>
public sealed record TransactionView(
    Guid Id,
    string Symbol,
    string AssetName,
    TransactionType Type,
    decimal? Quantity,
    decimal? Price,
    decimal Amount,
    decimal Fees,
    decimal Tax,
    decimal Gst,
    decimal NetAmount,
    DateOnly TransactionDate,
    string Platform,
    TransactionStatus Status,
    string? ExternalId,
    string? Description,
    decimal? RatioNew,
    decimal? RatioOld,
    Guid? InvestmentId,
    DateTimeOffset CreatedAt);

public sealed record TransactionFilter(
    TransactionType? Type = null,
    string? Symbol = null,
    DateOnly? From = null,
    DateOnly? To = null,
    string? Platform = null,
    Guid? InvestmentId = null);

/// <summary>A page of a list, as api.md's list envelope.</summary>
public sealed record Paged<T>(IReadOnlyList<T> Items, int Page, int PageSize, int Total);

public static class Paging
{
    public const int MaxPageSize = 500;
}

/// <summary>
/// What an import did: the good rows are kept and every bad one is counted. <see cref="Errors"/> lists the first
/// <see cref="LedgerService.MaxReportedErrors"/> problems by row number; <see cref="ErrorCount"/> counts them all and
/// <see cref="RejectedRows"/> the rows they are about.
/// </summary>
public sealed record ImportReport(int Imported, int SkippedDuplicates, IReadOnlyList<Spark.Core.Imports.ImportError> Errors, int ErrorCount,
    int RejectedRows);
