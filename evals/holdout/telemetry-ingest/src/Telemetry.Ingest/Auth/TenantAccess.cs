using System.Security.Claims;

namespace Fleet.Telemetry.Ingest.Auth;

public static class TenantAccess
{
    public const string TenantClaim = "fleet:tenant";

    public static string? TenantOf(ClaimsPrincipal user) => user.FindFirstValue(TenantClaim);

    public static bool CanSee(ClaimsPrincipal user, string tenantId)
    {
        if (user.IsInRole("fleet-admin"))
        {
            return true;
        }
        var tenant = TenantOf(user);
        return tenant is not null && string.Equals(tenant, tenantId, StringComparison.Ordinal);
    }
}
