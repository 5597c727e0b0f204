using Microsoft.Extensions.Time.Testing;

namespace IncidentBot.Tests.Infrastructure;

/// <summary>The tests' fake clocks: where they start, and how a test lets time pass while it waits on work.</summary>
public static class TestTime
{
    /// <summary>How far the clock moves per few milliseconds of waiting: roughly as fast as real time.</summary>
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(10);

    /// <summary>Tuesday 2026-11-17 09:00 UTC, unless a test needs a particular day.</summary>
    public static DateTimeOffset Start { get; } = new(2026, 11, 17, 9, 0, 0, TimeSpan.Zero);

    public static FakeTimeProvider NewClock() => new(Start);

    /// <summary>
    /// Awaits work that may pause on the injected clock before it can finish (the loser of a race retries after a
    /// jittered pause, an HTTP call retries after a backoff). A fake clock stands still unless moved, so while the
    /// work runs the clock is moved on a little every few milliseconds. Fails the test when the work takes over a minute.
    /// </summary>
    public static async Task LetTimePassUntilDoneAsync(this FakeTimeProvider clock, Task work)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        while (await Task.WhenAny(work, Task.Delay(5)) != work)
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail("The work did not finish within a minute, though time kept passing.");
            }

            clock.Advance(Step);
        }

        await work;
    }

    /// <inheritdoc cref="LetTimePassUntilDoneAsync(FakeTimeProvider, Task)"/>
    public static async Task<T> LetTimePassUntilDoneAsync<T>(this FakeTimeProvider clock, Task<T> work)
    {
        await clock.LetTimePassUntilDoneAsync((Task)work);
        return await work;
    }

    /// <summary>
    /// Waits, with the clock standing still, until background work makes the condition true; fails the test after
    /// <paramref name="patience"/> of real time (default 15 s: the work never happened).
    /// </summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? patience = null)
    {
        var deadline = DateTime.UtcNow + (patience ?? TimeSpan.FromSeconds(15));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Gave up waiting until {what}.");
            }

            await Task.Delay(5);
        }
    }

    /// <inheritdoc cref="UntilAsync(Func{Task{bool}}, string, TimeSpan?)"/>
    public static Task UntilAsync(Func<bool> condition, string what, TimeSpan? patience = null) =>
        UntilAsync(() => Task.FromResult(condition()), what, patience);

    /// <summary>
    /// Moves the clock on by <paramref name="step"/> until background work makes the condition true, waiting a little
    /// after each step; fails the test after 15 s of real time. For a loop that sleeps on the clock: a step taken
    /// before it went back to sleep is not lost, the next step wakes it.
    /// </summary>
    public static async Task AdvanceUntilAsync(this FakeTimeProvider clock, TimeSpan step, Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Gave up waiting until {what}, though time kept passing (now {clock.GetUtcNow():O}).");
            }

            clock.Advance(step);
            await Task.Delay(20);
        }
    }
}
