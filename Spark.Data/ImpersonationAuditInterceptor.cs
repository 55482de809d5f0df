using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Spark.Core.Accounts;
using Spark.Core.Audit;

namespace Spark.Data;

/// <summary>
/// Every change staff make to a customer's data while viewing their account (decision 0045) is written to the customer's
/// audit trail in the same transaction as the change, with the staff member and the impersonation: one row per changed
/// row, naming its table, key, operation and changed fields. Work outside an impersonation is untouched.
/// </summary>
public sealed class ImpersonationAuditInterceptor : SaveChangesInterceptor
{
    public const string Action = "impersonation_change";

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Record(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result,
        CancellationToken cancellationToken = default)
    {
        Record(eventData.Context);
        return ValueTask.FromResult(result);
    }

    private static void Record(DbContext? context)
    {
        if (Impersonation.Current is not { } scope || context is not SparkDbContext spark || spark.Scope.UserId != scope.CustomerId) return;
        context.ChangeTracker.DetectChanges();
        var changed = context.ChangeTracker.Entries()
            .Where(e => e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted && e.Entity is not AuditLog)
            .ToList();
        foreach (var entry in changed)
        {
            var key = entry.Metadata.FindPrimaryKey()?.Properties.Select(p => entry.Property(p.Name).CurrentValue).OfType<Guid>().FirstOrDefault();
            var fields = entry.State == EntityState.Modified
                ? entry.Properties.Where(p => p.IsModified).ToDictionary(p => p.Metadata.GetColumnName(), p => new { old = p.OriginalValue?.ToString(), @new = p.CurrentValue?.ToString() })
                : null;
            spark.AuditLogs.Add(new AuditLog
            {
                UserId = scope.CustomerId,
                ActorId = scope.StaffUserId,
                Action = Action,
                EntityType = entry.Metadata.GetTableName(),
                EntityId = key is { } id && id != Guid.Empty ? id : null,
                Changes = JsonSerializer.SerializeToDocument(new
                {
                    by = scope.StaffUserId,
                    impersonation = scope.ImpersonationId,
                    operation = entry.State.ToString().ToLowerInvariant(),
                    fields,
                }),
            });
        }
    }
}
