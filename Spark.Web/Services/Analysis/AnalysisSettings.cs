using System.Text.Json;
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

    /// <summary>The optional narrative's switch, endpoint and model (decision 0063); its API key is configuration, never stored here.</summary>
    public const string NarrativeKey = "analysis.narrative";

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

    /// <summary>The narrative's settings; off (and nothing set) until an admin turns it on.</summary>
    public async Task<NarrativeSettings> NarrativeAsync(CancellationToken cancellationToken = default)
    {
        await using var context = db.Shared();
        var values = await context.Database
            .SqlQuery<string>($"SELECT value::text AS \"Value\" FROM app_settings WHERE key = {NarrativeKey}")
            .ToListAsync(cancellationToken);
        if (values.Count == 0) return NarrativeSettings.Off;
        try
        {
            return JsonSerializer.Deserialize<NarrativeSettings>(values[0], JsonSerializerOptions.Web) ?? NarrativeSettings.Off;
        }
        catch (JsonException)
        {
            return NarrativeSettings.Off;
        }
    }

    /// <summary>Stores validated settings (<see cref="NarrativeSettings.Problems"/> first) and audits the change.</summary>
    public async Task SetNarrativeAsync(NarrativeSettings settings, Guid? adminId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Problems().Count > 0) throw new ArgumentException("The narrative settings are not valid.", nameof(settings));
        var value = JsonSerializer.Serialize(settings, JsonSerializerOptions.Web);
        await using var context = db.Shared();
        await context.Database.ExecuteSqlAsync($"""
            INSERT INTO app_settings (key, value, updated_at, updated_by) VALUES ({NarrativeKey}, {value}::jsonb, {clock.GetUtcNow()}, {adminId})
            ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, updated_by = excluded.updated_by
            """, cancellationToken);
        await audit.RecordAsync(Spark.Web.Security.AuditActions.AnalysisSettingsChanged, adminId, entityType: "app_setting",
            details: new { key = NarrativeKey, settings.Enabled, settings.Endpoint, settings.Model }, cancellationToken: cancellationToken);
    }
}

/// <summary>
/// The optional language-model narrative as the admin sets it (decision 0063): on or off, the OpenAI-compatible endpoint's
/// base URL (the one ending in /v1; Spark posts to its /chat/completions) and the model's name.
/// </summary>
public sealed record NarrativeSettings(bool Enabled, string? Endpoint, string? Model)
{
    public const int MaxEndpointLength = 500, MaxModelLength = 200;

    public static readonly NarrativeSettings Off = new(false, null, null);

    /// <summary>Field → messages (endpoint, model); empty when the settings can be stored.</summary>
    public IReadOnlyDictionary<string, string[]> Problems()
    {
        var errors = new Dictionary<string, string[]>();
        var endpoint = Endpoint?.Trim();
        if (string.IsNullOrEmpty(endpoint))
        {
            if (Enabled) errors["endpoint"] = ["Give the endpoint's URL, such as http://localhost:11434/v1, to turn the narrative on."];
        }
        else if (endpoint.Length > MaxEndpointLength)
        {
            errors["endpoint"] = [$"Use at most {MaxEndpointLength} characters."];
        }
        else if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            || string.IsNullOrEmpty(uri.Host))
        {
            errors["endpoint"] = ["Use an absolute http or https URL, such as https://models.example.com/v1."];
        }
        else if (!string.IsNullOrEmpty(uri.UserInfo) || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
        {
            // A key in the URL would be stored in the database and shown on the back office: keys belong in configuration.
            errors["endpoint"] = ["Leave user names, keys, queries and fragments out of the URL; the API key comes from Spark:Analysis:Narrative:ApiKey."];
        }

        var model = Model?.Trim();
        if (string.IsNullOrEmpty(model))
        {
            if (Enabled) errors["model"] = ["Name the model to ask, such as llama3.1:8b, to turn the narrative on."];
        }
        else if (model.Length > MaxModelLength)
        {
            errors["model"] = [$"Use at most {MaxModelLength} characters."];
        }
        else if (model.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
        {
            errors["model"] = ["Use a model name without spaces or control characters."];
        }

        return errors;
    }

    /// <summary>The same settings with surrounding spaces removed and empty values as null.</summary>
    public NarrativeSettings Normalised() =>
        new(Enabled, string.IsNullOrWhiteSpace(Endpoint) ? null : Endpoint.Trim(), string.IsNullOrWhiteSpace(Model) ? null : Model.Trim());
}
