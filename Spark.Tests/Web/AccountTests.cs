using System.Buffers.Binary;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Spark.Data;
using Spark.Data.Identity;
using Spark.Tests.Infrastructure;
using Spark.Web.Hosting;

namespace Spark.Tests.Web;

/// <summary>Accounts through the app's own Identity set-up (decision 0009).</summary>
public sealed class AccountTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    [Fact]
    public async Task A_new_account_gets_its_role_preferences_and_security_rows_in_one_go()
    {
        await using var scope = fixture.App.Services.CreateAsyncScope();
        var user = NewUser();

        var result = await scope.ServiceProvider.GetRequiredService<UserAccounts>().CreateAsync(user, "rupee monsoon lantern kite", Roles.Investor);

        Assert.True(result.Succeeded, string.Join(" ", result.Errors.Select(e => e.Description)));
        await using var context = fixture.Database.App(DataScope.ForUser(user.Id));
        Assert.Equal(1, await context.UserPreferences.CountAsync());
        Assert.Equal(1, await context.UserSecurity.CountAsync());
        Assert.True(await scope.ServiceProvider.GetRequiredService<UserManager<SparkUser>>().IsInRoleAsync(user, Roles.Investor));
        Assert.Equal(DataScope.None, scope.ServiceProvider.GetRequiredService<SparkDbContext>().Scope);
    }

    [Theory]
    [InlineData("short pass")]
    [InlineData("password1234")]
    [InlineData("qwertyuiop123")]
    [InlineData("123456789012")]
    public async Task Short_or_guessable_passwords_are_refused_and_nothing_is_written(string password)
    {
        await using var scope = fixture.App.Services.CreateAsyncScope();
        var user = NewUser();

        var result = await scope.ServiceProvider.GetRequiredService<UserAccounts>().CreateAsync(user, password, Roles.Investor);

        Assert.False(result.Succeeded);
        Assert.Equal(0L, await fixture.Database.OwnerScalarAsync<long>("SELECT count(*) FROM users WHERE email = $1", user.Email!));
    }

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_for_fifteen_minutes()
    {
        var user = await TestData.UserAsync(fixture.Database);
        await using var scope = fixture.App.Services.CreateAsyncScope();
        var signIn = scope.ServiceProvider.GetRequiredService<SignInManager<SparkUser>>();

        for (var i = 0; i < 5; i++)
        {
            var account = (await signIn.UserManager.FindByIdAsync(user.Id.ToString()))!;
            await signIn.CheckPasswordSignInAsync(account, "not the password at all", lockoutOnFailure: true);
        }
        var locked = (await signIn.UserManager.FindByIdAsync(user.Id.ToString()))!;
        var withRightPassword = await signIn.CheckPasswordSignInAsync(locked, TestData.Password, lockoutOnFailure: true);

        Assert.True(withRightPassword.IsLockedOut);
        Assert.InRange(locked.LockoutEnd!.Value - fixture.Clock.GetUtcNow(), TimeSpan.FromMinutes(14), TimeSpan.FromMinutes(15));
        // The schema's user_security mirrors Identity's lockout state.
        await using var context = fixture.Database.App(DataScope.ForUser(user.Id));
        var security = await context.UserSecurity.SingleAsync();
        Assert.Equal(locked.LockoutEnd!.Value, security.AccountLockedUntil!.Value, TimeSpan.FromMilliseconds(1));
        Assert.Equal(0, security.FailedLoginAttempts); // Identity resets the count when it locks the account
    }

    internal static SparkUser NewUser()
    {
        var email = $"{Guid.NewGuid():N}@example.test";
        return new SparkUser { Name = "Priya Nair", Email = email, UserName = email };
    }

    internal static (uint Prf, uint Iterations) HashParameters(string hash)
    {
        var bytes = Convert.FromBase64String(hash);
        Assert.Equal(0x01, bytes[0]);
        return (BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(1)), BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(5)));
    }
}

/// <summary>
/// The product's password hashing, on a host that keeps it (the suite's other hosts hash at
/// <see cref="TestData.HashIterations"/>, decision 0071).
/// </summary>
public sealed class PasswordHashingTests(ProductionHashingAppFixture fixture) : IClassFixture<ProductionHashingAppFixture>
{
    [Fact]
    public async Task Passwords_are_hashed_with_pbkdf2_sha512_at_210000_iterations()
    {
        await using var scope = fixture.App.Services.CreateAsyncScope();
        var user = AccountTests.NewUser();
        await scope.ServiceProvider.GetRequiredService<UserAccounts>().CreateAsync(user, "rupee monsoon lantern kite", Roles.Investor);

        var (prf, iterations) = AccountTests.HashParameters(await fixture.Database.OwnerScalarAsync<string>("SELECT password_hash FROM users WHERE id = $1", user.Id));

        Assert.Equal((2u, 210_000u), (prf, iterations)); // Identity v3 format: PRF 2 is HMAC-SHA512
    }

    [Fact]
    public async Task A_hash_made_at_identitys_default_100000_iterations_is_upgraded_at_the_next_sign_in()
    {
        var user = await TestData.UserAsync(fixture.Database);
        var weaker = new PasswordHasher<SparkUser>(Options.Create(new PasswordHasherOptions { IterationCount = 100_000 }));
        await fixture.Database.OwnerExecuteAsync($"UPDATE users SET password_hash = '{weaker.HashPassword(user, TestData.Password)}' WHERE id = '{user.Id}'");

        await using var scope = fixture.App.Services.CreateAsyncScope();
        var signIn = scope.ServiceProvider.GetRequiredService<SignInManager<SparkUser>>();
        var result = await signIn.CheckPasswordSignInAsync((await signIn.UserManager.FindByIdAsync(user.Id.ToString()))!, TestData.Password, lockoutOnFailure: true);

        Assert.True(result.Succeeded);
        var (_, iterations) = AccountTests.HashParameters(await fixture.Database.OwnerScalarAsync<string>("SELECT password_hash FROM users WHERE id = $1", user.Id));
        Assert.Equal(210_000u, iterations);
    }
}
