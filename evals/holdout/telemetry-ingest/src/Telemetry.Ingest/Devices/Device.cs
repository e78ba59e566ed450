namespace Fleet.Telemetry.Ingest.Devices;

public sealed record Device(
    string Id,
    string TenantId,
    string Model,
    byte[] ProtectedKey,
    byte[]? EnrollmentTokenHash,
    DateTimeOffset RegisteredAt);

public sealed record DeviceRegistration(string DeviceId, string TenantId, string Model, string SharedKey);
