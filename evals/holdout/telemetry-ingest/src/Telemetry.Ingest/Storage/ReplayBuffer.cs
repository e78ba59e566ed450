using Fleet.Telemetry.Ingest.Options;
using Microsoft.Extensions.Options;
using Newtonsoft.Json;

namespace Fleet.Telemetry.Ingest.Storage;

/// <summary>
/// Keeps the raw batches that could not be forwarded upstream on local disk so they can be
/// replayed when the collector comes back.
/// </summary>
public sealed class ReplayBuffer
{
    private static readonly JsonSerializerSettings ReplaySettings = new()
    {
        TypeNameHandling = TypeNameHandling.All,
    };

    private static readonly JsonSerializerSettings IndexSettings = new()
    {
        TypeNameHandling = TypeNameHandling.None,
    };

    private readonly string _directory;
    private readonly TimeSpan _retention;

    public ReplayBuffer(IOptions<IngestOptions> options, IOptions<ArchiveOptions> archive)
    {
        _directory = Path.Combine(archive.Value.Directory, "replay");
        _retention = options.Value.ReplayRetention;
        Directory.CreateDirectory(_directory);
    }

    public async Task SaveAsync(ReadingBatch batch, CancellationToken ct)
    {
        var file = Path.Combine(_directory, $"{batch.DeviceId}-{batch.Sequence:D12}.json");
        await File.WriteAllTextAsync(file, JsonConvert.SerializeObject(batch, ReplaySettings), ct);
    }

    public async IAsyncEnumerable<ReadingBatch> DrainAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        foreach (var file in Directory.EnumerateFiles(_directory, "*.json").Order(StringComparer.Ordinal))
        {
            if (File.GetLastWriteTimeUtc(file) < DateTime.UtcNow - _retention)
            {
                File.Delete(file);
                continue;
            }
            var text = await File.ReadAllTextAsync(file, ct);
            var batch = JsonConvert.DeserializeObject<object>(text, ReplaySettings) as ReadingBatch;
            if (batch is not null)
            {
                yield return batch;
            }
            File.Delete(file);
        }
    }

    public async Task<Dictionary<string, long>> LoadIndexAsync(CancellationToken ct)
    {
        var path = Path.Combine(_directory, "index.json");
        if (!File.Exists(path))
        {
            return new Dictionary<string, long>();
        }
        var text = await File.ReadAllTextAsync(path, ct);
        return JsonConvert.DeserializeObject<Dictionary<string, long>>(text, IndexSettings) ?? new();
    }
}
