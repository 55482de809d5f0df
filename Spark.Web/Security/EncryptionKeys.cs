using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Spark.Core.Security;
using Spark.Web.Hosting;

namespace Spark.Web.Security;

/// <summary>
/// The "Spark:Encryption" section: AES-256 keys by id for sensitive columns, the id that encrypts new
/// values, and the HMAC key for keyed hashes. Keys are base64 of 32 random bytes.
/// </summary>
public sealed class EncryptionOptions
{
    public const string Section = "Spark:Encryption";

    public string? CurrentKeyId { get; set; }
    public Dictionary<string, string> Keys { get; set; } = [];
    public string? HashKey { get; set; }
}

/// <summary>
/// Builds the app's <see cref="FieldProtector"/> from configuration. Outside Production, when nothing is
/// configured, development keys are generated once into {StateDirectory}/encryption-keys.json.
/// </summary>
public static class EncryptionKeys
{
    public static FieldProtector CreateProtector(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<EncryptionOptions>>().Value;
        if (options.Keys.Count == 0)
        {
            if (services.GetRequiredService<IHostEnvironment>().IsProduction())
            {
                throw new InvalidOperationException("Spark:Encryption is not configured (keys, current key id, hash key).");
            }
            options = DevelopmentKeys(services.GetRequiredService<IOptions<SparkOptions>>().Value.StateDirectory);
        }
        var keys = options.Keys.ToDictionary(k => k.Key, k => Convert.FromBase64String(k.Value));
        return new FieldProtector(keys, options.CurrentKeyId ?? throw new InvalidOperationException("Spark:Encryption:CurrentKeyId is not set."),
            Convert.FromBase64String(options.HashKey ?? throw new InvalidOperationException("Spark:Encryption:HashKey is not set.")));
    }

    private static EncryptionOptions DevelopmentKeys(string stateDirectory)
    {
        var file = Path.Combine(stateDirectory, "encryption-keys.json");
        if (File.Exists(file))
        {
            return JsonSerializer.Deserialize<EncryptionOptions>(File.ReadAllText(file))!;
        }
        var generated = new EncryptionOptions
        {
            CurrentKeyId = "dev1",
            Keys = { ["dev1"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) },
            HashKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        };
        Directory.CreateDirectory(stateDirectory);
        File.WriteAllText(file, JsonSerializer.Serialize(generated));
        return generated;
    }
}
