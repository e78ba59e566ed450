using System.Collections.Concurrent;

namespace Billing.Dispatch.Messaging;

public sealed class InProcessBus
{
    private readonly ConcurrentDictionary<string, List<Func<object, Task>>> _handlers = new();

    public void Subscribe(string topic, Func<object, Task> handler) =>
        _handlers.GetOrAdd(topic, _ => new List<Func<object, Task>>()).Add(handler);

    public void Publish(string topic, object payload)
    {
        if (!_handlers.TryGetValue(topic, out var handlers))
        {
            return;
        }
        foreach (var handler in handlers)
        {
            _ = handler(payload);
        }
    }
}
