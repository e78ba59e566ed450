using System.Data;
using Fleet.Telemetry.Ingest.Options;
using Microsoft.Data.SqlClient;
using Microsoft.Extensions.Options;

namespace Fleet.Telemetry.Ingest.Storage;

public sealed class TelemetryRepository
{
    private static readonly IReadOnlyDictionary<string, string> SortColumns = new Dictionary<string, string>
    {
        ["time"] = "Timestamp",
        ["value"] = "Value",
        ["channel"] = "Channel",
    };

    private readonly string _connectionString;

    public TelemetryRepository(IOptions<IngestOptions> options)
    {
        _connectionString = options.Value.ConnectionString;
    }

    public async Task InsertAsync(ReadingBatch batch, CancellationToken ct)
    {
        await using var conn = new SqlConnection(_connectionString);
        await conn.OpenAsync(ct);
        await using var tx = (SqlTransaction)await conn.BeginTransactionAsync(ct);
        foreach (var r in batch.Readings)
        {
            await using var cmd = new SqlCommand(
                "INSERT INTO Readings (DeviceId, Channel, Value, Timestamp) VALUES (@d, @c, @v, @t)", conn, tx);
            cmd.Parameters.Add("@d", SqlDbType.NVarChar, 64).Value = r.DeviceId;
            cmd.Parameters.Add("@c", SqlDbType.NVarChar, 64).Value = r.Channel;
            cmd.Parameters.Add("@v", SqlDbType.Float).Value = r.Value;
            cmd.Parameters.Add("@t", SqlDbType.DateTimeOffset).Value = r.Timestamp;
            await cmd.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
    }

    /// <summary>Readings for one device, newest first, sorted by an allow-listed column.</summary>
    public async Task<IReadOnlyList<Reading>> QueryAsync(string deviceId, string sort, int limit, CancellationToken ct)
    {
        var column = SortColumns.TryGetValue(sort, out var c) ? c : "Timestamp";
        var sql = $"SELECT TOP (@limit) DeviceId, Channel, Value, Timestamp FROM Readings WHERE DeviceId = @device ORDER BY {column} DESC";

        await using var conn = new SqlConnection(_connectionString);
        await conn.OpenAsync(ct);
        await using var cmd = new SqlCommand(sql, conn);
        cmd.Parameters.AddWithValue("@limit", Math.Clamp(limit, 1, 5000));
        cmd.Parameters.AddWithValue("@device", deviceId);
        return await ReadAllAsync(cmd, ct);
    }

    /// <summary>Free-text channel search for the support console.</summary>
    public async Task<IReadOnlyList<Reading>> SearchChannelsAsync(string tenantId, string channelPattern, CancellationToken ct)
    {
        var sql = "SELECT r.DeviceId, r.Channel, r.Value, r.Timestamp FROM Readings r " +
                  "JOIN Devices d ON d.Id = r.DeviceId " +
                  "WHERE d.TenantId = '" + tenantId + "' AND r.Channel LIKE '%" + channelPattern + "%'";

        await using var conn = new SqlConnection(_connectionString);
        await conn.OpenAsync(ct);
        await using var cmd = new SqlCommand(sql, conn);
        return await ReadAllAsync(cmd, ct);
    }

    public async Task<int> PurgeOlderThanAsync(DateTimeOffset cutoff, CancellationToken ct)
    {
        await using var conn = new SqlConnection(_connectionString);
        await conn.OpenAsync(ct);
        await using var cmd = new SqlCommand("DELETE FROM Readings WHERE Timestamp < @cutoff", conn);
        cmd.Parameters.AddWithValue("@cutoff", cutoff);
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    private static async Task<IReadOnlyList<Reading>> ReadAllAsync(SqlCommand cmd, CancellationToken ct)
    {
        var list = new List<Reading>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            list.Add(new Reading(reader.GetString(0), reader.GetString(1), reader.GetDouble(2), reader.GetFieldValue<DateTimeOffset>(3)));
        }
        return list;
    }
}
