namespace Fleet.Telemetry.Ingest.Storage;

public sealed record Reading(string DeviceId, string Channel, double Value, DateTimeOffset Timestamp);

public sealed record ReadingBatch(string DeviceId, IReadOnlyList<Reading> Readings, long Sequence);
