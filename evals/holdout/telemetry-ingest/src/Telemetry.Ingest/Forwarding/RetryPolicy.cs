using Fleet.Telemetry.Ingest.Options;
using Microsoft.Extensions.Options;

namespace Fleet.Telemetry.Ingest.Forwarding;

/// <summary>Exponential backoff with jitter for calls to the upstream collector.</summary>
public sealed class RetryPolicy
{
    private readonly UpstreamOptions _options;

    public RetryPolicy(IOptions<UpstreamOptions> options)
    {
        _options = options.Value;
    }

    public async Task<bool> ExecuteAsync(Func<CancellationToken, Task<bool>> attempt, CancellationToken ct)
    {
        for (var i = 0; i < _options.MaxAttempts; i++)
        {
            if (await attempt(ct))
            {
                return true;
            }
            if (i == _options.MaxAttempts - 1)
            {
                break;
            }
            var backoff = _options.BaseDelay * Math.Pow(2, i);
            var jitter = TimeSpan.FromMilliseconds(Random.Shared.Next(0, 100));
            await Task.Delay(backoff + jitter, ct);
        }
        return false;
    }
}
