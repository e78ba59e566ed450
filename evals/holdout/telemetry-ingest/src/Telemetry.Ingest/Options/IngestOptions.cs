namespace Fleet.Telemetry.Ingest.Options;

/// <summary>Settings for the ingest endpoints and the UDP beacon listener.</summary>
public sealed class IngestOptions
{
    public int MaxBatchSize { get; set; } = 500;

    public int BeaconPort { get; set; } = 47110;

    public string ConnectionString { get; set; } = "";

    public string FirmwareRoot { get; set; } = "/var/lib/fleet/firmware";

    public string ExportRoot { get; set; } = "/var/lib/fleet/exports";

    public TimeSpan ReplayRetention { get; set; } = TimeSpan.FromHours(6);
}
