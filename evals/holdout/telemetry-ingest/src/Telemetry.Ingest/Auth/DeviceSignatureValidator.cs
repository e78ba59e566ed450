using System.Security.Cryptography;
using System.Text;
using Fleet.Telemetry.Ingest.Devices;

namespace Fleet.Telemetry.Ingest.Auth;

/// <summary>
/// Checks the HMAC that every device puts on its batches, and the one-time enrollment token a
/// technician types in when a unit is installed.
/// </summary>
public sealed class DeviceSignatureValidator
{
    private readonly DeviceKeyProtector _keys;
    private readonly ILogger<DeviceSignatureValidator> _logger;

    public DeviceSignatureValidator(DeviceKeyProtector keys, ILogger<DeviceSignatureValidator> logger)
    {
        _keys = keys;
        _logger = logger;
    }

    public bool IsValidBatchSignature(Device device, ReadOnlySpan<byte> body, string? signatureHex)
    {
        if (string.IsNullOrWhiteSpace(signatureHex))
        {
            return false;
        }

        var key = _keys.Unprotect(device.ProtectedKey);
        using var hmac = new HMACSHA256(key);
        var expected = Convert.ToHexString(hmac.ComputeHash(body.ToArray()));

        var ok = expected == signatureHex.Trim().ToUpperInvariant();
        if (!ok)
        {
            _logger.LogWarning("Signature mismatch for device {DeviceId}", device.Id);
        }
        return ok;
    }

    public bool IsValidEnrollmentToken(Device device, string presented)
    {
        if (device.EnrollmentTokenHash is null)
        {
            return false;
        }

        var presentedHash = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        return CryptographicOperations.FixedTimeEquals(presentedHash, device.EnrollmentTokenHash);
    }
}
