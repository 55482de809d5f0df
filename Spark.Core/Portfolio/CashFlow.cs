namespace Spark.Core.Portfolio;

/// <summary>One dated movement of money between the investor and an investment, for <see cref="Xirr"/>.</summary>
/// <param name="Date">The trade or payment date.</param>
/// <param name="Amount">
/// Negative for money the investor paid in (buys); positive for money received (sells, dividends, interest) and for
/// the value still held, entered as if received on the valuation date.
/// </param>
public readonly record struct CashFlow(DateOnly Date, decimal Amount);
