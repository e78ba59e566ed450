using Billing.Dispatch.Api;
using Billing.Dispatch.Archive;
using Billing.Dispatch.Data;
using Billing.Dispatch.Email;
using Billing.Dispatch.Extensions;
using Billing.Dispatch.Import;
using Billing.Dispatch.Messaging;
using Billing.Dispatch.Options;
using Billing.Dispatch.Rendering;
using Billing.Dispatch.Tax;
using Billing.Dispatch.Workers;
using Microsoft.EntityFrameworkCore;

var builder = WebApplication.CreateBuilder(args);

builder.Services.Configure<SmtpOptions>(builder.Configuration.GetSection("Smtp"));
builder.Services.Configure<RenderOptions>(builder.Configuration.GetSection("Render"));
builder.Services.Configure<DispatchOptions>(builder.Configuration.GetSection("Dispatch"));
builder.Services.Configure<WebhookOptions>(builder.Configuration.GetSection("Webhooks"));

builder.Services.AddDbContext<InvoiceDbContext>(o =>
    o.UseSqlServer(builder.Configuration.GetConnectionString("Invoices")));
builder.Services.AddScoped<InvoiceRepository>();
builder.Services.AddScoped<TenantRepository>();
builder.Services.AddSingleton<TemplateStore>();
builder.Services.AddSingleton<FontCache>();
builder.Services.AddSingleton<TemplatePluginLoader>();
builder.Services.AddSingleton<PdfRenderer>();
builder.Services.AddSingleton<SmtpMailer>();
builder.Services.AddSingleton<MailboxProbe>();
builder.Services.AddSingleton<DkimSigner>();
builder.Services.AddSingleton<TaxCalculator>();
builder.Services.AddSingleton<VatValidator>();
builder.Services.AddSingleton<CustomerXmlImporter>();
builder.Services.AddSingleton<BatchImporter>();
builder.Services.AddSingleton<ArchiveService>();
builder.Services.AddSingleton<RetryPolicy>();
builder.Services.AddSingleton<InProcessBus>();
builder.Services.AddSingleton<InvoiceEvents>();
builder.Services.AddHostedService<DispatchWorker>();
builder.Services.AddHostedService<ReminderScheduler>();
builder.Services.AddHostedService<RenderedInvoiceListener>();

builder.Services.AddAuthentication("Bearer").AddJwtBearer();
builder.Services.AddAuthorization(o =>
{
    o.AddPolicy("TenantAdmin", p => p.RequireClaim("role", "tenant-admin"));
    o.AddPolicy("Operator", p => p.RequireClaim("role", "operator"));
});
builder.Services.AddControllers();

var app = builder.Build();
app.UseAuthentication();
app.UseAuthorization();
app.MapControllers();
app.MapInvoiceEndpoints();
app.MapAdminEndpoints();
app.MapWebhookEndpoints();
app.MapGet("/healthz", () => Results.Ok(new { status = "ok" })).AllowAnonymous();
app.Run();
