using Microsoft.EntityFrameworkCore;
using Spark.Data;

namespace Spark.Web.Services.Analysis;

/// <summary>
/// The back office's analysis switch, kept in app_settings (decision 0060): with recommendations off, the analysis API and
/// pages show indicators, scores, pros and cons but no recommendation, confidence, target or stop-loss. Read on every use
/// (one primary-key row), so every Spark process sees a change at once.
/// </summary>
public sealed class AnalysisSettings(SparkDb db, Spark.Web.Security.AuditTrail audit, TimeProvider clock)
{
    public const string RecommendationsKey = "analysis.recommendations_enabled";

    public async Task<bool> RecommendationsEnabledAsync(CancellationToken cancellationToken = default)
    {
        await using var context = db.Shared();
        var values = await context.Database
            .SqlQuery<bool>($"SELECT (value #>> '{{}}')::boolean AS \"Value\" FROM app_settings WHERE key = {RecommendationsKey}")
            .ToListAsync(cancellationToken);
        return values.Count == 0 || values[0];
    }

    public async Task SetRecommendationsEnabledAsync(bool enabled, Guid? adminId, CancellationToken cancellationToken = default)
    {
        await using var context = db.Shared();
        var value = enabled ? "true" : "false";
        await context.Database.ExecuteSqlAsync($"""
            INSERT INTO app_settings (key, value, updated_at, updated_by) VALUES ({RecommendationsKey}, {value}::jsonb, {clock.GetUtcNow()}, {adminId})
            ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, updated_by = excluded.updated_by
            """, cancellationToken);
        await audit.RecordAsync(Spark.Web.Security.AuditActions.AnalysisSettingsChanged, adminId, entityType: "app_setting",
            details: new { key = RecommendationsKey, enabled }, cancellationToken: cancellationToken);
    }
}
