using Xunit.Sdk;

namespace IncidentBot.Tests.Processes;

/// <summary>
/// The bot processes one test starts, and what they leave behind. <see cref="RunAsync"/> puts every process's output
/// into the failure message, so a failure on CI can be read without the machine; disposing kills whatever still runs,
/// runs the test's own clean-ups (a database to drop) and deletes the test's folder, whether the test passed or not.
/// </summary>
public sealed class BotProcesses : IAsyncDisposable
{
    private readonly List<BotProcess> _started = [];
    private readonly List<Func<Task>> _cleanups = [];
    private readonly Lock _gate = new();

    private BotProcesses(string folder) => Folder = folder;

    /// <summary>An empty set, with a new folder of its own under the temp folder.</summary>
    public static BotProcesses InNewFolder()
    {
        var folder = Path.Combine(Path.GetTempPath(), "incidentbot-tests", $"processes-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        return new BotProcesses(folder);
    }

    /// <summary>A folder of this test's own (LiteDB files), deleted on dispose.</summary>
    public string Folder { get; }

    /// <summary>A LiteDB file in <see cref="Folder"/> (not created: the bot creates it).</summary>
    public string LiteDbFile(string name = "incidentbot") => Path.Combine(Folder, $"{name}.litedb");

    public BotProcess Start(string name, IReadOnlyDictionary<string, string?> settings, string? workingDirectory = null, string environment = "Testing")
    {
        var bot = BotProcess.Start(name, settings, workingDirectory, environment);
        lock (_gate)
        {
            _started.Add(bot);
        }

        return bot;
    }

    /// <summary>Starts a bot and waits until <c>/readyz</c> answers 200.</summary>
    public async Task<BotProcess> StartReadyAsync(string name, IReadOnlyDictionary<string, string?> settings, string? workingDirectory = null, string environment = "Testing")
    {
        var bot = Start(name, settings, workingDirectory, environment);
        await bot.WaitReadyAsync();
        return bot;
    }

    /// <summary>Stops (SIGTERM) every process still running and waits for each to exit.</summary>
    public async Task StopAllAsync()
    {
        List<BotProcess> started;
        lock (_gate)
        {
            started = [.. _started];
        }

        await Task.WhenAll(started.Where(b => !b.HasExited).Select(b => b.StopAsync()));
    }

    /// <summary>Something to undo after the processes are gone (a PostgreSQL database to drop).</summary>
    public void OnDispose(Func<Task> cleanup)
    {
        lock (_gate)
        {
            _cleanups.Add(cleanup);
        }
    }

    /// <summary>Runs the test; a failure comes back with the output of every process it started.</summary>
    public async Task RunAsync(Func<Task> test)
    {
        ArgumentNullException.ThrowIfNull(test);
        try
        {
            await test();
        }
        catch (Exception e) when (e is not (Xunit.SkipException or Xunit.Sdk.SkipException))
        {
            throw new XunitException($"{e.Message}{Environment.NewLine}{Environment.NewLine}{Describe()}", e);
        }
    }

    /// <summary>Waits until the condition holds, checking every 50 ms; fails after <see cref="BotProcess.Patience"/>.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var until = DateTime.UtcNow + BotProcess.Patience;
        while (!await condition())
        {
            if (DateTime.UtcNow > until)
            {
                Assert.Fail($"Timed out waiting for {what}.");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Waits for <paramref name="task"/>; fails naming <paramref name="what"/> after <paramref name="within"/>.</summary>
    public static async Task<T> WithinAsync<T>(Task<T> task, TimeSpan within, string what)
    {
        ArgumentNullException.ThrowIfNull(task);
        try
        {
            return await task.WaitAsync(within);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"Timed out after {within.TotalSeconds:F0} s waiting for {what}.");
            throw;
        }
    }

    /// <summary>Every process's state and output.</summary>
    public string Describe()
    {
        lock (_gate)
        {
            return _started.Count == 0
                ? "(no bot process was started)"
                : string.Join(Environment.NewLine, _started.Select(b => b.Describe()));
        }
    }

    public async ValueTask DisposeAsync()
    {
        List<BotProcess> started;
        List<Func<Task>> cleanups;
        lock (_gate)
        {
            started = [.. _started];
            cleanups = [.. _cleanups];
        }

        await Task.WhenAll(started.Select(b => b.DisposeAsync().AsTask()));
        try
        {
            foreach (var cleanup in cleanups)
            {
                await cleanup();
            }
        }
        finally
        {
            try
            {
                Directory.Delete(Folder, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: the temp folder is disposable.
            }
        }
    }
}
