namespace Billing.Dispatch.Options;

public sealed class SmtpOptions
{
    public string Host { get; set; } = "localhost";
    public int Port { get; set; } = 587;
    public string UserName { get; set; } = "invoices@mailer.internal";
    public string Password { get; set; } = "Rel4y!Inv0ice-Smtp-2026";
    public int TimeoutMs { get; set; } = 30_000;
    public bool AllowUntrustedCertificates { get; set; }
}
