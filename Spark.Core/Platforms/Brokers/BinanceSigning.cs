using System.Security.Cryptography;
using System.Text;

namespace Spark.Core.Platforms.Brokers;

/// <summary>
/// Binance's HMAC-SHA256 request signature: the lowercase hex HMAC-SHA256 of the query string (the "totalParams"),
/// keyed with the API secret, sent as the last parameter <c>signature</c>. Documented in binance/binance-spot-api-docs
/// rest-api.md, "SIGNED (TRADE, USER_DATA, AND MARGIN) Endpoint security" and "SIGNED Endpoint Examples for POST
/// /api/v3/order - HMAC Keys" (the test vector Spark's tests check).
/// </summary>
public static class BinanceSigning
{
    /// <summary>The hex signature of <paramref name="query"/> (the percent-encoded query string, without '?') with <paramref name="secret"/>.</summary>
    public static string Sign(string secret, string query)
    {
        ArgumentNullException.ThrowIfNull(secret);
        ArgumentNullException.ThrowIfNull(query);
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(query));
        return Convert.ToHexStringLower(mac);
    }

    /// <summary>Whether <paramref name="signature"/> is the signature of <paramref name="query"/> (constant-time comparison).</summary>
    public static bool Verify(string secret, string query, string? signature)
    {
        if (string.IsNullOrEmpty(signature)) return false;
        var expected = Encoding.ASCII.GetBytes(Sign(secret, query));
        var given = Encoding.ASCII.GetBytes(signature.ToLowerInvariant());
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }
}
