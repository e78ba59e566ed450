using Fleet.Telemetry.Ingest.Storage;

namespace Fleet.Telemetry.Ingest.Maintenance;

/// <summary>Deletes readings past the retention window once an hour.</summary>
public sealed class RetentionSweeper : BackgroundService
{
    private static readonly TimeSpan Retention = TimeSpan.FromDays(90);

    private readonly TelemetryRepository _repository;
    private readonly ILogger<RetentionSweeper> _logger;

    public RetentionSweeper(TelemetryRepository repository, ILogger<RetentionSweeper> logger)
    {
        _repository = repository;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var removed = await _repository.PurgeOlderThanAsync(DateTimeOffset.UtcNow - Retention, stoppingToken);
            _logger.LogInformation("Retention sweep removed {Count} readings", removed);
        }
    }
}
