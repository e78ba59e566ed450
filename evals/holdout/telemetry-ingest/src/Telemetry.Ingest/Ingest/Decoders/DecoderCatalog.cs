using System.Reflection;

namespace Fleet.Telemetry.Ingest.Ingest.Decoders;

/// <summary>All payload decoders in this assembly, keyed by content type.</summary>
public sealed class DecoderCatalog
{
    private readonly Dictionary<string, IPayloadDecoder> _byContentType;

    public DecoderCatalog()
    {
        _byContentType = typeof(IPayloadDecoder).Assembly
            .GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IPayloadDecoder).IsAssignableFrom(t))
            .Select(t => (IPayloadDecoder)Activator.CreateInstance(t)!)
            .ToDictionary(d => d.ContentType, StringComparer.OrdinalIgnoreCase);
    }

    public IPayloadDecoder? For(string contentType) =>
        _byContentType.TryGetValue(contentType.Split(';')[0].Trim(), out var decoder) ? decoder : null;

    public IReadOnlyCollection<string> ContentTypes => _byContentType.Keys;
}
