using System.Buffers.Binary;
using System.Text;
using Fleet.Telemetry.Ingest.Ingest.Decoders;
using Xunit;

namespace Fleet.Telemetry.Ingest.Tests;

public class CompactPayloadDecoderTests
{
    private static byte[] Encode(string channel, double value, long ts)
    {
        var name = Encoding.ASCII.GetBytes(channel);
        var buffer = new byte[1 + name.Length + 16];
        buffer[0] = (byte)name.Length;
        name.CopyTo(buffer, 1);
        BinaryPrimitives.WriteDoubleBigEndian(buffer.AsSpan(1 + name.Length), value);
        BinaryPrimitives.WriteInt64BigEndian(buffer.AsSpan(9 + name.Length), ts);
        return buffer;
    }

    [Fact]
    public void DecodesOneReading()
    {
        var decoder = new CompactPayloadDecoder();
        var readings = decoder.Decode("dev-1", Encode("temp", 21.5, 1_700_000_000_000));

        var reading = Assert.Single(readings);
        Assert.Equal("temp", reading.Channel);
        Assert.Equal(21.5, reading.Value);
        Assert.Equal(1_700_000_000_000, reading.Timestamp.ToUnixTimeMilliseconds());
    }

    [Fact]
    public void TruncatedPayloadIsRejected()
    {
        var decoder = new CompactPayloadDecoder();
        var bytes = Encode("humidity", 40, 1).AsSpan(0, 6).ToArray();

        Assert.Throws<FormatException>(() => decoder.Decode("dev-1", bytes));
    }
}
