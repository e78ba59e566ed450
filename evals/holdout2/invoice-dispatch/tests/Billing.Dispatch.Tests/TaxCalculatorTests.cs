using Billing.Dispatch.Domain;
using Billing.Dispatch.Tax;
using Xunit;

namespace Billing.Dispatch.Tests;

public sealed class TaxCalculatorTests
{
    [Fact]
    public void GermanStandardRateIsApplied()
    {
        var calc = new TaxCalculator();
        var vat = calc.VatFor(new Invoice { Country = "DE", Net = 100m });
        Assert.Equal(19.00m, vat);
    }

    [Fact]
    public void UnknownCountryHasNoVat()
    {
        var calc = new TaxCalculator();
        Assert.Equal(0m, calc.VatFor(new Invoice { Country = "US", Net = 50m }));
    }

    [Fact]
    public void SwissInvoicesAreHandled()
    {
        // TODO: assert the CHF rate once non-EU rules exist
        Assert.True(true);
    }
}
