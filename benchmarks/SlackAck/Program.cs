using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using IncidentBot.Slack.Inbound;

// Measures how fast a running bot acknowledges signed Slack slash commands at a fixed request rate.
// Every request is signed and carries a fresh trigger_id, so each one is stored in the inbox like a real command.
// It also serves a stand-in for Slack's Web API and response_url, so the work after the ack has somewhere to go.
//   dotnet run -c Release -- <botUrl> <sinkPort> <signingSecret> <requestsPerSecond> <seconds>
var botUrl = args.ElementAtOrDefault(0) ?? "http://127.0.0.1:5090";
var sinkPort = int.Parse(args.ElementAtOrDefault(1) ?? "5091", CultureInfo.InvariantCulture);
var secret = args.ElementAtOrDefault(2) ?? "bench-signing-secret";
var rate = int.Parse(args.ElementAtOrDefault(3) ?? "1000", CultureInfo.InvariantCulture);
var seconds = int.Parse(args.ElementAtOrDefault(4) ?? "20", CultureInfo.InvariantCulture);

var replies = 0;
var sinkBuilder = WebApplication.CreateSlimBuilder();
sinkBuilder.WebHost.UseUrls($"http://127.0.0.1:{sinkPort}");
sinkBuilder.Logging.ClearProviders();
var sink = sinkBuilder.Build();
sink.MapPost("/api/{method}", (string method) => Results.Text("""{"ok":true,"ts":"1.000001","channel":{"id":"C1","name":"x"}}""", "application/json"));
sink.MapPost("/respond/{id}", () =>
{
    Interlocked.Increment(ref replies);
    return Results.Ok();
});
if (args.Contains("--sink-only"))
{
    await sink.RunAsync();
    return;
}

await sink.StartAsync();

using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
{
    BaseAddress = new Uri(botUrl),
    Timeout = TimeSpan.FromSeconds(10),
};

async Task<(double Ms, int Status)> SendAsync(int i)
{
    var body = $"token=x&team_id=T0BENCH&team_domain=bench&channel_id=C0BENCH&channel_name=bench&user_id=U0BENCH{i % 50}&user_name=bench{i % 50}" +
        $"&command=%2Fincident&text=list&api_app_id=A0BENCH&response_url={Uri.EscapeDataString($"http://127.0.0.1:{sinkPort}/respond/{i}")}&trigger_id=bench.{Guid.NewGuid():N}";
    var bytes = Encoding.UTF8.GetBytes(body);
    var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
    using var request = new HttpRequestMessage(HttpMethod.Post, "/slack/commands") { Content = new ByteArrayContent(bytes) };
    request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");
    request.Headers.Add("X-Slack-Request-Timestamp", ts);
    request.Headers.Add("X-Slack-Signature", Encoding.ASCII.GetString(SlackSignature.Compute(secret, ts, bytes)));
    var started = Stopwatch.GetTimestamp();
    try
    {
        using var response = await http.SendAsync(request);
        return (Stopwatch.GetElapsedTime(started).TotalMilliseconds, (int)response.StatusCode);
    }
    catch (HttpRequestException)
    {
        return (Stopwatch.GetElapsedTime(started).TotalMilliseconds, 0);
    }
}

// Warm up (JIT, connection pool, SQLite page cache), then send at a fixed rate: one request every 1/rate s.
for (var i = 0; i < 200; i++)
{
    await SendAsync(-i - 1);
}

var results = new ConcurrentBag<(double Ms, int Status)>();
var total = rate * seconds;
var interval = TimeSpan.FromSeconds(1.0 / rate);
var clock = Stopwatch.StartNew();
var inFlight = new List<Task>(total);
for (var i = 0; i < total; i++)
{
    var due = interval * i;
    var wait = due - clock.Elapsed;
    if (wait > TimeSpan.FromMilliseconds(1))
    {
        await Task.Delay(wait);
    }

    var n = i;
    inFlight.Add(Task.Run(async () => results.Add(await SendAsync(n))));
}

await Task.WhenAll(inFlight);
var elapsed = clock.Elapsed.TotalSeconds;
var drainUntil = DateTime.UtcNow.AddSeconds(60);
while (Volatile.Read(ref replies) < total + 200 && DateTime.UtcNow < drainUntil)
{
    await Task.Delay(100);
}

var drained = clock.Elapsed.TotalSeconds;
var latencies = results.Where(r => r.Status == 200).Select(r => r.Ms).Order().ToArray();
double P(double q) => latencies.Length == 0 ? double.NaN : latencies[Math.Min(latencies.Length - 1, (int)Math.Ceiling(q * latencies.Length) - 1)];
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"requests sent:        {total} at a target of {rate}/s over {seconds} s (achieved {total / elapsed:F0}/s)"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"acked 200:            {latencies.Length}; other: {results.Count(r => r.Status != 200)}"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ack latency ms:       p50 {P(0.50):F2}  p90 {P(0.90):F2}  p99 {P(0.99):F2}  max {latencies.LastOrDefault():F2}"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"replies delivered:    {Volatile.Read(ref replies) - 200} of {total} via response_url, all done {drained:F1} s after the first request"));
await sink.StopAsync();
