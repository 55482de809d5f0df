using Microsoft.EntityFrameworkCore;
using Spark.Core;
using Spark.Data;

namespace Spark.Web.Services.Goals;

/// <summary>The holdings that count toward a goal (decision 0012: an investment counts toward one goal only).</summary>
public sealed partial class GoalService
{
    /// <summary>Sets the holdings that count toward the goal (an investment counts toward one goal only: decision 0012).</summary>
    public async Task<GoalView?> SetLinkedInvestmentsAsync(Guid userId, Guid id, IReadOnlyCollection<Guid> investmentIds,
        CancellationToken cancellationToken = default)
    {
        Spark.Core.Accounts.Impersonation.EnsureMayWrite(userId, "change a goal's holdings");
        ArgumentNullException.ThrowIfNull(investmentIds);
        await using (var context = db.ForUser(userId))
        {
            var goal = await Live(context, userId).SingleOrDefaultAsync(g => g.Id == id, cancellationToken);
            if (goal is null) return null;
            var errors = new Dictionary<string, string[]>();
            await CheckLinksAsync(context, userId, id, investmentIds, errors, cancellationToken);
            if (errors.Count > 0) throw new FieldValidationException(errors);
            goal.LinkedInvestmentIds = [.. investmentIds.Distinct()];
            await SaveAsync(context, cancellationToken);
        }

        await progress.RefreshAsync([id], cancellationToken);
        return await GetAsync(userId, id, cancellationToken);
    }

    /// <summary>The user's holdings that can be linked (those held now, and any linked to this goal), each with the goal it counts toward.</summary>
    public async Task<IReadOnlyList<LinkableInvestment>> LinkableInvestmentsAsync(Guid userId, Guid? goalId, CancellationToken cancellationToken = default)
    {
        await using var context = db.ForUser(userId);
        var goals = await Live(context, userId).Where(g => g.LinkedInvestmentIds != null)
            .Select(g => new { g.Id, g.Name, g.LinkedInvestmentIds }).ToListAsync(cancellationToken);
        var owner = goals.SelectMany(g => g.LinkedInvestmentIds!.Select(i => (Investment: i, g.Id, g.Name)))
            .GroupBy(x => x.Investment).ToDictionary(x => x.Key, x => x.First());
        var mine = goalId is { } gid ? owner.Where(o => o.Value.Id == gid).Select(o => o.Key).ToArray() : [];
        var holdings = await context.Investments.AsNoTracking().Where(i => i.Quantity > 0m || mine.Contains(i.Id))
            .OrderBy(i => i.Symbol).ThenBy(i => i.Platform)
            .Select(i => new { i.Id, i.Symbol, i.Name, i.Platform, i.Quantity }).ToListAsync(cancellationToken);
        var values = await progress.LinkedValuesAsync(context, [.. holdings.Select(h => h.Id)], cancellationToken);
        return [.. holdings.Select(h => new LinkableInvestment(h.Id, h.Symbol, h.Name, h.Platform, h.Quantity, values.GetValueOrDefault(h.Id),
            owner.TryGetValue(h.Id, out var o) ? o.Id : null, owner.TryGetValue(h.Id, out var n) ? n.Name : null))];
    }

    private static async Task CheckLinksAsync(SparkDbContext context, Guid userId, Guid goalId, IReadOnlyCollection<Guid> ids,
        Dictionary<string, string[]> errors, CancellationToken cancellationToken)
    {
        if (ids.Count == 0) return;
        var wanted = ids.Distinct().ToArray();
        var holdings = await context.Investments.AsNoTracking().Where(i => wanted.Contains(i.Id))
            .Select(i => new { i.Id, i.Symbol }).ToDictionaryAsync(i => i.Id, i => i.Symbol, cancellationToken);
        if (holdings.Count != wanted.Length)
        {
            errors["linkedInvestmentIds"] = ["Choose among your own holdings: one of these is not in your portfolio."];
            return;
        }

        var others = await Live(context, userId).Where(g => g.Id != goalId && g.LinkedInvestmentIds != null)
            .Select(g => new { g.Name, g.LinkedInvestmentIds }).ToListAsync(cancellationToken);
        var taken = others.SelectMany(g => g.LinkedInvestmentIds!.Where(wanted.Contains).Select(i => $"{holdings[i]} already counts toward “{g.Name}”")).ToList();
        if (taken.Count > 0) errors["linkedInvestmentIds"] = [$"A holding counts toward one goal only: {string.Join("; ", taken)}."];
    }
}
