using Spark.Core.Audit;

namespace Spark.Web.Services.Admin;

/// <summary>
/// A back-office audit search. <see cref="Actor"/> and <see cref="Account"/> take an email or an id; dates are Indian
/// dates (both ends included).
/// </summary>
public sealed record AuditLogQuery
{
    public string? Actor { get; init; }
    public string? Account { get; init; }
    public IReadOnlyList<string>? Actions { get; init; }
    public string? EntityType { get; init; }
    public DateOnly? From { get; init; }
    public DateOnly? To { get; init; }
    public AuditStatus? Status { get; init; }
    public int Page { get; init; } = 1;
    public int PageSize { get; init; } = 50;
}

/// <summary>Someone named on an audit row: the actor or the account concerned.</summary>
public sealed record AuditPerson(Guid Id, string? Name, string? Email, IReadOnlyList<string> Roles)
{
    /// <summary>"Priya (support)", "Ravi", or "a deleted account" when the id no longer names anyone.</summary>
    public string Label => Name is null ? "a deleted account"
        : Roles.FirstOrDefault(r => r is Spark.Data.Identity.Roles.Admin or Spark.Data.Identity.Roles.Support) is { } staff
            ? $"{Name} ({staff.ToLowerInvariant()})"
            : Name;
}

/// <summary>One audit row as people read it: who, as or on whom, what, and its changes as "field: old → new" lines.</summary>
public sealed record AuditLogRow(
    Guid Id, DateTimeOffset At, string Action, AuditStatus Status, AuditPerson? Actor, AuditPerson? Account, Guid? ImpersonationId,
    string? EntityType, Guid? EntityId, string? EntityName, string Summary, IReadOnlyList<string> Changes, string? IpAddress, string? Error);

/// <summary>
/// A page of audit rows. <see cref="Total"/> stops counting at <see cref="AuditLogService.CountCap"/> + 1: with
/// <see cref="TotalIsCapped"/> it means "more than <see cref="AuditLogService.CountCap"/>", not an exact count.
/// </summary>
public sealed record AuditLogPage(IReadOnlyList<AuditLogRow> Items, int Page, int PageSize, int Total, bool TotalIsCapped, bool OwnActionsOnly);
