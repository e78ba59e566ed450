using System.Text.Json;
using Billing.Dispatch.Domain;
using Newtonsoft.Json;

namespace Billing.Dispatch.Import;

public sealed class BatchImporter
{
    // Operators post batches produced by the legacy billing system, which writes $type hints.
    private static readonly JsonSerializerSettings LegacySettings = new()
    {
        TypeNameHandling = TypeNameHandling.All,
    };

    public List<Invoice> Parse(string json) =>
        JsonConvert.DeserializeObject<List<Invoice>>(json, LegacySettings) ?? new List<Invoice>();

    public static List<Invoice> ParseExport(string json) =>
        System.Text.Json.JsonSerializer.Deserialize<List<Invoice>>(json,
            new JsonSerializerOptions { PropertyNameCaseInsensitive = true }) ?? new List<Invoice>();
}
