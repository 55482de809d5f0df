namespace Spark.Core.Accounts;

/// <summary>Security settings of one user (table user_security). Secrets are stored encrypted by the application.</summary>
public class UserSecurity
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid UserId { get; set; }
    public bool TwoFactorEnabled { get; set; }
    public TwoFactorMethod? TwoFactorMethod { get; set; }
    /// <summary>The authenticator's shared key, encrypted (FieldProtector, purpose "totp").</summary>
    public string? TwoFactorSecret { get; set; }
    /// <summary>The RFC 6238 time step of the last accepted code: a code is accepted once only.</summary>
    public long? TwoFactorLastStep { get; set; }
    /// <summary>Keyed hashes of the unused recovery codes (never the codes themselves).</summary>
    public string[]? BackupCodes { get; set; }
    public bool BiometricEnabled { get; set; }
    public BiometricType? BiometricType { get; set; }
    public int SessionTimeoutMinutes { get; set; } = 30;
    public bool LoginAlertsEnabled { get; set; } = true;
    public int FailedLoginAttempts { get; set; }
    public DateTimeOffset? AccountLockedUntil { get; set; }
    public DateTimeOffset? LastPasswordChange { get; set; }
    public string? PasswordResetToken { get; set; }
    public DateTimeOffset? PasswordResetExpires { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
