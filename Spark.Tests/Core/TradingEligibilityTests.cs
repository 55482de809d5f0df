using Spark.Core.Accounts;

namespace Spark.Tests.Core;

public sealed class TradingEligibilityTests
{
    [Theory]
    [InlineData(KycStatus.Verified, true, true, true)]
    [InlineData(KycStatus.Verified, false, true, false)]
    [InlineData(KycStatus.Verified, false, false, true)]
    [InlineData(KycStatus.Pending, true, true, false)]
    [InlineData(KycStatus.Incomplete, true, false, false)]
    [InlineData(KycStatus.Rejected, true, true, false)]
    public void Only_a_verified_account_with_the_required_second_factor_may_trade(KycStatus kyc, bool twoFactor, bool required, bool allowed)
    {
        Assert.Equal(allowed, TradingEligibility.Check(kyc, twoFactor, required) is null);
    }

    [Fact]
    public void The_refusal_says_what_to_do_next()
    {
        Assert.Contains("Settings → Security", TradingEligibility.Check(KycStatus.Verified, false, true), StringComparison.Ordinal);
        Assert.Contains("Settings → KYC", TradingEligibility.Check(KycStatus.Incomplete, false, true), StringComparison.Ordinal);
    }
}
