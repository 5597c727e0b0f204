using IncidentBot.Slack.SocketMode;

namespace IncidentBot.Tests.Slack.SocketMode;

public sealed class ReconnectBackoffTests
{
    private static readonly TimeSpan Base = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Max = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 2)]
    [InlineData(3, 8)]
    [InlineData(4, 16)]
    [InlineData(5, 30)]
    [InlineData(500, 30)]
    public void Doubles_per_attempt_up_to_the_cap(int attempt, int seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), ReconnectBackoff.Compute(attempt, Base, Max, jitter: 1));
        Assert.Equal(TimeSpan.FromSeconds(seconds / 2.0), ReconnectBackoff.Compute(attempt, Base, Max, jitter: 0));
    }

    [Fact]
    public void Random_jitter_stays_within_half_and_whole_of_the_capped_delay()
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var delay = ReconnectBackoff.Compute(attempt % 8, Base, Max);
            var ceiling = TimeSpan.FromSeconds(Math.Min(Math.Pow(2, attempt % 8), 30));
            Assert.InRange(delay, ceiling / 2, ceiling);
        }
    }

    [Fact]
    public void A_zero_base_means_no_delay()
    {
        Assert.Equal(TimeSpan.Zero, ReconnectBackoff.Compute(3, TimeSpan.Zero, Max));
    }
}
