using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace IncidentBot.Benchmarks;

/// <summary>One call the bot made to the stand-in, with when it arrived and when it was answered.</summary>
internal sealed record Call(string Method, string? Channel, long Started, long Answered);

/// <summary>
/// A fast local stand-in for everything the bot calls: Slack's Web API (each method answered in its documented shape,
/// with fresh channel ids and message timestamps, after an optional delay), <c>response_url</c>, the Bot Connector and
/// the token endpoint for Teams, and the Bot Framework's OpenID metadata and keys, signed with a key of our own.
/// </summary>
internal sealed class StandIn : IAsyncDisposable
{
    public const string AppId = "6b3e1f2a-9c4d-4e8f-a1b2-3c4d5e6f7a8b";
    private readonly WebApplication _app;
    private readonly RSA _rsa = RSA.Create(2048);
    private readonly X509Certificate2 _certificate;
    private readonly ConcurrentQueue<Call> _calls = new();
    private readonly ConcurrentDictionary<string, long> _firstPostByChannel = new();
    private readonly ConcurrentDictionary<string, byte> _replied = new(StringComparer.Ordinal);
    private long _replies;
    private long _repeatedReplies;
    private long _lastReply;
    private long _ids;
    private long _teamsActivities;

    public StandIn(int port)
    {
        Port = port;
        var request = new CertificateRequest("CN=bench.botframework.test", _rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        _certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        KeyId = Base64UrlEncoder.Encode(_certificate.GetCertHash());

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapPost("/api/{method}", SlackAsync);
        _app.MapPost("/respond/{id}", (string id) =>
        {
            if (_replied.TryAdd(id, 0))
            {
                Interlocked.Increment(ref _replies);
                Volatile.Write(ref _lastReply, Stopwatch.GetTimestamp());
            }
            else
            {
                Interlocked.Increment(ref _repeatedReplies);
            }

            return Results.Ok();
        });
        _app.MapPost("/teams/v3/conversations/{conversation}/activities/{id?}", TeamsPost);
        _app.MapPut("/teams/v3/conversations/{conversation}/activities/{id}", (string id) => Results.Json(new { id }));
        _app.MapPost("/teams/v3/conversations", () => Results.Json(new { id = $"19:bench{Interlocked.Increment(ref _ids)}@thread.tacv2", activityId = $"a{Interlocked.Increment(ref _ids)}" }));
        _app.MapPost("/login/{tenant}/oauth2/v2.0/token", () => Results.Json(new { token_type = "Bearer", expires_in = 3600, access_token = "bench-connector-token" }));
        _app.MapGet("/botframework/openid", () => Results.Text(
            $$"""{"issuer":"https://api.botframework.com","jwks_uri":"{{BaseUrl}}botframework/keys","id_token_signing_alg_values_supported":["RS256"]}""",
            "application/json"));
        _app.MapGet("/botframework/keys", Keys);
    }

    public int Port { get; }

    public string BaseUrl => $"http://127.0.0.1:{Port}/";

    public string KeyId { get; }

    /// <summary>How long each Slack Web API call takes to answer.</summary>
    public TimeSpan SlackDelay { get; set; }

    /// <summary>Commands answered through their <c>response_url</c> since the last <see cref="Reset"/>, each once.</summary>
    public long Replies => Interlocked.Read(ref _replies);

    /// <summary>Answers to a <c>response_url</c> already answered, over the stand-in's life (a reset does not clear it).</summary>
    public long RepeatedReplies => Interlocked.Read(ref _repeatedReplies);

    public long LastReply => Volatile.Read(ref _lastReply);

    public long TeamsActivities => Interlocked.Read(ref _teamsActivities);

    public IReadOnlyCollection<Call> Calls => _calls;

    /// <summary>Channels the bot made, with when their first message (the status card) was answered.</summary>
    public IReadOnlyDictionary<string, long> Cards => _firstPostByChannel;

    public Task StartAsync() => _app.StartAsync();

    public void Reset()
    {
        _calls.Clear();
        _firstPostByChannel.Clear();
        _replied.Clear();
        Interlocked.Exchange(ref _replies, 0);
        Interlocked.Exchange(ref _teamsActivities, 0);
    }

    /// <summary>A token as the Bot Connector sends with an activity, signed by the key this stand-in publishes.</summary>
    public string TeamsToken(string serviceUrl)
    {
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = "https://api.botframework.com",
            Audience = AppId,
            NotBefore = DateTime.UtcNow.AddMinutes(-5),
            Expires = DateTime.UtcNow.AddMinutes(55),
            Claims = new Dictionary<string, object> { ["serviceurl"] = serviceUrl },
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(_rsa) { KeyId = KeyId }, SecurityAlgorithms.RsaSha256),
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    private async Task<IResult> SlackAsync(string method, HttpRequest request)
    {
        var started = Stopwatch.GetTimestamp();
        var form = request.HasFormContentType ? await request.ReadFormAsync() : null;
        string? Arg(string name) => form is not null && form.TryGetValue(name, out var v) ? v.ToString() : null;
        if (SlackDelay > TimeSpan.Zero)
        {
            await Task.Delay(SlackDelay);
        }

        var channel = Arg("channel");
        var id = Interlocked.Increment(ref _ids);
        var ts = $"{1_700_000_000 + id}.{id % 1_000_000:D6}";
        object body = method switch
        {
            "conversations.create" => new { ok = true, channel = new { id = $"CINC{id}", name = Arg("name"), is_private = Arg("is_private") == "true" } },
            "conversations.info" => new { ok = true, channel = new { id = channel, name = $"bench-{channel}" } },
            "conversations.list" => new { ok = true, channels = Array.Empty<object>(), response_metadata = new { next_cursor = string.Empty } },
            "conversations.history" or "conversations.replies" => new
            {
                ok = true,
                has_more = false,
                messages = Arg("latest") is { } latest && Arg("oldest") == latest
                    ? new object[] { new { type = "message", user = "U0BENCH", text = $"captured message {latest}", ts = latest } }
                    : [],
            },
            "users.info" => new { ok = true, user = new { id = Arg("user"), name = Arg("user"), real_name = $"Bench {Arg("user")}", profile = new { display_name = $"bench-{Arg("user")}" } } },
            "chat.postMessage" => new { ok = true, channel, ts, message = new { type = "message", text = Arg("text"), ts } },
            "chat.update" => new { ok = true, channel, ts = Arg("ts") },
            "chat.getPermalink" => new { ok = true, channel, permalink = $"https://bench.slack.test/archives/{channel}/p{Arg("message_ts")?.Replace(".", string.Empty, StringComparison.Ordinal)}" },
            "bookmarks.add" => new { ok = true, bookmark = new { id = $"Bk{id}", channel_id = channel, title = Arg("title"), link = Arg("link"), type = "link" } },
            "bookmarks.list" => new { ok = true, bookmarks = Array.Empty<object>() },
            "views.open" => new { ok = true, view = new { id = $"V{id}" } },
            _ => new { ok = true },
        };
        var answered = Stopwatch.GetTimestamp();
        _calls.Enqueue(new Call(method, channel, started, answered));
        if (method == "chat.postMessage" && channel is not null && channel.StartsWith("CINC", StringComparison.Ordinal))
        {
            _firstPostByChannel.TryAdd(channel, answered);
        }

        return Results.Json(body);
    }

    private IResult TeamsPost(string conversation)
    {
        Interlocked.Increment(ref _teamsActivities);
        return Results.Json(new { id = $"a{Interlocked.Increment(ref _ids)}" });
    }

    private IResult Keys()
    {
        var p = _rsa.ExportParameters(includePrivateParameters: false);
        var jwk = new JsonObject
        {
            ["kty"] = "RSA",
            ["use"] = "sig",
            ["kid"] = KeyId,
            ["x5t"] = KeyId,
            ["n"] = Base64UrlEncoder.Encode(p.Modulus),
            ["e"] = Base64UrlEncoder.Encode(p.Exponent),
            ["x5c"] = new JsonArray(Convert.ToBase64String(_certificate.RawData)),
            ["endorsements"] = new JsonArray("msteams"),
        };
        return Results.Text(new JsonObject { ["keys"] = new JsonArray(jwk) }.ToJsonString(), "application/json");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _certificate.Dispose();
        _rsa.Dispose();
    }
}

internal static class JsonOut
{
    public static readonly JsonSerializerOptions Indented = new(JsonSerializerDefaults.Web) { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };
}
