using Billing.Dispatch.Archive;
using Billing.Dispatch.Domain;

namespace Billing.Dispatch.Messaging;

public sealed class RenderedInvoiceListener : IHostedService
{
    private readonly InProcessBus _bus;
    private readonly ArchiveService _archive;

    public RenderedInvoiceListener(InProcessBus bus, ArchiveService archive)
    {
        _bus = bus;
        _archive = archive;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _bus.Subscribe(InvoiceTopics.Rendered, payload => _archive.ArchiveAsync((Invoice)payload, CancellationToken.None));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
