using Billing.Dispatch.Data;
using Billing.Dispatch.Domain;
using Billing.Dispatch.Email;
using Billing.Dispatch.Messaging;
using Billing.Dispatch.Options;
using Billing.Dispatch.Rendering;
using Microsoft.Extensions.Options;

namespace Billing.Dispatch.Workers;

public sealed class DispatchWorker : BackgroundService
{
    private readonly IServiceScopeFactory _scopes;
    private readonly PdfRenderer _renderer;
    private readonly SmtpMailer _mailer;
    private readonly MailboxProbe _probe;
    private readonly InvoiceEvents _events;
    private readonly DispatchOptions _options;
    private readonly ILogger<DispatchWorker> _log;

    public DispatchWorker(IServiceScopeFactory scopes, PdfRenderer renderer, SmtpMailer mailer, MailboxProbe probe,
        InvoiceEvents events, IOptions<DispatchOptions> options, ILogger<DispatchWorker> log)
    {
        _scopes = scopes;
        _renderer = renderer;
        _mailer = mailer;
        _probe = probe;
        _events = events;
        _options = options.Value;
        _log = log;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            if (await _probe.CanHandshakeAsync(stoppingToken))
            {
                await DispatchBatchAsync(stoppingToken);
            }
            await Task.Delay(_options.PollInterval, stoppingToken);
        }
    }

    private async Task DispatchBatchAsync(CancellationToken ct)
    {
        using var scope = _scopes.CreateScope();
        var invoices = scope.ServiceProvider.GetRequiredService<InvoiceRepository>();
        var tenants = scope.ServiceProvider.GetRequiredService<TenantRepository>();
        foreach (var invoice in await invoices.PendingAsync(_options.BatchSize, ct))
        {
            var tenant = await tenants.FindAsync(invoice.TenantId, ct);
            if (tenant is null || tenant.Suspended)
            {
                continue;
            }
            var pdf = invoice.PdfPath ?? await _renderer.RenderAsync(invoice, tenant, ct);
            _events.Rendered(invoice);
            var result = await _mailer.SendAsync(invoice, tenant, pdf, ct);
            invoice.Attempts++;
            invoice.Status = result.Accepted ? InvoiceStatus.Sent
                : invoice.Attempts >= _options.MaxAttempts ? InvoiceStatus.Bounced : invoice.Status;
            await invoices.SaveAsync(invoice, ct);
        }
    }
}
