using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spark.Core.Platforms;
using Spark.Core.Platforms.Brokers;
using Spark.Core.Security;

namespace Spark.Web.Services.Connections;

/// <summary>
/// A connection's credentials at rest. The API key and secret go in their columns, the broker's tokens in
/// additional_auth, each encrypted by the <see cref="FieldProtector"/> (AES-256-GCM, the key id inside the value,
/// so rotation needs no mass re-encryption: <see cref="NeedsRotation"/> tells the sync to re-store them). Only the
/// key's last four characters are kept in clear, for screens.
/// </summary>
public sealed class ConnectionSecrets(FieldProtector protector)
{
    private const string KeyPurpose = "platform_connections.api_key";
    private const string SecretPurpose = "platform_connections.api_secret";
    private const string AccessPurpose = "platform_connections.access_token";
    private const string RefreshPurpose = "platform_connections.refresh_token";

    /// <summary>Stores the credentials, and the session if there is one (a connection awaiting its login has none).</summary>
    public void Store(PlatformConnection connection, BrokerCredentials credentials, BrokerSession? session)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(credentials);
        connection.ApiKey = Protect(credentials.ApiKey, KeyPurpose);
        connection.ApiSecret = Protect(credentials.ApiSecret, SecretPurpose);
        var auth = new JsonObject { ["keyHint"] = BrokerCredentials.Mask(credentials.ApiKey), ["hasSession"] = session is not null };
        if (session is not null)
        {
            if (session.AccessToken is { } access) auth["accessToken"] = Protect(access, AccessPurpose);
            if (session.RefreshToken is { } refresh) auth["refreshToken"] = Protect(refresh, RefreshPurpose);
            if (session.ExpiresAt is { } expires) auth["expiresAt"] = expires.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);
            connection.AccountId = session.AccountId ?? connection.AccountId;
            connection.AccountName = session.AccountName ?? connection.AccountName;
        }

        connection.AdditionalAuth = JsonDocument.Parse(auth.ToJsonString());
    }

    /// <summary>Forgets every secret: what a disconnect leaves is the key's last four characters.</summary>
    public void Wipe(PlatformConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var hint = MaskedKey(connection);
        connection.ApiKey = "";
        connection.ApiSecret = "";
        connection.AdditionalAuth = JsonDocument.Parse(new JsonObject { ["keyHint"] = hint, ["hasSession"] = false }.ToJsonString());
    }

    public BrokerCredentials Credentials(PlatformConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return new BrokerCredentials(Unprotect(connection.ApiKey, KeyPurpose), Unprotect(connection.ApiSecret, SecretPurpose));
    }

    /// <summary>The stored session, or null when the connection has none (never authorised, or wiped).</summary>
    public BrokerSession? Session(PlatformConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var auth = connection.AdditionalAuth?.RootElement;
        if (auth is not { ValueKind: JsonValueKind.Object } root || !root.TryGetProperty("hasSession", out var has) || has.ValueKind != JsonValueKind.True) return null;
        string? Read(string name, string purpose) => root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? Unprotect(v.GetString()!, purpose) : null;
        DateTimeOffset? expires = root.TryGetProperty("expiresAt", out var e) && e.ValueKind == JsonValueKind.String
            ? DateTimeOffset.Parse(e.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind)
            : null;
        return new BrokerSession(Credentials(connection), Read("accessToken", AccessPurpose), expires, Read("refreshToken", RefreshPurpose),
            connection.AccountId, connection.AccountName);
    }

    /// <summary>The key as screens show it: dots and its last four characters.</summary>
    public string MaskedKey(PlatformConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return connection.AdditionalAuth?.RootElement is { ValueKind: JsonValueKind.Object } root && root.TryGetProperty("keyHint", out var hint)
            && hint.ValueKind == JsonValueKind.String ? hint.GetString()! : "";
    }

    /// <summary>Whether the stored values were encrypted with a key other than the current one (re-store them to rotate).</summary>
    public bool NeedsRotation(PlatformConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return connection.ApiKey.Length > 0 && protector.KeyIdOf(connection.ApiKey) != protector.CurrentKeyId;
    }

    private string Protect(string value, string purpose) => value.Length == 0 ? "" : protector.Protect(value, purpose);

    private string Unprotect(string value, string purpose) => value.Length == 0 ? "" : protector.Unprotect(value, purpose);
}
