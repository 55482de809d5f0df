using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Spark.Data.Identity;

namespace Spark.Web.Accounts;

/// <summary>
/// Identity's manager judges a lockout against the wall clock, while Spark's store sets it from the app's
/// <see cref="TimeProvider"/> (one atomic statement, <see cref="SparkUserStore.IncrementAccessFailedCountAsync"/>).
/// One clock sets and judges it, so a lockout lasts exactly its fifteen minutes on the clock the rest of Spark reads.
/// </summary>
public sealed class SparkUserManager(
    IUserStore<SparkUser> store,
    IOptions<IdentityOptions> optionsAccessor,
    IPasswordHasher<SparkUser> passwordHasher,
    IEnumerable<IUserValidator<SparkUser>> userValidators,
    IEnumerable<IPasswordValidator<SparkUser>> passwordValidators,
    ILookupNormalizer keyNormalizer,
    IdentityErrorDescriber errors,
    IServiceProvider services,
    ILogger<UserManager<SparkUser>> logger,
    TimeProvider clock)
    : UserManager<SparkUser>(store, optionsAccessor, passwordHasher, userValidators, passwordValidators, keyNormalizer, errors, services, logger)
{
    public override async Task<bool> IsLockedOutAsync(SparkUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return await GetLockoutEnabledAsync(user) && await GetLockoutEndDateAsync(user) is { } end && end >= clock.GetUtcNow();
    }
}
