namespace Spark.Core.Accounts;

/// <summary>
/// Whether an account may place orders or start auto-invest plans: a verified KYC (SEBI's rule) and, when
/// the platform requires it (the default), two-factor sign-in turned on (the market norm for trading logins).
/// </summary>
public static class TradingEligibility
{
    /// <summary>Null when the account may trade; otherwise what to do first, in words for the investor.</summary>
    public static string? Check(KycStatus kyc, bool twoFactorEnabled, bool requireTwoFactor) => (kyc, twoFactorEnabled) switch
    {
        (KycStatus.Verified, true) => null,
        (KycStatus.Verified, false) when !requireTwoFactor => null,
        (KycStatus.Verified, false) => "Turn on two-factor sign-in (Settings → Security) before you trade.",
        (KycStatus.Pending, _) => "Your KYC is being reviewed; you can trade once it is verified.",
        (KycStatus.Rejected, _) => "Your KYC was not approved; correct it under Settings → KYC to trade.",
        _ => "Complete your KYC (Settings → KYC) before you trade.",
    };
}
