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
/// A small Slack Web API of our own on 127.0.0.1: keeps channels, messages (with their metadata and threads), pins and
/// bookmarks like Slack would, serves them back as <c>conversations.history</c>, <c>conversations.replies</c> and
/// <c>bookmarks.list</c> answer (the shapes of Slack's method reference), records every call, and can be told to fail
/// (429 with Retry-After, 500, an <c>{ok:false}</c> error) for a method, to fail after doing what was asked
/// (<see cref="FailAfterStoring"/>: a reset or a 500 once the message is posted), or to hold calls open
/// (<see cref="Hold"/>). Several bots can share it, each on its own base URL (<see cref="ApiBaseUrlFor"/>), so a call
/// says which bot made it.
/// </summary>
public sealed class FakeSlackApi : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Lock _gate = new();
    private long _lastTs;
    private int _nextChannel = 100;
    private int _nextBookmark;

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
    /// Failures for calls that match (<see cref="FailWhen"/>, <see cref="FailAfterStoring"/>), checked after
    /// <see cref="Holds"/> and before <see cref="Failures"/>.
    /// </summary>
    public ConcurrentQueue<SlackHold> Faults { get; } = new();

    /// <summary>Slack's clock, which gives messages their <c>ts</c>: the bot's, when the bot runs on a fake clock.</summary>
    public TimeProvider Clock { get; set; } = TimeProvider.System;

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
            var call = new SlackCall(ResponseUrlMethod, new Dictionary<string, string>(StringComparer.Ordinal) { ["text"] = obj["text"]?.ToString() ?? string.Empty }, string.Empty);
            fake.Calls.Enqueue(call);
            if (fake.Holds.FirstOrDefault(h => h.TryTake(call)) is { } hold)
            {
                // A reply that reached Slack (or not, without done) whose answer never reaches the bot.
                if (hold.Done)
                {
                    fake.Responses.Enqueue(obj);
                }

                hold.Arrive(call);
                await hold.Released.WaitAsync(http.RequestAborted).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                if (http.RequestAborted.IsCancellationRequested)
                {
                    return Results.Empty;
                }

                if (!hold.Done)
                {
                    fake.Responses.Enqueue(obj);
                }

                return Results.Ok();
            }

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

    /// <summary>The bot's own user, the author of what it posts.</summary>
    public const string BotUser = "U0BOT";

    /// <summary>What <see cref="Hold"/> and <see cref="Calls"/> call a reply through a response URL.</summary>
    public const string ResponseUrlMethod = "response_url";

    public void AddMessage(string channel, string ts, string user, string text) =>
        Messages[(channel, ts)] = new JsonObject { ["type"] = "message", ["user"] = user, ["text"] = text, ["ts"] = ts };

    /// <summary>The messages of a channel as people see them, thread replies included, oldest first.</summary>
    public IReadOnlyList<JsonObject> MessagesIn(string channel) =>
        [.. Messages.Where(m => m.Key.Channel == channel).OrderBy(m => m.Key.Ts, StringComparer.Ordinal).Select(m => m.Value)];

    /// <summary>
    /// Does what the next <paramref name="times"/> calls to <paramref name="method"/> matching <paramref name="when"/>
    /// ask (the message is posted, the bookmark added), then answers with <paramref name="failure"/> instead (a 500,
    /// <see cref="Reset"/>): the bot cannot tell whether it happened.
    /// </summary>
    public void FailAfterStoring(string method, Func<HttpContext, Task> failure, Func<SlackCall, bool>? when = null, int times = 1) =>
        Faults.Enqueue(new SlackHold(method, when ?? (_ => true), done: true, times) { Failure = failure });

    /// <summary>Answers the next <paramref name="times"/> calls to <paramref name="method"/> matching <paramref name="when"/> with <paramref name="failure"/>, doing nothing.</summary>
    public void FailWhen(string method, Func<HttpContext, Task> failure, Func<SlackCall, bool> when, int times = 1) =>
        Faults.Enqueue(new SlackHold(method, when, done: false, times) { Failure = failure });

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

    public static Func<HttpContext, Task> ServerError => http =>
    {
        http.Response.StatusCode = 500;
        return http.Response.WriteAsync("internal error");
    };

    /// <summary>Drops the connection without an answer: the caller sees it reset.</summary>
    public static Func<HttpContext, Task> Reset => http =>
    {
        http.Abort();
        return Task.CompletedTask;
    };

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

        if (Faults.FirstOrDefault(h => h.TryTake(call)) is { } fault)
        {
            if (fault.Done)
            {
                lock (_gate)
                {
                    Answer(method, form);
                }
            }

            fault.Arrive(call);
            await fault.Failure!(http);
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
            hold.Abandon();
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
                if (Channels.TryGetValue(form.GetValueOrDefault("channel") ?? string.Empty, out var invitedTo)
                    && form["users"].Split(',').All(invitedTo.Members.Contains))
                {
                    return Fail("already_in_channel");
                }

                return WithChannel(form, c =>
                {
                    foreach (var user in form["users"].Split(',').Where(u => !c.Members.Contains(u)))
                    {
                        c.Members.Add(user);
                    }
                });
            case "conversations.archive":
                return WithChannel(form, c => c.Archived = true);
            case "conversations.join":
                // Public channels only; joining one the bot is in is ok with the warning already_in_channel.
                if (!Channels.TryGetValue(form.GetValueOrDefault("channel") ?? string.Empty, out var joining))
                {
                    return Fail("channel_not_found");
                }

                if (joining.IsPrivate)
                {
                    return Fail("method_not_supported_for_channel_type");
                }

                if (joining.Archived)
                {
                    return Fail("is_archived");
                }

                var joinedBefore = joining.Members.Contains(BotUser);
                if (!joinedBefore)
                {
                    joining.Members.Add(BotUser);
                }

                var joined = Ok(new JsonObject { ["channel"] = ChannelJson(joining) });
                if (joinedBefore)
                {
                    joined["warning"] = "already_in_channel";
                    joined["response_metadata"] = new JsonObject { ["warnings"] = new JsonArray("already_in_channel") };
                }

                return joined;
            case "chat.postEphemeral":
                // Shown to one user, never stored in the channel's history: conversations.history cannot find it.
                return Ok(new JsonObject { ["message_ts"] = NextTs() });
            case "chat.postMessage":
                var ts = NextTs();
                var channelId = form["channel"];
                var posted = new JsonObject
                {
                    ["type"] = "message",
                    ["user"] = BotUser,
                    ["bot_id"] = "B0BOT",
                    ["app_id"] = "A0BOT",
                    ["text"] = form["text"],
                    ["ts"] = ts,
                    ["team"] = "T1DC2JH3J",
                };
                if (form.GetValueOrDefault("blocks") is { Length: > 0 } blocks)
                {
                    posted["blocks"] = JsonNode.Parse(blocks);
                }

                if (form.GetValueOrDefault("thread_ts") is { Length: > 0 } thread)
                {
                    if (!Messages.ContainsKey((channelId, thread)))
                    {
                        return Fail("thread_not_found");
                    }

                    posted["thread_ts"] = thread;
                    posted["parent_user_id"] = Messages[(channelId, thread)]["user"]?.DeepClone();
                }

                if (form.GetValueOrDefault("metadata") is { Length: > 0 } metadata)
                {
                    posted["metadata"] = JsonNode.Parse(metadata);
                }

                Messages[(channelId, ts)] = posted;
                return Ok(new JsonObject { ["channel"] = channelId, ["ts"] = ts, ["message"] = WithoutMetadata(posted) });
            case "chat.update":
                if (!Messages.TryGetValue((form["channel"], form["ts"]), out var message))
                {
                    return Fail("message_not_found");
                }

                message["text"] = form["text"];
                message["blocks"] = form.GetValueOrDefault("blocks") is { Length: > 0 } updated ? JsonNode.Parse(updated) : null;
                return Ok(new JsonObject { ["channel"] = form["channel"], ["ts"] = form["ts"] });
            case "pins.add":
                if (Channels.TryGetValue(form.GetValueOrDefault("channel") ?? string.Empty, out var pinnedIn) && pinnedIn.Pins.Contains(form["timestamp"]))
                {
                    return Fail("already_pinned");
                }

                return WithChannel(form, c => c.Pins.Add(form["timestamp"]));
            case "conversations.history":
                // A user id posts to the app's DM (chat.postMessage) but names no conversation to read; reading the DM
                // itself would need im:history, which the app does not have.
                return form["channel"] is ['U' or 'W', ..] ? Fail("channel_not_found") : History(form);
            case "conversations.replies":
                return Replies(form);
            case "bookmarks.add":
                return WithChannel(form, c => c.Bookmarks.Add(new JsonObject
                {
                    ["id"] = $"Bk{Interlocked.Increment(ref _nextBookmark):D8}",
                    ["channel_id"] = c.Id,
                    ["title"] = form["title"],
                    ["link"] = form["link"],
                    ["emoji"] = null,
                    ["icon_url"] = null,
                    ["type"] = form["type"],
                    ["entity_id"] = null,
                    ["date_created"] = Clock.GetUtcNow().ToUnixTimeSeconds(),
                    ["date_updated"] = 0,
                    ["rank"] = "U",
                    ["last_updated_by_user_id"] = BotUser,
                    ["last_updated_by_team_id"] = "T1DC2JH3J",
                    ["shortcut_id"] = null,
                    ["app_id"] = null,
                }), c => new JsonObject { ["bookmark"] = c.Bookmarks.Last().DeepClone() });
            case "bookmarks.list":
                return Channels.TryGetValue(form.GetValueOrDefault("channel_id") ?? string.Empty, out var marked)
                    ? Ok(new JsonObject { ["bookmarks"] = new JsonArray([.. marked.Bookmarks.Select(b => b.DeepClone())]) })
                    : Fail("channel_not_found");
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
                // views.open …: accepted as Slack would.
                return Ok([]);
        }
    }

    /// <summary>
    /// <c>conversations.history</c>: the channel's messages (thread replies left out) after <c>oldest</c> and before
    /// <c>latest</c> (either one included with <c>inclusive</c>), newest first, <c>limit</c> (default 100) per page, the
    /// next page through <c>response_metadata.next_cursor</c>; metadata only with <c>include_all_metadata</c>.
    /// </summary>
    private JsonObject History(Dictionary<string, string> form)
    {
        var channel = form["channel"];
        var (oldest, latest, inclusive) = Window(form);
        var all = Messages.Where(m => m.Key.Channel == channel)
            .Select(m => m.Value)
            .Where(m => m["thread_ts"] is null || m["thread_ts"]!.GetValue<string>() == m["ts"]!.GetValue<string>())
            .Where(m => InWindow(Ts(m), oldest, latest, inclusive))
            .OrderByDescending(Ts)
            .ToList();
        if (Cursor(form) is { } before)
        {
            all = [.. all.Where(m => Ts(m) < before)];
        }

        return Page(all, form, m => WithReplyCount(channel, m));
    }

    /// <summary>
    /// <c>conversations.replies</c>: the thread of <c>ts</c>, its parent first, then the replies in the window, oldest
    /// first, paged like history; <c>thread_not_found</c> when there is no such message.
    /// </summary>
    private JsonObject Replies(Dictionary<string, string> form)
    {
        var channel = form["channel"];
        if (!Messages.TryGetValue((channel, form["ts"]), out var asked))
        {
            return Fail("thread_not_found");
        }

        var parentTs = asked["thread_ts"]?.GetValue<string>() ?? form["ts"];
        var parent = Messages[(channel, parentTs)];
        var (oldest, latest, inclusive) = Window(form);
        var replies = Messages.Where(m => m.Key.Channel == channel && m.Key.Ts != parentTs)
            .Select(m => m.Value)
            .Where(m => m["thread_ts"]?.GetValue<string>() == parentTs && InWindow(Ts(m), oldest, latest, inclusive))
            .OrderBy(Ts)
            .ToList();
        var after = Cursor(form);
        var all = after is null ? [parent, .. replies] : replies.Where(m => Ts(m) > after).ToList();
        return Page(all, form, m => WithReplyCount(channel, m));
    }

    private JsonObject Page(List<JsonObject> all, Dictionary<string, string> form, Func<JsonObject, JsonObject> shown)
    {
        var limit = int.TryParse(form.GetValueOrDefault("limit"), CultureInfo.InvariantCulture, out var l) && l > 0 ? l : 100;
        var withMetadata = form.GetValueOrDefault("include_all_metadata") is "true" or "1";
        var page = all.Take(limit).Select(m => withMetadata ? (JsonObject)shown(m).DeepClone() : WithoutMetadata(shown(m))).ToList();
        var more = all.Count > limit;
        return Ok(new JsonObject
        {
            ["messages"] = new JsonArray([.. page]),
            ["has_more"] = more,
            ["pin_count"] = 0,
            ["response_metadata"] = new JsonObject
            {
                ["next_cursor"] = more ? Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"next_ts:{page[^1]["ts"]}")) : string.Empty,
            },
        });
    }

    private JsonObject WithReplyCount(string channel, JsonObject message)
    {
        var ts = message["ts"]!.GetValue<string>();
        var replies = Messages.Count(m => m.Key.Channel == channel && m.Key.Ts != ts && m.Value["thread_ts"]?.GetValue<string>() == ts);
        if (replies == 0)
        {
            return message;
        }

        var parent = (JsonObject)message.DeepClone();
        parent["thread_ts"] = ts;
        parent["reply_count"] = replies;
        return parent;
    }

    private static JsonObject WithoutMetadata(JsonObject message)
    {
        var copy = (JsonObject)message.DeepClone();
        copy.Remove("metadata");
        return copy;
    }

    private static (decimal Oldest, decimal Latest, bool Inclusive) Window(Dictionary<string, string> form) => (
        form.GetValueOrDefault("oldest") is { Length: > 0 } o ? decimal.Parse(o, CultureInfo.InvariantCulture) : 0m,
        form.GetValueOrDefault("latest") is { Length: > 0 } l ? decimal.Parse(l, CultureInfo.InvariantCulture) : decimal.MaxValue,
        form.GetValueOrDefault("inclusive") is "true" or "1");

    private static bool InWindow(decimal ts, decimal oldest, decimal latest, bool inclusive) =>
        inclusive ? ts >= oldest && ts <= latest : ts > oldest && ts < latest;

    private static decimal? Cursor(Dictionary<string, string> form) =>
        form.GetValueOrDefault("cursor") is { Length: > 0 } cursor
            ? decimal.Parse(System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(cursor))["next_ts:".Length..], CultureInfo.InvariantCulture)
            : null;

    private static decimal Ts(JsonObject message) => decimal.Parse(message["ts"]!.GetValue<string>(), CultureInfo.InvariantCulture);

    private JsonObject WithChannel(Dictionary<string, string> form, Action<FakeChannel> change, Func<FakeChannel, JsonObject>? answer = null)
    {
        var id = form.GetValueOrDefault("channel") ?? form.GetValueOrDefault("channel_id") ?? string.Empty;
        if (!Channels.TryGetValue(id, out var channel))
        {
            return Fail("channel_not_found");
        }

        change(channel);
        return Ok(answer?.Invoke(channel) ?? []);
    }

    /// <summary>The next message ts: Slack's clock in microseconds, and never one given out before.</summary>
    private string NextTs()
    {
        var now = (Clock.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks / 10;
        var n = _lastTs = Math.Max(now, _lastTs + 1);
        return string.Create(CultureInfo.InvariantCulture, $"{n / 1_000_000}.{n % 1_000_000:D6}");
    }

    private static JsonObject ChannelJson(FakeChannel c) => new()
    {
        ["id"] = c.Id,
        ["name"] = c.Name,
        ["is_member"] = c.Members.Contains(BotUser),
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

    /// <summary>Its bookmarks as <c>bookmarks.list</c> shows them, oldest first.</summary>
    public List<JsonObject> Bookmarks { get; } = [];
}

/// <summary>Calls <see cref="FakeSlackApi"/> holds open: what they are, when the first arrived, and the release.</summary>
public sealed class SlackHold
{
    private readonly string _method;
    private readonly Func<SlackCall, bool> _when;
    private readonly TaskCompletionSource<SlackCall> _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _abandoned = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private int _left;
    private int _count;

    /// <summary>For <see cref="FakeSlackApi.Faults"/>: the answer served in place of Slack's.</summary>
    internal Func<HttpContext, Task>? Failure { get; init; }

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

    /// <summary>Completes when a caller went away from a held call without its answer (it gave up waiting, or died).</summary>
    public Task Abandoned => _abandoned.Task;

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

    internal void Abandon() => _abandoned.TrySetResult();
}
