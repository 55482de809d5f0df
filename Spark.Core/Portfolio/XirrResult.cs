namespace Spark.Core.Portfolio;

/// <summary>The outcome of <see cref="Xirr.Solve"/>.</summary>
/// <param name="Rate">The annual rate as a fraction (0.3734 is 37.34 %), rounded to 8 decimals; null when it cannot be solved.</param>
/// <param name="Note">Why there is no rate, in plain English for the screen; null when there is one.</param>
public sealed record XirrResult(decimal? Rate, string? Note);
