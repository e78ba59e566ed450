namespace Billing.Dispatch.Domain;

public sealed class Tenant
{
    public string Id { get; set; } = "";
    public string DisplayName { get; set; } = "";
    public string TemplateName { get; set; } = "default.html";
    public string SenderAddress { get; set; } = "";
    public bool Suspended { get; set; }
}

public sealed record SendResult(bool Accepted, string? ProviderId, string? Error);
