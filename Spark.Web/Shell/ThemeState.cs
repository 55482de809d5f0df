using Microsoft.EntityFrameworkCore;
using Spark.Core.Accounts;
using Spark.Data;

namespace Spark.Web.Shell;

/// <summary>
/// The circuit's theme: the user's stored preference (light, dark or auto) and, for auto, what the
/// browser prefers. Signed-out visitors follow the browser.
/// </summary>
public sealed class ThemeState(SparkDb db)
{
    public Theme Preference { get; private set; } = Theme.Auto;

    public bool SystemPrefersDark { get; private set; }

    public bool IsDark => Preference == Theme.Dark || (Preference == Theme.Auto && SystemPrefersDark);

    public event Action? Changed;

    /// <summary>Applies a preference already read (the layout loads all preferences at once).</summary>
    public void Use(Theme theme)
    {
        if (Preference == theme) return;
        Preference = theme;
        Changed?.Invoke();
    }

    public async Task ChooseAsync(Guid? userId, Theme theme, CancellationToken cancellationToken = default)
    {
        Preference = theme;
        Changed?.Invoke();
        if (userId is not { } id) return;

        await using var context = db.ForUser(id);
        var preferences = await context.UserPreferences.SingleOrDefaultAsync(p => p.UserId == id, cancellationToken);
        if (preferences is null)
        {
            context.UserPreferences.Add(new UserPreferences { UserId = id, Theme = theme });
        }
        else
        {
            preferences.Theme = theme;
        }
        await context.SaveChangesAsync(cancellationToken);
    }

    public void SetSystemPreference(bool prefersDark)
    {
        if (SystemPrefersDark == prefersDark) return;
        SystemPrefersDark = prefersDark;
        Changed?.Invoke();
    }
}
