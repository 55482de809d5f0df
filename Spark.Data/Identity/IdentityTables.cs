using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Spark.Core.Accounts;
using Spark.Data.Configurations;

namespace Spark.Data.Identity;

/// <summary>
/// Identity lives in the schema's tables: the user is the schema's users row (its columns plus Identity's),
/// and Identity's other tables are renamed to snake_case (the naming convention does not rename them).
/// </summary>
internal static class IdentityTables
{
    public static void Configure(ModelBuilder builder)
    {
        builder.Entity<SparkUser>(b =>
        {
            b.ToTable("users");
            b.HasUuidKey().HasCurrentTimestamps();
            b.Property(u => u.Email).HasMaxLength(255).IsRequired();
            b.Property(u => u.NormalizedEmail).HasMaxLength(255);
            b.Property(u => u.UserName).HasMaxLength(255);
            b.Property(u => u.NormalizedUserName).HasMaxLength(255);
            b.Property(u => u.PasswordHash).HasMaxLength(255).IsRequired();
            b.Property(u => u.Name).HasMaxLength(255);
            b.Property(u => u.PhoneNumber).HasColumnName("phone").HasMaxLength(15);
            b.Property(u => u.PhoneNumberConfirmed).HasColumnName("phone_verified").HasDefaultValue(false);
            b.Property(u => u.EmailConfirmed).HasColumnName("email_verified").HasDefaultValue(false);
            // Widened from VARCHAR(20): AES-GCM ciphertext with its key id and nonce does not fit.
            b.Property(u => u.PanCard).HasMaxLength(255);
            b.Property(u => u.PanCardHash).HasMaxLength(64);
            b.Property(u => u.KycStatus).HasDefaultValue(KycStatus.Incomplete);
            b.Property(u => u.AnnualIncome).HasMaxLength(50);
            b.Property(u => u.RiskProfile).HasDefaultValue(RiskProfile.Moderate);
            b.Property(u => u.Status).HasDefaultValue(UserStatus.Active);

            b.HasIndex(u => u.Email).IsUnique().HasDatabaseName("users_email_key");
            b.HasIndex(u => u.PanCardHash).IsUnique().HasDatabaseName("users_pan_card_hash_key");
            b.HasIndex(u => u.Email, "idx_users_email");
            b.HasIndex(u => u.Status, "idx_users_status").HasFilter("status = 'active'");
            b.HasIndex(u => u.KycStatus, "idx_users_kyc_status");
            b.HasIndex(u => u.NormalizedUserName).HasDatabaseName("ix_users_normalized_user_name");
            b.HasIndex(u => u.NormalizedEmail).HasDatabaseName("ix_users_normalized_email").IsUnique();
        });

        builder.Entity<SparkRole>(b =>
        {
            b.ToTable("roles");
            b.HasIndex(r => r.NormalizedName).HasDatabaseName("ix_roles_normalized_name");
        });
        builder.Entity<IdentityUserRole<Guid>>().ToTable("user_roles");
        builder.Entity<IdentityUserClaim<Guid>>().ToTable("user_claims");
        builder.Entity<IdentityUserLogin<Guid>>().ToTable("user_logins");
        builder.Entity<IdentityUserToken<Guid>>().ToTable("user_tokens");
        builder.Entity<IdentityRoleClaim<Guid>>().ToTable("role_claims");
    }
}
