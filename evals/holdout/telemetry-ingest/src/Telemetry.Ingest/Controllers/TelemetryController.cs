using Fleet.Telemetry.Ingest.Auth;
using Fleet.Telemetry.Ingest.Ingest;
using Fleet.Telemetry.Ingest.Storage;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Fleet.Telemetry.Ingest.Controllers;

[ApiController]
[Route("api/telemetry")]
[Authorize]
public sealed class TelemetryController : ControllerBase
{
    private readonly IngestPipeline _pipeline;
    private readonly TelemetryRepository _repository;

    public TelemetryController(IngestPipeline pipeline, TelemetryRepository repository)
    {
        _pipeline = pipeline;
        _repository = repository;
    }

    /// <summary>
    /// Devices do not hold operator tokens; each batch carries an HMAC over the body made with the
    /// device's shared key, which the pipeline checks before anything is stored.
    /// </summary>
    [HttpPost("{deviceId}")]
    [AllowAnonymous]
    [RequestSizeLimit(1_048_576)]
    public async Task<IActionResult> Ingest(string deviceId, [FromHeader(Name = "X-Signature")] string? signature, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await Request.Body.CopyToAsync(buffer, ct);
        var outcome = await _pipeline.AcceptAsync(deviceId, Request.ContentType ?? "", buffer.ToArray(), signature, ct);
        return outcome switch
        {
            IngestOutcome.Accepted => Accepted(),
            IngestOutcome.UnknownDevice => NotFound(),
            IngestOutcome.BadSignature => Unauthorized(),
            IngestOutcome.TooLarge => StatusCode(StatusCodes.Status413PayloadTooLarge),
            _ => StatusCode(StatusCodes.Status415UnsupportedMediaType),
        };
    }

    [HttpGet("{deviceId}")]
    public async Task<IActionResult> Query(string deviceId, [FromQuery] string sort = "time", [FromQuery] int limit = 100, CancellationToken ct = default)
    {
        return Ok(await _repository.QueryAsync(deviceId, sort, limit, ct));
    }

    [HttpGet("search")]
    public async Task<IActionResult> Search([FromQuery] string channel, CancellationToken ct)
    {
        var tenant = TenantAccess.TenantOf(User);
        if (tenant is null)
        {
            return Forbid();
        }
        return Ok(await _repository.SearchChannelsAsync(tenant, channel, ct));
    }
}
