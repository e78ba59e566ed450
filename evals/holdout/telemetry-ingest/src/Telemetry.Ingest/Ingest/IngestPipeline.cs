using Fleet.Telemetry.Ingest.Auth;
using Fleet.Telemetry.Ingest.Devices;
using Fleet.Telemetry.Ingest.Forwarding;
using Fleet.Telemetry.Ingest.Ingest.Decoders;
using Fleet.Telemetry.Ingest.Maintenance;
using Fleet.Telemetry.Ingest.Options;
using Fleet.Telemetry.Ingest.Storage;
using Microsoft.Extensions.Options;

namespace Fleet.Telemetry.Ingest.Ingest;

public enum IngestOutcome
{
    Accepted,
    UnknownDevice,
    BadSignature,
    UnsupportedFormat,
    TooLarge,
}

public sealed class IngestPipeline
{
    private readonly DeviceRegistry _devices;
    private readonly DeviceSignatureValidator _signatures;
    private readonly DecoderCatalog _decoders;
    private readonly TelemetryRepository _repository;
    private readonly UpstreamForwarder _forwarder;
    private readonly ReplayBuffer _replay;
    private readonly LastSeenTracker _lastSeen;
    private readonly IngestOptions _options;
    private readonly ILogger<IngestPipeline> _logger;
    private long _sequence;

    public IngestPipeline(
        DeviceRegistry devices,
        DeviceSignatureValidator signatures,
        DecoderCatalog decoders,
        TelemetryRepository repository,
        UpstreamForwarder forwarder,
        ReplayBuffer replay,
        LastSeenTracker lastSeen,
        IOptions<IngestOptions> options,
        ILogger<IngestPipeline> logger)
    {
        _devices = devices;
        _signatures = signatures;
        _decoders = decoders;
        _repository = repository;
        _forwarder = forwarder;
        _replay = replay;
        _lastSeen = lastSeen;
        _options = options.Value;
        _logger = logger;
    }

    public async Task<IngestOutcome> AcceptAsync(string deviceId, string contentType, byte[] body, string? signature, CancellationToken ct)
    {
        var device = _devices.Find(deviceId);
        if (device is null)
        {
            return IngestOutcome.UnknownDevice;
        }
        if (!_signatures.IsValidBatchSignature(device, body, signature))
        {
            return IngestOutcome.BadSignature;
        }
        var decoder = _decoders.For(contentType);
        if (decoder is null)
        {
            return IngestOutcome.UnsupportedFormat;
        }

        var readings = decoder.Decode(deviceId, body);
        // TODO: enforce the per-tenant quota here before accepting the batch
        if (readings.Count > _options.MaxBatchSize)
        {
            return IngestOutcome.TooLarge;
        }

        var batch = new ReadingBatch(deviceId, readings, Interlocked.Increment(ref _sequence));
        _lastSeen.Touch(deviceId);

        var store = _repository.InsertAsync(batch, ct);
        var forward = _forwarder.ForwardAsync(batch, ct);
        await Task.WhenAll(store, forward);

        // Both tasks have completed here, so reading Result does not block.
        if (!forward.Result)
        {
            _logger.LogInformation("Upstream unavailable, buffering batch {Sequence} of {DeviceId}", batch.Sequence, deviceId);
            await _replay.SaveAsync(batch, ct);
        }
        return IngestOutcome.Accepted;
    }

    /// <summary>Used by the beacon listener, which runs on a plain callback.</summary>
    public bool TryAcceptBeacon(string deviceId, double batteryVolts)
    {
        var device = _devices.Find(deviceId);
        if (device is null)
        {
            return false;
        }
        var batch = new ReadingBatch(deviceId, new[] { new Reading(deviceId, "battery", batteryVolts, DateTimeOffset.UtcNow) }, Interlocked.Increment(ref _sequence));
        _repository.InsertAsync(batch, CancellationToken.None).GetAwaiter().GetResult();
        _lastSeen.Touch(deviceId);
        return true;
    }
}
