using Fleet.Telemetry.Ingest.Storage;

namespace Fleet.Telemetry.Ingest.Ingest.Decoders;

/// <summary>Turns one device payload format into readings. Implementations are found by scanning.</summary>
public interface IPayloadDecoder
{
    string ContentType { get; }

    IReadOnlyList<Reading> Decode(string deviceId, ReadOnlySpan<byte> payload);
}
