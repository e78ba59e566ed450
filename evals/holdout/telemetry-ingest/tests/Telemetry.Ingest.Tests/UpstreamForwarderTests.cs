using System.Net;
using System.Net.Http.Json;
using Xunit;

namespace Fleet.Telemetry.Ingest.Tests;

public class UpstreamForwarderTests
{
    // TODO: replace the self-signed test collector with the shared test CA once it exists
    private static HttpClient TestCollectorClient() => new(new HttpClientHandler
    {
        ServerCertificateCustomValidationCallback = (message, cert, chain, errors) => true,
    });

    [Fact]
    public async Task CollectorStubAnswersAccepted()
    {
        using var server = new StubCollector(HttpStatusCode.Accepted);
        using var client = TestCollectorClient();

        using var response = await client.PostAsJsonAsync(server.Address, new { deviceId = "d1" });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(1, server.Requests);
    }
}
