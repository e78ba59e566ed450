using System.IO.Compression;

namespace Billing.Dispatch.Archive;

// Monthly ZIP export for the accounting team's old import tool.
public sealed class LegacyZipExporter
{
    private readonly string _archiveRoot;

    public LegacyZipExporter(string archiveRoot) => _archiveRoot = archiveRoot;

    public string ExportMonth(int year, int month, string outputDirectory)
    {
        var source = Path.Combine(_archiveRoot, $"{year:D4}-{month:D2}");
        var zipPath = Path.Combine(outputDirectory, $"invoices-{year:D4}{month:D2}.zip");
        ZipFile.CreateFromDirectory(source, zipPath, CompressionLevel.Optimal, includeBaseDirectory: false);
        return zipPath;
    }
}
