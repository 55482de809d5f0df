namespace Spark.Web.Services.Admin;

public enum CorporateActionType { Split, Bonus, Dividend }

/// <summary>
/// A corporate action as an admin states it. Split and bonus: <see cref="RatioNew"/> for every <see cref="RatioOld"/>
/// (a 1:5 split of face value, ₹10 → ₹2, is 5 new for 1 old; a 1:1 bonus is 1 bonus share for every 1 held).
/// Dividend: <see cref="AmountPerShare"/> rupees. <see cref="ExDate"/> is the date the ledger entries carry.
/// </summary>
public sealed record CorporateActionInput
{
    public string? Symbol { get; set; }
    public string? Type { get; set; }
    public DateOnly? ExDate { get; set; }
    public decimal? RatioNew { get; set; }
    public decimal? RatioOld { get; set; }
    public decimal? AmountPerShare { get; set; }
    public string? Note { get; set; }
}

/// <summary>One holding (a user's position on one platform) and what the action does to it.</summary>
public sealed record CorporateActionHolder(Guid UserId, string Name, string Email, Guid InvestmentId, string Platform,
    decimal QuantityBefore, decimal QuantityAfter, decimal Amount, string? Note);

public sealed record CorporateActionPreview(
    Guid SecurityId, string Symbol, string SecurityName, CorporateActionType Type, DateOnly ExDate, decimal? RatioNew, decimal? RatioOld,
    decimal? AmountPerShare, int Holders, decimal QuantityBefore, decimal QuantityAfter, decimal TotalAmount,
    IReadOnlyList<CorporateActionHolder> Sample, IReadOnlyList<string> Problems, Guid? RecordedId);

public sealed record CorporateActionView(
    Guid Id, Guid SecurityId, string Symbol, string SecurityName, CorporateActionType Type, DateOnly ExDate, decimal? RatioNew, decimal? RatioOld,
    decimal? AmountPerShare, string? Note, string Status, int Holders, Guid? RecordedBy, DateTimeOffset CreatedAt, DateTimeOffset? AppliedAt);

public sealed record CorporateActionFailure(Guid UserId, string Platform, string Message);

public sealed record CorporateActionDetail(CorporateActionView Action, IReadOnlyList<CorporateActionHolder> Entries);

/// <summary>
/// What recording did: <see cref="AlreadyRecorded"/> when the same action (security, type, date, ratio or amount) was
/// recorded before; <see cref="Created"/> ledger entries written now (0 on a repeat of a completed action).
/// </summary>
public sealed record CorporateActionOutcome(CorporateActionDetail Detail, bool AlreadyRecorded, int Created, IReadOnlyList<CorporateActionFailure> Failures);
