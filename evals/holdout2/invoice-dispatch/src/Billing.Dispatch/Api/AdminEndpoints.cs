using Billing.Dispatch.Data;
using Billing.Dispatch.Import;

namespace Billing.Dispatch.Api;

public static class AdminEndpoints
{
    public static void MapAdminEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/admin/tenants", async (string? sort, TenantRepository tenants, CancellationToken ct) =>
                Results.Ok(await tenants.ListAsync(sort ?? "Id", ct)))
            .RequireAuthorization("Operator");

        app.MapPost("/admin/tenants/{tenantId}/import", async (string tenantId, HttpRequest request,
                CustomerXmlImporter importer, CancellationToken ct) =>
            {
                var count = await importer.ImportAsync(tenantId, request.Body, ct);
                return Results.Ok(new { imported = count });
            })
            .RequireAuthorization("TenantAdmin");

        app.MapDelete("/admin/tenants/{tenantId}", async (string tenantId, TenantRepository tenants,
            CancellationToken ct) =>
        {
            var removed = await tenants.PurgeAsync(tenantId, ct);
            return Results.Ok(new { removed });
        });

        app.MapPost("/admin/batches", async (HttpRequest request, BatchImporter importer, CancellationToken ct) =>
            {
                using var reader = new StreamReader(request.Body);
                var batch = importer.Parse(await reader.ReadToEndAsync(ct));
                return Results.Accepted(value: new { batch.Count });
            })
            .RequireAuthorization("Operator");
    }
}
