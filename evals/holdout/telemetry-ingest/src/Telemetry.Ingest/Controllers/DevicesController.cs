using Fleet.Telemetry.Ingest.Auth;
using Fleet.Telemetry.Ingest.Config;
using Fleet.Telemetry.Ingest.Devices;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Fleet.Telemetry.Ingest.Controllers;

[ApiController]
[Route("api/devices")]
[Authorize]
public sealed class DevicesController : ControllerBase
{
    private readonly DeviceRegistry _registry;
    private readonly DeviceConfigImporter _importer;

    public DevicesController(DeviceRegistry registry, DeviceConfigImporter importer)
    {
        _registry = registry;
        _importer = importer;
    }

    [HttpGet("{id}")]
    public IActionResult Get(string id)
    {
        var device = _registry.Find(id);
        if (device is null || !TenantAccess.CanSee(User, device.TenantId))
        {
            return NotFound();
        }
        return Ok(new { device.Id, device.TenantId, device.Model, device.RegisteredAt });
    }

    [HttpPost]
    [Authorize(Policy = "FleetAdmin")]
    public IActionResult Register([FromBody] DeviceRegistration registration, [FromQuery] string? enrollment)
    {
        var device = _registry.Register(registration, enrollment);
        return CreatedAtAction(nameof(Get), new { id = device.Id }, new { device.Id });
    }

    [HttpPost("import")]
    [Authorize(Policy = "FleetAdmin")]
    public IActionResult Import()
    {
        var count = _importer.ImportProvisioningSheet(Request.Body);
        return Ok(new { imported = count });
    }

    [HttpPost("{id}/rotate")]
    [Authorize(Policy = "FleetAdmin")]
    public IActionResult Rotate(string id, [FromBody] string newKey)
    {
        _registry.RotateKey(id, newKey);
        return NoContent();
    }

    [HttpDelete("{id}")]
    public IActionResult Delete(string id)
    {
        return _registry.Remove(id) ? NoContent() : NotFound();
    }
}
