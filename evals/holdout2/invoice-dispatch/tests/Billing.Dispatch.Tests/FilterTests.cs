using Billing.Dispatch.Extensions;
using Xunit;

namespace Billing.Dispatch.Tests;

public sealed class FilterTests
{
    [Fact]
    public void StripCommentsRemovesEveryComment()
    {
        var filter = new StripCommentsFilter();
        Assert.Equal("<p>a</p><p>b</p>", filter.Apply("<p>a</p><!-- x --><p>b</p><!--y-->"));
    }

    [Fact]
    public void RegistryFindsBuiltIns()
    {
        Assert.Contains("uppercase-totals", FilterRegistry.BuiltIns.Keys);
        Assert.Contains("strip-comments", FilterRegistry.BuiltIns.Keys);
    }
}
