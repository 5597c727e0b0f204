using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using IncidentBot.Slack.Inbound;

namespace IncidentBot.Benchmarks;

/// <summary>The benchmarks of the performance goals, each adding its figures to <see cref="Table"/>.</summary>
internal sealed class Suites(string repo, string work, bool quick, string? postgres, string? boltDirectory)
{
    private const string ApiToken = "bench-api-token-0123456789abcdef";

    /// <summary>The paced rate of goal 1.</summary>
    private const int PacedRate = 2_000;

    private int _nextPort = 5200;

    public Table Table { get; } = new();

    private int PeakSeconds => quick ? 3 : 10;

    // The published build, as the deployment manifests run it (ReadyToRun: precompiled, so the bot starts warmer).
    private string BotDll => Path.Combine(repo, "artifacts/bot/IncidentBot.dll");

    /// <summary>
    /// The runtime settings (<c>DOTNET_*</c>) the systemd unit gives the bot (the Dockerfile gives the same, a test sees
    /// to it): the runtime reads them only from the environment, so the bot runs here as deployed.
    /// </summary>
    private IEnumerable<KeyValuePair<string, string>> DeployedRuntimeSettings =>
        File.ReadLines(Path.Combine(repo, "manifests/deploy/incidentbot.service"))
            .Where(line => line.StartsWith("Environment=DOTNET_", StringComparison.Ordinal))
            .Select(line => line["Environment=".Length..].Split('=', 2))
            .Select(pair => KeyValuePair.Create(pair[0], pair[1].Trim()));

    private string BenchDll => Path.Combine(repo, "benchmarks/Bench/bin/Release/net10.0/Bench.dll");

    /// <summary>Goals 1, 2 and 7: acks at peak and paced against Bolt and a bare Kestrel, keeping up, footprint.</summary>
    public async Task AckAsync()
    {
        await using var standIn = await StartStandInAsync();
        var peakCount = quick ? 60_000 : 200_000;
        var pacedSeconds = PeakSeconds;

        // The ceiling and the peer first, each alone on the machine.
        var ceilingPeak = default(WrkResult);
        var ceilingPaced = default(WrkResult);
        var ceilingScheduled = default(WrkResult);
        var ceilingPort = Port();
        await using (var ceiling = await ServerProcess.StartAsync("ceiling", "dotnet", [BenchDll, "ceiling", ceilingPort.ToString(CultureInfo.InvariantCulture)], ceilingPort, new Dictionary<string, string>(), null))
        {
            var file = Requests.SlashCommands("/slack/commands", Path.Combine(work, "ceiling.txt"), 20_000, "list", standIn.BaseUrl);
            ceilingPeak = await Wrk.RunAsync(ceiling.BaseUrl, file, 64, PeakSeconds, 0, work);
            ceilingPaced = await Wrk.RunAsync(ceiling.BaseUrl, file, 20, pacedSeconds, 10, work);
            ceilingScheduled = await Wrk.RunAsync(ceiling.BaseUrl, file, 64, pacedSeconds, 0, work, PacedRate);
        }

        WrkResult? boltPeak = null;
        WrkResult? boltWarm = null;
        WrkResult? boltPaced = null;
        WrkResult? boltScheduled = null;
        if (boltDirectory is not null)
        {
            var port = Port();
            await using var bolt = await ServerProcess.StartAsync("bolt", "node", [Path.Combine(boltDirectory, "app.js")], port,
                new Dictionary<string, string> { ["PORT"] = port.ToString(CultureInfo.InvariantCulture), ["SLACK_SIGNING_SECRET"] = Requests.Secret }, null, boltDirectory);
            boltPeak = await Wrk.RunAsync(bolt.BaseUrl, Requests.SlashCommands("/slack/events", Path.Combine(work, "bolt-peak.txt"), peakCount, "list", standIn.BaseUrl), 64, PeakSeconds, 0, work);
            boltWarm = await Wrk.RunAsync(bolt.BaseUrl, Requests.SlashCommands("/slack/events", Path.Combine(work, "bolt-warm.txt"), peakCount, "list", standIn.BaseUrl), 64, PeakSeconds, 0, work);
            var boltPacedFile = Requests.SlashCommands("/slack/events", Path.Combine(work, "bolt-paced.txt"), 40_000, "list", standIn.BaseUrl);
            boltPaced = await Wrk.RunAsync(bolt.BaseUrl, boltPacedFile, 20, pacedSeconds, 10, work);
            boltScheduled = await Wrk.RunAsync(bolt.BaseUrl, boltPacedFile, 64, pacedSeconds, 0, work, PacedRate);
        }

        await using var bot = await StartBotAsync(standIn, "ack");
        Table.Add("start-up to /readyz", bot.StartSeconds, "s", "≤ 1.5 s", bot.StartSeconds <= 1.5);
        await Task.Delay(TimeSpan.FromSeconds(2));
        var idle = bot.Memory().Rss;
        Table.Add("RSS idle", idle, "MB", "≤ 120 MB", idle <= 120);

        var peakFile = Requests.SlashCommands("/slack/commands", Path.Combine(work, "bot-peak.txt"), peakCount, "list", standIn.BaseUrl);
        standIn.Reset();
        var started = Stopwatch.GetTimestamp();
        var peak = await Wrk.RunAsync(bot.BaseUrl, peakFile, 64, PeakSeconds, 0, work);
        var peakEnded = Stopwatch.GetTimestamp();
        var answeredDuringPeak = standIn.Replies;
        var drained = await WaitForRepliesAsync(standIn, peak.Ok, TimeSpan.FromSeconds(quick ? 60 : 180));
        var drainSeconds = Stopwatch.GetElapsedTime(started, standIn.LastReply).TotalSeconds;
        var afterPeak = (drained - answeredDuringPeak) / Math.Max(Stopwatch.GetElapsedTime(peakEnded, standIn.LastReply).TotalSeconds, 0.001);
        var peakMemory = bot.Memory().Peak;

        var ratio = boltPeak is null ? (double?)null : peak.OkPerSecond / boltPeak.OkPerSecond;
        Table.Add("ack peak (64 connections)", peak.OkPerSecond, "req/s", "≥ 2× Bolt", ratio >= 2, "Bolt", boltPeak?.OkPerSecond, ratio);
        Table.Add("  ceiling: bare Kestrel", ceilingPeak.OkPerSecond, "req/s", "", null);
        Table.Add("ack p50 at peak", peak.P50Ms, "ms", "", null, "Bolt", boltPeak?.P50Ms);
        Table.Add("ack p99 at peak", peak.P99Ms, "ms", "", null, "Bolt", boltPeak?.P99Ms);
        Table.Add("failed at peak", peak.Failed, "req", "0", peak.Failed == 0);
        // While wrk runs the bot acks first and processes little: the rate the queue keeps up with is the one after it.
        Table.Add("processed after peak (applied + answered)", afterPeak, "cmd/s", "≥ 2,000/s", afterPeak >= 2000);
        Table.Add("  processed from the peak's start to the last answer", drained / drainSeconds, "cmd/s", $"{answeredDuringPeak} answered during the peak", null);
        // Commands still in flight when wrk stops are stored and answered, but wrk does not count them as acked.
        Table.Add("drain time of the peak run", drainSeconds, "s", $"{peak.Ok} acked, {drained} answered", drained >= peak.Ok);

        var pacedFile = Requests.SlashCommands("/slack/commands", Path.Combine(work, "bot-paced.txt"), 40_000, "list", standIn.BaseUrl);
        standIn.Reset();
        var paced = await Wrk.RunAsync(bot.BaseUrl, pacedFile, 20, pacedSeconds, 10, work);
        Table.Add("paced ~2,000/s: achieved", paced.OkPerSecond, "req/s", "the full rate (ceiling's)", paced.OkPerSecond >= 0.97 * ceilingPaced.OkPerSecond,
            "ceiling", ceilingPaced.OkPerSecond, paced.OkPerSecond / ceilingPaced.OkPerSecond);
        Table.Add("paced ~2,000/s: p99", paced.P99Ms, "ms", "≤ 10 ms", paced.P99Ms <= 10, "Bolt", boltPaced?.P99Ms);
        await WaitForRepliesAsync(standIn, paced.Ok, TimeSpan.FromSeconds(60));

        // wrk's paced connections wait for each answer before their 10 ms pause, so the rate they reach falls with the
        // server's mean latency (the bare ceiling's included): the same rate on a fixed schedule shows whether the bot
        // takes 2,000 commands a second as they come, and its backlog then.
        var scheduledFile = Requests.SlashCommands("/slack/commands", Path.Combine(work, "bot-scheduled.txt"), 40_000, "list", standIn.BaseUrl);
        standIn.Reset();
        var scheduled = await Wrk.RunAsync(bot.BaseUrl, scheduledFile, 64, pacedSeconds, 0, work, PacedRate);
        // Commands in flight when wrk stops are answered but not counted as acked, so replies may outnumber them.
        var backlog = Math.Max(0, scheduled.Ok - standIn.Replies);
        Table.Add("2,000/s on a fixed schedule: achieved", scheduled.OkPerSecond, "req/s", "the full rate (ceiling's)", scheduled.OkPerSecond >= 0.97 * ceilingScheduled.OkPerSecond,
            "ceiling", ceilingScheduled.OkPerSecond, scheduled.OkPerSecond / ceilingScheduled.OkPerSecond);
        Table.Add("2,000/s on a fixed schedule: p99", scheduled.P99Ms, "ms", "≤ 10 ms", scheduled.P99Ms <= 10, "Bolt", boltScheduled?.P99Ms);
        Table.Add("  sent behind the schedule (no connection free)", scheduled.Late, "req", $"ceiling {ceilingScheduled.Late}, p99 {ceilingScheduled.P99Ms:0.##} ms", null);
        Table.Add("  failed on the schedule", scheduled.Failed, "req", "0", scheduled.Failed == 0);
        Table.Add("backlog at the end of the scheduled run", backlog, "cmd", "flat (≤ 1 s of load)", backlog <= PacedRate);
        await WaitForRepliesAsync(standIn, scheduled.Ok, TimeSpan.FromSeconds(60));
        var peakRss = Math.Max(peakMemory, bot.Memory().Peak);
        Table.Add("RSS peak under load", peakRss, "MB", "≤ 300 MB", peakRss <= 300);

        // The same peak again, each process now warm (its code compiled for the load): what a bot that has been running
        // gives, and a figure less at the mercy of how each runtime starts.
        var warmFile = Requests.SlashCommands("/slack/commands", Path.Combine(work, "bot-warm.txt"), peakCount, "list", standIn.BaseUrl);
        standIn.Reset();
        var warm = await Wrk.RunAsync(bot.BaseUrl, warmFile, 64, PeakSeconds, 0, work);
        await WaitForRepliesAsync(standIn, warm.Ok, TimeSpan.FromSeconds(quick ? 60 : 180));
        var warmRatio = boltWarm is null ? (double?)null : warm.OkPerSecond / boltWarm.OkPerSecond;
        Table.Add("ack peak, warm (the same load again)", warm.OkPerSecond, "req/s", "≥ 2× Bolt", warmRatio >= 2, "Bolt", boltWarm?.OkPerSecond, warmRatio);
        Table.Add("  failed at the warm peak", warm.Failed, "req", "0", warm.Failed == 0);

        var warmRss = bot.Memory().Peak;
        Table.Add("RSS peak with the warm peak too", warmRss, "MB", "≤ 300 MB", warmRss <= 300);
        Table.Add("commands answered twice (all three runs)", standIn.RepeatedReplies, "cmd", "0", standIn.RepeatedReplies == 0);
    }

    /// <summary>
    /// For profiling by hand: the stand-in and the bot as the ack suite starts them, and a request file for wrk; runs
    /// until its standard input closes. Prints the bot's process id (for dotnet-trace) and the wrk command line.
    /// </summary>
    public async Task ServeAsync(int slackDelayMs)
    {
        await using var standIn = await StartStandInAsync();
        standIn.SlackDelay = TimeSpan.FromMilliseconds(slackDelayMs);
        await using var bot = await StartBotAsync(standIn, "serve");
        var file = Requests.SlashCommands("/slack/commands", Path.Combine(work, "serve.txt"), quick ? 60_000 : 200_000, "list", standIn.BaseUrl);
        var script = await Wrk.WriteScriptAsync(work);
        Console.WriteLine($"bot pid {bot.Id} at {bot.BaseUrl}");
        Console.WriteLine($"wrk -t1 -c64 -d10s --timeout 5s -s {script} {bot.BaseUrl} -- {file} 0");
        using var status = new Timer(_ => Console.WriteLine($"replies {standIn.Replies}"), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        await Console.In.ReadToEndAsync();
    }

    /// <summary>Goal 3: the declare's critical path with Slack answering after 50 ms, and a burst of 200 declares.</summary>
    public async Task DeclareAsync()
    {
        await using var standIn = await StartStandInAsync();
        standIn.SlackDelay = TimeSpan.FromMilliseconds(50);
        await using (var bot = await StartBotAsync(standIn, "declare"))
        {
            using var http = new HttpClient { BaseAddress = new Uri(bot.BaseUrl) };

            // The first declare warms up the process; the second is measured.
            await DeclareAsync(http, standIn, 0);
            await WaitForCardsAsync(standIn, 1, TimeSpan.FromSeconds(30));
            await Task.Delay(TimeSpan.FromSeconds(1)); // its pin and topic come after its card: not the measured declare's calls
            standIn.Reset();
            var sent = Stopwatch.GetTimestamp();
            await DeclareAsync(http, standIn, 1);
            await WaitForCardsAsync(standIn, 1, TimeSpan.FromSeconds(30));
            var card = standIn.Cards.Values.Single();
            var ms = Stopwatch.GetElapsedTime(sent, card).TotalMilliseconds;
            var (chain, methods) = SequentialRoundTrips(standIn.Calls, card);
            Table.Add("declare → status card (Slack 50 ms/call)", ms, "ms", "≤ 250 ms", ms <= 250);
            Table.Add("  sequential Slack round trips before the card", chain, "calls", string.Join(" → ", methods), null);

            Table.Add("200 declares → every card, LiteDB", await BurstAsync(standIn, [bot]), "s", "≤ 10 s", null);
            FixLastMet(10);
        }

        if (postgres is null)
        {
            throw new InvalidOperationException("BENCH_POSTGRES is not set: the two-replica declare burst needs a PostgreSQL server");
        }

        var database = await CreateDatabaseAsync("declare");
        await using var first = await StartBotAsync(standIn, "replica-a", database);
        await using var second = await StartBotAsync(standIn, "replica-b", database);
        Table.Add("200 declares → every card, 2 PostgreSQL replicas", await BurstAsync(standIn, [first, second]), "s", "≤ 10 s", null);
        FixLastMet(10);
    }

    /// <summary>Goal 4: reaction and pin events into one incident at 500/s, every one stored once.</summary>
    public async Task IngestAsync()
    {
        var seconds = quick ? 10 : 60;
        await using var standIn = await StartStandInAsync();
        await IngestIntoAsync(standIn, "LiteDB", null, seconds);
        if (postgres is null)
        {
            throw new InvalidOperationException("BENCH_POSTGRES is not set: ingestion into PostgreSQL needs a PostgreSQL server");
        }

        await IngestIntoAsync(standIn, "PostgreSQL", await CreateDatabaseAsync("ingest"), seconds);
    }

    /// <summary>Goal 5: Teams activities through /api/messages with token validation on.</summary>
    public async Task TeamsAsync()
    {
        await using var standIn = await StartStandInAsync();
        await using var bot = await StartBotAsync(standIn, "teams");
        var serviceUrl = $"{standIn.BaseUrl}teams/";
        var token = standIn.TeamsToken(serviceUrl);
        var peak = await Wrk.RunAsync(bot.BaseUrl, Requests.TeamsMessages(Path.Combine(work, "teams-peak.txt"), quick ? 30_000 : 100_000, serviceUrl, token), 64, PeakSeconds, 0, work);
        Table.Add("Teams activities/s (JWT on, 64 connections)", peak.OkPerSecond, "act/s", "measure", null);
        Table.Add("  failed", peak.Failed, "act", "0", peak.Failed == 0);

        // The peak's replies first, so the paced run does not share the machine with their backlog.
        await WaitForAsync(() => standIn.TeamsActivities, peak.Ok, TimeSpan.FromSeconds(quick ? 60 : 180));
        var paced = await Wrk.RunAsync(bot.BaseUrl, Requests.TeamsMessages(Path.Combine(work, "teams-paced.txt"), 500 * PeakSeconds, serviceUrl, token), 64, PeakSeconds, 0, work, 500);
        Table.Add("Teams p99 at 500/s", paced.P99Ms, "ms", $"measure ({paced.OkPerSecond:0}/s achieved, {paced.Late} sent late)", null);
    }

    /// <summary>Goal 6: the review doc of 10,000 entries (BenchmarkDotNet), and exporting a long timeline.</summary>
    public async Task DocAsync()
    {
        var project = Path.Combine(repo, "benchmarks/ReviewDoc/bin/Release/net10.0/ReviewDoc.dll");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false, WorkingDirectory = work };
        info.ArgumentList.Add(project);
        info.ArgumentList.Add("--json");
        info.ArgumentList.Add(quick ? "--quick" : "--full");
        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        var line = output.Split('\n').LastOrDefault(l => l.StartsWith('{'))
            ?? throw new InvalidOperationException($"ReviewDoc printed no result:{Environment.NewLine}{output}");
        using var json = JsonDocument.Parse(line);
        var medianMs = json.RootElement.GetProperty("medianMs").GetDouble();
        var allocatedMb = json.RootElement.GetProperty("allocatedMb").GetDouble();
        Table.Add("review doc, 10,000 entries: median", medianMs, "ms", "≤ 50 ms", medianMs <= 50);
        Table.Add("review doc, 10,000 entries: allocated", allocatedMb, "MB", "≤ 32 MB", allocatedMb <= 32);
    }

    private async Task IngestIntoAsync(StandIn standIn, string store, string? database, int seconds)
    {
        const int Rate = 500;
        await using var bot = await StartBotAsync(standIn, $"ingest-{store}", database);
        using var http = new HttpClient { BaseAddress = new Uri(bot.BaseUrl) };
        standIn.Reset();
        await DeclareAsync(http, standIn, 0);
        await WaitForCardsAsync(standIn, 1, TimeSpan.FromSeconds(30));
        var channel = standIn.Cards.Keys.Single();
        var before = await CapturedAsync(http);

        var file = Requests.TimelineEvents(Path.Combine(work, $"events-{store}.txt"), Rate * seconds, channel, "pushpin");
        var runsBefore = await InboxRunsDoneAsync(http);
        var started = Stopwatch.GetTimestamp();
        var sent = await PacedSender.RunAsync(bot.BaseUrl, file, Rate, seconds);

        // Done when the bot has applied as many deliveries as were acked (its own counter, cheap to read every 100 ms);
        // then the rows are counted. Polling the 30,000-entry timeline itself added its own second to the time.
        var patience = TimeSpan.FromSeconds(seconds + 120);
        while (await InboxRunsDoneAsync(http) - runsBefore < sent.Ok && Stopwatch.GetElapsedTime(started) < patience)
        {
            await Task.Delay(100);
        }

        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var stored = await CapturedAsync(http);
        var total = stored.Total - before.Total;
        var rate = total / elapsed;
        Table.Add($"timeline events stored/s, {store}", rate, "ev/s", "≥ 500/s", rate >= 500 * 0.98 && total == sent.Ok);
        Table.Add($"  {store}: acked / stored / distinct", total, "rows", $"{sent.Ok} acked, {stored.Distinct - before.Distinct} distinct", total == sent.Ok && stored.Distinct - before.Distinct == total);

        // Exporting the whole timeline: how much the process grows while it writes it.
        var rssBefore = bot.Memory().Peak;
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/incidents/1/timeline?format=json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ApiToken);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        await using (var body = await response.Content.ReadAsStreamAsync())
        {
            await body.CopyToAsync(Stream.Null);
        }

        var growth = bot.Memory().Peak - rssBefore;
        Table.Add($"  {store}: peak RSS growth exporting {total:#,0} entries", Math.Max(0, growth), "MB", "flat (streamed)", null);
    }

    /// <summary>Slack deliveries the bot has applied: <c>incidentbot_work_runs_total</c> of the Slack inbox, done.</summary>
    private static async Task<double> InboxRunsDoneAsync(HttpClient http)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ApiToken);
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var text = await response.Content.ReadAsStringAsync();
        return text.Split('\n')
            .Where(l => l.StartsWith("incidentbot_work_runs_total{", StringComparison.Ordinal)
                && l.Contains("topic=\"inbox.slack\"", StringComparison.Ordinal) && l.Contains("outcome=\"done\"", StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.IndexOf('}') + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture));
    }

    private static async Task<(int Total, int Distinct)> CapturedAsync(HttpClient http)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/incidents/1/timeline?format=json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ApiToken);
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStreamAsync());
        var texts = json.RootElement.GetProperty("timeline").EnumerateArray()
            .Select(e => e.GetProperty("text").GetString() ?? string.Empty)
            .Where(t => t.Contains("pinned message", StringComparison.Ordinal) || t.Contains("captured message", StringComparison.Ordinal))
            .ToList();
        return (texts.Count, texts.Distinct(StringComparer.Ordinal).Count());
    }

    private async Task<double> BurstAsync(StandIn standIn, IReadOnlyList<ServerProcess> bots)
    {
        const int Declares = 200;
        standIn.Reset();
        var clients = bots.Select(b => new HttpClient { BaseAddress = new Uri(b.BaseUrl) }).ToArray();
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, Declares).Select(i => DeclareAsync(clients[i % clients.Length], standIn, 1000 + i)));
        await WaitForCardsAsync(standIn, Declares, TimeSpan.FromSeconds(120));
        foreach (var client in clients)
        {
            client.Dispose();
        }

        return Stopwatch.GetElapsedTime(started, standIn.Cards.Values.Max()).TotalSeconds;
    }

    private void FixLastMet(double goalSeconds)
    {
        var last = Table.Rows[^1];
        Table.Rows[^1] = last with { Met = last.Value <= goalSeconds };
    }

    private static async Task DeclareAsync(HttpClient http, StandIn standIn, int i)
    {
        var body = Encoding.UTF8.GetBytes(Requests.SlashCommand(i, $"declare sev2 Benchmark outage {i}", standIn.BaseUrl));
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/slack/commands") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");
        request.Headers.Add("X-Slack-Request-Timestamp", ts);
        request.Headers.Add("X-Slack-Signature", Encoding.ASCII.GetString(SlackSignature.Compute(Requests.Secret, ts, body)));
        using var response = await http.SendAsync(request);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"declare answered {(int)response.StatusCode}");
        }
    }

    /// <summary>
    /// The longest chain of calls, each started after the one before it was answered, that ends before the card was
    /// answered: how many Slack round trips the declare waits for one after another.
    /// </summary>
    private static (int Depth, IReadOnlyList<string> Methods) SequentialRoundTrips(IEnumerable<Call> calls, long card)
    {
        var ordered = calls.Where(c => c.Answered <= card).OrderBy(c => c.Answered).ToList();
        var depth = new int[ordered.Count];
        var previous = new int[ordered.Count];
        for (var i = 0; i < ordered.Count; i++)
        {
            previous[i] = -1;
            for (var j = 0; j < i; j++)
            {
                if (ordered[j].Answered <= ordered[i].Started && depth[j] > (previous[i] < 0 ? 0 : depth[previous[i]]))
                {
                    previous[i] = j;
                }
            }

            depth[i] = 1 + (previous[i] < 0 ? 0 : depth[previous[i]]);
        }

        if (ordered.Count == 0)
        {
            return (0, []);
        }

        var methods = new List<string>();
        for (var i = Array.IndexOf(depth, depth.Max()); i >= 0; i = previous[i])
        {
            methods.Insert(0, ordered[i].Method);
        }

        return (depth.Max(), methods);
    }

    private static async Task WaitForCardsAsync(StandIn standIn, int count, TimeSpan patience)
    {
        var deadline = DateTime.UtcNow + patience;
        while (standIn.Cards.Count < count)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{standIn.Cards.Count} of {count} status cards posted after {patience.TotalSeconds} s");
            }

            await Task.Delay(5);
        }
    }

    private static Task<long> WaitForRepliesAsync(StandIn standIn, long count, TimeSpan patience) =>
        WaitForAsync(() => standIn.Replies, count, patience);

    private static async Task<long> WaitForAsync(Func<long> counted, long count, TimeSpan patience)
    {
        var started = Stopwatch.GetTimestamp();
        while (counted() < count && Stopwatch.GetElapsedTime(started) < patience)
        {
            await Task.Delay(20);
        }

        return counted();
    }

    private async Task<StandIn> StartStandInAsync()
    {
        var standIn = new StandIn(Port());
        await standIn.StartAsync();
        return standIn;
    }

    private Task<ServerProcess> StartBotAsync(StandIn standIn, string name, string? postgresDatabase = null)
    {
        var port = Port();
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Slack__BotToken"] = "xoxb-bench",
            ["Slack__SigningSecret"] = Requests.Secret,
            ["Slack__ApiBaseUrl"] = $"{standIn.BaseUrl}api/",
            ["Web__ApiTokens__0"] = ApiToken,
            ["Web__PublicBaseUrl"] = $"http://127.0.0.1:{port}/",
            ["Teams__AppId"] = StandIn.AppId,
            ["Teams__AppPassword"] = "bench-app-password",
            ["Teams__LoginBaseUrl"] = $"{standIn.BaseUrl}login/",
            ["Teams__OpenIdMetadataUrl"] = $"{standIn.BaseUrl}botframework/openid",
        };
        foreach (var (setting, value) in DeployedRuntimeSettings)
        {
            environment[setting] = value;
        }

        if (postgresDatabase is null)
        {
            environment["Storage__Path"] = Path.Combine(work, $"{name}-{port}.litedb");
        }
        else
        {
            environment["Storage__Provider"] = "Postgres";
            environment["Storage__ConnectionString"] = postgresDatabase;
        }

        return ServerProcess.StartAsync(name, "dotnet", [BotDll, "--urls", $"http://127.0.0.1:{port}"], port, environment, "/readyz", work);
    }

    private async Task<string> CreateDatabaseAsync(string name)
    {
        var database = $"incidentbot_bench_{name}_{Environment.ProcessId}";
        await using var connection = new Npgsql.NpgsqlConnection(postgres);
        await connection.OpenAsync();
        await using (var drop = new Npgsql.NpgsqlCommand($"DROP DATABASE IF EXISTS {database} WITH (FORCE)", connection))
        {
            await drop.ExecuteNonQueryAsync();
        }

        await using (var create = new Npgsql.NpgsqlCommand($"CREATE DATABASE {database}", connection))
        {
            await create.ExecuteNonQueryAsync();
        }

        return new Npgsql.NpgsqlConnectionStringBuilder(postgres) { Database = database }.ConnectionString;
    }

    private int Port()
    {
        while (true)
        {
            var port = _nextPort++;
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
            }
        }
    }
}
