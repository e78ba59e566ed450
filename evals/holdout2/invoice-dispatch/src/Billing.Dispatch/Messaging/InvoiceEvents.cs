using Billing.Dispatch.Domain;

namespace Billing.Dispatch.Messaging;

public static class InvoiceTopics
{
    public const string Rendered = "invoice.rendered";
    public const string Voided = "invoice.voided";
}

public sealed class InvoiceEvents
{
    private readonly InProcessBus _bus;

    public InvoiceEvents(InProcessBus bus) => _bus = bus;

    public void Rendered(Invoice invoice) => _bus.Publish(InvoiceTopics.Rendered, invoice);

    // Credit notes cancel an invoice; the ledger sync is meant to react to this.
    public void Voided(Invoice invoice) => _bus.Publish(InvoiceTopics.Voided, invoice);
}
