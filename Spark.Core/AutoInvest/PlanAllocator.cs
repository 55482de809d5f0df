namespace Spark.Core.AutoInvest;

/// <summary>One instrument a plan can buy: its class, its share of that class's basket and its latest price.</summary>
/// <param name="UnitDecimals">0 for stocks and ETFs, 8 for crypto; funds are bought by amount.</param>
/// <param name="ByAmount">Mutual funds: bought by amount at the next NAV, the units known only then.</param>
public sealed record BasketInstrument(string AssetClass, string Symbol, decimal Weight, decimal Price, int UnitDecimals, bool ByAmount);

/// <summary>What one instrument of an execution buys (or sells): the budget, the units, the estimated cost with charges.</summary>
public sealed record AllocationLeg(
    string AssetClass,
    string Symbol,
    decimal Budget,
    decimal Quantity,
    decimal? Amount,
    decimal EstimatedPrice,
    decimal EstimatedCost,
    decimal EstimatedCharges,
    string? Note = null)
{
    public bool Places => Amount is > 0m || Quantity > 0m;
}

/// <summary>How an execution's money is split: the legs, what they are estimated to cost, and the cash left over.</summary>
public sealed record Allocation(IReadOnlyList<AllocationLeg> Legs, decimal Invested, decimal Leftover);

/// <summary>
/// Splits a plan's money by asset class into instruments of each class's basket: whole units for stocks and ETFs,
/// 8 decimals for crypto, funds by amount. A unit's estimated price includes the market-order slippage, and
/// each leg's charges must fit inside its budget. Whole units leave cash over; one pass then spends it on more
/// units of the legs it can still buy, largest budget first, and what remains is reported as left over.
/// </summary>
public static class PlanAllocator
{
    /// <param name="charges">Estimated charges of buying (instrument, quantity, price).</param>
    public static Allocation Split(
        IReadOnlyDictionary<string, decimal> classAmounts, IReadOnlyList<BasketInstrument> instruments,
        Func<BasketInstrument, decimal, decimal, decimal> charges, decimal slippageRate)
    {
        ArgumentNullException.ThrowIfNull(classAmounts);
        ArgumentNullException.ThrowIfNull(instruments);
        ArgumentNullException.ThrowIfNull(charges);
        var total = classAmounts.Values.Where(v => v > 0m).Sum();
        var legs = new List<(BasketInstrument Instrument, AllocationLeg Leg)>();
        foreach (var (assetClass, amount) in classAmounts.Where(c => c.Value > 0m).OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            var basket = instruments.Where(i => string.Equals(i.AssetClass, assetClass, StringComparison.OrdinalIgnoreCase)).ToList();
            var weights = basket.Sum(i => i.Weight);
            if (basket.Count == 0 || weights <= 0m) continue;
            var remaining = amount;
            for (var k = 0; k < basket.Count; k++)
            {
                var instrument = basket[k];
                var budget = k == basket.Count - 1 ? remaining : Money.Paisa(amount * instrument.Weight / weights);
                remaining -= budget;
                legs.Add((instrument, Buy(instrument, budget, charges, slippageRate)));
            }
        }

        // Whole units leave cash over: spend it on more units where one more still fits.
        var leftover = total - legs.Sum(l => l.Leg.EstimatedCost);
        foreach (var i in Enumerable.Range(0, legs.Count).OrderByDescending(i => legs[i].Leg.Budget).ToList())
        {
            var (instrument, leg) = legs[i];
            if (instrument.ByAmount || leftover <= 0m || instrument.Price <= 0m) continue;
            var more = Buy(instrument, leg.EstimatedCost + leftover, charges, slippageRate);
            if (more.Quantity > leg.Quantity)
            {
                leftover -= more.EstimatedCost - leg.EstimatedCost;
                legs[i] = (instrument, more with { Budget = leg.Budget });
            }
        }

        var result = legs.Select(l => l.Leg).ToList();
        var invested = result.Sum(l => l.EstimatedCost);
        return new Allocation(result, invested, total - invested);
    }

    private static AllocationLeg Buy(BasketInstrument instrument, decimal budget, Func<BasketInstrument, decimal, decimal, decimal> charges, decimal slippageRate)
    {
        if (instrument.ByAmount)
        {
            // The units are struck at the next NAV; until then the order carries an estimate at the last one.
            return instrument.Price > 0m
                ? new AllocationLeg(instrument.AssetClass, instrument.Symbol, budget,
                    Math.Max(0.001m, Math.Round(budget / instrument.Price, 3, MidpointRounding.ToZero)), budget, instrument.Price, budget, 0m)
                : new AllocationLeg(instrument.AssetClass, instrument.Symbol, budget, 0m, null, 0m, 0m, 0m, "No NAV yet.");
        }

        if (instrument.Price <= 0m)
        {
            return new AllocationLeg(instrument.AssetClass, instrument.Symbol, budget, 0m, null, 0m, 0m, 0m, "No price yet.");
        }

        var price = Money.UnitPrice(instrument.Price * (1m + slippageRate));
        var quantity = Floor(budget / price, instrument.UnitDecimals);
        var step = Step(instrument.UnitDecimals);
        // Charges come out of the same budget: shrink until units and charges fit (a few steps at most).
        for (var attempt = 0; attempt < 64 && quantity > 0m; attempt++)
        {
            var fee = charges(instrument, quantity, price);
            var cost = Money.Paisa(quantity * price) + fee;
            if (cost <= budget)
            {
                return new AllocationLeg(instrument.AssetClass, instrument.Symbol, budget, quantity, null, price, cost, fee);
            }

            var fitted = Floor((budget - fee) / price, instrument.UnitDecimals);
            quantity = fitted < quantity ? fitted : quantity - step;
        }

        return new AllocationLeg(instrument.AssetClass, instrument.Symbol, budget, 0m, null, price, 0m, 0m,
            $"One unit costs more than this leg's ₹{budget:0.00}.");
    }

    private static decimal Step(int decimals) => decimals <= 0 ? 1m : (decimal)Math.Pow(10, -decimals);

    private static decimal Floor(decimal value, int decimals) =>
        value <= 0m ? 0m : Math.Round(value, Math.Max(0, decimals), MidpointRounding.ToZero);
}
