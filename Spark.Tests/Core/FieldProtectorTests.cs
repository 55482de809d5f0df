using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Spark.Core.Security;

namespace Spark.Tests.Core;

public class FieldProtectorTests
{
    [Theory]
    [InlineData("ABCPE1234F")]
    [InlineData("")]
    [InlineData("JBSWY3DPEHPK3PXP")]
    [InlineData("₹ 12,34,567 — नमस्ते")]
    public void A_protected_value_unprotects_to_the_original(string plaintext)
    {
        var protector = new FieldProtector(Keys(("k1", Key(1))), "k1", Key(99));

        var protectedValue = protector.Protect(plaintext, "pan");

        Assert.StartsWith("v1.k1.", protectedValue, StringComparison.Ordinal);
        Assert.Equal(plaintext, protector.Unprotect(protectedValue, "pan"));
        Assert.True(protector.TryUnprotect(protectedValue, "pan", out var viaTry));
        Assert.Equal(plaintext, viaTry);
    }

    [Fact]
    public void The_plaintext_does_not_appear_in_the_protected_value()
    {
        var protector = new FieldProtector(Keys(("k1", Key(1))), "k1", Key(99));

        var protectedValue = protector.Protect("ABCPE1234F", "pan");

        Assert.DoesNotContain("ABCPE1234F", protectedValue, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Base64Url.EncodeToString("ABCPE1234F"u8), protectedValue, StringComparison.Ordinal);
    }

    [Fact]
    public void Protecting_the_same_value_twice_gives_different_ciphertexts()
    {
        var protector = new FieldProtector(Keys(("k1", Key(1))), "k1", Key(99));

        var first = protector.Protect("ABCPE1234F", "pan");
        var second = protector.Protect("ABCPE1234F", "pan");

        Assert.NotEqual(first, second);
        // The first 12 bytes are the nonce; a fresh one per value is what makes the ciphertexts differ.
        Assert.NotEqual(Payload(first)[..FieldProtector.NonceSize], Payload(second)[..FieldProtector.NonceSize]);
        Assert.Equal("ABCPE1234F", protector.Unprotect(first, "pan"));
        Assert.Equal("ABCPE1234F", protector.Unprotect(second, "pan"));
    }

    [Fact]
    public void The_payload_is_nonce_then_ciphertext_then_tag()
    {
        var protector = new FieldProtector(Keys(("k1", Key(1))), "k1", Key(99));

        var payload = Payload(protector.Protect("ABCPE1234F", "pan"));

        Assert.Equal(FieldProtector.NonceSize + 10 + FieldProtector.TagSize, payload.Length);
    }

    [Theory]
    [InlineData(0)] // nonce
    [InlineData(12)] // first ciphertext byte
    [InlineData(21)] // last ciphertext byte
    [InlineData(22)] // tag
    [InlineData(37)] // last tag byte
    public void A_flipped_bit_anywhere_in_the_payload_fails_to_unprotect(int byteIndex)
    {
        var protector = new FieldProtector(Keys(("k1", Key(1))), "k1", Key(99));
        var payload = Payload(protector.Protect("ABCPE1234F", "pan"));
        Assert.Equal(38, payload.Length);

        payload[byteIndex] ^= 0x01;
        var tampered = "v1.k1." + Base64Url.EncodeToString(payload);

        Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect(tampered, "pan"));
        Assert.False(protector.TryUnprotect(tampered, "pan", out var plaintext));
        Assert.Null(plaintext);
    }

    [Fact]
    public void A_value_protected_for_one_purpose_does_not_unprotect_for_another()
    {
        var protector = new FieldProtector(Keys(("k1", Key(1))), "k1", Key(99));
        var protectedPan = protector.Protect("ABCPE1234F", "pan");

        Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect(protectedPan, "totp"));
        Assert.False(protector.TryUnprotect(protectedPan, "totp", out _));
        Assert.Equal("ABCPE1234F", protector.Unprotect(protectedPan, "pan"));
    }

    [Fact]
    public void Relabelling_a_value_with_another_key_id_fails_even_when_both_ids_hold_the_same_key()
    {
        // Same key bytes under both ids, so only the authenticated key id can make decryption fail.
        var protector = new FieldProtector(Keys(("k1", Key(1)), ("k2", Key(1))), "k1", Key(99));
        var protectedValue = protector.Protect("ABCPE1234F", "pan");
        var relabelled = "v1.k2." + protectedValue["v1.k1.".Length..];

        Assert.Equal("ABCPE1234F", protector.Unprotect(protectedValue, "pan"));
        Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect(relabelled, "pan"));
    }

    [Fact]
    public void After_rotation_old_values_still_unprotect_and_new_values_use_the_new_key()
    {
        var beforeRotation = new FieldProtector(Keys(("k1", Key(1))), "k1", Key(99));
        var oldValue = beforeRotation.Protect("ABCPE1234F", "pan");

        var afterRotation = new FieldProtector(Keys(("k1", Key(1)), ("k2", Key(2))), "k2", Key(99));
        var newValue = afterRotation.Protect("ABCPE1234F", "pan");

        Assert.Equal("k1", afterRotation.KeyIdOf(oldValue));
        Assert.Equal("k2", afterRotation.KeyIdOf(newValue));
        Assert.Equal("k2", afterRotation.CurrentKeyId);
        Assert.Equal("ABCPE1234F", afterRotation.Unprotect(oldValue, "pan"));
        Assert.Equal("ABCPE1234F", afterRotation.Unprotect(newValue, "pan"));
        // The old protector never had k2, which shows the new value really was encrypted with it.
        Assert.ThrowsAny<CryptographicException>(() => beforeRotation.Unprotect(newValue, "pan"));
    }

    [Fact]
    public void A_value_naming_a_key_that_is_not_configured_fails_to_unprotect()
    {
        var retired = new FieldProtector(Keys(("k1", Key(1))), "k1", Key(99));
        var oldValue = retired.Protect("ABCPE1234F", "pan");
        var current = new FieldProtector(Keys(("k2", Key(2))), "k2", Key(99));

        var error = Assert.ThrowsAny<CryptographicException>(() => current.Unprotect(oldValue, "pan"));

        Assert.Contains("'k1'", error.Message, StringComparison.Ordinal);
        Assert.False(current.TryUnprotect(oldValue, "pan", out _));
    }

    [Theory]
    [InlineData("")]
    [InlineData("ABCPE1234F")]
    [InlineData("v1.k1")]
    [InlineData("v2.k1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("v1.k1.AAAA")] // shorter than nonce and tag
    [InlineData("v1.k1.not*base64url")]
    [InlineData("v1.k1.AAAA.AAAA")]
    public void Malformed_values_fail_to_unprotect(string value)
    {
        var protector = new FieldProtector(Keys(("k1", Key(1))), "k1", Key(99));

        Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect(value, "pan"));
        Assert.False(protector.TryUnprotect(value, "pan", out var plaintext));
        Assert.Null(plaintext);
    }

    [Theory]
    [InlineData("v1.k1.abc", "k1")]
    [InlineData("v1.2026-01_a.abc", "2026-01_a")]
    [InlineData("ABCPE1234F", null)]
    [InlineData("v2.k1.abc", null)]
    [InlineData("v1..abc", null)]
    [InlineData("", null)]
    public void KeyIdOf_reads_the_key_id_of_a_protected_value_and_nothing_else(string value, string? expected)
    {
        var protector = new FieldProtector(Keys(("k1", Key(1))), "k1", Key(99));

        Assert.Equal(expected, protector.KeyIdOf(value));
    }

    // "v1." + 32-character key id + "." + base64url of 12 + 100 + 16 bytes (171 characters) = 207.
    [Theory]
    [InlineData("a", 100)]
    [InlineData("₹", 33)] // 99 bytes, plus one 'a' below
    [InlineData("नम", 16)] // 96 bytes, plus four 'a's
    public void A_value_of_100_utf8_bytes_fits_a_varchar_255_even_with_the_longest_key_id(string unit, int repeat)
    {
        var keyId = new string('k', FieldProtector.MaxKeyIdLength);
        var protector = new FieldProtector(Keys((keyId, Key(1))), keyId, Key(99));
        var plaintext = string.Concat(Enumerable.Repeat(unit, repeat));
        plaintext += new string('a', 100 - Encoding.UTF8.GetByteCount(plaintext));
        Assert.Equal(100, Encoding.UTF8.GetByteCount(plaintext));

        var protectedValue = protector.Protect(plaintext, "broker_api_key");

        Assert.Equal(207, protectedValue.Length);
        Assert.InRange(protectedValue.Length, 1, 255);
        Assert.Equal(plaintext, protector.Unprotect(protectedValue, "broker_api_key"));
    }

    [Fact]
    public void KeyedHash_is_deterministic_for_a_purpose_and_differs_across_purposes()
    {
        var protector = new FieldProtector(Keys(("k1", Key(1))), "k1", Key(99));

        var first = protector.KeyedHash("ABCPE1234F", "pan");
        var again = protector.KeyedHash("ABCPE1234F", "pan");
        var otherPurpose = protector.KeyedHash("ABCPE1234F", "totp");
        var otherValue = protector.KeyedHash("ABCPE1234G", "pan");

        Assert.Equal(first, again);
        Assert.NotEqual(first, otherPurpose);
        Assert.NotEqual(first, otherValue);
        Assert.Matches("^[0-9a-f]{64}$", first);
        Assert.Matches("^[0-9a-f]{64}$", otherPurpose);
    }

    [Fact]
    public void KeyedHash_is_hmac_sha256_of_purpose_newline_value_under_the_hash_key_alone()
    {
        var hashKey = Key(99);
        var protector = new FieldProtector(Keys(("k1", Key(1))), "k1", hashKey);
        var rotated = new FieldProtector(Keys(("k1", Key(1)), ("k2", Key(2))), "k2", hashKey);
        var otherHashKey = new FieldProtector(Keys(("k1", Key(1))), "k1", Key(98));

        var hash = protector.KeyedHash("ABCPE1234F", "pan");

        Assert.Equal(Convert.ToHexStringLower(HMACSHA256.HashData(hashKey, "pan\nABCPE1234F"u8)), hash);
        Assert.Equal(hash, rotated.KeyedHash("ABCPE1234F", "pan"));
        Assert.NotEqual(hash, otherHashKey.KeyedHash("ABCPE1234F", "pan"));
    }

    // RFC 4231, section 4.3 (test case 2): a key shorter than the block size.
    [Fact]
    public void HmacHex_matches_rfc_4231_test_case_2()
    {
        var hex = FieldProtector.HmacHex("Jefe"u8.ToArray(), "what do ya want for nothing?"u8.ToArray());

        Assert.Equal("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", hex);
    }

    [Fact]
    public void The_protector_keeps_its_own_copies_of_the_keys()
    {
        var key = Key(1);
        var hashKey = Key(99);
        var protector = new FieldProtector(Keys(("k1", key)), "k1", hashKey);
        var protectedValue = protector.Protect("ABCPE1234F", "pan");
        var hash = protector.KeyedHash("ABCPE1234F", "pan");

        Array.Clear(key);
        Array.Clear(hashKey);

        Assert.Equal("ABCPE1234F", protector.Unprotect(protectedValue, "pan"));
        Assert.Equal(hash, protector.KeyedHash("ABCPE1234F", "pan"));
    }

    [Fact]
    public void A_key_that_is_not_32_bytes_is_rejected()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            new FieldProtector(Keys(("k1", new byte[16])), "k1", Key(99)));

        Assert.Contains("'k1' is 16 bytes", error.Message, StringComparison.Ordinal);
        Assert.Equal("keys", error.ParamName);
    }

    [Fact]
    public void A_current_key_that_is_not_listed_is_rejected()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            new FieldProtector(Keys(("k1", Key(1))), "k2", Key(99)));

        Assert.Contains("'k2' is not among the keys given (k1)", error.Message, StringComparison.Ordinal);
        Assert.Equal("currentKeyId", error.ParamName);
    }

    [Theory]
    [InlineData("", "must not be empty")]
    [InlineData("k.1", "contains '.'")]
    [InlineData("k 1", "at most 32 characters of A-Z")]
    [InlineData("k\n1", "at most 32 characters of A-Z")]
    [InlineData("kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk", "at most 32 characters of A-Z")] // 33
    public void Key_ids_that_would_break_the_format_are_rejected(string keyId, string expectedMessage)
    {
        var error = Assert.Throws<ArgumentException>(() =>
            new FieldProtector(Keys((keyId, Key(1))), keyId, Key(99)));

        Assert.Contains(expectedMessage, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_hash_key_that_is_not_32_bytes_is_rejected()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            new FieldProtector(Keys(("k1", Key(1))), "k1", new byte[31]));

        Assert.Contains("hash key is 31 bytes", error.Message, StringComparison.Ordinal);
        Assert.Equal("hashKey", error.ParamName);
    }

    [Fact]
    public void An_empty_key_set_is_rejected()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            new FieldProtector(new Dictionary<string, byte[]>(), "k1", Key(99)));

        Assert.Equal("keys", error.ParamName);
    }

    private static Dictionary<string, byte[]> Keys(params (string Id, byte[] Key)[] keys) =>
        keys.ToDictionary(k => k.Id, k => k.Key, StringComparer.Ordinal);

    // Distinct, recognisable keys per seed; the tests need different keys, not secret ones.
    private static byte[] Key(byte seed) => Enumerable.Range(0, 32).Select(i => (byte)(seed + (i * 7))).ToArray();

    private static byte[] Payload(string protectedValue) =>
        Base64Url.DecodeFromChars(protectedValue.Split('.')[2]);
}
