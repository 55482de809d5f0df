using Microsoft.AspNetCore.Identity;
using Spark.Core.Accounts;

namespace Spark.Data.Identity;

/// <summary>
/// A Spark account: the schema's users row, which is also ASP.NET Core Identity's user. Identity's
/// Email, PasswordHash, EmailConfirmed, PhoneNumber and PhoneNumberConfirmed map onto the schema's
/// email, password_hash, email_verified, phone and phone_verified columns.
/// </summary>
public class SparkUser : IdentityUser<Guid>
{
    public SparkUser()
    {
        Id = Guid.CreateVersion7();
        SecurityStamp = Guid.NewGuid().ToString("N");
    }

    public required string Name { get; set; }
    public DateOnly? Dob { get; set; }
    /// <summary>AES-GCM ciphertext of the PAN (never the PAN itself).</summary>
    public string? PanCard { get; set; }
    /// <summary>Keyed hash of the normalised PAN; uniqueness of PANs is enforced on this column.</summary>
    public string? PanCardHash { get; set; }
    public KycStatus KycStatus { get; set; } = KycStatus.Incomplete;
    public string? AnnualIncome { get; set; }
    public RiskProfile RiskProfile { get; set; } = RiskProfile.Moderate;
    public string[]? InvestmentGoals { get; set; }
    public UserStatus Status { get; set; } = UserStatus.Active;
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? DeletedAt { get; set; }
}

public class SparkRole : IdentityRole<Guid>
{
    public SparkRole() => Id = Guid.CreateVersion7();

    public SparkRole(string name) : this()
    {
        Name = name;
        NormalizedName = name.ToUpperInvariant();
    }
}

public static class Roles
{
    public const string Investor = "Investor";
    public const string Admin = "Admin";
    public const string Support = "Support";

    public static readonly IReadOnlyList<string> All = [Investor, Admin, Support];
}
