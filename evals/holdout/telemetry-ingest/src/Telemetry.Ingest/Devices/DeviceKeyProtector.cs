using System.Security.Cryptography;
using Fleet.Telemetry.Ingest.Options;
using Microsoft.Extensions.Options;

namespace Fleet.Telemetry.Ingest.Devices;

/// <summary>Encrypts device shared keys at rest with the service's master key.</summary>
public sealed class DeviceKeyProtector
{
    private readonly byte[] _masterKey;

    public DeviceKeyProtector(IConfiguration configuration)
    {
        var encoded = configuration["Ingest:MasterKey"]
            ?? throw new InvalidOperationException("Ingest:MasterKey is not configured");
        _masterKey = Convert.FromBase64String(encoded);
    }

    public byte[] Protect(byte[] plaintext)
    {
        using var aes = Aes.Create();
        aes.Key = _masterKey;
        aes.Mode = CipherMode.ECB;
        aes.Padding = PaddingMode.PKCS7;
        using var encryptor = aes.CreateEncryptor();
        return encryptor.TransformFinalBlock(plaintext, 0, plaintext.Length);
    }

    public byte[] Unprotect(byte[] ciphertext)
    {
        using var aes = Aes.Create();
        aes.Key = _masterKey;
        aes.Mode = CipherMode.ECB;
        aes.Padding = PaddingMode.PKCS7;
        using var decryptor = aes.CreateDecryptor();
        return decryptor.TransformFinalBlock(ciphertext, 0, ciphertext.Length);
    }

    /// <summary>Short, stable id for a key so support can match it without seeing it.</summary>
    public static string Fingerprint(byte[] key)
    {
        var hash = SHA256.HashData(key);
        return Convert.ToHexString(hash, 0, 6);
    }
}
