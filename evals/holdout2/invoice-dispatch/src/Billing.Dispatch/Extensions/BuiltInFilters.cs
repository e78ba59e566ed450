namespace Billing.Dispatch.Extensions;

// Discovered by FilterRegistry's scan of this assembly.
public sealed class UppercaseTotalsFilter : ITemplateFilter
{
    public string Name => "uppercase-totals";

    public string Apply(string html) => html.Replace("total", "TOTAL", StringComparison.Ordinal);
}

public sealed class StripCommentsFilter : ITemplateFilter
{
    public string Name => "strip-comments";

    public string Apply(string html)
    {
        var start = html.IndexOf("<!--", StringComparison.Ordinal);
        while (start >= 0)
        {
            var end = html.IndexOf("-->", start, StringComparison.Ordinal);
            if (end < 0)
            {
                break;
            }
            html = html.Remove(start, end + 3 - start);
            start = html.IndexOf("<!--", StringComparison.Ordinal);
        }
        return html;
    }
}

public static class FilterRegistry
{
    public static IReadOnlyDictionary<string, ITemplateFilter> BuiltIns { get; } =
        typeof(FilterRegistry).Assembly.GetTypes()
            .Where(t => typeof(ITemplateFilter).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
            .Select(t => (ITemplateFilter)Activator.CreateInstance(t)!)
            .ToDictionary(f => f.Name);
}
