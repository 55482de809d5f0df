using Microsoft.EntityFrameworkCore;
using Spark.Data;
using Spark.Data.Identity;

namespace Spark.Web.Services.Admin;

/// <summary>
/// The actor's roles as the database holds them now (not the token's or the cookie's claims), for services that
/// decide what staff may do: admins act, support reads (decisions 0041 and 0043).
/// </summary>
public sealed class StaffAccess(SparkDb db)
{
    public async Task<IReadOnlyList<string>> RolesAsync(Guid? actorId, CancellationToken cancellationToken = default)
    {
        if (actorId is not { } id) return [];
        // Identity's tables have no row-level security (decision 0007): the shared scope reads them.
        await using var context = db.Shared();
        return await (from ur in context.UserRoles
                      join r in context.Roles on ur.RoleId equals r.Id
                      where ur.UserId == id
                      select r.Name!).ToListAsync(cancellationToken);
    }

    public async Task<bool> IsAdminAsync(Guid? actorId, CancellationToken cancellationToken = default) =>
        (await RolesAsync(actorId, cancellationToken)).Contains(Roles.Admin);

    /// <exception cref="StaffForbiddenException">The actor is not an admin (support reads; only admins act).</exception>
    public async Task RequireAdminAsync(Guid? actorId, string what, CancellationToken cancellationToken = default)
    {
        var roles = await RolesAsync(actorId, cancellationToken);
        if (roles.Contains(Roles.Admin)) return;
        throw new StaffForbiddenException(roles.Contains(Roles.Support)
            ? $"Support reads this page; only an admin may {what}."
            : $"Only an admin may {what}.");
    }
}
