using Spark.Core.Portfolio;
using Spark.Web.Services.Portfolio;

namespace Spark.Tests.Web;

/// <summary>Which imported rows a holding's replay turns away (LedgerService.Admit), without a database.</summary>
public sealed class ImportAdmissionTests
{
    private static (LedgerTransaction Row, LedgerEntry Entry) Row(TransactionType type, decimal quantity, string date) =>
        Entry(new LedgerTransaction
        {
            AssetName = "Test", Platform = "manual", Type = type, Quantity = quantity, Price = 100m, Amount = quantity * 100m,
            TransactionDate = DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture),
        });

    private static (LedgerTransaction Row, LedgerEntry Entry) Entry(LedgerTransaction row) => (row, LedgerService.ToEntry(row));

    private static List<int> Admit(IReadOnlyList<(LedgerTransaction Row, LedgerEntry Entry)> ledger, params int[] imported)
    {
        var ids = imported.Select(i => ledger[i].Row.Id).ToHashSet();
        var reasons = new List<string>();
        var away = LedgerService.Admit(ledger, t => ids.Contains(t.Id), (_, message) => reasons.Add(message));
        Assert.Equal(away.Count, reasons.Count);
        return [.. away.Order()];
    }

    [Fact]
    public void An_imported_sell_of_more_than_is_held_goes_and_a_good_sell_later_the_same_day_stays()
    {
        var ledger = new[]
        {
            Row(TransactionType.Buy, 10, "2024-01-02"),
            Row(TransactionType.Sell, 100, "2024-01-03"),
            Row(TransactionType.Sell, 2, "2024-01-03"),
        };

        Assert.Equal([1], Admit(ledger, 1, 2));
    }

    [Fact]
    public void A_stored_sell_that_an_earlier_imported_sell_starves_turns_that_imported_sell_away()
    {
        var ledger = new[]
        {
            Row(TransactionType.Buy, 10, "2024-01-02"),
            Row(TransactionType.Sell, 4, "2024-01-03"),
            Row(TransactionType.Sell, 8, "2024-01-04"),
            Row(TransactionType.Sell, 5, "2024-01-05"),
        };

        // Rows 1 and 2 are imported; the stored sell of 5 on the 5th needs the newest of them gone, and then fits.
        Assert.Equal([2], Admit(ledger, 1, 2));
    }

    [Fact]
    public void A_stored_ledger_that_no_imported_sell_can_rescue_turns_every_imported_row_away()
    {
        var ledger = new[]
        {
            Row(TransactionType.Buy, 10, "2024-01-02"),
            Row(TransactionType.Split, 0, "2024-01-03"),
            Row(TransactionType.Sell, 15, "2024-01-04"),
        };
        ledger[1] = Entry(new LedgerTransaction
        {
            AssetName = "Test", Platform = "manual", Type = TransactionType.Split, TransactionDate = new DateOnly(2024, 1, 3),
            Metadata = System.Text.Json.JsonDocument.Parse("""{"ratioNew": 1, "ratioOld": 2}"""),
        });

        // The imported 1-for-2 split leaves 5 units under a stored sell of 15: no imported sell to blame.
        Assert.Equal([1], Admit(ledger, 1));
    }
}
