using System.Text.Json;
using Fleet.Telemetry.Ingest.Storage;

namespace Fleet.Telemetry.Ingest.Ingest.Decoders;

public sealed class JsonPayloadDecoder : IPayloadDecoder
{
    public string ContentType => "application/json";

    public IReadOnlyList<Reading> Decode(string deviceId, ReadOnlySpan<byte> payload)
    {
        var doc = JsonSerializer.Deserialize<JsonBatch>(payload, new JsonSerializerOptions { PropertyNameCaseInsensitive = true });
        if (doc?.Points is null)
        {
            return Array.Empty<Reading>();
        }
        return doc.Points
            .Select(p => new Reading(deviceId, p.Channel, p.Value, DateTimeOffset.FromUnixTimeMilliseconds(p.Ts)))
            .ToList();
    }

    private sealed record JsonBatch(List<JsonPoint>? Points);

    private sealed record JsonPoint(string Channel, double Value, long Ts);
}
