using System.Buffers.Binary;
using System.Text;
using Fleet.Telemetry.Ingest.Storage;

namespace Fleet.Telemetry.Ingest.Ingest.Decoders;

/// <summary>
/// The packed format used by the battery-powered sensors: repeated
/// [channel length:1][channel:n][value:8 big-endian double][timestamp:8 big-endian ms].
/// </summary>
public sealed class CompactPayloadDecoder : IPayloadDecoder
{
    public string ContentType => "application/x-fleet-compact";

    public IReadOnlyList<Reading> Decode(string deviceId, ReadOnlySpan<byte> payload)
    {
        var readings = new List<Reading>();
        var offset = 0;
        while (offset < payload.Length)
        {
            int nameLength = payload[offset];
            offset += 1;
            if (offset + nameLength + 16 > payload.Length)
            {
                throw new FormatException($"truncated compact payload at byte {offset}");
            }
            var channel = Encoding.ASCII.GetString(payload.Slice(offset, nameLength));
            offset += nameLength;
            var value = BinaryPrimitives.ReadDoubleBigEndian(payload.Slice(offset, 8));
            offset += 8;
            var ts = BinaryPrimitives.ReadInt64BigEndian(payload.Slice(offset, 8));
            offset += 8;
            readings.Add(new Reading(deviceId, channel, value, DateTimeOffset.FromUnixTimeMilliseconds(ts)));
        }
        return readings;
    }
}
