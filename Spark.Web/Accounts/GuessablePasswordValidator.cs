using Microsoft.AspNetCore.Identity;
using Spark.Data.Identity;

namespace Spark.Web.Accounts;

/// <summary>
/// OWASP's password rule without composition rules: at least 12 characters (Identity's length option)
/// and not guessable. zxcvbn scores a password against lists of common passwords, words, names, keyboard
/// patterns and dates; anything below "safely unguessable" (score 3) is refused.
/// </summary>
public sealed class GuessablePasswordValidator : IPasswordValidator<SparkUser>
{
    public const int MinimumScore = 3;

    public Task<IdentityResult> ValidateAsync(UserManager<SparkUser> manager, SparkUser user, string? password)
    {
        if (string.IsNullOrEmpty(password)) return Task.FromResult(IdentityResult.Success);
        var userInputs = new[] { user.Email, user.UserName, user.Name, "spark" }.OfType<string>().ToList();
        if (Zxcvbn.Zxcvbn.MatchPassword(password, userInputs).Score >= MinimumScore)
        {
            return Task.FromResult(IdentityResult.Success);
        }
        return Task.FromResult(IdentityResult.Failed(new IdentityError
        {
            Code = "PasswordGuessable",
            Description = "This password is too easy to guess: it is a common password, a pattern or close to your name or email. " +
                          "Add a few unrelated words.",
        }));
    }
}
