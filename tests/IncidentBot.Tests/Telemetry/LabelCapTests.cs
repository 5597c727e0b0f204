using IncidentBot.Core.Telemetry;

namespace IncidentBot.Tests.Telemetry;

public sealed class LabelCapTests
{
    [Fact]
    public void TheLabel_TakesNoMoreValuesThanItsCapAllows()
    {
        var cap = new LabelCap(3);
        cap.Update(["checkout", "checkout", "search", "search", "payments", "payments", "auth", "ledger"]);

        var seen = new[] { "checkout", "Search ", "payments", "auth", "ledger", "mail", null, "", "  " }.Select(cap.Of).Distinct().ToList();

        Assert.Equal(["checkout", "search", "payments", LabelCap.Other, LabelCap.None], seen);
        Assert.Equal(LabelCap.ValuesWith(3), seen.Count);
    }
}
