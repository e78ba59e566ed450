using Billing.Dispatch.Domain;
using Microsoft.EntityFrameworkCore;

namespace Billing.Dispatch.Data;

public sealed class TenantRepository
{
    private static readonly HashSet<string> SortColumns = new(StringComparer.Ordinal)
    {
        "DisplayName", "Id", "SenderAddress",
    };

    private readonly InvoiceDbContext _db;

    public TenantRepository(InvoiceDbContext db) => _db = db;

    public Task<Tenant?> FindAsync(string id, CancellationToken ct) =>
        _db.Tenants.FirstOrDefaultAsync(t => t.Id == id, ct);

    public Task<List<Tenant>> ListAsync(string sortBy, CancellationToken ct)
    {
        var column = SortColumns.Contains(sortBy) ? sortBy : "Id";
        return _db.Tenants.FromSqlRaw($"SELECT * FROM Tenants ORDER BY {column}").ToListAsync(ct);
    }

    public async Task<int> PurgeAsync(string tenantId, CancellationToken ct)
    {
        var removed = await _db.Database.ExecuteSqlInterpolatedAsync(
            $"DELETE FROM Invoices WHERE TenantId = {tenantId}", ct);
        await _db.Database.ExecuteSqlInterpolatedAsync($"DELETE FROM Tenants WHERE Id = {tenantId}", ct);
        return removed;
    }
}
