using Microsoft.AspNetCore.Identity;
using QRCoder;
using Spark.Data.Identity;

namespace Spark.Web.Accounts;

public sealed record AuthenticatorSetup(string SharedKey, string DisplayKey, string AuthenticatorUri, string QrCodeSvg);

/// <summary>Authenticator-app two-factor sign-in: setting it up, turning it on and off, and checking codes.</summary>
public sealed class TwoFactorCodes(UserManager<SparkUser> users, Security.AuditTrail audit)
{
    public const int RecoveryCodeCount = 10;

    /// <summary>A new shared key (replacing any unconfirmed one), as text, otpauth URI and QR code.</summary>
    public async Task<AuthenticatorSetup> SetupAsync(SparkUser user)
    {
        await users.ResetAuthenticatorKeyAsync(user);
        var key = (await users.GetAuthenticatorKeyAsync(user))!;
        var uri = AuthenticatorCodes.AuthenticatorUri(user.Email!, key);
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(uri, QRCodeGenerator.ECCLevel.M);
        var svg = new SvgQRCode(data).GetGraphic(4);
        return new AuthenticatorSetup(key, AuthenticatorCodes.FormatForDisplay(key), uri, svg);
    }

    /// <summary>Turns 2FA on when the code proves the app holds the key; returns the recovery codes, shown once.</summary>
    public async Task<IReadOnlyList<string>?> EnableAsync(SparkUser user, string code, ClientInfo? client = null)
    {
        if (!await VerifyAuthenticatorAsync(user, code)) return null;
        await users.SetTwoFactorEnabledAsync(user, true);
        var codes = await users.GenerateNewTwoFactorRecoveryCodesAsync(user, RecoveryCodeCount) ?? [];
        await audit.RecordAsync(Security.AuditActions.TwoFactorEnabled, user.Id, client, details: new { method = "authenticator_app" });
        return [.. codes];
    }

    /// <summary>Turns 2FA off after a valid code (authenticator or recovery), forgetting the key and the codes.</summary>
    public async Task<bool> DisableAsync(SparkUser user, string code, ClientInfo? client = null)
    {
        if (!await VerifyAsync(user, code)) return false;
        await users.SetTwoFactorEnabledAsync(user, false);
        await users.ResetAuthenticatorKeyAsync(user);
        await users.GenerateNewTwoFactorRecoveryCodesAsync(user, 0);
        await audit.RecordAsync(Security.AuditActions.TwoFactorDisabled, user.Id, client);
        return true;
    }

    /// <summary>An authenticator code (6 digits, once only) or an unused recovery code.</summary>
    public async Task<bool> VerifyAsync(SparkUser user, string code, CancellationToken cancellationToken = default)
    {
        var compact = code.Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        if (compact.Length == AuthenticatorCodes.Digits && compact.All(char.IsAsciiDigit))
        {
            return await VerifyAuthenticatorAsync(user, compact);
        }
        return (await users.RedeemTwoFactorRecoveryCodeAsync(user, compact)).Succeeded;
    }

    private Task<bool> VerifyAuthenticatorAsync(SparkUser user, string code) =>
        users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, code);
}
