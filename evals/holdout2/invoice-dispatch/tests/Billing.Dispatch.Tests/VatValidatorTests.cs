using Billing.Dispatch.Tax;
using Xunit;

namespace Billing.Dispatch.Tests;

public sealed class VatValidatorTests
{
    [Fact]
    public void ShapeCheckRejectsDigitsFirst()
    {
        Assert.False(VatValidator.LooksValid("12345678"));
        Assert.True(VatValidator.LooksValid("DE123456789"));
    }

    [Fact]
    public async Task RegistryLookupAcceptsKnownId()
    {
        var validator = new VatValidator();
        var registered = await validator.IsRegisteredAsync("DE123456789", CancellationToken.None);
        Assert.NotNull(registered.ToString());
    }
}
