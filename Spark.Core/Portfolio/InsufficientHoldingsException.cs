using System.Globalization;

namespace Spark.Core.Portfolio;

public sealed class InsufficientHoldingsException(DateOnly sellDate, decimal requestedQuantity, decimal heldQuantity)
    : DomainException(string.Create(
        CultureInfo.InvariantCulture,
        $"Cannot sell {Units(requestedQuantity)} units on {sellDate:yyyy-MM-dd}: only {Units(heldQuantity)} are held."))
{
    public DateOnly SellDate { get; } = sellDate;

    public decimal RequestedQuantity { get; } = requestedQuantity;

    public decimal HeldQuantity { get; } = heldQuantity;

    // Quantities keep whatever scale they were entered with (20.000); the message should read "20".
    private static string Units(decimal quantity) =>
        quantity.ToString("0.############################", CultureInfo.InvariantCulture);
}
