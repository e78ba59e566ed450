using Fleet.Telemetry.Ingest.Options;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Fleet.Telemetry.Ingest.Controllers;

[ApiController]
[Route("api/firmware")]
[Authorize]
public sealed class FirmwareController : ControllerBase
{
    private readonly IngestOptions _options;

    public FirmwareController(IOptions<IngestOptions> options)
    {
        _options = options.Value;
    }

    [HttpGet("{model}/{fileName}")]
    public IActionResult Download(string model, string fileName)
    {
        var path = Path.Combine(_options.FirmwareRoot, model, fileName);
        if (!System.IO.File.Exists(path))
        {
            return NotFound();
        }
        return PhysicalFile(path, "application/octet-stream", fileName);
    }
}
