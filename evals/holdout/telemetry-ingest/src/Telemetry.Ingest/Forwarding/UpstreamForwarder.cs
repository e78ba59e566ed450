using System.Net.Http.Json;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Fleet.Telemetry.Ingest.Options;
using Fleet.Telemetry.Ingest.Storage;
using Microsoft.Extensions.Options;

namespace Fleet.Telemetry.Ingest.Forwarding;

/// <summary>Sends accepted batches to the regional collector, falling back to its mirrors.</summary>
public sealed class UpstreamForwarder
{
    private readonly HttpClient _http;
    private readonly UpstreamOptions _options;
    private readonly RetryPolicy _retry;
    private readonly ILogger<UpstreamForwarder> _logger;

    public UpstreamForwarder(HttpClient http, IOptions<UpstreamOptions> options, RetryPolicy retry, ILogger<UpstreamForwarder> logger)
    {
        _http = http;
        _options = options.Value;
        _retry = retry;
        _logger = logger;
    }

    /// <summary>Primary handler for the typed client; see Program.cs.</summary>
    public static HttpMessageHandler CreateHandler(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<UpstreamOptions>>().Value;
        var handler = new HttpClientHandler();
        if (options.AllowUntrustedMirrors)
        {
            handler.ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator;
        }
        return handler;
    }

    public async Task<bool> ForwardAsync(ReadingBatch batch, CancellationToken ct)
    {
        var sent = await _retry.ExecuteAsync(token => PostAsync(_http, _options.Endpoint, batch, token), ct);
        if (sent)
        {
            return true;
        }

        _logger.LogWarning("Primary collector failed for batch {Sequence}; trying {Count} mirrors", batch.Sequence, _options.Mirrors.Count);
        using var mirrorClient = new HttpClient(new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = AcceptMirrorCertificate,
        });
        foreach (var mirror in _options.Mirrors)
        {
            try
            {
                if (await PostAsync(mirrorClient, mirror, batch, ct))
                {
                    return true;
                }
            }
            catch (Exception)
            {
            }
        }
        return false;
    }

    private static async Task<bool> PostAsync(HttpClient client, Uri endpoint, ReadingBatch batch, CancellationToken ct)
    {
        using var response = await client.PostAsJsonAsync(endpoint, batch, ct);
        return response.IsSuccessStatusCode;
    }

    private static bool AcceptMirrorCertificate(HttpRequestMessage request, X509Certificate2? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        return true;
    }
}
