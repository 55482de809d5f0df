using Npgsql;

namespace Spark.Web.Hosting;

/// <summary>
/// Production refuses to start with development secrets: any setting marked dev-only, and database
/// passwords that are empty or well known.
/// </summary>
public static class ProductionGuard
{
    public const string DevelopmentMarker = "dev-only";

    private static readonly HashSet<string> WeakPasswords = new(StringComparer.OrdinalIgnoreCase)
    {
        "", "postgres", "password", "spark", "secret", "changeme", "admin", "root", "123456",
    };

    public static IReadOnlyList<string> Problems(IConfiguration configuration)
    {
        var problems = new List<string>();
        foreach (var (key, value) in configuration.AsEnumerable())
        {
            if (value is not null && value.Contains(DevelopmentMarker, StringComparison.OrdinalIgnoreCase))
            {
                problems.Add($"{key} holds a development-only value");
            }
        }
        foreach (var connection in configuration.GetSection("ConnectionStrings").GetChildren())
        {
            if (string.IsNullOrEmpty(connection.Value)) continue;
            var password = new NpgsqlConnectionStringBuilder(connection.Value).Password ?? "";
            if (WeakPasswords.Contains(password))
            {
                problems.Add($"ConnectionStrings:{connection.Key} uses an empty or default password");
            }
        }
        if (string.IsNullOrWhiteSpace(configuration.GetConnectionString("Spark")))
        {
            problems.Add("ConnectionStrings:Spark is not set");
        }
        if (string.IsNullOrWhiteSpace(configuration["Spark:Jwt:SigningKey"]))
        {
            problems.Add("Spark:Jwt:SigningKey is not set (API tokens cannot be signed)");
        }
        if (!configuration.GetSection("Spark:Encryption:Keys").GetChildren().Any() || string.IsNullOrWhiteSpace(configuration["Spark:Encryption:HashKey"]))
        {
            problems.Add("Spark:Encryption keys are not set (PANs and two-factor keys cannot be protected)");
        }
        if (string.IsNullOrWhiteSpace(configuration["Spark:DataProtection:KeyEncryptionKey"]))
        {
            problems.Add("Spark:DataProtection:KeyEncryptionKey is not set (sign-in keys would be stored unencrypted)");
        }
        if (!Uri.TryCreate(configuration["Spark:PublicUrl"], UriKind.Absolute, out var publicUrl) || publicUrl.Scheme != Uri.UriSchemeHttps)
        {
            problems.Add("Spark:PublicUrl is not an absolute https URL (email links are built from it)");
        }
        var allowedHosts = configuration["AllowedHosts"];
        if (string.IsNullOrWhiteSpace(allowedHosts) || allowedHosts.Split(';').Any(h => h.Trim() == "*"))
        {
            problems.Add("AllowedHosts is not restricted to Spark's own host names");
        }
        // The switch exists for test hosts, whose admins sign in with a password alone; staff always need 2FA for real.
        if (!configuration.GetValue("Spark:Security:RequireTwoFactorForStaff", true))
        {
            problems.Add("Spark:Security:RequireTwoFactorForStaff is off (the back office would open without two-factor sign-in)");
        }
        return problems;
    }

    public static void EnsureSafe(IConfiguration configuration, IHostEnvironment environment)
    {
        if (!environment.IsProduction()) return;
        var problems = Problems(configuration);
        if (problems.Count > 0)
        {
            throw new InvalidOperationException(
                "Spark will not start in Production with development settings: " + string.Join("; ", problems) + ".");
        }
    }
}
