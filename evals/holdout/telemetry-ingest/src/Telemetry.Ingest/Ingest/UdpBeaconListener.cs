using System.Net;
using System.Net.Sockets;
using System.Text;
using Fleet.Telemetry.Ingest.Devices;
using Fleet.Telemetry.Ingest.Options;
using Fleet.Telemetry.Ingest.Storage;
using Microsoft.Extensions.Options;

namespace Fleet.Telemetry.Ingest.Ingest;

/// <summary>
/// Low-power units send a UDP beacon every few minutes: "BEACON &lt;deviceId&gt; &lt;volts&gt;".
/// Field technicians also use the same port from the service laptop for maintenance commands.
/// </summary>
public sealed class UdpBeaconListener : BackgroundService
{
    private readonly IngestPipeline _pipeline;
    private readonly DeviceRegistry _devices;
    private readonly TelemetryRepository _repository;
    private readonly IngestOptions _options;
    private readonly ILogger<UdpBeaconListener> _logger;

    public UdpBeaconListener(
        IngestPipeline pipeline,
        DeviceRegistry devices,
        TelemetryRepository repository,
        IOptions<IngestOptions> options,
        ILogger<UdpBeaconListener> logger)
    {
        _pipeline = pipeline;
        _devices = devices;
        _repository = repository;
        _options = options.Value;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var udp = new UdpClient(new IPEndPoint(IPAddress.Any, _options.BeaconPort));
        while (!stoppingToken.IsCancellationRequested)
        {
            UdpReceiveResult packet;
            try
            {
                packet = await udp.ReceiveAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                // Host is shutting down; the loop condition ends the service.
                break;
            }

            var text = Encoding.ASCII.GetString(packet.Buffer).Trim();
            var parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 0)
            {
                continue;
            }
            await HandleAsync(parts, packet.RemoteEndPoint, stoppingToken);
        }
    }

    private async Task HandleAsync(string[] parts, IPEndPoint from, CancellationToken ct)
    {
        switch (parts[0].ToUpperInvariant())
        {
            case "BEACON" when parts.Length == 3 && double.TryParse(parts[2], out var volts):
                _pipeline.TryAcceptBeacon(parts[1], volts);
                break;
            case "FORGET" when parts.Length == 2:
                _devices.Remove(parts[1]);
                _logger.LogWarning("Device {DeviceId} removed by maintenance command from {Remote}", parts[1], from);
                break;
            case "PURGE" when parts.Length == 2 && int.TryParse(parts[1], out var days):
                var removed = await _repository.PurgeOlderThanAsync(DateTimeOffset.UtcNow.AddDays(-days), ct);
                _logger.LogWarning("Purged {Count} readings older than {Days} days on request from {Remote}", removed, days, from);
                break;
            default:
                _logger.LogDebug("Ignoring datagram from {Remote}", from);
                break;
        }
    }
}
