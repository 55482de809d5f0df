using MudBlazor;
using Spark.Core;
using Spark.Web.Services.Accounts;
using Spark.Web.Services.Goals;

namespace Spark.Web.Components.Pages.Goals.Parts;

/// <summary>What a goal's page does to it: edit in the dialog, and pause, resume, cancel or delete after a plain confirmation.</summary>
public static class GoalActions
{
    private static readonly DialogOptions DialogOptions = new() { MaxWidth = MaxWidth.Small, FullWidth = true, BackdropClick = false, CloseOnEscapeKey = true };

    public static async Task<GoalView?> EditAsync(IDialogService dialogs, Guid userId, GoalView goal)
    {
        ArgumentNullException.ThrowIfNull(dialogs);
        ArgumentNullException.ThrowIfNull(goal);
        var dialog = await dialogs.ShowAsync<GoalDialog>("Edit goal",
            new DialogParameters<GoalDialog> { { d => d.UserId, userId }, { d => d.Existing, goal }, { d => d.Profile, goal.RiskProfile } }, DialogOptions);
        return await dialog.Result is { Canceled: false, Data: GoalView saved } ? saved : null;
    }

    /// <summary>Pause, resume or cancel; cancelling asks first. Null when nothing changed (declined, or refused with a snackbar).</summary>
    public static async Task<GoalView?> ChangeAsync(IDialogService dialogs, ISnackbar snackbar, Func<Task<GoalView?>> change, string? question, string done)
    {
        ArgumentNullException.ThrowIfNull(dialogs);
        ArgumentNullException.ThrowIfNull(snackbar);
        ArgumentNullException.ThrowIfNull(change);
        if (question is not null && await dialogs.ShowMessageBoxAsync("Cancel this goal?", question, yesText: "Cancel goal", cancelText: "Keep it") != true) return null;
        try
        {
            var goal = await change();
            if (goal is null) snackbar.Add("This goal is no longer there.", Severity.Warning);
            else snackbar.Add(done, Severity.Info);
            return goal;
        }
        catch (DomainException e)
        {
            snackbar.Add(e.Message, Severity.Warning);
            return null;
        }
    }

    /// <returns>True when the goal was deleted.</returns>
    public static async Task<bool> DeleteAsync(IDialogService dialogs, ISnackbar snackbar, GoalService goals, Guid userId, GoalView goal)
    {
        ArgumentNullException.ThrowIfNull(dialogs);
        ArgumentNullException.ThrowIfNull(snackbar);
        ArgumentNullException.ThrowIfNull(goals);
        ArgumentNullException.ThrowIfNull(goal);
        var question = $"Delete “{goal.Name}”? Its contributions go with it, and its linked holdings stay in your portfolio, free to count toward another goal.";
        if (await dialogs.ShowMessageBoxAsync("Delete this goal?", question, yesText: "Delete goal", cancelText: "Keep it") != true) return false;
        var deleted = await goals.DeleteAsync(userId, goal.Id);
        snackbar.Add(deleted ? $"Goal “{goal.Name}” deleted." : "This goal is no longer there.", deleted ? Severity.Info : Severity.Warning);
        return deleted;
    }

    public static string CancelQuestion(GoalView goal, DisplayPreferences display)
    {
        ArgumentNullException.ThrowIfNull(goal);
        ArgumentNullException.ThrowIfNull(display);
        return $"Cancel “{goal.Name}” ({display.Money(goal.CurrentAmount)} of {display.Money(goal.TargetAmount)})? "
            + "A cancelled goal stays in your list but can no longer be changed or resumed.";
    }
}
