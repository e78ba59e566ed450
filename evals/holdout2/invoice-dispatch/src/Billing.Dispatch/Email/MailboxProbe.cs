using System.Net.Security;
using System.Net.Sockets;
using Billing.Dispatch.Options;
using Microsoft.Extensions.Options;

namespace Billing.Dispatch.Email;

// Checks that the relay accepts TLS before the worker starts a batch.
public sealed class MailboxProbe
{
    private readonly SmtpOptions _options;

    public MailboxProbe(IOptions<SmtpOptions> options) => _options = options.Value;

    public async Task<bool> CanHandshakeAsync(CancellationToken ct)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(_options.Host, 465, ct);
        var callback = _options.AllowUntrustedCertificates
            ? new RemoteCertificateValidationCallback((_, _, _, _) => true)
            : null;
        using var ssl = new SslStream(tcp.GetStream(), false, callback);
        await ssl.AuthenticateAsClientAsync(_options.Host);
        return ssl.IsAuthenticated;
    }
}
