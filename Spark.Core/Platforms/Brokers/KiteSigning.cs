using System.Security.Cryptography;
using System.Text;

namespace Spark.Core.Platforms.Brokers;

/// <summary>Kite Connect v3 request signing.</summary>
public static class KiteSigning
{
    /// <summary>
    /// The checksum of <c>POST /session/token</c>: the lowercase hex SHA-256 of api_key + request_token + api_secret
    /// (Kite Connect v3 docs, "User" → "Login flow" / "Authentication and token exchange"; the official client computes
    /// the same in zerodha/pykiteconnect kiteconnect/connect.py, <c>generate_session</c>:
    /// <c>hashlib.sha256(api_key + request_token + api_secret).hexdigest()</c>). The same shape signs
    /// <c>/session/refresh_token</c> with the refresh token in place of the request token.
    /// </summary>
    public static string KiteChecksum(string apiKey, string requestToken, string apiSecret)
    {
        ArgumentNullException.ThrowIfNull(apiKey);
        ArgumentNullException.ThrowIfNull(requestToken);
        ArgumentNullException.ThrowIfNull(apiSecret);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(apiKey + requestToken + apiSecret));
        return Convert.ToHexStringLower(hash);
    }
}
