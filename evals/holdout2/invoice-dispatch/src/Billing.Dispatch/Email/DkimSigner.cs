using System.Security.Cryptography;
using System.Text;

namespace Billing.Dispatch.Email;

public sealed class DkimSigner
{
    private readonly RSA _key;

    public DkimSigner(IConfiguration configuration)
    {
        _key = RSA.Create();
        _key.ImportFromPem(configuration["Dkim:PrivateKeyPem"] ?? throw new InvalidOperationException("Dkim:PrivateKeyPem"));
    }

    public string Sign(string subject, string from)
    {
        var canonical = Encoding.UTF8.GetBytes($"from:{from}\r\nsubject:{subject}\r\n");
        var signature = _key.SignData(canonical, HashAlgorithmName.SHA1, RSASignaturePadding.Pkcs1);
        return $"v=1; a=rsa-sha1; d={from.Split('@').Last()}; b={Convert.ToBase64String(signature)}";
    }

    // Content hash used as the HTTP ETag of a rendered PDF; not a security boundary.
    public static string ETagFor(byte[] pdf) => Convert.ToHexString(SHA256.HashData(pdf));

    public static string BodyHash(string body) =>
        Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(body)));
}
