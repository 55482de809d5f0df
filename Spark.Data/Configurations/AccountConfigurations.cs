using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Spark.Core.Accounts;
using Spark.Data.Identity;

namespace Spark.Data.Configurations;

internal sealed class UserSecurityConfiguration : IEntityTypeConfiguration<UserSecurity>
{
    public void Configure(EntityTypeBuilder<UserSecurity> b)
    {
        b.ToTable("user_security");
        b.HasUuidKey().HasCurrentTimestamps();
        b.HasOne<SparkUser>().WithOne().HasForeignKey<UserSecurity>(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
        b.Property(x => x.TwoFactorEnabled).HasDefaultValue(false);
        b.Property(x => x.TwoFactorSecret).HasMaxLength(255);
        b.Property(x => x.BiometricEnabled).HasDefaultValue(false);
        b.Property(x => x.SessionTimeoutMinutes).HasDefaultValue(30);
        b.Property(x => x.LoginAlertsEnabled).HasDefaultValue(true);
        b.Property(x => x.FailedLoginAttempts).HasDefaultValue(0);
        b.Property(x => x.PasswordResetToken).HasMaxLength(255);
        b.HasIndex(x => x.UserId).IsUnique().HasDatabaseName("user_security_user_id_key");
        b.HasIndex(x => x.UserId, "idx_user_security_user_id");
    }
}

internal sealed class UserSessionConfiguration : IEntityTypeConfiguration<UserSession>
{
    public void Configure(EntityTypeBuilder<UserSession> b)
    {
        b.ToTable("user_sessions");
        b.HasUuidKey().HasCurrentTimestamps("CreatedAt", "LastActivity");
        b.HasOne<SparkUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
        b.Property(x => x.Client).HasMaxLength(10).HasDefaultValue(SessionClient.Web);
        b.Property(x => x.TokenHash).HasMaxLength(255);
        b.Property(x => x.RefreshTokenHash).HasMaxLength(255);
        b.Property(x => x.DeviceName).HasMaxLength(255);
        b.Property(x => x.Browser).HasMaxLength(100);
        b.Property(x => x.Os).HasMaxLength(100);
        b.Property(x => x.Location).HasMaxLength(255);
        b.Property(x => x.IsTrustedDevice).HasDefaultValue(false);
        b.Property(x => x.Revoked).HasDefaultValue(false);
        b.HasIndex(x => x.TokenHash).IsUnique().HasDatabaseName("user_sessions_token_hash_key");
        b.HasIndex(x => x.RefreshTokenHash).IsUnique().HasDatabaseName("user_sessions_refresh_token_hash_key");
        b.HasIndex(x => x.UserId, "idx_user_sessions_user_id");
        b.HasIndex(x => x.TokenHash, "idx_user_sessions_token_hash");
        b.HasIndex(x => x.ExpiresAt, "idx_user_sessions_expires_at");
    }
}

internal sealed class UserPreferencesConfiguration : IEntityTypeConfiguration<UserPreferences>
{
    public void Configure(EntityTypeBuilder<UserPreferences> b)
    {
        b.ToTable("user_preferences", t => t.HasCheckConstraint(
            "ck_user_preferences_language", $"language IN ({string.Join(", ", UserPreferences.Languages.Select(l => $"'{l}'"))})"));
        b.HasUuidKey().HasCurrentTimestamps();
        b.HasOne<SparkUser>().WithOne().HasForeignKey<UserPreferences>(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
        b.Property(x => x.Theme).HasMaxLength(10).HasDefaultValue(Theme.Light);
        b.Property(x => x.Language).HasMaxLength(5).HasDefaultValue("en");
        b.Property(x => x.Currency).HasMaxLength(3).HasDefaultValue("INR");
        b.Property(x => x.Timezone).HasMaxLength(50).HasDefaultValue("Asia/Kolkata");
        b.Property(x => x.DateFormat).HasMaxLength(20).HasDefaultValue("DD/MM/YYYY");
        b.Property(x => x.NumberFormat).HasMaxLength(20).HasDefaultValue(NumberFormat.Indian);
        b.Property(x => x.DefaultView).HasMaxLength(50).HasDefaultValue("dashboard");
        b.Property(x => x.ChartType).HasMaxLength(20).HasDefaultValue("line");
        b.Property(x => x.DataRefreshInterval).HasDefaultValue(60);
        b.Property(x => x.ItemsPerPage).HasDefaultValue(20);
        b.Property(x => x.EmailMarketAlerts).HasDefaultValue(true);
        b.Property(x => x.EmailPriceAlerts).HasDefaultValue(true);
        b.Property(x => x.EmailPortfolioUpdates).HasDefaultValue(true);
        b.Property(x => x.EmailTransactionConfirmations).HasDefaultValue(true);
        b.Property(x => x.EmailMonthlyReports).HasDefaultValue(true);
        b.Property(x => x.EmailAiRecommendations).HasDefaultValue(true);
        b.Property(x => x.EmailNewsDigest).HasDefaultValue(false);
        b.Property(x => x.SmsTransactionAlerts).HasDefaultValue(true);
        b.Property(x => x.SmsSecurityAlerts).HasDefaultValue(true);
        b.Property(x => x.SmsLoginAlerts).HasDefaultValue(true);
        b.Property(x => x.SmsPaymentReminders).HasDefaultValue(false);
        b.Property(x => x.PushMarketMovements).HasDefaultValue(true);
        b.Property(x => x.PushGoalMilestones).HasDefaultValue(true);
        b.Property(x => x.PushAutoInvestExecutions).HasDefaultValue(true);
        b.Property(x => x.PushPortfolioChanges).HasDefaultValue(true);
        b.Property(x => x.PushDailySummary).HasDefaultValue(false);
        b.Property(x => x.PriceAlertFrequency).HasMaxLength(20).HasDefaultValue("instant");
        b.Property(x => x.PortfolioUpdateFrequency).HasMaxLength(20).HasDefaultValue("daily");
        b.HasIndex(x => x.UserId).IsUnique().HasDatabaseName("user_preferences_user_id_key");
        b.HasIndex(x => x.UserId, "idx_user_preferences_user_id");
    }
}

internal sealed class RefreshTokenConfiguration : IEntityTypeConfiguration<RefreshToken>
{
    public void Configure(EntityTypeBuilder<RefreshToken> b)
    {
        b.ToTable("refresh_tokens");
        b.HasUuidKey().HasCurrentTimestamps("CreatedAt");
        b.HasOne<UserSession>().WithMany().HasForeignKey(x => x.SessionId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<SparkUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
        b.Property(x => x.TokenHash).HasMaxLength(64);
        b.HasIndex(x => x.TokenHash).IsUnique().HasDatabaseName("refresh_tokens_token_hash_key");
        b.HasIndex(x => x.SessionId, "idx_refresh_tokens_session_id");
    }
}

internal sealed class ImpersonationSessionConfiguration : IEntityTypeConfiguration<ImpersonationSession>
{
    public void Configure(EntityTypeBuilder<ImpersonationSession> b)
    {
        b.ToTable("impersonation_sessions", t => t.HasCheckConstraint("ck_impersonation_sessions_times", "expires_at > started_at"));
        b.HasUuidKey().HasCurrentTimestamps("StartedAt");
        b.HasOne<SparkUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<SparkUser>().WithMany().HasForeignKey(x => x.StaffUserId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<UserSession>().WithMany().HasForeignKey(x => x.StaffSessionId).OnDelete(DeleteBehavior.Cascade);
        b.Property(x => x.Reason).HasMaxLength(500);
        b.Property(x => x.Ticket).HasMaxLength(64);
        b.Property(x => x.WritesAllowed).HasDefaultValue(false);
        b.Property(x => x.EndReason).HasMaxLength(30);
        // The one question asked on every request of a staff member: is an impersonation open on this session?
        b.HasIndex(x => x.StaffSessionId, "ux_impersonation_sessions_open_per_staff_session").IsUnique().HasFilter("ended_at IS NULL");
        b.HasIndex(x => new { x.UserId, x.StartedAt }, "idx_impersonation_sessions_user_started").IsDescending(false, true);
        b.HasIndex(x => new { x.StaffUserId, x.StartedAt }, "idx_impersonation_sessions_staff_started").IsDescending(false, true);
    }
}

internal sealed class ImpersonationConsentConfiguration : IEntityTypeConfiguration<ImpersonationConsent>
{
    public void Configure(EntityTypeBuilder<ImpersonationConsent> b)
    {
        b.ToTable("impersonation_consents");
        b.HasUuidKey().HasCurrentTimestamps("CreatedAt");
        b.HasOne<SparkUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<ImpersonationSession>().WithMany().HasForeignKey(x => x.ImpersonationId).OnDelete(DeleteBehavior.SetNull);
        b.Property(x => x.CodeHash).HasMaxLength(64);
        b.HasIndex(x => new { x.UserId, x.CodeHash }, "idx_impersonation_consents_user_code");
    }
}
