namespace Spark.Core;

/// <summary>
/// Rounds the slices of one total to the paisa as the rounded running total minus the rounded running total
/// before it, so the rounded slices always add up to the rounded total (a sale split over lots, a tax over lots).
/// </summary>
internal sealed class RunningRounding
{
    private decimal _exactSoFar;
    private decimal _roundedSoFar;

    public decimal Next(decimal exactSlice)
    {
        _exactSoFar += exactSlice;
        var roundedSoFar = Money.Paisa(_exactSoFar);
        var roundedSlice = roundedSoFar - _roundedSoFar;
        _roundedSoFar = roundedSoFar;
        return roundedSlice;
    }
}
