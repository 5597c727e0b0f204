using System.Collections.Concurrent;
using System.Diagnostics;

namespace IncidentBot.Benchmarks;

/// <summary>What an open-loop run achieved: requests start on schedule whether or not earlier ones were answered.</summary>
internal sealed record PacedResult(int Sent, int Ok, double Seconds, double P50Ms, double P99Ms)
{
    public double OkPerSecond => Ok / Seconds;
}

/// <summary>
/// Sends every line of a request file once at a fixed rate (open loop, so a slow server cannot slow the sender down)
/// and counts each answer: for ingestion, whose stored rows are counted against the requests acknowledged. wrk's
/// schedule (<see cref="Wrk"/>) runs for a time instead, and does not count the requests still in flight as it stops.
/// </summary>
internal static class PacedSender
{
    public static async Task<PacedResult> RunAsync(string baseUrl, string requestFile, int rate, int seconds)
    {
        var lines = File.ReadLines(requestFile).Take(rate * seconds).ToArray();
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 512, PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
        {
            BaseAddress = new Uri(baseUrl),
            Timeout = TimeSpan.FromSeconds(10),
        };
        var latencies = new ConcurrentBag<double>();
        var ok = 0;
        var clock = Stopwatch.StartNew();
        var interval = TimeSpan.FromSeconds(1.0 / rate);
        var inFlight = new List<Task>(lines.Length);
        for (var i = 0; i < lines.Length; i++)
        {
            var wait = interval * i - clock.Elapsed;
            if (wait > TimeSpan.FromMilliseconds(1))
            {
                await Task.Delay(wait);
            }

            var line = lines[i];
            inFlight.Add(Task.Run(async () =>
            {
                using var request = Build(line);
                var started = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await http.SendAsync(request);
                    if (response.IsSuccessStatusCode)
                    {
                        Interlocked.Increment(ref ok);
                        latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                }
            }));
        }

        await Task.WhenAll(inFlight);
        var elapsed = clock.Elapsed.TotalSeconds;
        var sorted = latencies.Order().ToArray();
        double P(double q) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
        return new PacedResult(lines.Length, ok, elapsed, P(0.50), P(0.99));
    }

    /// <summary>One line of a request file (path, headers, body; tab-separated) as a request.</summary>
    public static HttpRequestMessage Build(string line)
    {
        var fields = line.Split('\t');
        var request = new HttpRequestMessage(HttpMethod.Post, fields[0]) { Content = new StringContent(fields[^1]) };
        foreach (var header in fields[1..^1])
        {
            var colon = header.IndexOf(": ", StringComparison.Ordinal);
            var name = header[..colon];
            var value = header[(colon + 2)..];
            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                request.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(value);
            }
            else
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return request;
    }
}
