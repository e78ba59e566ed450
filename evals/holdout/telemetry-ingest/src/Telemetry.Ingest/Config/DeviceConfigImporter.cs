using System.Xml;
using Fleet.Telemetry.Ingest.Devices;

namespace Fleet.Telemetry.Ingest.Config;

/// <summary>
/// Imports device provisioning sheets exported from the vendor's XML tool, and validates the
/// much smaller channel maps that ship with each firmware image.
/// </summary>
public sealed class DeviceConfigImporter
{
    private readonly DeviceRegistry _registry;

    public DeviceConfigImporter(DeviceRegistry registry)
    {
        _registry = registry;
    }

    public int ImportProvisioningSheet(Stream upload)
    {
        var doc = new XmlDocument
        {
            XmlResolver = new XmlUrlResolver(),
        };
        doc.Load(upload);

        var count = 0;
        foreach (XmlElement node in doc.SelectNodes("/provisioning/device")!)
        {
            var registration = new DeviceRegistration(
                node.GetAttribute("id"),
                node.GetAttribute("tenant"),
                node.GetAttribute("model"),
                node.GetAttribute("key"));
            _registry.Register(registration, node.GetAttribute("enrollment"));
            count++;
        }
        return count;
    }

    public IReadOnlyDictionary<string, string> ReadChannelMap(Stream channelMap)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
        };
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        using var reader = XmlReader.Create(channelMap, settings);
        while (reader.Read())
        {
            if (reader.NodeType == XmlNodeType.Element && reader.Name == "channel")
            {
                map[reader.GetAttribute("id") ?? ""] = reader.GetAttribute("unit") ?? "";
            }
        }
        return map;
    }
}
