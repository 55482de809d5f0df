using Microsoft.EntityFrameworkCore;
using Spark.Core.Accounts;
using Spark.Core.Formatting;
using Spark.Core.Time;
using Spark.Data;
using Spark.Web.Accounts;
using Spark.Web.Security;

namespace Spark.Web.Services.Accounts;

/// <summary>How a user wants numbers, money, dates and times shown: their preferences, applied.</summary>
public sealed record DisplayPreferences(NumberGrouping Grouping, string CurrencySymbol, string DatePattern, TimeZoneInfo TimeZone, int ItemsPerPage)
{
    public static DisplayPreferences Default { get; } = new(NumberGrouping.Indian, IndianFormat.Rupee, Spark.Core.Formatting.DatePattern.Default, IndiaTime.Zone, 20);

    public string Money(decimal amount) => IndianFormat.Money(amount, CurrencySymbol, grouping: Grouping);

    public string SignedMoney(decimal amount) => IndianFormat.SignedMoney(amount, CurrencySymbol, grouping: Grouping);

    public string Number(decimal value, int decimals = 2) => IndianFormat.Number(value, decimals, Grouping);

    public string Date(DateOnly date) => IndianFormat.Date(date, DatePattern);

    /// <summary>An instant in the user's time zone, e.g. "26/11/2026 21:40".</summary>
    public string DateTime(DateTimeOffset instant)
    {
        var local = TimeZoneInfo.ConvertTime(instant, TimeZone);
        return $"{IndianFormat.Date(DateOnly.FromDateTime(local.DateTime), DatePattern)} {local:HH:mm}";
    }

    public static DisplayPreferences From(UserPreferences p) => new(
        p.NumberFormat == NumberFormat.International ? NumberGrouping.International : NumberGrouping.Indian,
        IndianFormat.Rupee,
        Spark.Core.Formatting.DatePattern.All.Contains(p.DateFormat) ? p.DateFormat : Spark.Core.Formatting.DatePattern.Default,
        TimeZoneInfo.TryFindSystemTimeZoneById(p.Timezone, out var zone) ? zone : IndiaTime.Zone,
        p.ItemsPerPage);
}

/// <summary>Reads and changes a user's preferences (user_preferences), validated, audited.</summary>
public sealed class PreferencesService(SparkDb db, AuditTrail audit)
{
    public static readonly IReadOnlyList<int> PageSizes = [10, 20, 50, 100];
    public static readonly IReadOnlyList<string> Views = ["dashboard", "portfolio", "orders", "goals", "auto-invest"];
    public static readonly IReadOnlyList<string> TimeZones = ["Asia/Kolkata", "Asia/Dubai", "Asia/Singapore", "Europe/London", "America/New_York", "UTC"];

    public async Task<UserPreferences> GetAsync(Guid userId, CancellationToken cancellationToken = default)
    {
        await using var context = db.ForUser(userId);
        return await context.UserPreferences.AsNoTracking().SingleOrDefaultAsync(p => p.UserId == userId, cancellationToken)
            ?? new UserPreferences { UserId = userId };
    }

    /// <summary>Where the user lands after signing in without a page to return to (their "default view").</summary>
    public async Task<string> LandingPathAsync(Guid userId, CancellationToken cancellationToken = default) =>
        (await GetAsync(userId, cancellationToken)).DefaultView is { } view && Views.Contains(view) ? view : "dashboard";

    /// <summary>Field → message for anything not allowed; empty when the preferences are valid.</summary>
    public static Dictionary<string, string[]> Validate(UserPreferences p)
    {
        var errors = new Dictionary<string, string[]>();
        if (!UserPreferences.Languages.Contains(p.Language)) errors["language"] = ["Choose one of English, हिन्दी, मराठी, தமிழ், తెలుగు, বাংলা."];
        if (!Spark.Core.Formatting.DatePattern.All.Contains(p.DateFormat)) errors["dateFormat"] = ["Choose one of the listed date formats."];
        if (!TimeZones.Contains(p.Timezone)) errors["timezone"] = ["Choose one of the listed time zones."];
        if (!PageSizes.Contains(p.ItemsPerPage)) errors["itemsPerPage"] = ["Show 10, 20, 50 or 100 rows a page."];
        if (!Views.Contains(p.DefaultView)) errors["defaultView"] = ["Choose a screen to open after sign-in."];
        if (p.Currency != "INR") errors["currency"] = ["Spark values everything in Indian rupees."];
        if (p.DataRefreshInterval is < 5 or > 3600) errors["dataRefreshInterval"] = ["Refresh every 5 to 3,600 seconds."];
        return errors;
    }

    public async Task SaveAsync(Guid userId, UserPreferences changed, ClientInfo? client = null, CancellationToken cancellationToken = default)
    {
        Spark.Core.Accounts.Impersonation.EnsureMayWrite(userId, "change preferences");
        if (Validate(changed) is { Count: > 0 } errors)
        {
            throw new Spark.Core.DomainException(string.Join(" ", errors.Values.SelectMany(v => v)));
        }
        await using var context = db.ForUser(userId);
        var row = await context.UserPreferences.SingleOrDefaultAsync(p => p.UserId == userId, cancellationToken);
        if (row is null)
        {
            row = new UserPreferences { UserId = userId };
            context.UserPreferences.Add(row);
        }
        var changes = new List<string>();
        foreach (var property in context.Entry(row).Properties)
        {
            if (property.Metadata.Name is nameof(UserPreferences.Id) or nameof(UserPreferences.UserId)
                or nameof(UserPreferences.CreatedAt) or nameof(UserPreferences.UpdatedAt)) continue;
            var value = property.Metadata.PropertyInfo!.GetValue(changed);
            if (Equals(property.CurrentValue, value)) continue;
            property.CurrentValue = value;
            changes.Add(property.Metadata.Name);
        }
        await context.SaveChangesAsync(cancellationToken);
        if (changes.Count > 0)
        {
            await audit.RecordAsync(AuditActions.PreferencesChanged, userId, client, details: new { changed = changes }, cancellationToken: cancellationToken);
        }
    }
}
