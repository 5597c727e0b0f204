using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace IncidentBot.Tests.Processes;

/// <summary>
/// The built bot (<c>IncidentBot.dll</c>, copied beside the tests) as a child process on 127.0.0.1: settings go in as
/// command-line arguments, stdout and stderr are kept for failure messages, and it can be stopped (SIGTERM, a graceful
/// shutdown) or killed (SIGKILL: nothing runs after it, as in a crash).
/// </summary>
public sealed class BotProcess : IAsyncDisposable
{
    /// <summary>How long a start, a stop or an expected exit may take on a busy two-core machine.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private const string ListeningLine = "Now listening on: ";
    private const int KeptLines = 400;

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private HttpClient? _http;

    private BotProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    /// <summary>The test's name for it (<c>first</c>, <c>a</c> …), used in failure messages.</summary>
    public string Name { get; }

    /// <summary>The operating system's process id; the bot names its work leases with it.</summary>
    public int Id { get; private set; }

    /// <summary>Completes with the address once Kestrel listens (it picks a free port).</summary>
    public Task<Uri> Listening => _listening.Task;

    /// <summary>Completes when the process has exited and its output is read to the end.</summary>
    public Task Exited => _exited.Task;

    public bool HasExited => _exited.Task.IsCompleted;

    public int? ExitCode => HasExited ? _process.ExitCode : null;

    /// <summary>Its output so far, one line each, stdout marked <c>out|</c> and stderr <c>err|</c>.</summary>
    public IReadOnlyList<string> Lines => [.. _lines];

    /// <summary>A client for the bot's address (once <see cref="Listening"/>).</summary>
    public HttpClient Http => _http ?? throw new InvalidOperationException($"Bot process {Name} is not listening yet.");

    /// <summary>
    /// Starts <c>dotnet exec IncidentBot.dll</c> in <paramref name="environment"/> (<c>Testing</c> unless said) on a port
    /// Kestrel picks, learnt from its "Now listening on" line (so the settings must leave <c>Microsoft.Hosting.Lifetime</c>
    /// logging information). It runs in <paramref name="workingDirectory"/>, by default the folder it was built to.
    /// </summary>
    public static BotProcess Start(string name, IReadOnlyDictionary<string, string?> settings, string? workingDirectory = null, string environment = "Testing")
    {
        ArgumentNullException.ThrowIfNull(settings);
        var start = new ProcessStartInfo(DotnetHost)
        {
            WorkingDirectory = workingDirectory ?? AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "exec", Path.Combine(AppContext.BaseDirectory, "IncidentBot.dll"), "--urls", "http://127.0.0.1:0", "--environment", environment })
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in settings)
        {
            start.ArgumentList.Add($"--{key}={value}");
        }

        var process = new Process { StartInfo = start };
        var bot = new BotProcess(name, process);
        process.OutputDataReceived += (_, e) => bot.Receive("out", e.Data);
        process.ErrorDataReceived += (_, e) => bot.Receive("err", e.Data);
        process.Start();
        bot.Id = process.Id;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _ = bot.WatchExitAsync();
        return bot;
    }

    /// <summary>Waits until <c>/readyz</c> answers 200; fails if the process exits first or takes longer than <see cref="Patience"/>.</summary>
    public async Task WaitReadyAsync()
    {
        var until = DateTime.UtcNow + Patience;
        await Task.WhenAny(Listening, Exited, Task.Delay(Patience));
        while (!HasExited && Listening.IsCompletedSuccessfully && DateTime.UtcNow < until)
        {
            try
            {
                using var ready = await Http.GetAsync("/readyz");
                if (ready.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Listening, but not answering yet.
            }

            await Task.Delay(50);
        }

        Assert.Fail(HasExited
            ? $"Bot process {Name} exited with code {ExitCode} before it was ready."
            : $"Bot process {Name} was not ready within {Patience.TotalSeconds:F0} s.");
    }

    /// <summary>Waits (at most <see cref="Patience"/>) for the process to exit on its own; returns its exit code.</summary>
    public async Task<int> WaitForExitAsync()
    {
        await Task.WhenAny(Exited, Task.Delay(Patience));
        Assert.True(HasExited, $"Bot process {Name} did not exit within {Patience.TotalSeconds:F0} s.");
        return _process.ExitCode;
    }

    /// <summary>SIGKILL: the process ends at once, nothing of it runs (no shutdown, no lease given back).</summary>
    public async Task KillAsync()
    {
        if (!HasExited)
        {
            try
            {
                _process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // It exited meanwhile.
            }
        }

        await Exited;
    }

    /// <summary>SIGTERM, as a container runtime stops it: the host shuts down gracefully and the process exits.</summary>
    public async Task StopAsync()
    {
        if (!HasExited)
        {
            using var signal = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", Id.ToString(CultureInfo.InvariantCulture) }, UseShellExecute = false })!;
            await signal.WaitForExitAsync();
        }

        await WaitForExitAsync();
    }

    /// <summary>The process's state and its output, for a failure message.</summary>
    public string Describe()
    {
        var state = HasExited ? $"exited with code {ExitCode}" : "running";
        var lines = Lines;
        var shown = lines.Count > KeptLines ? lines.Skip(lines.Count - KeptLines).Prepend($"… {lines.Count - KeptLines} earlier lines left out") : lines;
        return $"----- bot process {Name} (pid {Id}, {state}) -----{Environment.NewLine}{string.Join(Environment.NewLine, shown)}";
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _http?.Dispose();
        _process.Dispose();
    }

    /// <summary>The <c>dotnet</c> running these tests (the SDK exports it), else the one on the PATH.</summary>
    private static string DotnetHost =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    private void Receive(string stream, string? line)
    {
        if (line is null)
        {
            return;
        }

        _lines.Enqueue($"{stream}| {line}");
        // The address ends at the first space or quote: plain lines end with it, json lines go on after it.
        var at = line.IndexOf(ListeningLine, StringComparison.Ordinal);
        var rest = at >= 0 ? line[(at + ListeningLine.Length)..] : string.Empty;
        var end = rest.IndexOfAny([' ', '"']);
        if (stream == "out" && at >= 0 && _http is null && Uri.TryCreate(end < 0 ? rest : rest[..end], UriKind.Absolute, out var address))
        {
            // The client first: whoever awaits Listening uses it.
            _http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
            _listening.TrySetResult(address);
        }
    }

    private async Task WatchExitAsync()
    {
        // Returns once the process has exited and both streams are read to their end.
        await _process.WaitForExitAsync();
        _listening.TrySetCanceled();
        _exited.TrySetResult();
    }
}
