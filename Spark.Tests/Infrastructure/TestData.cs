using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Spark.Core.Accounts;
using Spark.Core.Market;
using Spark.Core.Portfolio;
using Spark.Data;
using Spark.Data.Identity;
using Spark.Web.Hosting;

namespace Spark.Tests.Infrastructure;

/// <summary>Builders for the rows tests arrange. Each test makes its own users; none relies on another's data.</summary>
public static class TestData
{
    public const string Password = "mangoes under the neem tree";

    /// <summary>
    /// PBKDF2 iterations of the test hosts' password hashing (<see cref="SparkAppFactory"/>), not the product's 210,000
    /// (<see cref="PasswordHashing.Iterations"/>): each sign-in verifies a hash, and at 210,000 iterations the verifying
    /// was a third of the test process's CPU (decision 0071). <c>PasswordHashingTests</c> run the product's count.
    /// </summary>
    public const int HashIterations = 1_000;

    // Hashed once per test run and reused for every arranged user.
    private static readonly Lazy<string> PasswordHash = new(() =>
        new PasswordHasher<SparkUser>(Microsoft.Extensions.Options.Options.Create(new PasswordHasherOptions { IterationCount = HashIterations }))
            .HashPassword(null!, Password));

    public static Task<SparkUser> UserAsync(TestDatabase database, string? name = null, string role = Roles.Investor) =>
        UserAsync(() => database.Owner(), name, role);

    /// <summary>A user in any Spark database, through a context the caller opens (as the owner role).</summary>
    public static async Task<SparkUser> UserAsync(Func<SparkDbContext> owner, string? name = null, string role = Roles.Investor)
    {
        var email = $"{Guid.NewGuid():N}@example.test";
        var user = new SparkUser
        {
            Name = name ?? "Test Investor",
            Email = email,
            NormalizedEmail = email.ToUpperInvariant(),
            UserName = email,
            NormalizedUserName = email.ToUpperInvariant(),
            EmailConfirmed = true,
            PasswordHash = PasswordHash.Value,
            LockoutEnabled = true,
        };
        await using var context = owner();
        context.Users.Add(user);
        var roleId = await context.Roles.Where(r => r.Name == role).Select(r => r.Id).SingleAsync();
        context.UserRoles.Add(new IdentityUserRole<Guid> { UserId = user.Id, RoleId = roleId });
        await context.SaveChangesAsync();
        return user;
    }

    /// <summary>A security of its own for one test, so prices it posts touch no other test.</summary>
    public static async Task<Security> NewSecurityAsync(TestDatabase database, SecurityType type = SecurityType.Stock, string? sector = "Information Technology")
    {
        var symbol = "T" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant();
        var security = new Security { Symbol = symbol, Name = $"Test {type} {symbol}", Type = type, Exchange = "NSE", Sector = sector, Industry = "Testing" };
        await using var context = database.Owner();
        context.Securities.Add(security);
        await context.SaveChangesAsync();
        return security;
    }

    public static async Task<Security> SecurityAsync(TestDatabase database, string symbol = "RELIANCE")
    {
        await using var context = database.Owner();
        return await context.Securities.SingleAsync(s => s.Symbol == symbol);
    }

    public static Investment Investment(Guid userId, Security security, decimal quantity = 10m, decimal price = 100m) => new()
    {
        UserId = userId,
        SecurityId = security.Id,
        Symbol = security.Symbol,
        Name = security.Name,
        Type = security.Type,
        Quantity = quantity,
        AvgBuyPrice = price,
        InvestedAmount = quantity * price,
        PurchaseDate = new DateOnly(2024, 1, 15),
    };

    public static LedgerTransaction Transaction(Guid userId, Security security, DateOnly date, decimal quantity = 1m, decimal price = 100m) => new()
    {
        UserId = userId,
        SecurityId = security.Id,
        Type = TransactionType.Buy,
        AssetName = security.Name,
        Symbol = security.Symbol,
        Platform = "manual",
        Quantity = quantity,
        Price = price,
        Amount = quantity * price,
        NetAmount = quantity * price,
        TransactionDate = date,
    };

    public static async Task<T> SaveAsync<T>(TestDatabase database, Guid userId, T entity) where T : class
    {
        await using var context = database.App(DataScope.ForUser(userId));
        context.Add(entity);
        await context.SaveChangesAsync();
        return entity;
    }
}
