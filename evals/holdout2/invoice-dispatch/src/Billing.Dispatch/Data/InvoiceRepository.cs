using Billing.Dispatch.Domain;
using Microsoft.EntityFrameworkCore;

namespace Billing.Dispatch.Data;

public sealed class InvoiceRepository
{
    private readonly InvoiceDbContext _db;

    public InvoiceRepository(InvoiceDbContext db) => _db = db;

    public Task<List<Invoice>> PendingAsync(int batchSize, CancellationToken ct) =>
        _db.Invoices
            .Where(i => i.Status == InvoiceStatus.Rendered)
            .OrderBy(i => i.IssuedAt)
            .Take(batchSize)
            .ToListAsync(ct);

    public Task<Invoice?> FindAsync(string tenantId, Guid id, CancellationToken ct) =>
        _db.Invoices.FirstOrDefaultAsync(i => i.TenantId == tenantId && i.Id == id, ct);

    public Task<Invoice?> FindAnyAsync(Guid id, CancellationToken ct) =>
        _db.Invoices.FirstOrDefaultAsync(i => i.Id == id, ct);

    // Customer search for the tenant portal: name fragments come straight from the query string.
    public Task<List<Invoice>> SearchAsync(string tenantId, string customer, CancellationToken ct)
    {
        var sql = "SELECT * FROM Invoices WHERE TenantId = '" + tenantId +
                  "' AND CustomerName LIKE '%" + customer + "%'";
        return _db.Invoices.FromSqlRaw(sql).ToListAsync(ct);
    }

    public Task<List<Invoice>> ByNumberPrefixAsync(string tenantId, string prefix, CancellationToken ct) =>
        _db.Invoices
            .FromSqlInterpolated($"SELECT * FROM Invoices WHERE TenantId = {tenantId} AND Number LIKE {prefix + "%"}")
            .ToListAsync(ct);

    public Task<int> MarkBouncedAsync(string providerId, CancellationToken ct) =>
        _db.Database.ExecuteSqlRawAsync(
            "UPDATE Invoices SET Status = 3 WHERE PdfPath = {0}", new object[] { providerId }, ct);

    public async Task SaveAsync(Invoice invoice, CancellationToken ct)
    {
        _db.Invoices.Update(invoice);
        await _db.SaveChangesAsync(ct);
    }
}
