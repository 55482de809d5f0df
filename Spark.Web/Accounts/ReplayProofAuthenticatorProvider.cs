using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Spark.Data;
using Spark.Data.Identity;

namespace Spark.Web.Accounts;

/// <summary>
/// Identity's authenticator provider accepts a replayed code within its window (aspnetcore issue 14423).
/// This one records the last accepted time step in user_security and accepts a code only for a later step;
/// the conditional UPDATE makes that hold even for two sign-ins racing with the same code.
/// </summary>
public sealed class ReplayProofAuthenticatorProvider(SparkDb db, TimeProvider clock) : IUserTwoFactorTokenProvider<SparkUser>
{
    public async Task<bool> CanGenerateTwoFactorTokenAsync(UserManager<SparkUser> manager, SparkUser user) =>
        !string.IsNullOrWhiteSpace(await manager.GetAuthenticatorKeyAsync(user));

    // Authenticator apps generate the codes; the server never sends one.
    public Task<string> GenerateAsync(string purpose, UserManager<SparkUser> manager, SparkUser user) => Task.FromResult(string.Empty);

    public async Task<bool> ValidateAsync(string purpose, string token, UserManager<SparkUser> manager, SparkUser user)
    {
        var key = await manager.GetAuthenticatorKeyAsync(user);
        if (string.IsNullOrWhiteSpace(key) || !AuthenticatorCodes.TryMatch(key, token, clock.GetUtcNow(), out var step))
        {
            return false;
        }
        await using var context = db.ForUser(user.Id);
        var claimed = await context.UserSecurity
            .Where(s => s.UserId == user.Id && (s.TwoFactorLastStep == null || s.TwoFactorLastStep < step))
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.TwoFactorLastStep, step));
        return claimed == 1;
    }
}
