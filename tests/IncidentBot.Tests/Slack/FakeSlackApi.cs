using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.AspNetCore.Hosting;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace IncidentBot.Tests.Slack;

/// <summary>
/// A small Slack Web API of our own on 127.0.0.1: keeps channels, messages and pins like Slack would, records
/// every call, and can be told to fail (429 with Retry-After, 500, an <c>{ok:false}</c> error) for a method or to
/// hold calls open (<see cref="Hold"/>). Several bots can share it, each on its own base URL
/// (<see cref="ApiBaseUrlFor"/>), so a call says which bot made it.
/// </summary>
public sealed class FakeSlackApi : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Lock _gate = new();
    private long _nextTs = 1_763_370_000_000_100;
    private int _nextChannel = 100;

    private FakeSlackApi(WebApplication app) => _app = app;

    public ConcurrentQueue<SlackCall> Calls { get; } = new();

    public ConcurrentQueue<JsonObject> Responses { get; } = new();

    /// <summary>Channels by id, with what the bot did to them.</summary>
    public ConcurrentDictionary<string, FakeChannel> Channels { get; } = new();

    /// <summary>Messages anyone posted, by (channel, ts), so history lookups find them.</summary>
    public ConcurrentDictionary<(string Channel, string Ts), JsonObject> Messages { get; } = new();

    /// <summary>Failures to serve next, per method, in order.</summary>
    public ConcurrentDictionary<string, ConcurrentQueue<Func<HttpContext, Task>>> Failures { get; } = new();

    /// <summary>Calls to hold open instead of answering, checked before <see cref="Failures"/>.</summary>
    public ConcurrentQueue<SlackHold> Holds { get; } = new();

    /// <summary>
    /// What happened, in order, as one log the test can add to as well (<see cref="Record"/>): each Web API call as
    /// "<c>method</c>" when it arrives and "<c>method answered</c>" when its answer goes out.
    /// </summary>
    public ConcurrentQueue<string> Events { get; } = new();

    /// <summary>What <c>apps.connections.open</c> hands out (a fake Socket Mode server), per connection.</summary>
    public Func<Uri>? SocketUrl { get; set; }

    public string BaseUrl => _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');

    public string ApiBaseUrl => BaseUrl + "/api/";

    /// <summary>The Web API base for one of several bots: its calls carry <paramref name="caller"/> (<see cref="SlackCall.Caller"/>).</summary>
    public string ApiBaseUrlFor(string caller) => $"{BaseUrl}/{caller}/api/";

    public string ResponseUrl(string id) => $"{BaseUrl}/respond/{id}";

    public static async Task<FakeSlackApi> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeSlackApi(app);
        app.MapPost("/api/{method}", (string method, HttpContext http) => fake.HandleAsync(method, null, http));
        app.MapPost("/{caller}/api/{method}", (string caller, string method, HttpContext http) => fake.HandleAsync(method, caller, http));
        app.MapPost("/respond/{id}", async (string id, HttpContext http) =>
        {
            var body = await JsonNode.ParseAsync(http.Request.Body);
            var obj = body!.AsObject();
            obj["_response_url_id"] = id;
            fake.Responses.Enqueue(obj);
            return Results.Ok();
        });
        await app.StartAsync();
        return fake;
    }

    public FakeChannel AddChannel(string name, string? purpose = null, bool isPrivate = false)
    {
        var id = $"C{Interlocked.Increment(ref _nextChannel):D6}";
        var channel = new FakeChannel(id, name, isPrivate) { Purpose = purpose ?? string.Empty };
        Channels[id] = channel;
        return channel;
    }

    public void AddMessage(string channel, string ts, string user, string text) =>
        Messages[(channel, ts)] = new JsonObject { ["type"] = "message", ["user"] = user, ["text"] = text, ["ts"] = ts };

    public void FailNext(string method, int times, Func<HttpContext, Task> failure)
    {
        var queue = Failures.GetOrAdd(method, _ => new ConcurrentQueue<Func<HttpContext, Task>>());
        for (var i = 0; i < times; i++)
        {
            queue.Enqueue(failure);
        }
    }

    public static Func<HttpContext, Task> RateLimited(int retryAfterSeconds) => http =>
    {
        http.Response.StatusCode = 429;
        http.Response.Headers.RetryAfter = retryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return http.Response.WriteAsync("""{"ok":false,"error":"ratelimited"}""");
    };

    public static Func<HttpContext, Task> Error(string error) => http => http.Response.WriteAsJsonAsync(new { ok = false, error });

    /// <summary>
    /// Holds the next <paramref name="times"/> calls to <paramref name="method"/> that match <paramref name="when"/>
    /// open until <see cref="SlackHold.Release"/> (then they are answered as usual) or until the caller goes away.
    /// With <paramref name="done"/> Slack has already done what was asked (the channel exists, the message is
    /// posted) and only the answer is missing; without it nothing happens unless the call is released.
    /// </summary>
    public SlackHold Hold(string method, Func<SlackCall, bool>? when = null, bool done = false, int times = 1)
    {
        var hold = new SlackHold(method, when ?? (_ => true), done, times);
        Holds.Enqueue(hold);
        return hold;
    }

    /// <summary>Adds the test's own event (an ack arriving …) to <see cref="Events"/>.</summary>
    public void Record(string what) => Events.Enqueue(what);

    public IReadOnlyList<SlackCall> CallsTo(string method) => Calls.Where(c => c.Method == method).ToList();

    public FakeChannel? ChannelNamed(string name) => Channels.Values.FirstOrDefault(c => c.Name == name);

    private async Task HandleAsync(string method, string? caller, HttpContext http)
    {
        var form = (await http.Request.ReadFormAsync()).ToDictionary(kv => kv.Key, kv => kv.Value.ToString(), StringComparer.Ordinal);
        var call = new SlackCall(method, form, http.Request.Headers.Authorization.ToString()) { Caller = caller };
        Calls.Enqueue(call);
        Events.Enqueue(method);

        http.Response.OnStarting(() =>
        {
            Events.Enqueue($"{method} answered");
            return Task.CompletedTask;
        });

        if (Holds.FirstOrDefault(h => h.TryTake(call)) is { } hold)
        {
            await HoldAsync(hold, call, form, http);
            return;
        }

        if (Failures.TryGetValue(method, out var queue) && queue.TryDequeue(out var failure))
        {
            await failure(http);
            return;
        }

        JsonObject result;
        lock (_gate)
        {
            result = Answer(method, form);
        }

        await http.Response.WriteAsync(result.ToJsonString());
    }

    private async Task HoldAsync(SlackHold hold, SlackCall call, Dictionary<string, string> form, HttpContext http)
    {
        JsonObject? answer = null;
        if (hold.Done)
        {
            lock (_gate)
            {
                answer = Answer(call.Method, form);
            }
        }

        hold.Arrive(call);
        try
        {
            await hold.Released.WaitAsync(http.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            return; // the caller is gone (killed, or it gave up waiting)
        }

        if (answer is null)
        {
            lock (_gate)
            {
                answer = Answer(call.Method, form);
            }
        }

        await http.Response.WriteAsync(answer.ToJsonString());
    }

    private JsonObject Answer(string method, Dictionary<string, string> form)
    {
        switch (method)
        {
            case "conversations.create":
                var name = form["name"];
                if (Channels.Values.Any(c => c.Name == name))
                {
                    return Fail("name_taken");
                }

                var created = AddChannel(name, isPrivate: form.GetValueOrDefault("is_private") == "true");
                return Ok(new JsonObject { ["channel"] = ChannelJson(created) });
            case "conversations.list":
                return Ok(new JsonObject
                {
                    ["channels"] = new JsonArray([.. Channels.Values.Where(c => !c.Archived).Select(c => (JsonNode)ChannelJson(c))]),
                    ["response_metadata"] = new JsonObject { ["next_cursor"] = string.Empty },
                });
            case "conversations.info":
                return Channels.TryGetValue(form["channel"], out var info) ? Ok(new JsonObject { ["channel"] = ChannelJson(info) }) : Fail("channel_not_found");
            case "conversations.setPurpose":
                return WithChannel(form, c => c.Purpose = form["purpose"]);
            case "conversations.setTopic":
                return WithChannel(form, c => c.Topic = form["topic"]);
            case "conversations.invite":
                return WithChannel(form, c =>
                {
                    foreach (var user in form["users"].Split(','))
                    {
                        c.Members.Add(user);
                    }
                });
            case "conversations.archive":
                return WithChannel(form, c => c.Archived = true);
            case "chat.postMessage":
                var ts = NextTs();
                var channelId = form["channel"];
                Messages[(channelId, ts)] = new JsonObject { ["type"] = "message", ["bot_id"] = "B0BOT", ["text"] = form["text"], ["ts"] = ts, ["blocks"] = form.GetValueOrDefault("blocks") };
                return Ok(new JsonObject { ["channel"] = channelId, ["ts"] = ts });
            case "chat.update":
                if (!Messages.TryGetValue((form["channel"], form["ts"]), out var message))
                {
                    return Fail("message_not_found");
                }

                message["text"] = form["text"];
                message["blocks"] = form.GetValueOrDefault("blocks");
                return Ok(new JsonObject { ["channel"] = form["channel"], ["ts"] = form["ts"] });
            case "pins.add":
                return WithChannel(form, c => c.Pins.Add(form["timestamp"]));
            case "conversations.history":
                var found = Messages.TryGetValue((form["channel"], form["latest"]), out var m) ? new JsonArray(m.DeepClone()) : [];
                return Ok(new JsonObject { ["messages"] = found, ["has_more"] = false });
            case "conversations.replies":
                return Fail("thread_not_found");
            case "chat.getPermalink":
                return Ok(new JsonObject { ["channel"] = form["channel"], ["permalink"] = $"https://fake.slack.test/archives/{form["channel"]}/p{form["message_ts"].Replace(".", string.Empty, StringComparison.Ordinal)}" });
            case "users.info":
                var user = form["user"];
                return Ok(new JsonObject
                {
                    ["user"] = new JsonObject { ["id"] = user, ["name"] = user.ToLowerInvariant(), ["real_name"] = $"Real {user}", ["profile"] = new JsonObject { ["display_name"] = $"{user.ToLowerInvariant()}-display" } },
                });
            case "apps.connections.open":
                return SocketUrl is null ? Fail("invalid_auth") : Ok(new JsonObject { ["url"] = SocketUrl().ToString() });
            default:
                // views.open, chat.postEphemeral, bookmarks.add …: accepted as Slack would.
                return Ok([]);
        }
    }

    private JsonObject WithChannel(Dictionary<string, string> form, Action<FakeChannel> change)
    {
        var id = form.GetValueOrDefault("channel") ?? form.GetValueOrDefault("channel_id") ?? string.Empty;
        if (!Channels.TryGetValue(id, out var channel))
        {
            return Fail("channel_not_found");
        }

        change(channel);
        return Ok([]);
    }

    private string NextTs()
    {
        var n = Interlocked.Increment(ref _nextTs);
        return $"{n / 1_000_000}.{n % 1_000_000:D6}";
    }

    private static JsonObject ChannelJson(FakeChannel c) => new()
    {
        ["id"] = c.Id,
        ["name"] = c.Name,
        ["is_private"] = c.IsPrivate,
        ["is_archived"] = c.Archived,
        ["purpose"] = new JsonObject { ["value"] = c.Purpose, ["creator"] = string.Empty, ["last_set"] = 0 },
    };

    private static JsonObject Ok(JsonObject o)
    {
        o["ok"] = true;
        return o;
    }

    private static JsonObject Fail(string error) => new() { ["ok"] = false, ["error"] = error };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

public sealed record SlackCall(string Method, IReadOnlyDictionary<string, string> Form, string Authorization)
{
    /// <summary>Which bot called, when it was given <see cref="FakeSlackApi.ApiBaseUrlFor"/>; null on the plain base URL.</summary>
    public string? Caller { get; init; }

    public string this[string key] => Form.TryGetValue(key, out var v) ? v : string.Empty;

    public JsonNode? Json(string key) => Form.TryGetValue(key, out var v) && v.Length > 0 ? JsonNode.Parse(v) : null;
}

public sealed class FakeChannel(string id, string name, bool isPrivate)
{
    public string Id { get; } = id;
    public string Name { get; } = name;
    public bool IsPrivate { get; } = isPrivate;
    public string Purpose { get; set; } = string.Empty;
    public string Topic { get; set; } = string.Empty;
    public bool Archived { get; set; }
    public ConcurrentBag<string> Members { get; } = [];
    public ConcurrentBag<string> Pins { get; } = [];
}

/// <summary>Calls <see cref="FakeSlackApi"/> holds open: what they are, when the first arrived, and the release.</summary>
public sealed class SlackHold
{
    private readonly string _method;
    private readonly Func<SlackCall, bool> _when;
    private readonly TaskCompletionSource<SlackCall> _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private int _left;
    private int _count;

    internal SlackHold(string method, Func<SlackCall, bool> when, bool done, int times)
    {
        _method = method;
        _when = when;
        Done = done;
        _left = times;
    }

    /// <summary>Slack did the work before holding the answer back.</summary>
    public bool Done { get; }

    /// <summary>The first call held.</summary>
    public Task<SlackCall> Arrived => _arrived.Task;

    /// <summary>How many calls were held so far.</summary>
    public int Count => Volatile.Read(ref _count);

    internal Task Released => _released.Task;

    /// <summary>Answers the calls held now, and lets later ones through.</summary>
    public void Release() => _released.TrySetResult();

    internal bool TryTake(SlackCall call)
    {
        if (call.Method != _method || _released.Task.IsCompleted || !_when(call))
        {
            return false;
        }

        lock (_gate)
        {
            if (_left == 0)
            {
                return false;
            }

            _left--;
            Interlocked.Increment(ref _count);
            return true;
        }
    }

    internal void Arrive(SlackCall call) => _arrived.TrySetResult(call);
}
