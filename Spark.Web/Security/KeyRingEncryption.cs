using System.Security.Cryptography;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.Options;
using Spark.Core.Security;
using Spark.Web.Hosting;

namespace Spark.Web.Security;

/// <summary>
/// The key that encrypts ASP.NET Core's data-protection keys at rest ("Spark:DataProtection:KeyEncryptionKey",
/// base64 of 32 bytes). The keys live in a table the application role reads, and whoever holds them forges sign-in
/// cookies: a database dump alone must not be enough. Outside Production, when none is configured, one is generated
/// once into {StateDirectory}/data-protection-kek.key (like the JWT key); Production refuses to start without it.
/// </summary>
public sealed class KeyRingProtector(IConfiguration configuration, IOptions<SparkOptions> spark, IHostEnvironment environment)
{
    public const string Setting = "Spark:DataProtection:KeyEncryptionKey";
    private const string KeyId = "kek1";

    private readonly Lazy<FieldProtector> protector = new(() => Create(configuration[Setting], spark.Value.StateDirectory, environment));

    public FieldProtector Protector => protector.Value;

    private static FieldProtector Create(string? configured, string stateDirectory, IHostEnvironment environment)
    {
        if (string.IsNullOrWhiteSpace(configured))
        {
            if (environment.IsProduction()) throw new InvalidOperationException($"{Setting} is not set.");
            var file = Path.Combine(stateDirectory, "data-protection-kek.key");
            if (!File.Exists(file))
            {
                Directory.CreateDirectory(stateDirectory);
                File.WriteAllText(file, Convert.ToBase64String(RandomNumberGenerator.GetBytes(FieldProtector.KeySize)));
            }
            configured = File.ReadAllText(file).Trim();
        }
        var key = Convert.FromBase64String(configured);
        // FieldProtector wants a hash key too; nothing here hashes, so a value derived from the key serves.
        return new FieldProtector(new Dictionary<string, byte[]> { [KeyId] = key }, KeyId, SHA256.HashData(key));
    }
}

/// <summary>Encrypts each new data-protection key's secret with AES-256-GCM (<see cref="FieldProtector"/>) before it is stored.</summary>
public sealed class KeyRingEncryptor(KeyRingProtector keys) : IXmlEncryptor
{
    internal const string Purpose = "data-protection-key";

    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        ArgumentNullException.ThrowIfNull(plaintextElement);
        var encrypted = new XElement("encryptedKey",
            new XComment(" Encrypted with Spark:DataProtection:KeyEncryptionKey (AES-256-GCM). "),
            new XElement("value", keys.Protector.Protect(plaintextElement.ToString(SaveOptions.DisableFormatting), Purpose)));
        return new EncryptedXmlInfo(encrypted, typeof(KeyRingDecryptor));
    }
}

/// <summary>Data protection creates this by type name when it reads a key: hence the service-provider constructor.</summary>
public sealed class KeyRingDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement)
    {
        ArgumentNullException.ThrowIfNull(encryptedElement);
        var value = encryptedElement.Element("value")?.Value ?? throw new CryptographicException("The encrypted data-protection key has no value.");
        return XElement.Parse(services.GetRequiredService<KeyRingProtector>().Protector.Unprotect(value, KeyRingEncryptor.Purpose));
    }
}
