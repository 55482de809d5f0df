using Microsoft.AspNetCore.Identity;
using Spark.Core.Accounts;

namespace Spark.Data.Identity;

/// <summary>
/// Creates an account whole or not at all: the user, their role, and their preferences and security rows,
/// in one database transaction on the context Identity itself uses.
/// </summary>
public sealed class UserAccounts(UserManager<SparkUser> users, SparkDbContext context, TimeProvider clock)
{
    public async Task<IdentityResult> CreateAsync(SparkUser user, string password, string role, CancellationToken cancellationToken = default)
    {
        await using var transaction = await context.Database.BeginTransactionAsync(cancellationToken);
        var result = await users.CreateAsync(user, password);
        if (result.Succeeded) result = await users.AddToRoleAsync(user, role);
        if (!result.Succeeded) return result;

        var outerScope = context.Scope;
        try
        {
            await context.EnterScopeForTransactionAsync(DataScope.ForUser(user.Id), cancellationToken);
            context.UserPreferences.Add(new UserPreferences { UserId = user.Id });
            context.UserSecurity.Add(new UserSecurity { UserId = user.Id, LastPasswordChange = clock.GetUtcNow() });
            await context.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return IdentityResult.Success;
        }
        finally
        {
            // The context is shared by the request (Identity's stores use it): hand it back as it was.
            context.Scope = outerScope;
        }
    }
}
