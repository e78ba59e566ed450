using Billing.Dispatch.Domain;

namespace Billing.Dispatch.Tax;

public sealed class TaxCalculator
{
    private static readonly Dictionary<string, decimal> StandardRates = new()
    {
        ["DE"] = 0.19m, ["FR"] = 0.20m, ["NL"] = 0.21m, ["AT"] = 0.20m,
    };

    public decimal VatFor(Invoice invoice)
    {
        if (StandardRates.TryGetValue(invoice.Country, out var rate))
        {
            return Math.Round(invoice.Net * rate, 2, MidpointRounding.ToEven);
        }
        if (invoice.Country is "CH" or "NO")
        {
            return OutsideUnion(invoice);
        }
        return 0m;
    }

    private static decimal OutsideUnion(Invoice invoice)
    {
        throw new NotImplementedException("non-EU VAT rules");
    }
}
