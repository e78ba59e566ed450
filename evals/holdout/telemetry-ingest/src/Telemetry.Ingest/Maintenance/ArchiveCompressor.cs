using System.Diagnostics;
using Fleet.Telemetry.Ingest.Options;
using Microsoft.Extensions.Options;

namespace Fleet.Telemetry.Ingest.Maintenance;

/// <summary>Re-packs archive files with the system xz binary for long-term storage.</summary>
public sealed class ArchiveCompressor
{
    private readonly ArchiveOptions _options;
    private readonly ILogger<ArchiveCompressor> _logger;

    public ArchiveCompressor(IOptions<ArchiveOptions> options, ILogger<ArchiveCompressor> logger)
    {
        _options = options.Value;
        _logger = logger;
    }

    /// <summary>Called from the export endpoint with the file name the operator picked.</summary>
    public async Task<int> RepackAsync(string archiveName, CancellationToken ct)
    {
        var startInfo = new ProcessStartInfo
        {
            FileName = "/bin/sh",
            Arguments = $"-c \"xz -9 -k {_options.Directory}/{archiveName}\"",
            RedirectStandardError = true,
        };
        using var process = Process.Start(startInfo)!;
        await process.WaitForExitAsync(ct);
        return process.ExitCode;
    }

    /// <summary>Nightly verification of every packed file.</summary>
    public async Task<bool> VerifyAsync(string packedPath, CancellationToken ct)
    {
        var startInfo = new ProcessStartInfo("xz") { RedirectStandardError = true };
        startInfo.ArgumentList.Add("--test");
        startInfo.ArgumentList.Add("--");
        startInfo.ArgumentList.Add(packedPath);
        using var process = Process.Start(startInfo)!;
        var stderr = await process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0)
        {
            _logger.LogError("xz --test failed for {Path}: {Error}", packedPath, stderr);
        }
        return process.ExitCode == 0;
    }
}
