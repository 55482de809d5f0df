namespace Spark.Core.Market;

/// <summary>
/// Daily closes of one security in trade-date order, immutable and shared between requests. Lookups walk a
/// <see cref="Cursor"/> forward, so valuing a holding over n days costs O(n + bars), not O(n log bars).
/// </summary>
public sealed class PriceSeries
{
    private readonly int[] _days;
    private readonly decimal[] _closes;

    public PriceSeries(IReadOnlyList<(DateOnly Date, decimal Close)> closes)
    {
        ArgumentNullException.ThrowIfNull(closes);
        _days = new int[closes.Count];
        _closes = new decimal[closes.Count];
        for (var i = 0; i < closes.Count; i++)
        {
            if (i > 0 && closes[i].Date <= closes[i - 1].Date)
            {
                throw new ArgumentException("Closes must be in strictly increasing date order.", nameof(closes));
            }

            _days[i] = closes[i].Date.DayNumber;
            _closes[i] = closes[i].Close;
        }
    }

    public static PriceSeries Empty { get; } = new([]);

    public int Count => _days.Length;

    public DateOnly? LastDate => _days.Length == 0 ? null : DateOnly.FromDayNumber(_days[^1]);

    public decimal? LastClose => _closes.Length == 0 ? null : _closes[^1];

    /// <summary>The close on <paramref name="date"/> or the latest one before it.</summary>
    public decimal? CloseOnOrBefore(DateOnly date)
    {
        var i = Array.BinarySearch(_days, date.DayNumber);
        if (i < 0) i = ~i - 1;
        return i >= 0 ? _closes[i] : null;
    }

    public Cursor Start() => new(this);

    /// <summary>Reads closes for non-decreasing dates.</summary>
    public struct Cursor(PriceSeries series)
    {
        private int _next;

        /// <summary>The close on or before <paramref name="dayNumber"/>; dates must not go backwards between calls.</summary>
        public decimal? At(int dayNumber) => IndexAt(dayNumber) is var i and >= 0 ? series._closes[i] : null;

        /// <summary>
        /// The index of the close on or before <paramref name="dayNumber"/>, or −1: callers that only need to know
        /// whether the price moved compare indexes instead of prices.
        /// </summary>
        public int IndexAt(int dayNumber)
        {
            var days = series._days;
            while (_next < days.Length && days[_next] <= dayNumber)
            {
                _next++;
            }

            return _next - 1;
        }

        public readonly decimal CloseAt(int index) => series._closes[index];
    }
}

/// <summary>The live price of a security and the close it is compared with for the day's change.</summary>
public readonly record struct Quote(decimal Price, decimal? PreviousClose, DateTimeOffset AsOf);
