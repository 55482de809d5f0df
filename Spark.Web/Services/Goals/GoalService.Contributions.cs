using Microsoft.EntityFrameworkCore;
using Spark.Core;
using Spark.Core.Goals;
using Spark.Core.Time;
using Spark.Web.Services.Portfolio;

namespace Spark.Web.Services.Goals;

/// <summary>Money put toward a goal: manual money counts (set aside), the rest is history (decision 0029).</summary>
public sealed partial class GoalService
{
    /// <summary>POST /goals/{id}/contributions. Only manual money counts toward the goal's amount (decision 0029); the rest is history.</summary>
    /// <returns>Null when the user has no such goal.</returns>
    /// <exception cref="ConflictException">The goal is cancelled.</exception>
    public async Task<ContributionView?> AddContributionAsync(Guid userId, Guid goalId, ContributionRequest request,
        CancellationToken cancellationToken = default)
    {
        Spark.Core.Accounts.Impersonation.EnsureMayWrite(userId, "record a goal contribution");
        ArgumentNullException.ThrowIfNull(request);
        GoalContribution row;
        await using (var context = db.ForUser(userId))
        {
            var goal = await Live(context, userId).AsNoTracking().SingleOrDefaultAsync(g => g.Id == goalId, cancellationToken);
            if (goal is null) return null;
            var today = IndiaTime.Today(clock);
            var errors = GoalRules.ValidateContribution(request.Amount ?? 0m, request.ContributionDate ?? today, request.Note, today);
            if (request.ContributionDate is null) errors["contributionDate"] = ["Choose the date of the contribution."];
            var source = ContributionSource.Manual;
            if (request.Source is { } word && !Endpoints.EnumWords.TryParse(word, out source))
            {
                errors["source"] = ["Use manual, auto, investment_returns or dividend."];
            }

            if (errors.Count > 0) throw new FieldValidationException(errors);
            if (goal.Status == GoalStatus.Cancelled) throw new ConflictException("This goal is cancelled: add money to a goal you are still working toward.");
            row = new GoalContribution
            {
                GoalId = goalId, UserId = userId, Amount = request.Amount!.Value, Source = source, ContributionDate = request.ContributionDate!.Value,
                Note = string.IsNullOrWhiteSpace(request.Note) ? null : request.Note.Trim(),
            };
            context.GoalContributions.Add(row);
            await context.SaveChangesAsync(cancellationToken);
        }

        await progress.RefreshAsync([goalId], cancellationToken);
        return View(row);
    }

    /// <returns>Null when the user has no such goal.</returns>
    public async Task<Paged<ContributionView>?> ContributionsAsync(Guid userId, Guid goalId, int page, int pageSize, CancellationToken cancellationToken = default)
    {
        page = Math.Max(page, 1);
        pageSize = Math.Clamp(pageSize, 1, Paging.MaxPageSize);
        await using var context = db.ForUser(userId);
        if (!await Live(context, userId).AnyAsync(g => g.Id == goalId, cancellationToken)) return null;
        var query = context.GoalContributions.AsNoTracking().Where(c => c.GoalId == goalId);
        var total = await query.CountAsync(cancellationToken);
        var items = await query.OrderByDescending(c => c.ContributionDate).ThenByDescending(c => c.CreatedAt).ThenByDescending(c => c.Id)
            .Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(cancellationToken);
        return new Paged<ContributionView>([.. items.Select(View)], page, pageSize, total);
    }

    private static ContributionView View(GoalContribution c) => new(c.Id, c.GoalId, c.Amount, c.Source, c.ContributionDate, c.Note, c.CreatedAt);
}
