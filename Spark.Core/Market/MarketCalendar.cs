using System.Collections.Frozen;
using Spark.Core.Time;

namespace Spark.Core.Market;

/// <summary>One trading session in Asia/Kolkata: open inclusive, close exclusive.</summary>
public sealed record MarketSession(DateOnly TradeDate, DateTimeOffset Open, DateTimeOffset Close)
{
    public bool Contains(DateTimeOffset instant) => instant >= Open && instant < Close;

    public TimeSpan Length => Close - Open;
}

/// <summary>
/// The NSE/BSE equity calendar: a regular session 09:15–15:30 IST on weekdays that are not exchange trading
/// holidays. Prices and the paper exchange follow this regular session only. The pre-open session and special
/// sessions (Muhurat trading, special Saturday sessions) are modelled for the market's status and after-market
/// orders by <see cref="MarketHours"/> (decision 0051); the simulated market does not trade in special sessions.
/// </summary>
public static class MarketCalendar
{
    public static TimeOnly OpenTime { get; } = new(9, 15);

    public static TimeOnly CloseTime { get; } = new(15, 30);

    // NSE "Trading holidays for the calendar year" circulars (equity, equity derivatives and SLB segments),
    // with the holidays added or moved during the year. Only weekdays are listed: holidays that fall on a
    // weekend change nothing. Written from the circulars as known in 2026; NSE amends the list during the year
    // (elections, state-declared holidays), so check each year against the current circular before relying on it.
    // NSE publishes each list in December of the year before; years without a list are treated as weekdays only.
    private static readonly FrozenDictionary<DateOnly, string> Holidays = new Dictionary<DateOnly, string>
    {
        // NSE/CMTR/46623, 11 Dec 2020.
        [new(2021, 1, 26)] = "Republic Day",
        [new(2021, 3, 11)] = "Mahashivratri",
        [new(2021, 3, 29)] = "Holi",
        [new(2021, 4, 2)] = "Good Friday",
        [new(2021, 4, 14)] = "Dr. Baba Saheb Ambedkar Jayanti",
        [new(2021, 4, 21)] = "Ram Navami",
        [new(2021, 5, 13)] = "Id-Ul-Fitr (Ramzan Id)",
        [new(2021, 7, 21)] = "Bakri Id",
        [new(2021, 8, 19)] = "Moharram",
        [new(2021, 9, 10)] = "Ganesh Chaturthi",
        [new(2021, 10, 15)] = "Dussehra",
        [new(2021, 11, 4)] = "Diwali Laxmi Pujan (Muhurat trading)",
        [new(2021, 11, 5)] = "Diwali Balipratipada",
        [new(2021, 11, 19)] = "Gurunanak Jayanti",

        // Circular of December 2021.
        [new(2022, 1, 26)] = "Republic Day",
        [new(2022, 3, 1)] = "Mahashivratri",
        [new(2022, 3, 18)] = "Holi",
        [new(2022, 4, 14)] = "Dr. Baba Saheb Ambedkar Jayanti / Mahavir Jayanti",
        [new(2022, 4, 15)] = "Good Friday",
        [new(2022, 5, 3)] = "Id-Ul-Fitr (Ramzan Id)",
        [new(2022, 8, 9)] = "Moharram",
        [new(2022, 8, 15)] = "Independence Day",
        [new(2022, 8, 31)] = "Ganesh Chaturthi",
        [new(2022, 10, 5)] = "Dussehra",
        [new(2022, 10, 24)] = "Diwali Laxmi Pujan (Muhurat trading)",
        [new(2022, 10, 26)] = "Diwali Balipratipada",
        [new(2022, 11, 8)] = "Gurunanak Jayanti",

        // NSE/CMTR/54757, 8 Dec 2022; Bakri Id moved from 28 to 29 June by the circular of 27 June 2023.
        [new(2023, 1, 26)] = "Republic Day",
        [new(2023, 3, 7)] = "Holi",
        [new(2023, 3, 30)] = "Ram Navami",
        [new(2023, 4, 4)] = "Mahavir Jayanti",
        [new(2023, 4, 7)] = "Good Friday",
        [new(2023, 4, 14)] = "Dr. Baba Saheb Ambedkar Jayanti",
        [new(2023, 5, 1)] = "Maharashtra Day",
        [new(2023, 6, 29)] = "Bakri Id",
        [new(2023, 8, 15)] = "Independence Day",
        [new(2023, 9, 19)] = "Ganesh Chaturthi",
        [new(2023, 10, 2)] = "Mahatma Gandhi Jayanti",
        [new(2023, 10, 24)] = "Dussehra",
        [new(2023, 11, 14)] = "Diwali Balipratipada",
        [new(2023, 11, 27)] = "Gurunanak Jayanti",
        [new(2023, 12, 25)] = "Christmas",

        // Circular 59917 of 26 Dec 2023, plus 22 Jan (Maharashtra public holiday), 20 May (Lok Sabha polling in
        // Mumbai) and 20 Nov (Maharashtra assembly polling), each notified during the year.
        [new(2024, 1, 22)] = "Shri Ram Lalla Pran Pratishtha (public holiday in Maharashtra)",
        [new(2024, 1, 26)] = "Republic Day",
        [new(2024, 3, 8)] = "Mahashivratri",
        [new(2024, 3, 25)] = "Holi",
        [new(2024, 3, 29)] = "Good Friday",
        [new(2024, 4, 11)] = "Id-Ul-Fitr (Ramadan Eid)",
        [new(2024, 4, 17)] = "Shri Ram Navami",
        [new(2024, 5, 1)] = "Maharashtra Day",
        [new(2024, 5, 20)] = "General Elections to the Lok Sabha (Mumbai)",
        [new(2024, 6, 17)] = "Bakri Id",
        [new(2024, 7, 17)] = "Moharram",
        [new(2024, 8, 15)] = "Independence Day",
        [new(2024, 10, 2)] = "Mahatma Gandhi Jayanti",
        [new(2024, 11, 1)] = "Diwali Laxmi Pujan (Muhurat trading)",
        [new(2024, 11, 15)] = "Gurunanak Jayanti",
        [new(2024, 11, 20)] = "Maharashtra Assembly Elections",
        [new(2024, 12, 25)] = "Christmas",

        // Circular of December 2024.
        [new(2025, 2, 26)] = "Mahashivratri",
        [new(2025, 3, 14)] = "Holi",
        [new(2025, 3, 31)] = "Id-Ul-Fitr (Ramadan Eid)",
        [new(2025, 4, 10)] = "Shri Mahavir Jayanti",
        [new(2025, 4, 14)] = "Dr. Baba Saheb Ambedkar Jayanti",
        [new(2025, 4, 18)] = "Good Friday",
        [new(2025, 5, 1)] = "Maharashtra Day",
        [new(2025, 8, 15)] = "Independence Day",
        [new(2025, 8, 27)] = "Ganesh Chaturthi",
        [new(2025, 10, 2)] = "Mahatma Gandhi Jayanti / Dussehra",
        [new(2025, 10, 21)] = "Diwali Laxmi Pujan (Muhurat trading)",
        [new(2025, 10, 22)] = "Diwali Balipratipada",
        [new(2025, 11, 5)] = "Prakash Gurpurb Sri Guru Nanak Dev",
        [new(2025, 12, 25)] = "Christmas",

        // Circular of December 2025, plus 15 Jan (Maharashtra municipal corporation elections), notified in January.
        [new(2026, 1, 15)] = "Municipal Corporation Elections (Maharashtra)",
        [new(2026, 1, 26)] = "Republic Day",
        [new(2026, 3, 3)] = "Holi",
        [new(2026, 3, 26)] = "Shri Ram Navami",
        [new(2026, 3, 31)] = "Shri Mahavir Jayanti",
        [new(2026, 4, 3)] = "Good Friday",
        [new(2026, 4, 14)] = "Dr. Baba Saheb Ambedkar Jayanti",
        [new(2026, 5, 1)] = "Maharashtra Day",
        [new(2026, 5, 28)] = "Bakri Id",
        [new(2026, 6, 26)] = "Muharram",
        [new(2026, 9, 14)] = "Ganesh Chaturthi",
        [new(2026, 10, 2)] = "Mahatma Gandhi Jayanti",
        [new(2026, 10, 20)] = "Dussehra",
        [new(2026, 11, 10)] = "Diwali Balipratipada",
        [new(2026, 11, 24)] = "Prakash Gurpurb Sri Guru Nanak Dev",
        [new(2026, 12, 25)] = "Christmas",

        // 2027: PROVISIONAL. NSE's circular for 2027 was not available to us (it is published in December 2026), so
        // these are the 2027 dates of the holidays NSE has closed for every year since 2021, as announced in the
        // central government's and Maharashtra's holiday lists for 2027 (lunar festivals as the almanac dates them),
        // weekdays only: Mahashivratri (6 Mar), Maharashtra Day (1 May), Independence Day (15 Aug), Ganesh Chaturthi
        // (4 Sep), Gandhi Jayanti (2 Oct), Dussehra (9 Oct), Balipratipada (30 Oct), Guru Nanak Jayanti (14 Nov) and
        // Christmas (25 Dec) fall on weekends in 2027. Mahavir Jayanti (about 19 Apr) is left out: its 2027 date was not
        // settled in the lists we had. Replace the whole year with the circular's list when it is out (decision 0051).
        [new(2027, 1, 26)] = "Republic Day",
        [new(2027, 3, 10)] = "Id-Ul-Fitr (Ramadan Eid)",
        [new(2027, 3, 22)] = "Holi",
        [new(2027, 3, 26)] = "Good Friday",
        [new(2027, 4, 14)] = "Dr. Baba Saheb Ambedkar Jayanti",
        [new(2027, 4, 15)] = "Shri Ram Navami",
        [new(2027, 5, 17)] = "Bakri Id",
        [new(2027, 6, 16)] = "Muharram",
        [new(2027, 10, 29)] = "Diwali Laxmi Pujan (Muhurat trading)",
    }.ToFrozenDictionary();

    private static readonly FrozenSet<int> YearsWithList = Holidays.Keys.Select(d => d.Year).ToFrozenSet();

    /// <summary>Whether the exchange holiday list of that year is known; a year without one is weekdays only.</summary>
    public static bool HasHolidayList(int year) => YearsWithList.Contains(year);

    /// <summary>The exchange trading holiday on that date, if it is one (weekdays only).</summary>
    public static string? HolidayName(DateOnly istDate) => Holidays.GetValueOrDefault(istDate);

    public static bool IsTradingDay(DateOnly istDate) =>
        istDate.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && !Holidays.ContainsKey(istDate);

    /// <summary>The last trading day strictly before <paramref name="istDate"/>.</summary>
    public static DateOnly PreviousTradingDay(DateOnly istDate)
    {
        var day = istDate.AddDays(-1);
        while (!IsTradingDay(day))
        {
            day = day.AddDays(-1);
        }
        return day;
    }

    /// <summary>The first trading day strictly after <paramref name="istDate"/>.</summary>
    public static DateOnly NextTradingDay(DateOnly istDate)
    {
        var day = istDate.AddDays(1);
        while (!IsTradingDay(day))
        {
            day = day.AddDays(1);
        }
        return day;
    }

    /// <summary>The trading days from <paramref name="from"/> to <paramref name="to"/>, both inclusive.</summary>
    public static IEnumerable<DateOnly> TradingDays(DateOnly from, DateOnly to)
    {
        for (var day = from; day <= to; day = day.AddDays(1))
        {
            if (IsTradingDay(day))
            {
                yield return day;
            }
            if (day == DateOnly.MaxValue)
            {
                yield break;
            }
        }
    }

    /// <summary>The regular equity session of that date, or null when the exchange is closed all day.</summary>
    public static MarketSession? SessionOn(DateOnly istDate) =>
        IsTradingDay(istDate) ? new(istDate, AtIst(istDate, OpenTime), AtIst(istDate, CloseTime)) : null;

    /// <summary>Whether the regular equity session is open at that instant (09:15 inclusive, 15:30 exclusive).</summary>
    public static bool IsOpen(DateTimeOffset instant) => SessionOn(IstDate(instant))?.Contains(instant) ?? false;

    /// <summary>
    /// Whether the instrument has a market at that instant. Crypto trades around the clock; a mutual fund never
    /// trades intraday (it is bought and redeemed at the day's NAV); everything else follows the equity session.
    /// </summary>
    public static bool TradesNow(SecurityType type, DateTimeOffset instant) => type switch
    {
        SecurityType.Crypto => true,
        SecurityType.MutualFund => false,
        _ => IsOpen(instant),
    };

    /// <summary>Whether the instrument has intraday prices: a mutual fund has one NAV a trading day, struck at the close.</summary>
    public static bool HasIntraday(SecurityType type) => type != SecurityType.MutualFund;

    /// <summary>Whether the instrument gets a daily price on that date: crypto every day, the rest on trading days.</summary>
    public static bool TradesOn(SecurityType type, DateOnly istDate) => type == SecurityType.Crypto || IsTradingDay(istDate);

    /// <summary>
    /// The session an instrument's daily bar belongs to: crypto's runs 00:00–24:00 IST every day; a mutual fund's
    /// NAV is struck for the equity session's close, so it shares that session.
    /// </summary>
    public static MarketSession? SessionOn(SecurityType type, DateOnly istDate) =>
        type == SecurityType.Crypto
            ? new(istDate, AtIst(istDate, TimeOnly.MinValue), AtIst(istDate.AddDays(1), TimeOnly.MinValue))
            : SessionOn(istDate);

    /// <summary>The Asia/Kolkata calendar date of an instant.</summary>
    public static DateOnly IstDate(DateTimeOffset instant) => DateOnly.FromDateTime(IndiaTime.ToIst(instant).DateTime);

    /// <summary>A wall-clock time in Asia/Kolkata on that date, with its UTC offset (+05:30).</summary>
    public static DateTimeOffset AtIst(DateOnly istDate, TimeOnly time)
    {
        var local = istDate.ToDateTime(time);
        return new DateTimeOffset(local, IndiaTime.Zone.GetUtcOffset(local));
    }
}
