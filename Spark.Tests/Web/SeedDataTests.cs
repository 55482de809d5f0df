using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Spark.Core.Accounts;
using Spark.Core.Market;
using Spark.Core.Portfolio;
using Spark.Data;
using Spark.Data.Identity;
using Spark.Data.Seed;
using Spark.Tests.Infrastructure;

namespace Spark.Tests.Web;

public sealed class SeedDataTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    [Fact]
    public void The_securities_universe_has_at_least_sixty_real_instruments_of_every_kind_with_valid_isins()
    {
        var universe = SecurityUniverse.Instruments;

        Assert.True(universe.Count >= 60, $"{universe.Count} instruments");
        Assert.Equal(Enum.GetValues<SecurityType>().Order(), universe.Select(s => s.SecurityType).Distinct().Order());
        Assert.True(universe.Where(s => s.SecurityType == SecurityType.Stock).Select(s => s.Sector).Distinct().Count() >= 10);
        Assert.Equal(universe.Count, universe.Select(s => s.Symbol).Distinct().Count());
        Assert.All(universe.Where(s => s.SecurityType != SecurityType.Crypto), s => Assert.True(IsValidIsin(s.Isin), $"{s.Symbol}: {s.Isin}"));
        Assert.All(universe.Where(s => s.SecurityType == SecurityType.Crypto), s => Assert.Equal("INR", s.Currency));
    }

    [Theory]
    [InlineData("INE002A01018", true)]  // Reliance Industries, as published by NSE
    [InlineData("US0378331005", true)]  // Apple: the worked example of ISO 6166
    [InlineData("INE002A01019", false)]
    public void The_isin_check_digit_test_itself_works(string isin, bool valid) => Assert.Equal(valid, IsValidIsin(isin));

    [Fact]
    public async Task Demo_data_gives_an_investor_with_verified_kyc_and_a_multi_year_history_an_admin_and_support_and_is_idempotent()
    {
        await using (var scope = fixture.App.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<DemoDataSeeder>().SeedAsync();
        }
        await using (var again = fixture.App.Services.CreateAsyncScope())
        {
            await again.ServiceProvider.GetRequiredService<DemoDataSeeder>().SeedAsync();
        }

        await using var context = fixture.Database.App(DataScope.System("test"));
        var investor = await context.Users.SingleAsync(u => u.Email == "investor@spark.local");
        Assert.Equal(KycStatus.Verified, investor.KycStatus);
        // A verified KYC stands for a PAN: Settings → KYC shows it masked (issue #16: it showed "PAN .").
        await using (var scope = fixture.App.Services.CreateAsyncScope())
        {
            var kyc = await scope.ServiceProvider.GetRequiredService<Spark.Web.Services.Accounts.KycService>().StateOfAsync(investor);
            Assert.Equal("XXXXX1234K", kyc.MaskedPan);
        }
        foreach (var (email, role) in new[] { ("investor@spark.local", Roles.Investor), ("admin@spark.local", Roles.Admin), ("support@spark.local", Roles.Support) })
        {
            var roles = await (from u in context.Users
                               join ur in context.UserRoles on u.Id equals ur.UserId
                               join r in context.Roles on ur.RoleId equals r.Id
                               where u.Email == email
                               select r.Name).ToListAsync();
            Assert.Equal([role], roles);
        }
        var transactions = await context.Transactions.Where(t => t.UserId == investor.Id).ToListAsync();
        Assert.True(transactions.Select(t => t.TransactionDate.Year).Distinct().Count() >= 5);
        Assert.Equal(transactions.Count, transactions.Select(t => t.ExternalId).Distinct().Count());
        Assert.Contains(transactions, t => t.Type == TransactionType.Sell);
        Assert.Contains(transactions, t => t.Type == TransactionType.Dividend);
        Assert.Contains(transactions, t => t.Type == TransactionType.Bonus);
        Assert.Contains(transactions, t => t.Type == TransactionType.Sip);

        var investments = await context.Investments.Where(i => i.UserId == investor.Id).ToListAsync();
        Assert.Contains(investments, i => i.Status == InvestmentStatus.Sold && i.Quantity == 0m);
        Assert.True(investments.Select(i => i.Type).Distinct().Count() >= 5);
        var cash = await context.CashAccounts.SingleAsync(c => c.UserId == investor.Id);
        Assert.Equal(DemoDataSeeder.DemoCash, cash.Balance);

        // Goals and a plan, so the goal and auto-invest screens show something on the first run.
        var goals = await context.Goals.Where(g => g.UserId == investor.Id).OrderBy(g => g.Name).ToListAsync();
        Assert.Equal(["Emergency fund", "Retirement corpus"], goals.Select(g => g.Name).ToArray());
        Assert.Equal(2, goals[1].LinkedInvestmentIds!.Length);
        var plan = await context.Plans.SingleAsync(p => p.UserId == investor.Id);
        Assert.Equal((goals[1].Id, 10_000m), (plan.LinkedGoalId!.Value, plan.MonthlyInvestment));
        Assert.True(plan.NextExecutionDate >= fixture.Clock.Today);
    }

    /// <summary>ISO 6166: letters become 10–35, then the Luhn check over the digits, check digit included.</summary>
    private static bool IsValidIsin(string? isin)
    {
        if (isin is not { Length: 12 } || !isin[..2].All(char.IsAsciiLetterUpper) || !char.IsAsciiDigit(isin[11])) return false;
        var digits = string.Concat(isin.Select(c => char.IsAsciiDigit(c) ? c.ToString() : (c - 'A' + 10).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var d = digits[digits.Length - 1 - i] - '0';
            if (i % 2 == 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
            sum += d;
        }
        return sum % 10 == 0;
    }
}
