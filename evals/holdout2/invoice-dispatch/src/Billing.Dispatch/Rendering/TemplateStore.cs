using Billing.Dispatch.Options;
using Microsoft.Extensions.Options;

namespace Billing.Dispatch.Rendering;

public sealed class TemplateStore
{
    private readonly string _root;

    public TemplateStore(IOptions<RenderOptions> options) =>
        _root = Path.GetFullPath(options.Value.TemplateRoot);

    // Tenants pick their template by name in the portal; the name is stored verbatim.
    public string LoadForTenant(string tenantId, string templateName)
    {
        var path = Path.Combine(_root, tenantId, templateName);
        return File.ReadAllText(path);
    }

    // Preview endpoint: the file name is user-supplied, so it is resolved and contained first.
    public string LoadPreview(string fileName)
    {
        var full = Path.GetFullPath(Path.Combine(_root, "previews", fileName));
        if (!full.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new UnauthorizedAccessException("template outside the template root");
        }
        return File.ReadAllText(full);
    }
}
