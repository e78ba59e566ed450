using Polly;
using Polly.Retry;

namespace Billing.Dispatch.Workers;

public sealed class RetryPolicy
{
    private readonly ResiliencePipeline _pipeline;

    public RetryPolicy()
    {
        _pipeline = new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = 4,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromSeconds(2),
            })
            .Build();
    }

    public ValueTask<T> ExecuteAsync<T>(Func<CancellationToken, ValueTask<T>> action, CancellationToken ct) =>
        _pipeline.ExecuteAsync(action, ct);

    // Hand-rolled backoff for the archive share, which Polly's pipeline does not wrap.
    public static async Task<T> WithBackoffAsync<T>(Func<Task<T>> action, int attempts, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await action();
            }
            catch (IOException) when (attempt < attempts)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250 * Math.Pow(2, attempt)), ct);
            }
        }
    }
}
