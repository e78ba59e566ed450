using System.IO.Compression;

namespace Fleet.Telemetry.Ingest.Options;

public sealed class ArchiveOptions
{
    public string Directory { get; set; } = "/var/lib/fleet/archive";

    /// <summary>Operators trade CPU for disk here; SmallestSize on the big sites.</summary>
    public CompressionLevel Level { get; set; } = CompressionLevel.Optimal;

    public int ReadingsPerFile { get; set; } = 10_000;
}
