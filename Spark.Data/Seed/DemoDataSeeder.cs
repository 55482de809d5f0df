using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Spark.Core.Accounts;
using Spark.Core.AutoInvest;
using Spark.Core.Cash;
using Spark.Core.Goals;
using Spark.Core.Portfolio;
using Spark.Core.Time;
using Spark.Data.Identity;

namespace Spark.Data.Seed;

/// <summary>A demo account: development-only credentials, never created in Production.</summary>
public sealed record DemoLogin(string Email, string Password, string Role, string Name, string? AuthenticatorKey = null);

/// <summary>
/// The demo investor (KYC verified, a multi-year portfolio and paper cash), an admin and a support user.
/// Idempotent: existing accounts are left as they are, and the portfolio is written once.
/// </summary>
public sealed partial class DemoDataSeeder(
    UserManager<SparkUser> users, IUserStore<SparkUser> store, UserAccounts accounts, SparkDb db, TimeProvider clock, ILogger<DemoDataSeeder> log,
    Spark.Core.Security.FieldProtector protector)
{
    public static readonly IReadOnlyList<DemoLogin> Logins =
    [
        new("investor@spark.local", "Investor#Demo2026", Roles.Investor, "Aarav Sharma", DevelopmentAuthenticatorKey),
        // Staff reach the back office only with two-factor sign-in on, so the demo staff have keys too.
        new("admin@spark.local", "Admin#Demo2026", Roles.Admin, "Meera Iyer", DevelopmentAdminAuthenticatorKey),
        new("support@spark.local", "Support#Demo2026", Roles.Support, "Kabir Singh", DevelopmentSupportAuthenticatorKey),
    ];

    public const decimal DemoCash = 500_000m;

    /// <summary>
    /// The demo investor's PAN: a made-up number of the right shape (4th letter P, a person), stored encrypted like any
    /// user's. A verified KYC with no PAN on file showed "PAN ." on Settings → KYC (issue #16).
    /// </summary>
    public const string DemoPan = "ABCPS1234K";

    /// <summary>Matches KycService.PanPurpose: the purpose the PAN is encrypted and hashed under.</summary>
    private const string PanPurpose = "pan";

    /// <summary>The demo investor's authenticator key: development-only and printed by script/server (base32).</summary>
    public const string DevelopmentAuthenticatorKey = "SPARKDEMOINVESTORKEY2FA7";

    /// <summary>The demo admin's and support's authenticator keys: development-only, printed by script/server (base32).</summary>
    public const string DevelopmentAdminAuthenticatorKey = "SPARKDEMOADMINKEYTWOFA27";

    public const string DevelopmentSupportAuthenticatorKey = "SPARKDEMOSUPPORTKEY2FA27";

    public async Task SeedAsync(CancellationToken cancellationToken = default)
    {
        foreach (var login in Logins)
        {
            var user = await EnsureUserAsync(login);
            if (login.Role == Roles.Investor)
            {
                await EnsureRiskAssessedAsync(user.Id, cancellationToken);
                await EnsurePortfolioAsync(user.Id, cancellationToken);
                await EnsureGoalsAndPlanAsync(user.Id, cancellationToken);
            }
        }
    }

    private async Task<SparkUser> EnsureUserAsync(DemoLogin login)
    {
        var user = await users.FindByEmailAsync(login.Email);
        if (user is not null)
        {
            // Demo databases seeded before the PAN was: the verified investor gets the PAN its KYC stands for.
            if (login.Role == Roles.Investor && user.KycStatus == KycStatus.Verified && user.PanCard is null)
            {
                SetDemoPan(user);
                Check(await users.UpdateAsync(user), login.Email);
            }
            return user;
        }

        user = new SparkUser
        {
            Name = login.Name,
            UserName = login.Email,
            Email = login.Email,
            EmailConfirmed = true,
            PhoneNumber = "+919800000000",
            KycStatus = login.Role == Roles.Investor ? KycStatus.Verified : KycStatus.Incomplete,
            RiskProfile = RiskProfile.Moderate,
            InvestmentGoals = login.Role == Roles.Investor ? ["retirement", "house", "education"] : null,
        };
        if (login.Role == Roles.Investor) SetDemoPan(user);
        Check(await accounts.CreateAsync(user, login.Password, login.Role), login.Email);
        if (login.AuthenticatorKey is { } key)
        {
            // Trading logins use a second factor; the demo shows it, with a key anyone can add to an app.
            await ((IUserAuthenticatorKeyStore<SparkUser>)store).SetAuthenticatorKeyAsync(user, key, CancellationToken.None);
            Check(await users.SetTwoFactorEnabledAsync(user, true), login.Email);
        }
        LogCreated(log, login.Email, login.Role);
        return user;
    }

    /// <summary>
    /// The demo investor's moderate risk profile stands for a questionnaire answered: Settings → Risk profile tells an
    /// account that never answered it "not assessed yet" (decision 0054), so the demo records the assessment.
    /// </summary>
    private async Task EnsureRiskAssessedAsync(Guid userId, CancellationToken cancellationToken)
    {
        const string assessed = "risk_profile_assessed";
        await using var context = db.ForSystem("demo data");
        if (await context.AuditLogs.AnyAsync(a => a.UserId == userId && a.Action == assessed, cancellationToken)) return;
        context.AuditLogs.Add(new Spark.Core.Audit.AuditLog
        {
            UserId = userId, ActorId = userId, Action = assessed,
            Changes = System.Text.Json.JsonSerializer.SerializeToDocument(new { profile = "moderate", source = "demo data" }),
        });
        await context.SaveChangesAsync(cancellationToken);
    }

    private void SetDemoPan(SparkUser user)
    {
        user.PanCard = protector.Protect(DemoPan, PanPurpose);
        user.PanCardHash = protector.KeyedHash(DemoPan, PanPurpose);
    }

    private async Task EnsurePortfolioAsync(Guid userId, CancellationToken cancellationToken)
    {
        await using var context = db.ForUser(userId);
        if (await context.Transactions.AnyAsync(cancellationToken)) return;

        var today = IndiaTime.Today(clock);
        var securities = await context.Securities.ToDictionaryAsync(s => s.Symbol, cancellationToken);
        var trades = DemoPortfolio.Trades(today);

        foreach (var holding in trades.GroupBy(t => (t.Security.Symbol, t.Platform)))
        {
            var security = securities[holding.Key.Symbol];
            var seed = holding.First().Security;
            var book = new FifoBook();
            foreach (var trade in holding) book.Apply(trade.Entry);
            var position = book.ToPosition();
            var currentValue = Money(position.Quantity * seed.ReferencePrice);
            var investment = new Investment
            {
                UserId = userId,
                SecurityId = security.Id,
                Platform = holding.Key.Platform,
                Symbol = security.Symbol,
                Name = security.Name,
                Type = security.Type,
                Sector = security.Sector,
                Quantity = position.Quantity,
                AvgBuyPrice = position.AverageBuyPrice,
                InvestedAmount = position.InvestedAmount,
                CurrentPrice = seed.ReferencePrice,
                CurrentValue = currentValue,
                Returns = currentValue - position.InvestedAmount,
                ReturnsRate = position.InvestedAmount == 0m ? null : Math.Round((currentValue - position.InvestedAmount) / position.InvestedAmount, 6),
                PurchaseDate = holding.First().Date,
                Status = position.Quantity > 0m ? InvestmentStatus.Active : InvestmentStatus.Sold,
            };
            context.Investments.Add(investment);

            context.InvestmentLots.AddRange(HoldingLots.From(book, investment.Id, userId));
            foreach (var trade in holding)
            {
                context.Transactions.Add(new LedgerTransaction
                {
                    UserId = userId, InvestmentId = investment.Id, SecurityId = security.Id, Type = trade.Type,
                    AssetName = security.Name, Symbol = security.Symbol, Platform = trade.Platform,
                    Quantity = trade.Quantity, Price = trade.Price, Amount = trade.Amount, Fees = trade.Fees, Tax = trade.Tax,
                    Gst = trade.Gst, NetAmount = trade.NetAmount, TransactionDate = trade.Date,
                    ExternalId = $"demo-{trade.Security.Symbol}-{trade.Date:yyyyMMdd}-{trade.Type}".ToLowerInvariant(),
                    // As a paper crypto sale keeps it: the TDS credit for the tax statement, outside the ledger's charges.
                    Metadata = trade.Tds > 0m ? System.Text.Json.JsonSerializer.SerializeToDocument(new { tds = trade.Tds }) : null,
                });
            }
        }

        var openingDate = new DateOnly(2021, 1, 1);
        context.CashAccounts.Add(new CashAccount { UserId = userId, Balance = DemoCash });
        context.CashLedger.Add(new CashLedgerEntry
        {
            UserId = userId, EntryType = CashEntryType.Deposit, Amount = DemoCash, BalanceAfter = DemoCash,
            SettlesOn = openingDate, Description = "Paper-trading cash for the demo",
        });
        await context.SaveChangesAsync(cancellationToken);
        LogPortfolio(log, trades.Count);
    }

    /// <summary>Two goals (one counting long-held index and gold ETFs, one with money set aside) and a monthly plan toward the first.</summary>
    private async Task EnsureGoalsAndPlanAsync(Guid userId, CancellationToken cancellationToken)
    {
        await using var context = db.ForUser(userId);
        if (await context.Goals.AnyAsync(cancellationToken) || await context.Plans.AnyAsync(cancellationToken)) return;
        var today = IndiaTime.Today(clock);
        var linked = await context.Investments.Where(i => (i.Symbol == "NIFTYBEES" || i.Symbol == "GOLDBEES") && i.Status == InvestmentStatus.Active)
            .Select(i => i.Id).ToArrayAsync(cancellationToken);
        var retirement = new Goal
        {
            UserId = userId, Name = "Retirement corpus", Category = GoalCategory.Retirement, TargetAmount = 2_00_00_000m,
            StartDate = new DateOnly(2021, 1, 4), TargetDate = new DateOnly(today.Year + 25, 4, 1), MonthlyContribution = 25_000m,
            Priority = GoalPriority.High, RiskProfile = RiskProfile.Moderate, ExpectedReturnRate = 0.11m,
            InvestmentMix = new Dictionary<string, decimal> { ["equity"] = 0.7m, ["debt"] = 0.2m, ["gold"] = 0.1m },
            LinkedInvestmentIds = linked, Description = "Retire at 60 with a corpus that lasts.",
        };
        var emergency = new Goal
        {
            UserId = userId, Name = "Emergency fund", Category = GoalCategory.Emergency, TargetAmount = 6_00_000m,
            StartDate = new DateOnly(2024, 4, 1), TargetDate = today.AddYears(2), MonthlyContribution = 10_000m,
            Priority = GoalPriority.Critical, RiskProfile = RiskProfile.Conservative, ExpectedReturnRate = 0.07m,
            InvestmentMix = new Dictionary<string, decimal> { ["debt"] = 1m },
        };
        context.Goals.AddRange(retirement, emergency);
        context.GoalContributions.Add(new GoalContribution
        {
            GoalId = emergency.Id, UserId = userId, Amount = 2_40_000m, Source = ContributionSource.Manual, ContributionDate = new DateOnly(2025, 3, 31),
            Note = "Savings account, set aside",
        });
        var strategy = await context.Strategies.Where(s => s.Name == "Balanced Wealth Builder").Select(s => (Guid?)s.Id).SingleOrDefaultAsync(cancellationToken);
        if (strategy is { } strategyId)
        {
            context.Plans.Add(new AutoInvestPlan
            {
                UserId = userId, StrategyId = strategyId, MonthlyInvestment = 10_000m, ExecutionDay = 5, LinkedGoalId = retirement.Id,
                StartDate = today, NextExecutionDate = PlanSchedule.NextRunOnOrAfter(today, 5),
            });
        }

        await context.SaveChangesAsync(cancellationToken);
    }

    private static decimal Money(decimal value) => Math.Round(value, 2, MidpointRounding.AwayFromZero);

    private static void Check(IdentityResult result, string email)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"Could not create demo account {email}: {string.Join("; ", result.Errors.Select(e => e.Description))}");
        }
    }

    [LoggerMessage(LogLevel.Information, "Demo account {Email} created ({Role})")]
    private static partial void LogCreated(ILogger logger, string email, string role);

    [LoggerMessage(LogLevel.Information, "Demo portfolio written: {Trades} transactions")]
    private static partial void LogPortfolio(ILogger logger, int trades);
}
