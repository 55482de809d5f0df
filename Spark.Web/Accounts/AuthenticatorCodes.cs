using OtpNet;

namespace Spark.Web.Accounts;

/// <summary>
/// RFC 6238 time-based codes (SHA-1, 30-second steps, as every authenticator app uses), through Otp.NET.
/// Matching reports which time step the code belongs to, so a code can be accepted once only.
/// </summary>
public static class AuthenticatorCodes
{
    public const int Digits = 6;

    /// <summary>Codes from one step before or after now are accepted, for clock drift and typing time.</summary>
    private static readonly VerificationWindow Window = new(previous: 1, future: 1);

    public static string NewSharedKey() => Base32Encoding.ToString(KeyGeneration.GenerateRandomKey(20));

    public static string Compute(string sharedKey, DateTimeOffset at, int digits = Digits) =>
        new Totp(Base32Encoding.ToBytes(Normalize(sharedKey)), totpSize: digits).ComputeTotp(at.UtcDateTime);

    public static long StepOf(DateTimeOffset at) => at.ToUnixTimeSeconds() / 30;

    public static bool TryMatch(string sharedKey, string code, DateTimeOffset now, out long step)
    {
        step = 0;
        code = code.Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        if (code.Length != Digits || !code.All(char.IsAsciiDigit)) return false;
        return new Totp(Base32Encoding.ToBytes(Normalize(sharedKey)), totpSize: Digits)
            .VerifyTotp(now.UtcDateTime, code, out step, Window);
    }

    /// <summary>The key as people read it: groups of four, lower case (the way Identity's template shows it).</summary>
    public static string FormatForDisplay(string sharedKey) =>
        string.Join(' ', Normalize(sharedKey).Chunk(4).Select(c => new string(c))).ToLowerInvariant();

    public static string AuthenticatorUri(string email, string sharedKey) =>
        $"otpauth://totp/Spark:{Uri.EscapeDataString(email)}?secret={Normalize(sharedKey)}&issuer=Spark&digits={Digits}";

    private static string Normalize(string key) => key.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
}
