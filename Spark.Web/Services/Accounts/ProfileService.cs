using Microsoft.AspNetCore.Identity;
using Spark.Core;
using Spark.Data.Identity;
using Spark.Web.Accounts;
using Spark.Web.Security;

namespace Spark.Web.Services.Accounts;

public sealed record Profile(string Name, string Email, bool EmailVerified, string? Phone, DateOnly? DateOfBirth,
    string? AnnualIncome, IReadOnlyList<string> InvestmentGoals);

/// <summary>Name, phone, date of birth (investors are adults), income band and goals of a user.</summary>
public sealed class ProfileService(UserManager<SparkUser> users, AuditTrail audit, TimeProvider clock)
{
    public static readonly IReadOnlyList<string> IncomeBands = ["Below ₹5 lakh", "₹5–10 lakh", "₹10–25 lakh", "₹25–50 lakh", "₹50 lakh–1 crore", "Above ₹1 crore"];
    public static readonly IReadOnlyList<string> Goals = ["retirement", "house", "education", "wedding", "emergency", "wealth", "tax_saving", "travel"];

    public static Profile Of(SparkUser user) => new(user.Name, user.Email!, user.EmailConfirmed, user.PhoneNumber, user.Dob,
        user.AnnualIncome, user.InvestmentGoals ?? []);

    public static Dictionary<string, string[]> Validate(Profile profile, DateOnly today)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(profile.Name) || profile.Name.Length > 255) errors["name"] = ["Enter your name (up to 255 characters)."];
        if (profile.Phone is { Length: > 0 } phone && !System.Text.RegularExpressions.Regex.IsMatch(phone, @"^\+?[0-9]{10,14}$"))
        {
            errors["phone"] = ["Enter a mobile number like 9876543210 or +919876543210."];
        }
        if (profile.DateOfBirth is { } dob && (dob > today.AddYears(-18) || dob < today.AddYears(-120)))
        {
            errors["dateOfBirth"] = ["Investors must be 18 or older."];
        }
        if (profile.AnnualIncome is { } income && !IncomeBands.Contains(income)) errors["annualIncome"] = ["Choose one of the income bands."];
        if (profile.InvestmentGoals.Except(Goals).Any()) errors["investmentGoals"] = ["Choose goals from the list."];
        return errors;
    }

    public async Task SaveAsync(SparkUser user, Profile profile, ClientInfo? client = null)
    {
        Spark.Core.Accounts.Impersonation.EnsureMayWrite(user.Id, "change the profile");
        if (Validate(profile, Spark.Core.Time.IndiaTime.Today(clock)) is { Count: > 0 } errors)
        {
            throw new DomainException(string.Join(" ", errors.Values.SelectMany(v => v)));
        }
        user.Name = profile.Name.Trim();
        user.PhoneNumber = string.IsNullOrWhiteSpace(profile.Phone) ? null : profile.Phone.Trim();
        user.Dob = profile.DateOfBirth;
        user.AnnualIncome = profile.AnnualIncome;
        user.InvestmentGoals = [.. profile.InvestmentGoals.Distinct()];
        var result = await users.UpdateAsync(user);
        if (!result.Succeeded) throw new DomainException(string.Join(" ", result.Errors.Select(e => e.Description)));
        await audit.RecordAsync(AuditActions.ProfileChanged, user.Id, client);
    }
}
