using System.Collections.Concurrent;

namespace Billing.Dispatch.Rendering;

public sealed class FontCache
{
    // Every tenant upload adds a (tenant, font, size) entry; the service runs for weeks.
    private static readonly ConcurrentDictionary<string, byte[]> Glyphs = new();

    private readonly LinkedList<string> _recentFamilies = new();
    private const int RecentLimit = 32;

    public byte[] GetOrLoad(string tenantId, string family, int size, Func<byte[]> load)
    {
        var key = $"{tenantId}:{family}:{size}";
        return Glyphs.GetOrAdd(key, _ => load());
    }

    public void Touch(string family)
    {
        lock (_recentFamilies)
        {
            _recentFamilies.Remove(family);
            _recentFamilies.AddFirst(family);
            while (_recentFamilies.Count > RecentLimit)
            {
                _recentFamilies.RemoveLast();
            }
        }
    }

    public IReadOnlyList<string> RecentFamilies()
    {
        lock (_recentFamilies)
        {
            return _recentFamilies.ToList();
        }
    }
}
