using System.Globalization;
using Spark.Core.Platforms;
using Spark.Web.Services.Connections;

namespace Spark.Web.Components.Pages.Settings.Parts;

/// <summary>How the Connections screen words a connection's state, its sync frequency and its runs.</summary>
public static class ConnectionText
{
    /// <summary>The brokers in the order the screen lists them.</summary>
    public static readonly IReadOnlyList<string> Brokers = [PlatformNames.Zerodha, PlatformNames.Upstox, PlatformNames.Binance, PlatformNames.Groww];

    /// <summary>Brokers that connect through their own login page rather than keys alone.</summary>
    public static bool UsesRedirect(string platform) => platform is PlatformNames.Zerodha or PlatformNames.Upstox;

    /// <summary>"Every 15 minutes" … "Every hour" … "Once a day".</summary>
    public static string Frequency(int minutes) => minutes switch
    {
        1440 => "Once a day",
        60 => "Every hour",
        < 60 => string.Create(CultureInfo.InvariantCulture, $"Every {minutes} minutes"),
        _ when minutes % 60 == 0 => string.Create(CultureInfo.InvariantCulture, $"Every {minutes / 60} hours"),
        _ => string.Create(CultureInfo.InvariantCulture, $"Every {minutes} minutes"),
    };

    /// <summary>The connection's state as its chip reads: a token that died outranks the stored status.</summary>
    public static string Status(ConnectionView connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (connection.DisconnectedAt is not null) return "Disconnected";
        if (connection.ReconnectRequired) return connection.LastSynced is null && connection.LastSync is null ? "Login not finished" : "Reconnect needed";
        if (Running(connection.LastSync)) return "Syncing";
        return connection.Status switch
        {
            "connected" => "Connected",
            "syncing" => "Syncing",
            "error" => "Error",
            "disconnected" => "Disconnected",
            var other => other,
        };
    }

    /// <summary>A run that has not finished yet (queued or in progress).</summary>
    public static bool Running(SyncLogView? log) => log is { Status: "pending" or "in_progress" };

    public static string RunStatus(string status) => status switch
    {
        "pending" => "Queued",
        "in_progress" => "Syncing",
        "completed" => "Completed",
        "failed" => "Failed",
        var other => other,
    };

    public static string RunType(string type) => type switch
    {
        "manual" => "Sync now",
        "auto" => "After connecting",
        "scheduled" => "Scheduled",
        var other => other,
    };

    /// <summary>"12 s", "3 min 5 s".</summary>
    public static string Duration(int? seconds) => seconds switch
    {
        null => "—",
        < 60 => string.Create(CultureInfo.InvariantCulture, $"{seconds} s"),
        var s => string.Create(CultureInfo.InvariantCulture, $"{s / 60} min {s % 60} s"),
    };

    /// <summary>What accepting a reconciliation line will do.</summary>
    public static string Action(string action) => action switch
    {
        ReconciliationService.OpeningBalance => "Opening balance (buy)",
        ReconciliationService.ReconcilingSale => "Reconciling sale",
        ReconciliationService.Unmatched => "No matching security: add it by hand",
        ReconciliationService.Unpriced => "No price: add it by hand",
        var other => other,
    };

    /// <summary>Whether any finding is worth showing.</summary>
    public static bool HasFindings(SyncFindings? findings) =>
        findings is not null && (findings.UnknownInstruments.Count > 0 || findings.CreatedSecurities.Count > 0 || findings.RejectedTrades.Count > 0);
}
