using System.Net;

namespace Fleet.Telemetry.Ingest.Tests;

/// <summary>A tiny HTTP listener standing in for the upstream collector.</summary>
public sealed class StubCollector : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly HttpStatusCode _status;
    private int _requests;

    public StubCollector(HttpStatusCode status)
    {
        _status = status;
        var port = Random.Shared.Next(20000, 40000);
        Address = new Uri($"http://127.0.0.1:{port}/");
        _listener.Prefixes.Add(Address.ToString());
        _listener.Start();
        _ = Task.Run(ServeAsync);
    }

    public Uri Address { get; }

    public int Requests => Volatile.Read(ref _requests);

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (HttpListenerException)
            {
                return;
            }
            Interlocked.Increment(ref _requests);
            context.Response.StatusCode = (int)_status;
            context.Response.Close();
        }
    }

    public void Dispose() => _listener.Close();
}
