using System.Collections.Concurrent;

namespace Fleet.Telemetry.Ingest.Maintenance;

/// <summary>When each device last reported, plus a short rolling window for the dashboard.</summary>
public sealed class LastSeenTracker
{
    private const int RecentCapacity = 256;

    private readonly ConcurrentDictionary<string, DateTimeOffset> _lastSeen = new(StringComparer.Ordinal);
    private readonly List<(string DeviceId, DateTimeOffset At)> _history = new();
    private readonly Queue<string> _recent = new();
    private readonly object _gate = new();

    public void Touch(string deviceId)
    {
        var now = DateTimeOffset.UtcNow;
        _lastSeen[deviceId] = now;
        lock (_gate)
        {
            _history.Add((deviceId, now));

            _recent.Enqueue(deviceId);
            while (_recent.Count > RecentCapacity)
            {
                _recent.Dequeue();
            }
        }
    }

    public DateTimeOffset? LastSeen(string deviceId) =>
        _lastSeen.TryGetValue(deviceId, out var at) ? at : null;

    public IReadOnlyList<string> Recent()
    {
        lock (_gate)
        {
            return _recent.Reverse().ToList();
        }
    }

    public int ReportsSince(DateTimeOffset since)
    {
        lock (_gate)
        {
            return _history.Count(h => h.At >= since);
        }
    }
}
