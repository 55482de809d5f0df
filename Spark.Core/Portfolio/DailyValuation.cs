namespace Spark.Core.Portfolio;

/// <summary>One day in the life of a holding or a portfolio, for <see cref="TimeWeightedReturn"/>.</summary>
/// <param name="Date">The day.</param>
/// <param name="Value">Market value at the end of the day, after the day's money in and out.</param>
/// <param name="MoneyIn">Buys of the day, counted as arriving at the start of the day so they earn that day's return.</param>
/// <param name="MoneyOut">Sells, dividends and interest of the day, counted as leaving at the end of the day.</param>
public readonly record struct DailyValuation(DateOnly Date, decimal Value, decimal MoneyIn, decimal MoneyOut);
