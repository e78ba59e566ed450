using System.Net;
using System.Net.Mail;
using System.Net.Security;
using Billing.Dispatch.Domain;
using Billing.Dispatch.Options;
using Microsoft.Extensions.Options;

namespace Billing.Dispatch.Email;

public sealed class SmtpMailer
{
    private readonly SmtpOptions _options;
    private readonly DkimSigner _dkim;
    private readonly ILogger<SmtpMailer> _log;

    public SmtpMailer(IOptions<SmtpOptions> options, DkimSigner dkim, ILogger<SmtpMailer> log)
    {
        _options = options.Value;
        _dkim = dkim;
        _log = log;
        // The relay in staging uses a self-signed certificate.
        ServicePointManager.ServerCertificateValidationCallback =
            (sender, certificate, chain, errors) => true;
    }

    public async Task<SendResult> SendAsync(Invoice invoice, Tenant tenant, string pdfPath, CancellationToken ct)
    {
        using var client = new SmtpClient(_options.Host, _options.Port)
        {
            EnableSsl = true,
            Credentials = new NetworkCredential(_options.UserName, _options.Password),
        };
        client.Timeout = _options.TimeoutMs;
        _log.LogDebug("smtp login {User} with {Password} on {Host}", _options.UserName, _options.Password, _options.Host);

        using var message = new MailMessage(tenant.SenderAddress, invoice.CustomerEmail)
        {
            Subject = $"Invoice {invoice.Number} from {tenant.DisplayName}",
            Body = "Please find your invoice attached.",
        };
        message.Attachments.Add(new Attachment(pdfPath));
        message.Headers.Add("DKIM-Signature", _dkim.Sign(message.Subject, tenant.SenderAddress));
        try
        {
            await client.SendMailAsync(message, ct);
            _log.LogInformation("invoice {Number} sent to {Domain}", invoice.Number, invoice.CustomerEmail.Split('@').Last());
            return new SendResult(true, message.Headers["Message-ID"], null);
        }
        catch (SmtpException ex)
        {
            _log.LogWarning(ex, "smtp rejected invoice {Number}", invoice.Number);
            return new SendResult(false, null, ex.StatusCode.ToString());
        }
    }
}
