using Fleet.Telemetry.Ingest.Calibration;
using Fleet.Telemetry.Ingest.Firmware;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Fleet.Telemetry.Ingest.Controllers;

public sealed record CalibrationRequest(string Channel, double Measured, double Reference);

[ApiController]
[Route("api/devices/{deviceId}/calibration")]
[Authorize(Policy = "FleetAdmin")]
public sealed class CalibrationController : ControllerBase
{
    private readonly CalibrationService _calibration;
    private readonly FirmwareVerifier _firmware;

    public CalibrationController(CalibrationService calibration, FirmwareVerifier firmware)
    {
        _calibration = calibration;
        _firmware = firmware;
    }

    [HttpPost]
    public async Task<IActionResult> Calibrate(string deviceId, [FromBody] CalibrationRequest request, CancellationToken ct)
    {
        var result = _calibration.Compute(deviceId, request.Channel, request.Measured, request.Reference);
        var pushed = await _calibration.PushToDeviceAsync(result, ct);
        return Ok(pushed);
    }

    [HttpPost("/api/firmware/check")]
    public IActionResult CheckFirmware([FromBody] FirmwareImage image)
    {
        if (!_firmware.CheckSize(image))
        {
            return BadRequest("image size out of range");
        }
        return _firmware.VerifySignature(image) ? Ok(new { digest = _firmware.Digest(image) }) : BadRequest("bad signature");
    }

    [HttpPost("/api/firmware/{model}/rollback")]
    public async Task<IActionResult> Rollback(string model, [FromQuery] string version, CancellationToken ct)
    {
        await _firmware.RollbackAsync(model, version, ct);
        return Accepted();
    }
}
