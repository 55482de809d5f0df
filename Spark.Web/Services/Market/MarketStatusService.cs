using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using Spark.Core.Market;

namespace Spark.Web.Services.Market;

/// <summary>
/// Special equity sessions added by configuration (Spark:Market:SpecialSessions): Muhurat trading once NSE announces its
/// timings, a special Saturday session. Each entry: Date (yyyy-MM-dd), Open and Close (HH:mm, IST), Name, and an optional
/// PreOpen. An entry replaces the built-in sessions of its date (<see cref="MarketHours.KnownSpecialSessions"/>).
/// </summary>
public sealed class MarketSessionOptions
{
    public const string Section = "Spark:Market";

    public List<SpecialSessionSetting> SpecialSessions { get; set; } = [];

    public sealed class SpecialSessionSetting
    {
        public DateOnly? Date { get; set; }
        public TimeOnly? Open { get; set; }
        public TimeOnly? Close { get; set; }
        public TimeOnly? PreOpen { get; set; }
        public string? Name { get; set; }
    }
}

/// <summary>Refuses to start with a special session that cannot be one: the market's status would otherwise be wrong all day.</summary>
public sealed class MarketSessionOptionsValidator : IValidateOptions<MarketSessionOptions>
{
    public ValidateOptionsResult Validate(string? name, MarketSessionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        for (var i = 0; i < options.SpecialSessions.Count; i++)
        {
            var s = options.SpecialSessions[i];
            var at = $"{MarketSessionOptions.Section}:SpecialSessions:{i}";
            if (s.Date is null) errors.Add($"{at}:Date is required (yyyy-MM-dd).");
            if (s.Open is null || s.Close is null) errors.Add($"{at}: Open and Close are required (HH:mm, IST).");
            else if (s.Open >= s.Close) errors.Add($"{at}: Open must be before Close.");
            if (s.PreOpen is { } p && s.Open is { } o && p > o) errors.Add($"{at}: PreOpen must not be after Open.");
            if (string.IsNullOrWhiteSpace(s.Name) || s.Name.Length > 60) errors.Add($"{at}:Name is required (at most 60 characters).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

/// <summary>The equity market's hours with the configured special sessions, and its status now (decision 0051).</summary>
public sealed class MarketStatusService(IOptions<MarketSessionOptions> options, TimeProvider clock)
{
    public MarketHours Hours { get; } = new(options.Value.SpecialSessions
        .Select(s => new SpecialSession(s.Date!.Value, s.Open!.Value, s.Close!.Value, s.Name!.Trim(), s.PreOpen)));

    public MarketStatus Now() => Hours.StatusAt(clock.GetUtcNow());

    /// <summary>
    /// Whether a day order for this instrument placed now is an after-market order: the exchange enforces market hours, the
    /// instrument follows the equity session (not crypto, not a fund), and no session is trading now.
    /// </summary>
    public bool IsAfterMarket(SecurityType type, bool enforceMarketHours, out DateTimeOffset sendsAt)
    {
        var status = Now();
        sendsAt = status.NextOpen;
        return enforceMarketHours && type is not (SecurityType.Crypto or SecurityType.MutualFund) && !status.Trading;
    }
}

/// <summary>How screens and notifications word the market's status, in India time.</summary>
public static class MarketStatusText
{
    private static readonly System.Globalization.CultureInfo Invariant = System.Globalization.CultureInfo.InvariantCulture;

    /// <summary>"Mon 7 Dec, 09:15": when a session opens (an after-market order is sent then).</summary>
    public static string SessionTime(DateTimeOffset instant) => Spark.Core.Time.IndiaTime.ToIst(instant).ToString("ddd d MMM, HH:mm", Invariant);

    /// <summary>"15:30" in India time.</summary>
    public static string Clock(DateTimeOffset instant) => Spark.Core.Time.IndiaTime.ToIst(instant).ToString("HH:mm", Invariant);

    /// <summary>The header chip: "Market open · closes 15:30", "Pre-open · opens 09:15", "Closed · opens Mon 09:15", "Holiday: Christmas".</summary>
    public static string Chip(MarketStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        return status.Phase switch
        {
            MarketPhase.Open => $"{(status.SessionName is "Regular session" or null ? "Market" : status.SessionName)} open · closes {Clock(status.SessionClose!.Value)}",
            MarketPhase.PreOpen => $"Pre-open · opens {Clock(status.SessionOpen!.Value)}",
            MarketPhase.Holiday => $"Holiday: {status.Holiday}",
            _ => $"Closed · opens {Opens(status)}",
        };
    }

    /// <summary>The chip's longer title: what the status means and when the next session opens.</summary>
    public static string Detail(MarketStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        return status.Phase switch
        {
            MarketPhase.Open => $"NSE and BSE are trading until {Clock(status.SessionClose!.Value)} IST.",
            MarketPhase.PreOpen => $"Pre-open: the session opens at {Clock(status.SessionOpen!.Value)} IST. Day orders placed now are after-market orders.",
            MarketPhase.Holiday => $"An exchange holiday ({status.Holiday}). The next session opens {SessionTime(status.NextOpen)} IST.",
            _ => $"The market is closed. The next session opens {SessionTime(status.NextOpen)} IST.",
        };
    }

    private static string Opens(MarketStatus status) =>
        Spark.Core.Market.MarketCalendar.IstDate(status.NextOpen) == Spark.Core.Market.MarketCalendar.IstDate(status.AsOf)
            ? Clock(status.NextOpen)
            : Spark.Core.Time.IndiaTime.ToIst(status.NextOpen).ToString("ddd HH:mm", Invariant);

    /// <summary>The API's word for a phase: pre_open, open, closed, holiday.</summary>
    public static string Word(MarketPhase phase) => phase switch
    {
        MarketPhase.PreOpen => "pre_open",
        MarketPhase.Open => "open",
        MarketPhase.Holiday => "holiday",
        _ => "closed",
    };
}
