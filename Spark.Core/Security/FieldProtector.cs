using System.Buffers.Text;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;

[assembly: InternalsVisibleTo("Spark.Tests")]

namespace Spark.Core.Security;

/// <summary>
/// Encrypts sensitive column values (PAN, TOTP secrets, broker API keys) with AES-256-GCM and computes keyed hashes
/// so that encrypted columns can still carry a unique index.
/// </summary>
/// <remarks>
/// A protected value reads <c>v1.{keyId}.{base64url(nonce | ciphertext | tag)}</c>. The key id travels with the value
/// so keys can be rotated without re-encrypting every row at once: new values use the current key, old ones still
/// decrypt with the key they name.
/// </remarks>
public sealed class FieldProtector
{
    public const int KeySize = 32;
    public const int NonceSize = 12;
    public const int TagSize = 16;

    // Long enough for a date or a sequence number, short enough that 100 bytes of plaintext still fit a VARCHAR(255):
    // "v1." + 32 + "." + 171 base64url characters for 12 + 100 + 16 bytes = 207.
    public const int MaxKeyIdLength = 32;

    private const string Version = "v1";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly Dictionary<string, byte[]> _keys;
    private readonly byte[] _currentKey;
    private readonly byte[] _hashKey;

    /// <param name="keys">32-byte AES keys by id. Any of them decrypts; keep retired keys here until no row uses them.</param>
    /// <param name="currentKeyId">The key that encrypts new values; it must be one of <paramref name="keys"/>.</param>
    /// <param name="hashKey">The 32-byte HMAC key for <see cref="KeyedHash"/>. It is not rotated with the AES keys,
    /// because changing it changes every hash and breaks the unique indexes built on them.</param>
    public FieldProtector(IReadOnlyDictionary<string, byte[]> keys, string currentKeyId, byte[] hashKey)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(currentKeyId);
        ArgumentNullException.ThrowIfNull(hashKey);

        if (keys.Count == 0)
            throw new ArgumentException("At least one encryption key is needed.", nameof(keys));

        _keys = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var (id, key) in keys)
        {
            ValidateKeyId(id, nameof(keys));
            if (key is null || key.Length != KeySize)
            {
                throw new ArgumentException(
                    $"Key '{id}' is {key?.Length ?? 0} bytes; AES-256 keys are {KeySize} bytes.", nameof(keys));
            }

            // Copies, so a caller that later clears or reuses its arrays cannot change what we encrypt with.
            _keys.Add(id, (byte[])key.Clone());
        }

        if (!_keys.TryGetValue(currentKeyId, out var current))
        {
            throw new ArgumentException(
                $"The current key '{currentKeyId}' is not among the keys given ({string.Join(", ", _keys.Keys)}).",
                nameof(currentKeyId));
        }

        if (hashKey.Length != KeySize)
        {
            throw new ArgumentException(
                $"The hash key is {hashKey.Length} bytes; it must be {KeySize} bytes.", nameof(hashKey));
        }

        CurrentKeyId = currentKeyId;
        _currentKey = current;
        _hashKey = (byte[])hashKey.Clone();
    }

    /// <summary>The key new values are encrypted with; a value whose <see cref="KeyIdOf"/> differs is due for re-encryption.</summary>
    public string CurrentKeyId { get; }

    public string Protect(string plaintext, string purpose)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        ArgumentException.ThrowIfNullOrEmpty(purpose);

        var plainBytes = StrictUtf8.GetBytes(plaintext);
        var payload = new byte[NonceSize + plainBytes.Length + TagSize];
        var nonce = payload.AsSpan(0, NonceSize);
        var cipher = payload.AsSpan(NonceSize, plainBytes.Length);
        var tag = payload.AsSpan(NonceSize + plainBytes.Length, TagSize);

        // A random nonce per value: with one key, a repeated GCM nonce leaks the XOR of two plaintexts and lets an
        // attacker forge tags. 96 random bits are safe for far more values than one key will ever encrypt.
        RandomNumberGenerator.Fill(nonce);
        using (var aes = new AesGcm(_currentKey, TagSize))
            aes.Encrypt(nonce, plainBytes, cipher, tag, AssociatedData(CurrentKeyId, purpose));

        CryptographicOperations.ZeroMemory(plainBytes);
        return $"{Version}.{CurrentKeyId}.{Base64Url.EncodeToString(payload)}";
    }

    /// <exception cref="CryptographicException">The value is malformed or tampered with, was protected for another
    /// purpose, or names a key this protector does not hold.</exception>
    public string Unprotect(string protectedValue, string purpose)
    {
        ArgumentNullException.ThrowIfNull(protectedValue);
        ArgumentException.ThrowIfNullOrEmpty(purpose);

        if (!TrySplit(protectedValue, out var keyId, out var encoded))
            throw new CryptographicException("The value is not a protected value of a known version.");

        if (!_keys.TryGetValue(keyId, out var key))
            throw new CryptographicException($"The value was protected with key '{keyId}', which is not configured.");

        byte[] payload;
        try
        {
            payload = Base64Url.DecodeFromChars(encoded);
        }
        catch (FormatException e)
        {
            throw new CryptographicException("The protected value is not valid base64url.", e);
        }

        if (payload.Length < NonceSize + TagSize)
            throw new CryptographicException("The protected value is too short.");

        var cipherLength = payload.Length - NonceSize - TagSize;
        var plainBytes = new byte[cipherLength];
        using (var aes = new AesGcm(key, TagSize))
        {
            // Throws AuthenticationTagMismatchException (a CryptographicException) on any changed byte, and also
            // when purpose or key id differ, since both are authenticated as associated data.
            aes.Decrypt(
                payload.AsSpan(0, NonceSize),
                payload.AsSpan(NonceSize, cipherLength),
                payload.AsSpan(NonceSize + cipherLength, TagSize),
                plainBytes,
                AssociatedData(keyId, purpose));
        }

        try
        {
            return StrictUtf8.GetString(plainBytes);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plainBytes);
        }
    }

    public bool TryUnprotect(string protectedValue, string purpose, out string? plaintext)
    {
        ArgumentException.ThrowIfNullOrEmpty(purpose);
        plaintext = null;
        if (protectedValue is null)
            return false;

        try
        {
            plaintext = Unprotect(protectedValue, purpose);
            return true;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    /// <summary>
    /// Lowercase hex HMAC-SHA256 over <c>purpose + '\n' + value</c>: equal values give equal hashes, so a unique index
    /// on the hash enforces uniqueness of an encrypted column. The purpose keeps a PAN's hash from matching the
    /// same text stored in another column.
    /// </summary>
    public string KeyedHash(string value, string purpose)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentException.ThrowIfNullOrEmpty(purpose);
        return HmacHex(_hashKey, StrictUtf8.GetBytes(purpose + "\n" + value));
    }

    /// <summary>The key id a protected value names, or null when it is not a protected value.</summary>
    public string? KeyIdOf(string protectedValue) =>
        protectedValue is not null && TrySplit(protectedValue, out var keyId, out _) ? keyId : null;

    internal static string HmacHex(byte[] key, byte[] data) => Convert.ToHexStringLower(HMACSHA256.HashData(key, data));

    // Key id and purpose are authenticated, so a ciphertext copied into another column (another purpose) or relabelled
    // with another key id fails to decrypt instead of yielding a value in the wrong place. Key ids cannot contain
    // '\n', so the first '\n' after the version separates them unambiguously.
    private static byte[] AssociatedData(string keyId, string purpose) =>
        StrictUtf8.GetBytes($"{Version}\n{keyId}\n{purpose}");

    private static bool TrySplit(string protectedValue, out string keyId, out string encoded)
    {
        keyId = encoded = string.Empty;
        var parts = protectedValue.Split('.');
        if (parts.Length != 3 || parts[0] != Version || !IsValidKeyId(parts[1]))
            return false;

        keyId = parts[1];
        encoded = parts[2];
        return true;
    }

    private static void ValidateKeyId(string id, string paramName)
    {
        if (string.IsNullOrEmpty(id))
            throw new ArgumentException("Key ids must not be empty.", paramName);
        if (id.Contains('.', StringComparison.Ordinal))
            throw new ArgumentException($"Key id '{id}' contains '.', which separates the parts of a protected value.", paramName);
        if (!IsValidKeyId(id))
        {
            throw new ArgumentException(
                $"Key id '{id}' must be at most {MaxKeyIdLength} characters of A-Z, a-z, 0-9, '-' or '_'.", paramName);
        }
    }

    private static bool IsValidKeyId(string id) =>
        id.Length is > 0 and <= MaxKeyIdLength && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
