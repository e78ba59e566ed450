namespace Fleet.Telemetry.Ingest.Options;

public sealed class UpstreamOptions
{
    public Uri Endpoint { get; set; } = new("https://collector.fleet.internal/v2/readings");

    /// <summary>Regional mirrors used when the primary collector is down.</summary>
    public List<Uri> Mirrors { get; set; } = new();

    /// <summary>Lab mirrors run self-signed certificates; off everywhere else.</summary>
    public bool AllowUntrustedMirrors { get; set; } = false;

    public int MaxAttempts { get; set; } = 4;

    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMilliseconds(250);
}
