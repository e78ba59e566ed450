using System.Reflection;
using Billing.Dispatch.Options;
using Microsoft.Extensions.Options;

namespace Billing.Dispatch.Extensions;

public interface ITemplateFilter
{
    string Name { get; }
    string Apply(string html);
}

public sealed class TemplatePluginLoader
{
    private readonly RenderOptions _options;

    public TemplatePluginLoader(IOptions<RenderOptions> options) => _options = options.Value;

    // Tenants may upload a filter assembly next to their template.
    public IReadOnlyList<ITemplateFilter> LoadTenantFilters(string tenantId)
    {
        var dir = Path.Combine(_options.PluginDirectory, tenantId);
        var filters = new List<ITemplateFilter>();
        foreach (var dll in Directory.EnumerateFiles(dir, "*.dll"))
        {
            var assembly = Assembly.LoadFrom(dll);
            filters.AddRange(assembly.GetTypes()
                .Where(t => typeof(ITemplateFilter).IsAssignableFrom(t) && !t.IsAbstract)
                .Select(t => (ITemplateFilter)Activator.CreateInstance(t)!));
        }
        return filters;
    }
}
