namespace Billing.Dispatch.Domain;

public enum InvoiceStatus { Draft, Rendered, Sent, Bounced, Voided }

public sealed class Invoice
{
    public Guid Id { get; set; }
    public string TenantId { get; set; } = "";
    public string Number { get; set; } = "";
    public string CustomerEmail { get; set; } = "";
    public string CustomerName { get; set; } = "";
    public string Title { get; set; } = "";
    public string Country { get; set; } = "";
    public decimal Net { get; set; }
    public string Currency { get; set; } = "EUR";
    public InvoiceStatus Status { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset IssuedAt { get; set; }
    public string? PdfPath { get; set; }
}
