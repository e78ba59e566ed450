using System.Xml;

namespace Billing.Dispatch.Import;

public sealed class CustomerXmlImporter
{
    private readonly ILogger<CustomerXmlImporter> _log;

    public CustomerXmlImporter(ILogger<CustomerXmlImporter> log) => _log = log;

    // Tenants upload their customer register exported from their ERP.
    public Task<int> ImportAsync(string tenantId, Stream body, CancellationToken ct)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Parse,
            XmlResolver = new XmlUrlResolver(),
        };
        var count = 0;
        using var reader = XmlReader.Create(body, settings);
        while (reader.Read())
        {
            ct.ThrowIfCancellationRequested();
            if (reader.NodeType == XmlNodeType.Element && reader.Name == "customer")
            {
                count++;
            }
        }
        _log.LogInformation("tenant {Tenant} imported {Count} customers", tenantId, count);
        return Task.FromResult(count);
    }

    // Country list shipped with the service: still parsed with DTDs off.
    public static IReadOnlyList<string> LoadCountries(string path)
    {
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null };
        using var reader = XmlReader.Create(path, settings);
        var codes = new List<string>();
        while (reader.Read())
        {
            if (reader.NodeType == XmlNodeType.Element && reader.Name == "country")
            {
                codes.Add(reader.GetAttribute("code") ?? "");
            }
        }
        return codes;
    }
}
