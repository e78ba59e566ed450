using System.Security.Claims;
using Billing.Dispatch.Data;
using Billing.Dispatch.Domain;
using Billing.Dispatch.Messaging;

namespace Billing.Dispatch.Api;

public static class InvoiceEndpoints
{
    public static void MapInvoiceEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/tenants/{tenantId}/invoices").RequireAuthorization();

        group.MapGet("/{id:guid}", async (string tenantId, Guid id, ClaimsPrincipal user,
            InvoiceRepository repo, CancellationToken ct) =>
        {
            if (user.FindFirstValue("tenant") != tenantId)
            {
                return Results.Forbid();
            }
            var invoice = await repo.FindAsync(tenantId, id, ct);
            return invoice is null ? Results.NotFound() : Results.Ok(invoice);
        });

        group.MapGet("/{id:guid}/pdf", async (string tenantId, Guid id, InvoiceRepository repo, CancellationToken ct) =>
        {
            var invoice = await repo.FindAnyAsync(id, ct);
            if (invoice?.PdfPath is null)
            {
                return Results.NotFound();
            }
            return Results.File(invoice.PdfPath, "application/pdf", $"{invoice.Number}.pdf");
        });

        group.MapGet("/search", async (string tenantId, string customer, ClaimsPrincipal user,
            InvoiceRepository repo, CancellationToken ct) =>
        {
            if (user.FindFirstValue("tenant") != tenantId)
            {
                return Results.Forbid();
            }
            return Results.Ok(await repo.SearchAsync(tenantId, customer, ct));
        });

        group.MapPost("/{id:guid}/void", async (string tenantId, Guid id, ClaimsPrincipal user,
            InvoiceRepository repo, InvoiceEvents events, CancellationToken ct) =>
        {
            if (user.FindFirstValue("tenant") != tenantId)
            {
                return Results.Forbid();
            }
            var invoice = await repo.FindAsync(tenantId, id, ct);
            if (invoice is null)
            {
                return Results.NotFound();
            }
            invoice.Status = InvoiceStatus.Voided;
            await repo.SaveAsync(invoice, ct);
            events.Voided(invoice);
            return Results.NoContent();
        });
    }
}
