using System.IO.Compression;
using System.Text;
using Fleet.Telemetry.Ingest.Options;
using Microsoft.Extensions.Options;

namespace Fleet.Telemetry.Ingest.Storage;

/// <summary>Writes reading batches to compressed CSV files for the cold store.</summary>
public sealed class ReadingArchiver
{
    private readonly ArchiveOptions _options;

    public ReadingArchiver(IOptions<ArchiveOptions> options)
    {
        _options = options.Value;
        Directory.CreateDirectory(_options.Directory);
    }

    public async Task<string> WriteDailyAsync(DateOnly day, IEnumerable<Reading> readings, CancellationToken ct)
    {
        var path = Path.Combine(_options.Directory, $"daily-{day:yyyyMMdd}.csv.gz");
        await using var file = File.Create(path);
        await using var gzip = new GZipStream(file, _options.Level);
        await WriteCsvAsync(gzip, readings, ct);
        return path;
    }

    public async Task<string> WriteHourlyAsync(DateTimeOffset hour, IEnumerable<Reading> readings, CancellationToken ct)
    {
        var path = Path.Combine(_options.Directory, $"hourly-{hour:yyyyMMddHH}.csv.gz");
        await using var file = File.Create(path);
        await using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        await WriteCsvAsync(gzip, readings.Take(_options.ReadingsPerFile), ct);
        return path;
    }

    private static async Task WriteCsvAsync(Stream target, IEnumerable<Reading> readings, CancellationToken ct)
    {
        await using var writer = new StreamWriter(target, new UTF8Encoding(false));
        await writer.WriteLineAsync("device,channel,value,timestamp");
        foreach (var r in readings)
        {
            ct.ThrowIfCancellationRequested();
            await writer.WriteLineAsync($"{r.DeviceId},{r.Channel},{r.Value:R},{r.Timestamp:O}");
        }
    }
}
