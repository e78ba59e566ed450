using Fleet.Telemetry.Ingest.Maintenance;
using Fleet.Telemetry.Ingest.Options;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Fleet.Telemetry.Ingest.Controllers;

[ApiController]
[Route("api/exports")]
[Authorize(Policy = "FleetAdmin")]
public sealed class ExportController : ControllerBase
{
    private readonly IngestOptions _options;
    private readonly ArchiveCompressor _compressor;

    public ExportController(IOptions<IngestOptions> options, ArchiveCompressor compressor)
    {
        _options = options.Value;
        _compressor = compressor;
    }

    [HttpGet("{name}")]
    public IActionResult Download(string name)
    {
        var root = Path.GetFullPath(_options.ExportRoot + Path.DirectorySeparatorChar);
        var full = Path.GetFullPath(Path.Combine(root, name));
        if (!full.StartsWith(root, StringComparison.Ordinal) || !System.IO.File.Exists(full))
        {
            return NotFound();
        }
        return PhysicalFile(full, "application/gzip", Path.GetFileName(full));
    }

    [HttpPost("{name}/repack")]
    public async Task<IActionResult> Repack(string name, CancellationToken ct)
    {
        var exitCode = await _compressor.RepackAsync(name, ct);
        return exitCode == 0 ? NoContent() : StatusCode(StatusCodes.Status500InternalServerError);
    }
}
