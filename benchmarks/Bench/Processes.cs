using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace IncidentBot.Benchmarks;

/// <summary>A server under test in its own process: the bot, the Bolt peer or the bare-Kestrel ceiling.</summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private readonly string? _workingDirectory;

    private ServerProcess(Process process, int port, string name, string? workingDirectory)
    {
        _process = process;
        _workingDirectory = workingDirectory;
        Port = port;
        Name = name;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Port { get; }

    public string Name { get; }

    public string BaseUrl => $"http://127.0.0.1:{Port}";

    public int Id => _process.Id;

    /// <summary>Seconds from the process start until it answered its readiness probe.</summary>
    public double StartSeconds { get; private set; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static async Task<ServerProcess> StartAsync(string name, string file, IEnumerable<string> arguments, int port,
        IReadOnlyDictionary<string, string> environment, string? readyPath, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var started = Stopwatch.GetTimestamp();
        var server = new ServerProcess(Process.Start(info) ?? throw new InvalidOperationException($"could not start {name}"), port, name, workingDirectory);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (server._process.HasExited)
            {
                throw new InvalidOperationException($"{name} exited with {server._process.ExitCode}:{Environment.NewLine}{server.Output}");
            }

            if (await ReadyAsync(http, port, readyPath))
            {
                server.StartSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
                return server;
            }

            await Task.Delay(20);
        }

        await server.DisposeAsync();
        throw new InvalidOperationException($"{name} did not become ready in 60 s:{Environment.NewLine}{server.Output}");
    }

    private static async Task<bool> ReadyAsync(HttpClient http, int port, string? readyPath)
    {
        try
        {
            if (readyPath is null)
            {
                using var tcp = new TcpClient();
                await tcp.ConnectAsync("127.0.0.1", port);
                return true;
            }

            using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{port}{readyPath}"));
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or SocketException or TaskCanceledException)
        {
            return false;
        }
    }

    /// <summary>Resident set now and at its peak, in MB, from /proc.</summary>
    public (double Rss, double Peak) Memory()
    {
        double Read(string key)
        {
            foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
            {
                if (line.StartsWith(key, StringComparison.Ordinal))
                {
                    var kb = line[key.Length..].Trim().Split(' ')[0];
                    return double.Parse(kb, CultureInfo.InvariantCulture) / 1024;
                }
            }

            return double.NaN;
        }

        return (Read("VmRSS:"), Read("VmHWM:"));
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            if (_output.Length < 200_000)
            {
                _output.AppendLine(line);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        if (_workingDirectory is not null)
        {
            // What the server logged, for reading after the run (warnings and up for the bot).
            await File.WriteAllTextAsync(Path.Combine(_workingDirectory, $"{Name}-{Port}.out"), Output);
        }
    }
}

/// <summary>What wrk measured, read from the JSON line our Lua script prints when it is done.</summary>
internal sealed record WrkResult(long Requests, double Seconds, long Failed, double P50Ms, double P90Ms, double P99Ms, double MaxMs, long Late)
{
    public long Ok => Requests - Failed;

    public double OkPerSecond => Ok / Seconds;
}

/// <summary>
/// Drives load with wrk on one thread. Requests are written to a file beforehand (each already signed), one per line:
/// path, headers and body separated by tabs; our Lua script formats them once and cycles through them, optionally
/// pausing each connection between requests (a closed loop: the pause begins at the answer), or sending on a fixed
/// schedule (an open loop: each request that a connection is free to send takes the next slot of the schedule, so the
/// rate holds whatever the latency, while connections are free; a send that finds its slot passed by more than a
/// millisecond is counted late).
/// </summary>
internal static class Wrk
{
    private const string Script = """
        local ffi = require("ffi")
        ffi.cdef[[
          typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
          int clock_gettime(int clock_id, bench_timespec *tp);
        ]]
        local clock = ffi.new("bench_timespec")
        local function now_ms()
          ffi.C.clock_gettime(1, clock) -- CLOCK_MONOTONIC
          return tonumber(clock.tv_sec) * 1000 + tonumber(clock.tv_nsec) / 1e6
        end
        local requests = {}
        local n = 0
        local pause = 0
        local interval = 0
        local next_slot = nil
        late = 0 -- a global: done() runs in another Lua state and reads it from each thread's
        local threads = {}
        function setup(thread)
          threads[#threads + 1] = thread
        end
        function init(args)
          pause = tonumber(args[2] or "0")
          local rate = tonumber(args[3] or "0")
          if rate > 0 then interval = 1000 / rate end
          for line in io.lines(args[1]) do
            local fields = {}
            for field in string.gmatch(line, "[^\t]+") do fields[#fields + 1] = field end
            local headers = {}
            for i = 2, #fields - 1 do
              local name, value = string.match(fields[i], "^([^:]+): (.*)$")
              headers[name] = value
            end
            requests[#requests + 1] = wrk.format("POST", fields[1], headers, fields[#fields])
          end
        end
        function request()
          n = n + 1
          if n > #requests then n = 1 end
          return requests[n]
        end
        function delay()
          if interval == 0 then return pause end
          local now = now_ms()
          next_slot = next_slot or now
          local wait = next_slot - now
          next_slot = next_slot + interval
          if wait < -1 then late = late + 1 end
          if wait <= 0 then return 0 end
          return math.floor(wait + 0.5)
        end
        function done(summary, latency, _)
          local e = summary.errors
          local late = 0
          for _, thread in ipairs(threads) do late = late + thread:get("late") end
          io.write(string.format('BENCH {"requests":%d,"duration_us":%d,"failed":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,"late":%d}\n',
            summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout + e.status,
            latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, late))
        end
        """;

    /// <summary>
    /// Writes the Lua script wrk runs (arguments: the request file, the pause in ms, and the schedule's requests per
    /// second, 0 for none) into <paramref name="work"/>.
    /// </summary>
    public static async Task<string> WriteScriptAsync(string work)
    {
        var script = Path.Combine(work, "requests.lua");
        await File.WriteAllTextAsync(script, Script);
        return script;
    }

    public static async Task<WrkResult> RunAsync(string baseUrl, string requestFile, int connections, int seconds, int pauseMs, string work, int ratePerSecond = 0)
    {
        var script = await WriteScriptAsync(work);
        var info = new ProcessStartInfo("wrk")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "-t1", $"-c{connections}", $"-d{seconds}s", "--timeout", "5s", "-s", script, baseUrl, "--", requestFile, pauseMs.ToString(CultureInfo.InvariantCulture), ratePerSecond.ToString(CultureInfo.InvariantCulture) })
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start wrk");
        var output = await process.StandardOutput.ReadToEndAsync();
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var line = output.Split('\n').FirstOrDefault(l => l.StartsWith("BENCH ", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"wrk printed no result:{Environment.NewLine}{output}{errors}");
        using var json = System.Text.Json.JsonDocument.Parse(line["BENCH ".Length..]);
        var r = json.RootElement;
        double Ms(string key) => r.GetProperty(key).GetDouble() / 1000;
        return new WrkResult(r.GetProperty("requests").GetInt64(), r.GetProperty("duration_us").GetDouble() / 1_000_000,
            r.GetProperty("failed").GetInt64(), Ms("p50_us"), Ms("p90_us"), Ms("p99_us"), Ms("max_us"), r.GetProperty("late").GetInt64());
    }
}
