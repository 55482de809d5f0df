using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Spark.Core.Security;

/// <summary>Opaque bearer secrets (refresh tokens, session secrets): random, URL-safe, stored only as SHA-256.</summary>
public static class Tokens
{
    public static string New(int bytes = 32) => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(bytes));

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
