using Billing.Dispatch.Domain;
using Microsoft.EntityFrameworkCore;

namespace Billing.Dispatch.Data;

public sealed class InvoiceDbContext : DbContext
{
    public InvoiceDbContext(DbContextOptions<InvoiceDbContext> options) : base(options) { }

    public DbSet<Invoice> Invoices => Set<Invoice>();
    public DbSet<Tenant> Tenants => Set<Tenant>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<Invoice>().HasIndex(i => new { i.TenantId, i.Number }).IsUnique();
        model.Entity<Tenant>().HasKey(t => t.Id);
    }
}
