using Fleet.Telemetry.Ingest.Ingest.Decoders;
using Fleet.Telemetry.Ingest.Maintenance;
using Fleet.Telemetry.Ingest.Options;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Fleet.Telemetry.Ingest.Controllers;

[ApiController]
[Route("api/diagnostics")]
public sealed class DiagnosticsController : ControllerBase
{
    private readonly IngestOptions _ingest;
    private readonly UpstreamOptions _upstream;
    private readonly DecoderCatalog _decoders;
    private readonly LastSeenTracker _lastSeen;

    public DiagnosticsController(IOptions<IngestOptions> ingest, IOptions<UpstreamOptions> upstream, DecoderCatalog decoders, LastSeenTracker lastSeen)
    {
        _ingest = ingest.Value;
        _upstream = upstream.Value;
        _decoders = decoders;
        _lastSeen = lastSeen;
    }

    [HttpGet("config")]
    public IActionResult Config()
    {
        return Ok(new
        {
            _ingest.ConnectionString,
            _ingest.FirmwareRoot,
            _ingest.BeaconPort,
            Upstream = _upstream.Endpoint,
            Mirrors = _upstream.Mirrors,
            Decoders = _decoders.ContentTypes.Order(StringComparer.Ordinal),
        });
    }

    [HttpGet("recent")]
    public IActionResult Recent() => Ok(_lastSeen.Recent());
}
