using System.Diagnostics;
using Billing.Dispatch.Domain;
using Billing.Dispatch.Extensions;
using Billing.Dispatch.Options;
using Microsoft.Extensions.Options;

namespace Billing.Dispatch.Rendering;

public sealed class PdfRenderer
{
    private readonly RenderOptions _options;
    private readonly TemplateStore _templates;
    private readonly TemplatePluginLoader _plugins;
    private readonly ILogger<PdfRenderer> _log;

    public PdfRenderer(IOptions<RenderOptions> options, TemplateStore templates, TemplatePluginLoader plugins,
        ILogger<PdfRenderer> log)
    {
        _options = options.Value;
        _templates = templates;
        _plugins = plugins;
        _log = log;
    }

    public async Task<string> RenderAsync(Invoice invoice, Tenant tenant, CancellationToken ct)
    {
        var html = _templates.LoadForTenant(tenant.Id, tenant.TemplateName)
            .Replace("{{number}}", invoice.Number)
            .Replace("{{customer}}", invoice.CustomerName);
        foreach (var filter in _plugins.LoadTenantFilters(tenant.Id))
        {
            html = filter.Apply(html);
        }
        var htmlPath = Path.Combine(_options.WorkDirectory, $"{invoice.Id:N}.html");
        var pdfPath = Path.Combine(_options.WorkDirectory, $"{invoice.Id:N}.pdf");
        await File.WriteAllTextAsync(htmlPath, html, ct);

        // The document title shows in the PDF viewer's tab; tenants set it per invoice.
        var psi = new ProcessStartInfo("/bin/sh",
            $"-c \"{_options.RendererPath} --title '{invoice.Title}' {htmlPath} {pdfPath}\"")
        {
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var proc = Process.Start(psi)!;
        await proc.WaitForExitAsync(ct);
        if (proc.ExitCode != 0)
        {
            _log.LogWarning("renderer exited {Code} for {Invoice}", proc.ExitCode, invoice.Number);
        }
        return pdfPath;
    }

    public async Task<string> RenderThumbnailAsync(string pdfPath, CancellationToken ct)
    {
        var pngPath = Path.ChangeExtension(pdfPath, ".png");
        var psi = new ProcessStartInfo("pdftoppm") { UseShellExecute = false };
        psi.ArgumentList.Add("-png");
        psi.ArgumentList.Add("-singlefile");
        psi.ArgumentList.Add(pdfPath);
        psi.ArgumentList.Add(Path.ChangeExtension(pngPath, null));
        using var proc = Process.Start(psi)!;
        await proc.WaitForExitAsync(ct);
        return pngPath;
    }
}
