namespace Spark.Core.Market;

/// <summary>
/// A session outside the regular calendar: Muhurat trading on Diwali (often a listed holiday), or a special Saturday
/// session. Times are Asia/Kolkata wall-clock times on <see cref="Date"/>; <see cref="PreOpen"/>, when given, starts the
/// session's pre-open (Muhurat's is 15 minutes before it).
/// </summary>
public sealed record SpecialSession(DateOnly Date, TimeOnly Open, TimeOnly Close, string Name, TimeOnly? PreOpen = null);

/// <summary>What the equity market is doing at an instant (API words: pre_open, open, closed, holiday).</summary>
public enum MarketPhase { PreOpen, Open, Closed, Holiday }

/// <summary>
/// The equity market's status at <see cref="AsOf"/>: its phase, the exchange holiday's name on a holiday, the session
/// being traded or about to open (pre-open and open only), and the next session's open (after the current one when open).
/// </summary>
public sealed record MarketStatus(MarketPhase Phase, string? Holiday, string? SessionName, DateTimeOffset? SessionOpen,
    DateTimeOffset? SessionClose, DateTimeOffset NextOpen, DateTimeOffset AsOf)
{
    /// <summary>Whether an order placed now is matched now; otherwise a day order waits for <see cref="NextOpen"/> (an after-market order).</summary>
    public bool Trading => Phase == MarketPhase.Open;
}

/// <summary>
/// The equity sessions of NSE/BSE with their pre-open, plus the configured special sessions. NSE's pre-open (circular
/// NSE/CMTR/16017 of 2010, "Introduction of call auction in pre-open session") runs 09:00–09:15 IST before the regular
/// session: order entry, modification and cancellation 09:00–09:08, order matching and trade confirmation 09:08–09:12,
/// and a buffer to 09:15. Spark's paper exchange does not run the call auction: an order placed during pre-open
/// waits for the open like one placed overnight (an after-market order). Crypto trades around the clock and
/// mutual funds follow NAV cut-offs; neither is governed by these hours.
/// </summary>
public sealed class MarketHours
{
    public static TimeOnly PreOpenTime { get; } = new(9, 0);

    /// <summary>The end of pre-open's order entry; from here to the open the call auction matches.</summary>
    public static TimeOnly PreOpenOrderEntryEnds { get; } = new(9, 8);

    /// <summary>
    /// Special sessions NSE held that we are sure of (the exchange's circulars announcing them): Muhurat trading of
    /// 12 Nov 2023 (Sunday, 18:15–19:15, pre-open 18:00), of 1 Nov 2024 (18:00–19:00, pre-open 17:45) and of 21 Oct 2025
    /// (13:45–14:45, pre-open 13:30); the full Saturday sessions of 20 Jan 2024 (moved from 22 Jan, declared a holiday)
    /// and 1 Feb 2025 (Union Budget). Muhurat 2026's timings and 2027's are added through configuration when announced.
    /// </summary>
    public static IReadOnlyList<SpecialSession> KnownSpecialSessions { get; } =
    [
        new(new(2023, 11, 12), new(18, 15), new(19, 15), "Muhurat trading", new(18, 0)),
        new(new(2024, 1, 20), new(9, 15), new(15, 30), "Special Saturday session", new(9, 0)),
        new(new(2024, 11, 1), new(18, 0), new(19, 0), "Muhurat trading", new(17, 45)),
        new(new(2025, 2, 1), new(9, 15), new(15, 30), "Union Budget Saturday session", new(9, 0)),
        new(new(2025, 10, 21), new(13, 45), new(14, 45), "Muhurat trading", new(13, 30)),
    ];

    // Far enough for any gap the calendar can have (the longest is a long weekend), short enough to end on a bad list.
    private const int SearchDays = 60;

    private readonly Dictionary<DateOnly, List<SpecialSession>> _special;

    /// <param name="specialSessions">Configured sessions; one on a date replaces the known default sessions of that date.</param>
    public MarketHours(IEnumerable<SpecialSession>? specialSessions = null)
    {
        var configured = (specialSessions ?? []).ToList();
        var dates = configured.Select(s => s.Date).ToHashSet();
        _special = KnownSpecialSessions.Where(s => !dates.Contains(s.Date)).Concat(configured)
            .GroupBy(s => s.Date).ToDictionary(g => g.Key, g => g.OrderBy(s => s.Open).ToList());
    }

    /// <summary>The calendar with only the known special sessions.</summary>
    public static MarketHours Default { get; } = new();

    /// <summary>The sessions of a date, earliest first: the regular one on a trading day, and any special ones.</summary>
    public IReadOnlyList<Session> SessionsOn(DateOnly istDate)
    {
        var sessions = new List<Session>();
        if (MarketCalendar.SessionOn(istDate) is { } regular)
        {
            sessions.Add(new Session(regular.Open, regular.Close, MarketCalendar.AtIst(istDate, PreOpenTime), "Regular session"));
        }

        foreach (var s in _special.GetValueOrDefault(istDate) ?? [])
        {
            var open = MarketCalendar.AtIst(istDate, s.Open);
            // A special session on a trading day inside its regular hours adds nothing.
            if (sessions.Any(r => r.Open <= open && open < r.Close)) continue;
            sessions.Add(new Session(open, MarketCalendar.AtIst(istDate, s.Close), s.PreOpen is { } p ? MarketCalendar.AtIst(istDate, p) : open, s.Name));
        }

        return [.. sessions.OrderBy(s => s.Open)];
    }

    /// <summary>Whether the equity market trades at that instant (a regular or special session, open inclusive, close exclusive).</summary>
    public bool IsOpen(DateTimeOffset instant) => SessionsOn(MarketCalendar.IstDate(instant)).Any(s => s.Open <= instant && instant < s.Close);

    /// <summary>The first session open strictly after <paramref name="instant"/>.</summary>
    public DateTimeOffset NextOpen(DateTimeOffset instant)
    {
        var day = MarketCalendar.IstDate(instant);
        for (var i = 0; i <= SearchDays; i++, day = day.AddDays(1))
        {
            foreach (var s in SessionsOn(day))
            {
                if (s.Open > instant) return s.Open;
            }
        }

        throw new InvalidOperationException($"No equity session within {SearchDays} days of {instant:O}.");
    }

    /// <summary>The market's status at an instant.</summary>
    public MarketStatus StatusAt(DateTimeOffset instant)
    {
        var date = MarketCalendar.IstDate(instant);
        foreach (var s in SessionsOn(date))
        {
            if (s.Open <= instant && instant < s.Close)
            {
                return new MarketStatus(MarketPhase.Open, null, s.Name, s.Open, s.Close, NextOpen(instant), instant);
            }

            if (s.PreOpen <= instant && instant < s.Open)
            {
                return new MarketStatus(MarketPhase.PreOpen, null, s.Name, s.Open, s.Close, s.Open, instant);
            }
        }

        var holiday = MarketCalendar.HolidayName(date);
        return new MarketStatus(holiday is null ? MarketPhase.Closed : MarketPhase.Holiday, holiday, null, null, null, NextOpen(instant), instant);
    }

    /// <summary>One session: pre-open from <see cref="PreOpen"/>, trading from <see cref="Open"/> (inclusive) to <see cref="Close"/> (exclusive).</summary>
    public sealed record Session(DateTimeOffset Open, DateTimeOffset Close, DateTimeOffset PreOpen, string Name);
}
