using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using Spark.Web.Hosting;

namespace Spark.Web.Api;

/// <summary>The "Spark:Jwt" section: how API access tokens are signed and how long tokens live.</summary>
public sealed class JwtOptions
{
    public const string Section = "Spark:Jwt";

    public string Issuer { get; set; } = "spark";
    public string Audience { get; set; } = "spark-api";

    /// <summary>Base64 of at least 32 random bytes (HMAC-SHA256). Required in Production; generated under the state directory otherwise.</summary>
    public string? SigningKey { get; set; }

    public int AccessTokenMinutes { get; set; } = 15;
    public int RefreshTokenDays { get; set; } = 30;
}

/// <summary>Resolves the signing key: configured, or (outside Production) one generated once and kept in the state directory.</summary>
public sealed class JwtSigningKey(IOptions<JwtOptions> jwt, IOptions<SparkOptions> spark, IHostEnvironment environment)
{
    private readonly Lazy<SymmetricSecurityKey> key = new(() => Load(jwt.Value, spark.Value, environment));

    public SymmetricSecurityKey Key => key.Value;

    private static SymmetricSecurityKey Load(JwtOptions jwt, SparkOptions spark, IHostEnvironment environment)
    {
        if (!string.IsNullOrWhiteSpace(jwt.SigningKey))
        {
            var bytes = Convert.FromBase64String(jwt.SigningKey);
            if (bytes.Length < 32) throw new InvalidOperationException("Spark:Jwt:SigningKey must be at least 32 bytes (base64).");
            return new SymmetricSecurityKey(bytes);
        }
        if (environment.IsProduction()) throw new InvalidOperationException("Spark:Jwt:SigningKey is not set.");

        var file = Path.Combine(spark.StateDirectory, "jwt-signing.key");
        if (!File.Exists(file))
        {
            Directory.CreateDirectory(spark.StateDirectory);
            File.WriteAllText(file, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        }
        return new SymmetricSecurityKey(Convert.FromBase64String(File.ReadAllText(file).Trim()));
    }
}
