using Spark.Web.Accounts;

namespace Spark.Tests.Core;

public sealed class AuthenticatorCodesTests
{
    // RFC 6238, Appendix B: SHA-1 with the ASCII key "12345678901234567890" (base32 below), 8 digits.
    private const string RfcKey = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

    [Theory]
    [InlineData(59L, "94287082")]
    [InlineData(1111111109L, "07081804")]
    [InlineData(1111111111L, "14050471")]
    [InlineData(1234567890L, "89005924")]
    [InlineData(2000000000L, "69279037")]
    [InlineData(20000000000L, "65353130")]
    public void Codes_match_the_rfc_6238_test_vectors(long unixSeconds, string expected)
    {
        Assert.Equal(expected, AuthenticatorCodes.Compute(RfcKey, DateTimeOffset.FromUnixTimeSeconds(unixSeconds), digits: 8));
    }

    [Fact]
    public void A_code_matches_in_its_own_step_and_one_step_either_side_but_not_two()
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(1_700_000_010);
        var code = AuthenticatorCodes.Compute(RfcKey, now);

        Assert.True(AuthenticatorCodes.TryMatch(RfcKey, code, now, out var step));
        Assert.Equal(AuthenticatorCodes.StepOf(now), step);
        Assert.True(AuthenticatorCodes.TryMatch(RfcKey, code, now.AddSeconds(30), out _));
        Assert.True(AuthenticatorCodes.TryMatch(RfcKey, code, now.AddSeconds(-30), out _));
        Assert.False(AuthenticatorCodes.TryMatch(RfcKey, code, now.AddSeconds(61), out _));
    }

    [Theory]
    [InlineData("")]
    [InlineData("12345")]
    [InlineData("abcdef")]
    [InlineData("1234567")]
    public void Anything_but_six_digits_is_not_a_code(string code) =>
        Assert.False(AuthenticatorCodes.TryMatch(RfcKey, code, DateTimeOffset.FromUnixTimeSeconds(59), out _));

    [Fact]
    public void The_authenticator_uri_carries_issuer_account_and_secret()
    {
        Assert.Equal("otpauth://totp/Spark:a%40b.in?secret=" + RfcKey + "&issuer=Spark&digits=6",
            AuthenticatorCodes.AuthenticatorUri("a@b.in", RfcKey));
        Assert.Equal("gezd gnbv gy3t qojq gezd gnbv gy3t qojq", AuthenticatorCodes.FormatForDisplay(RfcKey));
    }
}
