using Spark.Core.Market;

namespace Spark.Tests.Core;

public sealed class MarketCalendarTests
{
    private static readonly TimeSpan Ist = TimeSpan.FromHours(5.5);

    private static DateOnly On(int year, int month, int day) => new(year, month, day);

    private static DateTimeOffset AtIst(int year, int month, int day, int hour, int minute, int second = 0) =>
        new(year, month, day, hour, minute, second, Ist);

    [Theory]
    [InlineData(2024, 1, 27)]
    [InlineData(2024, 1, 28)]
    [InlineData(2025, 10, 25)]
    public void Weekends_are_not_trading_days(int year, int month, int day)
    {
        Assert.False(MarketCalendar.IsTradingDay(On(year, month, day)));
        Assert.Null(MarketCalendar.SessionOn(On(year, month, day)));
    }

    [Theory]
    [InlineData(2021, 11, 5)]
    [InlineData(2022, 8, 15)]
    [InlineData(2023, 6, 29)]
    [InlineData(2024, 1, 22)]
    [InlineData(2024, 1, 26)]
    [InlineData(2024, 11, 20)]
    [InlineData(2025, 10, 22)]
    [InlineData(2026, 1, 15)]
    [InlineData(2026, 12, 25)]
    public void Exchange_holidays_on_weekdays_are_closed(int year, int month, int day)
    {
        var date = On(year, month, day);

        Assert.NotEqual(DayOfWeek.Saturday, date.DayOfWeek);
        Assert.NotEqual(DayOfWeek.Sunday, date.DayOfWeek);
        Assert.False(MarketCalendar.IsTradingDay(date));
        Assert.NotNull(MarketCalendar.HolidayName(date));
        Assert.False(MarketCalendar.IsOpen(AtIst(year, month, day, 11, 0)));
    }

    [Fact]
    public void Republic_day_2024_is_closed_and_the_days_around_it_are_open()
    {
        Assert.Equal("Republic Day", MarketCalendar.HolidayName(On(2024, 1, 26)));
        Assert.True(MarketCalendar.IsTradingDay(On(2024, 1, 25)));
        Assert.True(MarketCalendar.IsTradingDay(On(2024, 1, 29)));
        Assert.Equal([On(2024, 1, 23), On(2024, 1, 24), On(2024, 1, 25)], MarketCalendar.TradingDays(On(2024, 1, 22), On(2024, 1, 28)));
    }

    [Fact]
    public void Diwali_laxmi_pujan_2025_is_closed_for_the_regular_session_although_it_has_a_muhurat_session()
    {
        // NSE lists 21 Oct 2025 as a trading holiday and holds an hour of Muhurat trading that afternoon;
        // the calendar models the regular session only, so the whole day is closed.
        var diwali = On(2025, 10, 21);

        Assert.False(MarketCalendar.IsTradingDay(diwali));
        Assert.Contains("Muhurat", MarketCalendar.HolidayName(diwali), StringComparison.Ordinal);
        Assert.False(MarketCalendar.IsOpen(AtIst(2025, 10, 21, 14, 0)));
        Assert.Equal(On(2025, 10, 23), MarketCalendar.NextTradingDay(On(2025, 10, 20)));
    }

    [Fact]
    public void The_bakri_id_holiday_of_2023_is_on_the_day_nse_moved_it_to()
    {
        Assert.True(MarketCalendar.IsTradingDay(On(2023, 6, 28)));
        Assert.False(MarketCalendar.IsTradingDay(On(2023, 6, 29)));
    }

    [Theory]
    [InlineData(2021, 14)]
    [InlineData(2022, 13)]
    [InlineData(2023, 15)]
    [InlineData(2024, 17)]
    [InlineData(2025, 14)]
    [InlineData(2026, 16)]
    [InlineData(2027, 9)]
    public void Each_listed_year_has_the_number_of_weekday_holidays_nse_notified(int year, int holidays)
    {
        var weekdays = 0;
        var trading = 0;
        for (var day = On(year, 1, 1); day.Year == year; day = day.AddDays(1))
        {
            if (day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday))
            {
                weekdays++;
            }
            if (MarketCalendar.IsTradingDay(day))
            {
                trading++;
            }
        }

        Assert.True(MarketCalendar.HasHolidayList(year));
        Assert.Equal(holidays, weekdays - trading);
        Assert.Equal(trading, MarketCalendar.TradingDays(On(year, 1, 1), On(year, 12, 31)).Count());
    }

    [Fact]
    public void A_year_without_a_holiday_list_is_treated_as_weekdays_only()
    {
        Assert.False(MarketCalendar.HasHolidayList(2030));
        Assert.True(MarketCalendar.IsTradingDay(On(2030, 1, 1)));
        Assert.Equal(261, MarketCalendar.TradingDays(On(2030, 1, 1), On(2030, 12, 31)).Count());
    }

    [Fact]
    public void Previous_and_next_trading_day_skip_weekends_and_holidays()
    {
        Assert.Equal(On(2024, 1, 25), MarketCalendar.PreviousTradingDay(On(2024, 1, 29)));
        Assert.Equal(On(2024, 1, 29), MarketCalendar.NextTradingDay(On(2024, 1, 25)));
        Assert.Equal(On(2024, 1, 19), MarketCalendar.PreviousTradingDay(On(2024, 1, 23)));
        Assert.Equal(On(2024, 1, 23), MarketCalendar.NextTradingDay(On(2024, 1, 19)));
        Assert.Equal(On(2024, 1, 24), MarketCalendar.PreviousTradingDay(On(2024, 1, 25)));
    }

    [Fact]
    public void The_session_opens_at_0915_and_closes_at_1530_india_time()
    {
        Assert.False(MarketCalendar.IsOpen(AtIst(2024, 1, 25, 9, 14, 59)));
        Assert.True(MarketCalendar.IsOpen(AtIst(2024, 1, 25, 9, 15)));
        Assert.True(MarketCalendar.IsOpen(AtIst(2024, 1, 25, 15, 29, 59)));
        Assert.False(MarketCalendar.IsOpen(AtIst(2024, 1, 25, 15, 30)));
    }

    [Fact]
    public void The_session_is_decided_in_india_time_whatever_the_offset_of_the_instant()
    {
        Assert.False(MarketCalendar.IsOpen(new DateTimeOffset(2024, 1, 25, 3, 44, 59, TimeSpan.Zero)));
        Assert.True(MarketCalendar.IsOpen(new DateTimeOffset(2024, 1, 25, 3, 45, 0, TimeSpan.Zero)));
        Assert.True(MarketCalendar.IsOpen(new DateTimeOffset(2024, 1, 24, 23, 15, 0, TimeSpan.FromHours(-5))));
        Assert.False(MarketCalendar.IsOpen(new DateTimeOffset(2024, 1, 25, 10, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void A_session_is_given_in_india_time_with_its_offset()
    {
        var session = MarketCalendar.SessionOn(On(2024, 1, 25));

        Assert.NotNull(session);
        Assert.Equal(On(2024, 1, 25), session.TradeDate);
        Assert.Equal(AtIst(2024, 1, 25, 9, 15), session.Open);
        Assert.Equal(AtIst(2024, 1, 25, 15, 30), session.Close);
        Assert.Equal(Ist, session.Open.Offset);
        Assert.Equal(Ist, session.Close.Offset);
        Assert.Equal(TimeSpan.FromMinutes(375), session.Length);
    }

    [Fact]
    public void Crypto_trades_around_the_clock_every_day()
    {
        var sunday = On(2024, 1, 28);
        var session = MarketCalendar.SessionOn(SecurityType.Crypto, sunday);

        Assert.True(MarketCalendar.TradesNow(SecurityType.Crypto, AtIst(2024, 1, 28, 3, 0)));
        Assert.True(MarketCalendar.TradesNow(SecurityType.Crypto, AtIst(2024, 1, 26, 23, 59, 59)));
        Assert.True(MarketCalendar.TradesOn(SecurityType.Crypto, sunday));
        Assert.NotNull(session);
        Assert.Equal(AtIst(2024, 1, 28, 0, 0), session.Open);
        Assert.Equal(AtIst(2024, 1, 29, 0, 0), session.Close);
    }

    [Fact]
    public void Exchange_traded_instruments_follow_the_equity_session()
    {
        foreach (var type in new[] { SecurityType.Stock, SecurityType.Etf, SecurityType.Bond })
        {
            Assert.True(MarketCalendar.TradesNow(type, AtIst(2024, 1, 25, 11, 0)));
            Assert.False(MarketCalendar.TradesNow(type, AtIst(2024, 1, 25, 16, 0)));
            Assert.False(MarketCalendar.TradesNow(type, AtIst(2024, 1, 28, 11, 0)));
            Assert.True(MarketCalendar.HasIntraday(type));
        }
    }

    [Fact]
    public void Mutual_funds_have_no_intraday_market_only_a_nav_per_trading_day()
    {
        Assert.False(MarketCalendar.HasIntraday(SecurityType.MutualFund));
        Assert.False(MarketCalendar.TradesNow(SecurityType.MutualFund, AtIst(2024, 1, 25, 11, 0)));
        Assert.True(MarketCalendar.TradesOn(SecurityType.MutualFund, On(2024, 1, 25)));
        Assert.False(MarketCalendar.TradesOn(SecurityType.MutualFund, On(2024, 1, 26)));
        Assert.True(MarketCalendar.HasIntraday(SecurityType.Crypto));
    }
}
