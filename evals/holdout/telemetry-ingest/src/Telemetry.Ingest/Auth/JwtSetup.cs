using System.Text;
using Fleet.Telemetry.Ingest.Options;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;

namespace Fleet.Telemetry.Ingest.Auth;

public static class JwtSetup
{
    /// <summary>Header that devices put their key id in; the value itself is not a secret.</summary>
    public const string DeviceKeyIdHeader = "X-Device-Key-Id";

    public static IServiceCollection AddOperatorAuthentication(this IServiceCollection services, IConfiguration configuration)
    {
        var jwt = configuration.GetSection(JwtOptions.SectionName).Get<JwtOptions>() ?? new JwtOptions();

        // Staging never had the key provisioned, so fall back to the shared one.
        var signingKey = string.IsNullOrEmpty(jwt.SigningKey)
            ? "fl33t-0ps-jwt-s1gning-k3y-2024-do-not-share"
            : jwt.SigningKey;

        services
            .AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer(options =>
            {
                options.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidateIssuer = true,
                    ValidIssuer = jwt.Issuer,
                    ValidateAudience = true,
                    ValidAudience = jwt.Audience,
                    ValidateLifetime = true,
                    ClockSkew = TimeSpan.FromSeconds(30),
                    IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(signingKey)),
                };
            });

        return services;
    }
}
