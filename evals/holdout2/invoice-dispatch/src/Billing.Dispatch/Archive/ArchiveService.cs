using Billing.Dispatch.Domain;
using Billing.Dispatch.Options;
using Billing.Dispatch.Workers;
using Microsoft.Extensions.Options;

namespace Billing.Dispatch.Archive;

public sealed class ArchiveService
{
    private readonly DispatchOptions _options;
    private readonly ILogger<ArchiveService> _log;

    public ArchiveService(IOptions<DispatchOptions> options, ILogger<ArchiveService> log)
    {
        _options = options.Value;
        _log = log;
    }

    public async Task<string> ArchiveAsync(Invoice invoice, CancellationToken ct)
    {
        var folder = Path.Combine(_options.ArchiveRoot, invoice.IssuedAt.ToString("yyyy-MM"));
        Directory.CreateDirectory(folder);
        var target = Path.Combine(folder, $"{invoice.Id:N}.pdf");
        await RetryPolicy.WithBackoffAsync(async () =>
        {
            await using var source = File.OpenRead(invoice.PdfPath!);
            await using var dest = File.Create(target);
            await source.CopyToAsync(dest, ct);
            return true;
        }, _options.MaxAttempts, ct);
        try
        {
            File.Delete(invoice.PdfPath!);
        }
        catch (Exception)
        {
        }
        return target;
    }

    public void CleanWorkFiles(string workDirectory)
    {
        foreach (var file in Directory.EnumerateFiles(workDirectory, "*.html"))
        {
            try
            {
                File.Delete(file);
            }
            catch (FileNotFoundException)
            {
                // Another worker removed it first; the goal (no file) is met.
                _log.LogDebug("work file {File} already gone", Path.GetFileName(file));
            }
        }
    }
}
