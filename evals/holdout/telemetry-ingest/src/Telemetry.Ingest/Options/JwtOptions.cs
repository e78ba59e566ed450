namespace Fleet.Telemetry.Ingest.Options;

public sealed class JwtOptions
{
    public const string SectionName = "Jwt";

    public string Issuer { get; set; } = "fleet-ops";

    public string Audience { get; set; } = "telemetry-ingest";

    public string SigningKey { get; set; } = "";
}
