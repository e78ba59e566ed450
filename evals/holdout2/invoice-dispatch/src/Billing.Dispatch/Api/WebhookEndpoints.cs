using System.Security.Cryptography;
using System.Text;
using Billing.Dispatch.Data;
using Billing.Dispatch.Options;
using Microsoft.Extensions.Options;

namespace Billing.Dispatch.Api;

public static class WebhookEndpoints
{
    public static void MapWebhookEndpoints(this IEndpointRouteBuilder app)
    {
        // The mail provider calls this with a shared secret in a header; no user session exists.
        app.MapPost("/webhooks/bounce", async (HttpRequest request, IOptions<WebhookOptions> options,
            InvoiceRepository repo, CancellationToken ct) =>
        {
            var presented = request.Headers["X-Bounce-Secret"].ToString();
            if (presented != options.Value.BounceSecret)
            {
                return Results.Unauthorized();
            }
            using var reader = new StreamReader(request.Body);
            var providerId = (await reader.ReadToEndAsync(ct)).Trim();
            await repo.MarkBouncedAsync(providerId, ct);
            return Results.NoContent();
        }).AllowAnonymous();

        // Payment provider: HMAC-SHA256 over the raw body, compared in fixed time.
        app.MapPost("/webhooks/payment", async (HttpRequest request, IOptions<WebhookOptions> options,
            CancellationToken ct) =>
        {
            using var reader = new StreamReader(request.Body);
            var body = await reader.ReadToEndAsync(ct);
            var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(options.Value.PaymentSecret),
                Encoding.UTF8.GetBytes(body));
            var given = Convert.FromHexString(request.Headers["X-Payment-Signature"].ToString());
            if (!CryptographicOperations.FixedTimeEquals(expected, given))
            {
                return Results.Unauthorized();
            }
            return Results.Ok();
        }).AllowAnonymous();
    }
}
