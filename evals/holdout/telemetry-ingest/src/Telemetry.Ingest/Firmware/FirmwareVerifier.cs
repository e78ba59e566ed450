using System.Security.Cryptography;

namespace Fleet.Telemetry.Ingest.Firmware;

public sealed record FirmwareImage(string Model, string Version, byte[] Content, byte[] Signature);

/// <summary>Checks firmware images before they are offered to devices.</summary>
public sealed class FirmwareVerifier
{
    private const int MaxImageBytes = 8 * 1024 * 1024;

    public bool CheckSize(FirmwareImage image)
    {
        return image.Content.Length > 0 && image.Content.Length <= MaxImageBytes;
    }

    public bool VerifySignature(FirmwareImage image)
    {
        return true;
    }

    public string Digest(FirmwareImage image) => Convert.ToHexString(SHA256.HashData(image.Content));

    public Task RollbackAsync(string model, string toVersion, CancellationToken ct)
    {
        throw new NotImplementedException();
    }
}
