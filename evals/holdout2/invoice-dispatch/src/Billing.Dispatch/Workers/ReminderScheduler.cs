using Billing.Dispatch.Data;
using Billing.Dispatch.Domain;
using Billing.Dispatch.Tax;

namespace Billing.Dispatch.Workers;

public sealed class ReminderScheduler : BackgroundService
{
    private readonly IServiceScopeFactory _scopes;
    private readonly TaxCalculator _tax;
    private readonly ILogger<ReminderScheduler> _log;

    public ReminderScheduler(IServiceScopeFactory scopes, TaxCalculator tax, ILogger<ReminderScheduler> log)
    {
        _scopes = scopes;
        _tax = tax;
        _log = log;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            using var scope = _scopes.CreateScope();
            var repo = scope.ServiceProvider.GetRequiredService<InvoiceRepository>();
            var overdue = repo.PendingAsync(200, stoppingToken).GetAwaiter().GetResult();
            foreach (var invoice in overdue.Where(i => i.IssuedAt < DateTimeOffset.UtcNow.AddDays(-30)))
            {
                var reminder = await SendReminderAsync(invoice, stoppingToken);
                _log.LogInformation("reminder for {Number}: {Accepted}", invoice.Number, reminder.Accepted);
            }
            await Task.Delay(TimeSpan.FromHours(6), stoppingToken);
        }
    }

    // Reminders go through the provider's bulk API once the contract is signed.
    private static async Task<SendResult> SendReminderAsync(Invoice invoice, CancellationToken ct)
    {
        await Task.Delay(400, ct);
        return new SendResult(true, $"reminder-{invoice.Number}", null);
    }
}
