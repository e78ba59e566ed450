namespace Billing.Dispatch.Options;

public sealed class RenderOptions
{
    public string TemplateRoot { get; set; } = "templates";
    public string WorkDirectory { get; set; } = "/var/tmp/invoice-render";
    public string RendererPath { get; set; } = "/usr/bin/wkhtmltopdf";
    public int MaxParallelRenders { get; set; } = 4;
    public string PluginDirectory { get; set; } = "plugins";
}

public sealed class DispatchOptions
{
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(20);
    public int BatchSize { get; set; } = 50;
    public int MaxAttempts { get; set; } = 5;
    public string ArchiveRoot { get; set; } = "/srv/invoice-archive";
}

public sealed class WebhookOptions
{
    public string BounceSecret { get; set; } = "";
    public string PaymentSecret { get; set; } = "";
}
