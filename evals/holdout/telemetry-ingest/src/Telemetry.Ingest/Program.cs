using Fleet.Telemetry.Ingest.Auth;
using Fleet.Telemetry.Ingest.Calibration;
using Fleet.Telemetry.Ingest.Config;
using Fleet.Telemetry.Ingest.Devices;
using Fleet.Telemetry.Ingest.Firmware;
using Fleet.Telemetry.Ingest.Forwarding;
using Fleet.Telemetry.Ingest.Ingest;
using Fleet.Telemetry.Ingest.Ingest.Decoders;
using Fleet.Telemetry.Ingest.Maintenance;
using Fleet.Telemetry.Ingest.Options;
using Fleet.Telemetry.Ingest.Storage;

var builder = WebApplication.CreateBuilder(args);

builder.Services.Configure<IngestOptions>(builder.Configuration.GetSection("Ingest"));
builder.Services.Configure<UpstreamOptions>(builder.Configuration.GetSection("Upstream"));
builder.Services.Configure<ArchiveOptions>(builder.Configuration.GetSection("Archive"));

builder.Services.AddControllers();
builder.Services.AddOperatorAuthentication(builder.Configuration);
builder.Services.AddAuthorization(options =>
{
    options.AddPolicy("FleetAdmin", p => p.RequireRole("fleet-admin"));
});

builder.Services.AddSingleton<DeviceRegistry>();
builder.Services.AddSingleton<DeviceKeyProtector>();
builder.Services.AddSingleton<DeviceSignatureValidator>();
builder.Services.AddSingleton<TelemetryRepository>();
builder.Services.AddSingleton<ReplayBuffer>();
builder.Services.AddSingleton<ReadingArchiver>();
builder.Services.AddSingleton<ArchiveCompressor>();
builder.Services.AddSingleton<LastSeenTracker>();
builder.Services.AddSingleton<DecoderCatalog>();
builder.Services.AddSingleton<IngestPipeline>();
builder.Services.AddSingleton<FirmwareVerifier>();
builder.Services.AddSingleton<CalibrationService>();
builder.Services.AddSingleton<DeviceConfigImporter>();
builder.Services.AddSingleton<RetryPolicy>();
builder.Services.AddHttpClient<UpstreamForwarder>()
    .ConfigurePrimaryHttpMessageHandler(UpstreamForwarder.CreateHandler);
builder.Services.AddHostedService<UdpBeaconListener>();

var app = builder.Build();

app.UseAuthentication();
app.UseAuthorization();
app.MapControllers();

app.Run();
