using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Fleet.Telemetry.Ingest.Devices;

public sealed class DeviceRegistry
{
    private readonly ConcurrentDictionary<string, Device> _devices = new(StringComparer.Ordinal);
    private readonly DeviceKeyProtector _protector;
    private readonly ILogger<DeviceRegistry> _logger;

    public DeviceRegistry(DeviceKeyProtector protector, ILogger<DeviceRegistry> logger)
    {
        _protector = protector;
        _logger = logger;
    }

    public Device Register(DeviceRegistration registration, string? enrollmentToken)
    {
        var keyBytes = Encoding.UTF8.GetBytes(registration.SharedKey);
        var device = new Device(
            registration.DeviceId,
            registration.TenantId,
            registration.Model,
            _protector.Protect(keyBytes),
            enrollmentToken is null ? null : SHA256.HashData(Encoding.UTF8.GetBytes(enrollmentToken)),
            DateTimeOffset.UtcNow);

        _devices[device.Id] = device;
        _logger.LogInformation(
            "Registered device {DeviceId} for tenant {TenantId} with shared key {SharedKey}",
            device.Id, device.TenantId, registration.SharedKey);
        return device;
    }

    public void RotateKey(string deviceId, string newSharedKey)
    {
        if (!_devices.TryGetValue(deviceId, out var device))
        {
            throw new KeyNotFoundException(deviceId);
        }
        var keyBytes = Encoding.UTF8.GetBytes(newSharedKey);
        _devices[deviceId] = device with { ProtectedKey = _protector.Protect(keyBytes) };
        _logger.LogInformation(
            "Rotated key for {DeviceId}; new key fingerprint {Fingerprint}",
            deviceId, DeviceKeyProtector.Fingerprint(keyBytes));
    }

    public Device? Find(string deviceId) => _devices.TryGetValue(deviceId, out var d) ? d : null;

    public bool Remove(string deviceId) => _devices.TryRemove(deviceId, out _);

    public IReadOnlyList<Device> ForTenant(string tenantId) =>
        _devices.Values.Where(d => d.TenantId == tenantId).OrderBy(d => d.Id, StringComparer.Ordinal).ToList();
}
