using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace IncidentBot.Tests.Teams;

/// <summary>
/// The Microsoft services a Teams bot talks to, played by one Kestrel app on 127.0.0.1 under path prefixes:
/// the Bot Connector (<see cref="ConnectorUrl"/>, the <c>serviceUrl</c> of the activities a test sends),
/// Microsoft Graph (<see cref="GraphBaseUrl"/>), the identity platform's token endpoint (<see cref="LoginBaseUrl"/>),
/// and the Bot Framework OpenID metadata with its signing keys (<see cref="OpenIdMetadataUrl"/>).
/// Every call is recorded; every route can be told to fail its next calls (<see cref="FailNext"/>).
/// Nothing here leaves the machine.
/// </summary>
public sealed class FakeTeamsServices : IAsyncDisposable
{
    /// <summary>The issuer of tokens the Bot Connector sends to bots (and of the published metadata).</summary>
    public const string BotFrameworkIssuer = "https://api.botframework.com";

    /// <summary>A client registered with the token endpoint from the start (the bot's app registration).</summary>
    public const string DefaultClientId = TeamsActivities.DefaultBotId;

    /// <summary>The secret of <see cref="DefaultClientId"/>.</summary>
    public const string DefaultClientSecret = "fake-bot-secret~8Qk.2Vb_that/must+never&leak=";

    /// <summary>The tenant Graph answers for (channel web URLs, member records).</summary>
    public const string DefaultGraphTenantId = TeamsActivities.DefaultTenantId;

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = false };

    private readonly WebApplication _app;
    private readonly TimeProvider _clock;
    private readonly Lock _gate = new();
    private readonly List<ConnectorCall> _connectorCalls = [];
    private readonly List<GraphCall> _graphCalls = [];
    private readonly List<TokenCall> _tokenCalls = [];
    private readonly List<PostedActivity> _activities = [];
    private readonly List<FakeGraphChannel> _channels = [];
    private readonly List<FakeGraphChat> _chats = [];
    private readonly Dictionary<string, FakeTeamsMember[]> _members = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _clients = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string> _issuedTokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentQueue<Func<HttpContext, Task>>> _failures = new(StringComparer.Ordinal);
    private readonly FakeSigningKey _endorsedKey = new(["msteams", "emulator"]);
    private readonly FakeSigningKey _webChatOnlyKey = new(["webchat"]);
    private readonly FakeSigningKey _unpublishedKey = new(["msteams", "emulator"]);
    private long _nextActivityId = 1_767_225_600_000;
    private int _tokensIssued;
    private int _metadataFetches;
    private int _keyFetches;

    private FakeTeamsServices(WebApplication app, TimeProvider clock)
    {
        _app = app;
        _clock = clock;
        _clients[DefaultClientId] = DefaultClientSecret;
    }

    /// <summary>Base address, e.g. <c>http://127.0.0.1:41234</c> (no trailing slash).</summary>
    public string BaseUrl => _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');

    /// <summary>The Bot Connector: use as the activities' <c>serviceUrl</c>. Ends with a slash, as Teams' do.</summary>
    public string ConnectorUrl => BaseUrl + "/connector/";

    /// <summary>Microsoft Graph v1.0, ending with a slash (<c>{GraphBaseUrl}teams/{id}/channels</c>).</summary>
    public string GraphBaseUrl => BaseUrl + "/graph/v1.0/";

    /// <summary>The identity platform's base: tokens come from <c>{LoginBaseUrl}{tenant}/oauth2/v2.0/token</c>.</summary>
    public string LoginBaseUrl => BaseUrl + "/login/";

    /// <summary>The Bot Framework OpenID metadata document.</summary>
    public string OpenIdMetadataUrl => BaseUrl + "/openid/.well-known/openidconfiguration";

    /// <summary>The JWKS named by the metadata's <c>jwks_uri</c>.</summary>
    public string JwksUrl => BaseUrl + "/openid/keys";

    /// <summary>Published key endorsed for <c>msteams</c> and <c>emulator</c>; <see cref="MintToken"/> signs with it by default.</summary>
    public string EndorsedKeyId => _endorsedKey.KeyId;

    /// <summary>Published key endorsed only for <c>webchat</c>.</summary>
    public string WebChatOnlyKeyId => _webChatOnlyKey.KeyId;

    /// <summary>A key that is never published: tokens signed with it must be rejected.</summary>
    public string UnpublishedKeyId => _unpublishedKey.KeyId;

    /// <summary>When set, a channel beyond this many (per team) is refused like Graph does.</summary>
    public int? MaxChannelsPerTeam { get; set; }

    /// <summary>Refuse a second channel with the same display name in a team (409 NameAlreadyExists). On by default.</summary>
    public bool RejectDuplicateChannelNames { get; set; } = true;

    /// <summary>
    /// When set, Connector calls need <c>Authorization: Bearer</c> with a token this fake issued for the Bot Framework
    /// scope, and Graph calls one issued for the Graph scope; others get 401.
    /// </summary>
    public bool RequireIssuedTokens { get; set; }

    /// <summary><c>expires_in</c> of issued tokens.</summary>
    public int TokenLifetimeSeconds { get; set; } = 3599;

    /// <summary>Members returned for a conversation without its own list (see <see cref="SetMembers"/>).</summary>
    public IReadOnlyList<FakeTeamsMember> DefaultMembers { get; set; } =
    [
        FakeTeamsMember.For(TeamsActivities.DefaultUserAadObjectId, TeamsActivities.DefaultUserName, "dana.whitfield@contoso.example"),
    ];

    public IReadOnlyList<ConnectorCall> ConnectorCalls
    {
        get
        {
            lock (_gate)
            {
                return [.. _connectorCalls];
            }
        }
    }

    public IReadOnlyList<GraphCall> GraphCalls
    {
        get
        {
            lock (_gate)
            {
                return [.. _graphCalls];
            }
        }
    }

    public IReadOnlyList<TokenCall> TokenCalls
    {
        get
        {
            lock (_gate)
            {
                return [.. _tokenCalls];
            }
        }
    }

    /// <summary>Channels created through Graph (or seeded), in creation order.</summary>
    public IReadOnlyList<FakeGraphChannel> GraphChannels
    {
        get
        {
            lock (_gate)
            {
                return [.. _channels];
            }
        }
    }

    /// <summary>Chats created through Graph, in creation order.</summary>
    public IReadOnlyList<FakeGraphChat> GraphChats
    {
        get
        {
            lock (_gate)
            {
                return [.. _chats];
            }
        }
    }

    public int OpenIdMetadataFetches => Volatile.Read(ref _metadataFetches);

    public int JwksFetches => Volatile.Read(ref _keyFetches);

    public static async Task<FakeTeamsServices> StartAsync(TimeProvider? clock = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeTeamsServices(app, clock ?? TimeProvider.System);
        app.Run(fake.HandleAsync);
        await app.StartAsync();
        return fake;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _endorsedKey.Dispose();
        _webChatOnlyKey.Dispose();
        _unpublishedKey.Dispose();
    }

    /// <summary>
    /// The next <paramref name="times"/> calls to <paramref name="route"/> (a <see cref="FakeTeamsRoutes"/> name) are
    /// answered by <paramref name="failure"/> instead, e.g. <see cref="TooManyRequests"/>. The calls are still recorded.
    /// </summary>
    public void FailNext(string route, int times, Func<HttpContext, Task> failure)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(times);
        var queue = _failures.GetOrAdd(route, _ => new ConcurrentQueue<Func<HttpContext, Task>>());
        for (var i = 0; i < times; i++)
        {
            queue.Enqueue(failure);
        }
    }

    /// <summary>429 with <c>Retry-After</c> (seconds), as the Connector and Graph throttle.</summary>
    public static Func<HttpContext, Task> TooManyRequests(int retryAfterSeconds = 1) => context =>
    {
        context.Response.Headers.RetryAfter = retryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return WriteJsonAsync(context, HttpStatusCode.TooManyRequests, ErrorBody("TooManyRequests", "Too many requests. Please retry after the time in Retry-After."));
    };

    /// <summary>A 500 with an <c>{"error":{code,message}}</c> body.</summary>
    public static Func<HttpContext, Task> ServerError() => context =>
        WriteJsonAsync(context, HttpStatusCode.InternalServerError, ErrorBody("ServiceError", "Internal server error."));

    /// <summary>A Graph error response: <c>{"error":{code,message,innerError}}</c>.</summary>
    public static Func<HttpContext, Task> GraphError(HttpStatusCode status, string code, string message) => context =>
        WriteJsonAsync(context, status, GraphErrorBody(code, message));

    /// <summary>Graph refusing a channel because the team is full.</summary>
    public static Func<HttpContext, Task> MaximumChannelsReached() =>
        GraphError(HttpStatusCode.BadRequest, "BadRequest", "Maximum number of channels reached");

    /// <summary>Graph refusing a channel whose name is taken.</summary>
    public static Func<HttpContext, Task> ChannelNameAlreadyExists() =>
        GraphError(HttpStatusCode.Conflict, "NameAlreadyExists", "Channel name already existed, please use other name.");

    /// <summary>Registers (or changes) a client the token endpoint accepts.</summary>
    public void RegisterClient(string clientId, string clientSecret)
    {
        lock (_gate)
        {
            _clients[clientId] = clientSecret;
        }
    }

    /// <summary>The members <c>pagedmembers</c> returns for a conversation (or for every thread of a channel).</summary>
    public void SetMembers(string conversationId, params FakeTeamsMember[] members)
    {
        lock (_gate)
        {
            _members[conversationId] = members;
        }
    }

    /// <summary>The personal chat id (<c>a:…</c>) the fake answers when the bot opens a 1:1 with <paramref name="memberId"/>.</summary>
    public static string PersonalConversationIdFor(string memberId) =>
        "a:1" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(memberId)))[..40].ToLowerInvariant();

    /// <summary>Puts an activity into a conversation as if it had been posted earlier (so it can be updated).</summary>
    public PostedActivity SeedActivity(string conversationId, string activityId, JsonObject activity)
    {
        var posted = new PostedActivity(conversationId, activityId, replyToId: null, PostedActivityKind.Seeded, activity);
        lock (_gate)
        {
            _activities.Add(posted);
        }

        return posted;
    }

    /// <summary>Registers an existing channel of a team, e.g. for duplicate-name and member checks.</summary>
    public FakeGraphChannel SeedChannel(string teamId, string displayName, string? channelId = null)
    {
        var channel = new FakeGraphChannel(teamId, channelId ?? NewChannelId(), displayName, null, "standard", null);
        lock (_gate)
        {
            _channels.Add(channel);
        }

        return channel;
    }

    /// <summary>Activities posted to exactly this conversation id, in posting order.</summary>
    public IReadOnlyList<PostedActivity> ActivitiesIn(string conversationId)
    {
        lock (_gate)
        {
            return [.. _activities.Where(a => a.ConversationId == conversationId)];
        }
    }

    /// <summary>
    /// What a channel shows: activities posted to the channel id itself and to any of its threads
    /// (<c>{channelId};messageid=…</c>), in posting order.
    /// </summary>
    public IReadOnlyList<PostedActivity> ChannelActivities(string channelId)
    {
        lock (_gate)
        {
            return [.. _activities.Where(a => ChannelOf(a.ConversationId) == channelId)];
        }
    }

    /// <summary>The activity with this id in the conversation's channel (or the exact conversation), if any.</summary>
    public PostedActivity? FindActivity(string conversationId, string activityId)
    {
        lock (_gate)
        {
            return FindActivityLocked(conversationId, activityId);
        }
    }

    /// <summary>Waits (polling) until a Connector call matches, or fails after <paramref name="timeout"/> (default 10 s).</summary>
    public Task<ConnectorCall> WaitForConnectorCallAsync(Func<ConnectorCall, bool> match, TimeSpan? timeout = null) =>
        WaitForAsync(() => ConnectorCalls.FirstOrDefault(match), timeout, "Connector call");

    /// <summary>Waits (polling) until a Graph call matches, or fails after <paramref name="timeout"/> (default 10 s).</summary>
    public Task<GraphCall> WaitForGraphCallAsync(Func<GraphCall, bool> match, TimeSpan? timeout = null) =>
        WaitForAsync(() => GraphCalls.FirstOrDefault(match), timeout, "Graph call");

    /// <summary>
    /// Signs a token like the one the Bot Connector sends with each activity (claims <c>serviceurl</c>, <c>iss</c>,
    /// <c>aud</c>, <c>nbf</c>, <c>exp</c>, <c>iat</c>; header <c>kid</c>). By default it is signed with the published key
    /// endorsed for msteams, valid from now for an hour. With <paramref name="endorsedForMsTeams"/> false it is signed with
    /// the key endorsed only for webchat. A <paramref name="keyId"/> of a known key signs with that key; an unknown one
    /// signs with the unpublished key and puts the given kid in the header.
    /// A negative <paramref name="lifetime"/> gives an expired token.
    /// </summary>
    public string MintToken(
        string audience,
        string serviceUrl,
        string issuer = BotFrameworkIssuer,
        TimeSpan? lifetime = null,
        DateTimeOffset? notBefore = null,
        string? keyId = null,
        bool endorsedForMsTeams = true)
    {
        FakeSigningKey signer;
        string kid;
        if (keyId is null)
        {
            signer = endorsedForMsTeams ? _endorsedKey : _webChatOnlyKey;
            kid = signer.KeyId;
        }
        else
        {
            signer = new[] { _endorsedKey, _webChatOnlyKey, _unpublishedKey }.FirstOrDefault(k => k.KeyId == keyId) ?? _unpublishedKey;
            kid = keyId;
        }

        return Sign(signer, kid, audience, serviceUrl, issuer, lifetime, notBefore);
    }

    /// <summary>A token whose header names the endorsed key but which is signed by the unpublished one (bad signature).</summary>
    public string MintForgedToken(string audience, string serviceUrl) =>
        Sign(_unpublishedKey, _endorsedKey.KeyId, audience, serviceUrl, BotFrameworkIssuer, null, null);

    private string Sign(FakeSigningKey signer, string kid, string audience, string serviceUrl, string issuer, TimeSpan? lifetime, DateTimeOffset? notBefore)
    {
        var now = _clock.GetUtcNow();
        var expires = now + (lifetime ?? TimeSpan.FromHours(1));
        var validFrom = notBefore ?? (expires <= now ? expires - TimeSpan.FromHours(1) : now);
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = validFrom.UtcDateTime,
            Expires = expires.UtcDateTime,
            Claims = new Dictionary<string, object> { ["serviceurl"] = serviceUrl },
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(signer.Rsa) { KeyId = kid }, SecurityAlgorithms.RsaSha256),
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    private static async Task<T> WaitForAsync<T>(Func<T?> probe, TimeSpan? timeout, string what)
        where T : class
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            if (probe() is { } found)
            {
                return found;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"No matching {what} arrived in time.");
            }

            await Task.Delay(20);
        }
    }

    // ---------------------------------------------------------------- dispatch

    private async Task HandleAsync(HttpContext context)
    {
        var segments = Segments(context);
        var method = context.Request.Method;
        if (segments.Length >= 1 && segments[0] == "connector")
        {
            await HandleConnectorAsync(context, method, segments[1..]);
        }
        else if (segments.Length >= 2 && segments[0] == "graph" && segments[1] == "v1.0")
        {
            await HandleGraphAsync(context, method, segments[2..]);
        }
        else if (segments is ["login", var tenant, "oauth2", "v2.0", "token"] && HttpMethods.IsPost(method))
        {
            await HandleTokenAsync(context, tenant);
        }
        else if (segments is ["openid", ".well-known", "openidconfiguration"] && HttpMethods.IsGet(method))
        {
            Interlocked.Increment(ref _metadataFetches);
            if (!await TryFailAsync(context, FakeTeamsRoutes.OpenIdMetadata))
            {
                await WriteJsonAsync(context, HttpStatusCode.OK, MetadataDocument());
            }
        }
        else if (segments is ["openid", "keys"] && HttpMethods.IsGet(method))
        {
            Interlocked.Increment(ref _keyFetches);
            if (!await TryFailAsync(context, FakeTeamsRoutes.Jwks))
            {
                await WriteJsonAsync(context, HttpStatusCode.OK, KeysDocument());
            }
        }
        else
        {
            await WriteJsonAsync(context, HttpStatusCode.NotFound, ErrorBody("NotFound", $"The fake has no {method} {context.Request.Path}."));
        }
    }

    /// <summary>Path segments taken from the raw request target and unescaped one by one (ids contain : @ ;).</summary>
    private static string[] Segments(HttpContext context)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value ?? "/";
        var query = raw.IndexOf('?', StringComparison.Ordinal);
        if (query >= 0)
        {
            raw = raw[..query];
        }

        return [.. raw.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString)];
    }

    private async Task<bool> TryFailAsync(HttpContext context, string route)
    {
        if (_failures.TryGetValue(route, out var queue) && queue.TryDequeue(out var failure))
        {
            await failure(context);
            return true;
        }

        return false;
    }

    // ---------------------------------------------------------------- Bot Connector

    private async Task HandleConnectorAsync(HttpContext context, string method, string[] path)
    {
        var (route, conversationId, activityId) = ConnectorRoute(path, method);
        var (raw, body) = await ReadBodyAsync(context);
        try
        {
            if (route is null)
            {
                await WriteJsonAsync(context, HttpStatusCode.NotFound, ErrorBody("NotFound", $"No Connector route for {method} {string.Join('/', path)}."));
                return;
            }

            if (await TryFailAsync(context, route))
            {
                return;
            }

            if (RequireIssuedTokens && !HasIssuedToken(context, "botframework"))
            {
                await WriteJsonAsync(context, HttpStatusCode.Unauthorized, new JsonObject { ["message"] = "Authorization has been denied for this request." });
                return;
            }

            await (route switch
            {
                FakeTeamsRoutes.CreateConversation => CreateConversationAsync(context, body),
                FakeTeamsRoutes.SendToConversation => PostActivityAsync(context, conversationId!, null, body),
                FakeTeamsRoutes.ReplyToActivity => PostActivityAsync(context, conversationId!, activityId, body),
                FakeTeamsRoutes.UpdateActivity => UpdateActivityAsync(context, conversationId!, activityId!, body),
                FakeTeamsRoutes.DeleteActivity => DeleteActivityAsync(context, conversationId!, activityId!),
                FakeTeamsRoutes.GetPagedMembers => PagedMembersAsync(context, conversationId!),
                _ => GetMemberAsync(context, conversationId!, activityId!),
            });
        }
        finally
        {
            var call = new ConnectorCall(
                route ?? "connector.unknown",
                method,
                "/" + string.Join('/', path),
                conversationId,
                route == FakeTeamsRoutes.GetMember ? null : activityId,
                body,
                raw,
                Authorization(context),
                context.Response.StatusCode,
                _clock.GetUtcNow());
            lock (_gate)
            {
                _connectorCalls.Add(call);
            }
        }
    }

    private static (string? Route, string? ConversationId, string? ActivityId) ConnectorRoute(string[] path, string method) => (path, method) switch
    {
        (["v3", "conversations"], "POST") => (FakeTeamsRoutes.CreateConversation, null, null),
        (["v3", "conversations", var c, "activities"], "POST") => (FakeTeamsRoutes.SendToConversation, c, null),
        (["v3", "conversations", var c, "activities", var a], "POST") => (FakeTeamsRoutes.ReplyToActivity, c, a),
        (["v3", "conversations", var c, "activities", var a], "PUT") => (FakeTeamsRoutes.UpdateActivity, c, a),
        (["v3", "conversations", var c, "activities", var a], "DELETE") => (FakeTeamsRoutes.DeleteActivity, c, a),
        (["v3", "conversations", var c, "pagedmembers"], "GET") => (FakeTeamsRoutes.GetPagedMembers, c, null),
        (["v3", "conversations", var c, "members", var m], "GET") => (FakeTeamsRoutes.GetMember, c, m),
        _ => (null, null, null),
    };

    private Task CreateConversationAsync(HttpContext context, JsonNode? body)
    {
        if (body is not JsonObject request)
        {
            return WriteJsonAsync(context, HttpStatusCode.BadRequest, ErrorBody("BadArgument", "The request body is not a JSON object."));
        }

        var activity = request["activity"] as JsonObject;
        var channelId = request["channelData"]?["channel"]?["id"]?.GetValueKind() == JsonValueKind.String
            ? request["channelData"]!["channel"]!["id"]!.GetValue<string>()
            : null;
        var id = NextActivityId();
        string conversationId;
        if (channelId is not null)
        {
            // A new thread in a channel: the conversation is "{channel};messageid={root}" and the root is the activity.
            conversationId = $"{channelId};messageid={id}";
        }
        else
        {
            // A personal chat, as Teams opens one: not a group, exactly one member, the tenant named; the same member always
            // gets the same conversation id, so opening it again is harmless.
            var members = request["members"] as JsonArray;
            var tenant = request["tenantId"]?.GetValueKind() == JsonValueKind.String ? request["tenantId"]!.GetValue<string>() : null;
            if (request["isGroup"]?.GetValueKind() == JsonValueKind.True || members is not { Count: 1 } || members[0]?["id"]?.GetValueKind() != JsonValueKind.String
                || string.IsNullOrEmpty(tenant))
            {
                return WriteJsonAsync(context, HttpStatusCode.BadRequest, ErrorBody("BadSyntax", "Incorrect conversation creation parameters"));
            }

            var memberId = members[0]!["id"]!.GetValue<string>();
            conversationId = PersonalConversationIdFor(memberId);
        }

        var response = new JsonObject { ["id"] = conversationId };
        if (activity is not null)
        {
            lock (_gate)
            {
                _activities.Add(new PostedActivity(conversationId, id, null, PostedActivityKind.CreatedConversation, activity));
            }

            response["activityId"] = id;
        }

        return WriteJsonAsync(context, HttpStatusCode.Created, response);
    }

    private Task PostActivityAsync(HttpContext context, string conversationId, string? replyToId, JsonNode? body)
    {
        if (body is not JsonObject activity)
        {
            return WriteJsonAsync(context, HttpStatusCode.BadRequest, ErrorBody("BadArgument", "The request body is not an activity."));
        }

        var id = NextActivityId();
        var kind = replyToId is null ? PostedActivityKind.Sent : PostedActivityKind.Reply;
        replyToId ??= activity["replyToId"]?.GetValueKind() == JsonValueKind.String ? activity["replyToId"]!.GetValue<string>() : null;
        lock (_gate)
        {
            _activities.Add(new PostedActivity(conversationId, id, replyToId, kind, activity));
        }

        return WriteJsonAsync(context, HttpStatusCode.Created, new JsonObject { ["id"] = id });
    }

    private Task UpdateActivityAsync(HttpContext context, string conversationId, string activityId, JsonNode? body)
    {
        if (body is not JsonObject activity)
        {
            return WriteJsonAsync(context, HttpStatusCode.BadRequest, ErrorBody("BadArgument", "The request body is not an activity."));
        }

        PostedActivity? existing;
        lock (_gate)
        {
            existing = FindActivityLocked(conversationId, activityId);
        }

        if (existing is null)
        {
            return WriteJsonAsync(context, HttpStatusCode.NotFound, ErrorBody("NotFound", $"Activity {activityId} was not found in {conversationId}."));
        }

        existing.Update(activity);
        return WriteJsonAsync(context, HttpStatusCode.OK, new JsonObject { ["id"] = activityId });
    }

    private Task DeleteActivityAsync(HttpContext context, string conversationId, string activityId)
    {
        PostedActivity? existing;
        lock (_gate)
        {
            existing = FindActivityLocked(conversationId, activityId);
        }

        if (existing is null)
        {
            return WriteJsonAsync(context, HttpStatusCode.NotFound, ErrorBody("NotFound", $"Activity {activityId} was not found in {conversationId}."));
        }

        existing.MarkDeleted();
        context.Response.StatusCode = StatusCodes.Status200OK;
        return Task.CompletedTask;
    }

    private Task PagedMembersAsync(HttpContext context, string conversationId)
    {
        var members = MembersOf(conversationId);
        var pageSize = int.TryParse(context.Request.Query["pageSize"], CultureInfo.InvariantCulture, out var size) && size > 0 ? size : 500;
        var start = int.TryParse(context.Request.Query["continuationToken"], CultureInfo.InvariantCulture, out var token) ? token : 0;
        var page = members.Skip(start).Take(pageSize).ToArray();
        var response = new JsonObject { ["members"] = new JsonArray([.. page.Select(m => (JsonNode)m.ToJson())]) };
        if (start + page.Length < members.Count)
        {
            response["continuationToken"] = (start + page.Length).ToString(CultureInfo.InvariantCulture);
        }

        return WriteJsonAsync(context, HttpStatusCode.OK, response);
    }

    private Task GetMemberAsync(HttpContext context, string conversationId, string memberId)
    {
        var member = MembersOf(conversationId).FirstOrDefault(m =>
            string.Equals(m.Id, memberId, StringComparison.Ordinal) || string.Equals(m.AadObjectId, memberId, StringComparison.OrdinalIgnoreCase));
        return member is null
            ? WriteJsonAsync(context, HttpStatusCode.NotFound, ErrorBody("MemberNotFoundInConversation", "The member was not found in the conversation."))
            : WriteJsonAsync(context, HttpStatusCode.OK, member.ToJson());
    }

    private IReadOnlyList<FakeTeamsMember> MembersOf(string conversationId)
    {
        lock (_gate)
        {
            if (_members.TryGetValue(conversationId, out var exact))
            {
                return exact;
            }

            if (_members.TryGetValue(ChannelOf(conversationId), out var channel))
            {
                return channel;
            }
        }

        return DefaultMembers;
    }

    private PostedActivity? FindActivityLocked(string conversationId, string activityId) =>
        _activities.LastOrDefault(a => a.ActivityId == activityId && a.ConversationId == conversationId)
        ?? _activities.LastOrDefault(a => a.ActivityId == activityId && ChannelOf(a.ConversationId) == ChannelOf(conversationId));

    private string NextActivityId() => Interlocked.Increment(ref _nextActivityId).ToString(CultureInfo.InvariantCulture);

    /// <summary>The channel (or chat) part of a conversation id: what precedes <c>;messageid=</c>.</summary>
    public static string ChannelOf(string conversationId)
    {
        var marker = conversationId.IndexOf(";messageid=", StringComparison.Ordinal);
        return marker < 0 ? conversationId : conversationId[..marker];
    }

    // ---------------------------------------------------------------- Microsoft Graph

    private async Task HandleGraphAsync(HttpContext context, string method, string[] path)
    {
        var (route, first, second) = GraphRoute(path, method);
        var (raw, body) = await ReadBodyAsync(context);
        try
        {
            if (route is null)
            {
                await WriteJsonAsync(context, HttpStatusCode.NotFound, GraphErrorBody("UnknownError", $"No Graph route for {method} {string.Join('/', path)}."));
                return;
            }

            if (await TryFailAsync(context, route))
            {
                return;
            }

            if (RequireIssuedTokens && !HasIssuedToken(context, "graph"))
            {
                await WriteJsonAsync(context, HttpStatusCode.Unauthorized, GraphErrorBody("InvalidAuthenticationToken", "Access token validation failure."));
                return;
            }

            if (route == FakeTeamsRoutes.GraphListChannelMessages)
            {
                await ListChannelMessagesAsync(context, first!, second!);
                return;
            }

            if (body is not JsonObject request)
            {
                await WriteJsonAsync(context, HttpStatusCode.BadRequest, GraphErrorBody("BadRequest", "Empty Payload. JSON content expected."));
                return;
            }

            await (route switch
            {
                FakeTeamsRoutes.GraphCreateChannel => CreateChannelAsync(context, first!, request),
                FakeTeamsRoutes.GraphAddChannelMember => AddChannelMemberAsync(context, first!, second!, request),
                FakeTeamsRoutes.GraphCreateChat => CreateChatAsync(context, request),
                _ => AddChatMemberAsync(context, first!, request),
            });
        }
        finally
        {
            var call = new GraphCall(route ?? "graph.unknown", method, "/" + string.Join('/', path), body, raw, Authorization(context), context.Response.StatusCode, _clock.GetUtcNow());
            lock (_gate)
            {
                _graphCalls.Add(call);
            }
        }
    }

    private static (string? Route, string? First, string? Second) GraphRoute(string[] path, string method) => (path, method) switch
    {
        (["teams", var team, "channels"], "POST") => (FakeTeamsRoutes.GraphCreateChannel, team, null),
        (["teams", var team, "channels", var channel, "members"], "POST") => (FakeTeamsRoutes.GraphAddChannelMember, team, channel),
        (["teams", var team, "channels", var channel, "messages"], "GET") => (FakeTeamsRoutes.GraphListChannelMessages, team, channel),
        (["chats"], "POST") => (FakeTeamsRoutes.GraphCreateChat, null, null),
        (["chats", var chat, "members"], "POST") => (FakeTeamsRoutes.GraphAddChatMember, chat, null),
        _ => (null, null, null),
    };

    /// <summary>Messages of team channels, newest last, as "List channel messages" serves them.</summary>
    private readonly Dictionary<(string Team, string Channel), List<JsonObject>> _channelMessages = [];

    /// <summary>
    /// When false, listing a channel's messages is refused with 403 as Graph refuses an app that holds neither
    /// <c>ChannelMessage.Read.Group</c> for the team nor <c>ChannelMessage.Read.All</c>.
    /// </summary>
    public bool MayReadChannelMessages { get; set; } = true;

    /// <summary>A person's message in a team channel, shaped like a <c>chatMessage</c> of the Graph v1.0 reference.</summary>
    public void SeedChannelMessage(string teamAadGroupId, string channelId, string userId, string userName, string html, DateTimeOffset at, string messageType = "message")
    {
        var id = at.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var message = new JsonObject
        {
            ["id"] = id,
            ["replyToId"] = null,
            ["etag"] = id,
            ["messageType"] = messageType,
            ["createdDateTime"] = Iso(at),
            ["lastModifiedDateTime"] = Iso(at),
            ["lastEditedDateTime"] = null,
            ["deletedDateTime"] = null,
            ["subject"] = null,
            ["summary"] = null,
            ["chatId"] = null,
            ["importance"] = "normal",
            ["locale"] = "en-us",
            ["webUrl"] = $"https://teams.microsoft.com/l/message/{Uri.EscapeDataString(channelId)}/{id}?groupId={teamAadGroupId}&tenantId={DefaultGraphTenantId}",
            ["policyViolation"] = null,
            ["eventDetail"] = null,
            ["from"] = new JsonObject
            {
                ["application"] = null,
                ["device"] = null,
                ["user"] = new JsonObject
                {
                    ["@odata.type"] = "#microsoft.graph.teamworkUserIdentity",
                    ["id"] = userId,
                    ["displayName"] = userName,
                    ["userIdentityType"] = "aadUser",
                    ["tenantId"] = DefaultGraphTenantId,
                },
            },
            ["body"] = new JsonObject { ["contentType"] = "html", ["content"] = html },
            ["channelIdentity"] = new JsonObject { ["teamId"] = teamAadGroupId, ["channelId"] = channelId },
            ["attachments"] = new JsonArray(),
            ["mentions"] = new JsonArray(),
            ["reactions"] = new JsonArray(),
        };
        lock (_gate)
        {
            if (!_channelMessages.TryGetValue((teamAadGroupId, channelId), out var list))
            {
                _channelMessages[(teamAadGroupId, channelId)] = list = [];
            }

            list.Add(message);
        }
    }

    /// <summary>"List channel messages": newest first, <c>$top</c> per page (default 20, at most 50), the rest behind <c>@odata.nextLink</c>.</summary>
    private Task ListChannelMessagesAsync(HttpContext context, string teamId, string channelId)
    {
        if (!MayReadChannelMessages)
        {
            return WriteJsonAsync(context, HttpStatusCode.Forbidden, GraphErrorBody("Forbidden",
                "Missing role permissions on the request. API requires one of 'ChannelMessage.Read.All, ChannelMessage.Read.Group'."));
        }

        var top = int.TryParse(context.Request.Query["$top"], System.Globalization.CultureInfo.InvariantCulture, out var t) ? Math.Clamp(t, 1, 50) : 20;
        var skip = int.TryParse(context.Request.Query["$skiptoken"], System.Globalization.CultureInfo.InvariantCulture, out var k) ? k : 0;
        List<JsonObject> all;
        lock (_gate)
        {
            all = _channelMessages.TryGetValue((teamId, channelId), out var list) ? [.. list.OrderByDescending(m => m["createdDateTime"]!.GetValue<string>(), StringComparer.Ordinal)] : [];
        }

        var page = all.Skip(skip).Take(top).Select(m => (JsonNode)m.DeepClone()).ToList();
        var answer = new JsonObject
        {
            ["@odata.context"] = $"{GraphBaseUrl}$metadata#teams('{teamId}')/channels('{Uri.EscapeDataString(channelId)}')/messages",
            ["@odata.count"] = page.Count,
            ["value"] = new JsonArray([.. page]),
        };
        if (skip + top < all.Count)
        {
            answer["@odata.nextLink"] = $"{GraphBaseUrl}teams/{teamId}/channels/{Uri.EscapeDataString(channelId)}/messages?$top={top}&$skiptoken={skip + top}";
        }

        return WriteJsonAsync(context, HttpStatusCode.OK, answer);
    }

    private Task CreateChannelAsync(HttpContext context, string teamId, JsonObject request)
    {
        var displayName = request["displayName"]?.GetValueKind() == JsonValueKind.String ? request["displayName"]!.GetValue<string>() : null;
        if (string.IsNullOrWhiteSpace(displayName))
        {
            return WriteJsonAsync(context, HttpStatusCode.BadRequest, GraphErrorBody("BadRequest", "Channel displayName is required."));
        }

        var description = request["description"]?.GetValueKind() == JsonValueKind.String ? request["description"]!.GetValue<string>() : null;
        var membershipType = request["membershipType"]?.GetValueKind() == JsonValueKind.String ? request["membershipType"]!.GetValue<string>() : "standard";
        FakeGraphChannel channel;
        lock (_gate)
        {
            var inTeam = _channels.Where(c => c.TeamId == teamId).ToList();
            if (MaxChannelsPerTeam is { } max && inTeam.Count >= max)
            {
                return WriteJsonAsync(context, HttpStatusCode.BadRequest, GraphErrorBody("BadRequest", "Maximum number of channels reached"));
            }

            if (RejectDuplicateChannelNames && inTeam.Any(c => string.Equals(c.DisplayName, displayName, StringComparison.OrdinalIgnoreCase)))
            {
                return WriteJsonAsync(context, HttpStatusCode.Conflict, GraphErrorBody("NameAlreadyExists", "Channel name already existed, please use other name."));
            }

            var id = NewChannelId();
            var webUrl = $"https://teams.microsoft.com/l/channel/{Uri.EscapeDataString(id)}/{Uri.EscapeDataString(displayName)}?groupId={teamId}&tenantId={DefaultGraphTenantId}";
            channel = new FakeGraphChannel(teamId, id, displayName, description, membershipType, webUrl);
            _channels.Add(channel);
        }

        // Shaped like the response examples of "Create channel" in the Graph v1.0 reference.
        context.Response.Headers.Location = $"{GraphBaseUrl}teams('{teamId}')/channels('{channel.Id}')";
        return WriteJsonAsync(context, HttpStatusCode.Created, new JsonObject
        {
            ["@odata.context"] = $"{GraphBaseUrl}$metadata#teams('{teamId}')/channels/$entity",
            ["id"] = channel.Id,
            ["createdDateTime"] = Iso(_clock.GetUtcNow()),
            ["displayName"] = channel.DisplayName,
            ["description"] = channel.Description,
            ["isFavoriteByDefault"] = null,
            ["email"] = "",
            ["webUrl"] = channel.WebUrl,
            ["membershipType"] = channel.MembershipType,
        });
    }

    private Task AddChannelMemberAsync(HttpContext context, string teamId, string channelId, JsonObject request)
    {
        var userId = BoundUserId(request);
        if (userId is null)
        {
            return WriteJsonAsync(context, HttpStatusCode.BadRequest, GraphErrorBody("BadRequest", "user@odata.bind is required."));
        }

        lock (_gate)
        {
            var channel = _channels.FirstOrDefault(c => c.Id == channelId);
            if (channel is null)
            {
                // A channel the fake did not create (e.g. General): remember it so its members can be read.
                channel = new FakeGraphChannel(teamId, channelId, channelId, null, "standard", null);
                _channels.Add(channel);
            }

            channel.AddMember(userId, Roles(request));
        }

        return WriteJsonAsync(context, HttpStatusCode.Created, MemberResponse($"teams('{teamId}')/channels('{channelId}')/members", userId, request));
    }

    private Task CreateChatAsync(HttpContext context, JsonObject request)
    {
        var chatType = request["chatType"]?.GetValueKind() == JsonValueKind.String ? request["chatType"]!.GetValue<string>() : "group";
        var topic = request["topic"]?.GetValueKind() == JsonValueKind.String ? request["topic"]!.GetValue<string>() : null;
        var members = (request["members"] as JsonArray ?? []).OfType<JsonObject>().Select(BoundUserId).OfType<string>().ToList();
        if (members.Count == 0)
        {
            return WriteJsonAsync(context, HttpStatusCode.BadRequest, GraphErrorBody("BadRequest", "A chat needs members."));
        }

        var chat = new FakeGraphChat("19:" + Guid.NewGuid().ToString("N") + "@thread.v2", chatType, topic, members);
        lock (_gate)
        {
            _chats.Add(chat);
        }

        var now = Iso(_clock.GetUtcNow());
        return WriteJsonAsync(context, HttpStatusCode.Created, new JsonObject
        {
            ["@odata.context"] = $"{GraphBaseUrl}$metadata#chats/$entity",
            ["id"] = chat.Id,
            ["topic"] = chat.Topic,
            ["createdDateTime"] = now,
            ["lastUpdatedDateTime"] = now,
            ["chatType"] = chat.ChatType,
            ["webUrl"] = $"https://teams.microsoft.com/l/chat/{Uri.EscapeDataString(chat.Id)}/0?tenantId={DefaultGraphTenantId}",
            ["tenantId"] = DefaultGraphTenantId,
        });
    }

    private Task AddChatMemberAsync(HttpContext context, string chatId, JsonObject request)
    {
        var userId = BoundUserId(request);
        if (userId is null)
        {
            return WriteJsonAsync(context, HttpStatusCode.BadRequest, GraphErrorBody("BadRequest", "user@odata.bind is required."));
        }

        lock (_gate)
        {
            var chat = _chats.FirstOrDefault(c => c.Id == chatId);
            if (chat is null)
            {
                chat = new FakeGraphChat(chatId, "group", null, []);
                _chats.Add(chat);
            }

            chat.AddMember(userId);
        }

        return WriteJsonAsync(context, HttpStatusCode.Created, MemberResponse($"chats('{chatId}')/members", userId, request));
    }

    private JsonObject MemberResponse(string collection, string userId, JsonObject request) => new()
    {
        ["@odata.context"] = $"{GraphBaseUrl}$metadata#{collection}/$entity",
        ["@odata.type"] = "#microsoft.graph.aadUserConversationMember",
        ["id"] = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{collection}#{userId}")),
        ["roles"] = new JsonArray([.. Roles(request).Select(r => (JsonNode)r)]),
        ["displayName"] = null,
        ["userId"] = userId,
        ["email"] = null,
        ["tenantId"] = DefaultGraphTenantId,
    };

    private static string[] Roles(JsonObject request) =>
        [.. (request["roles"] as JsonArray ?? []).Where(r => r?.GetValueKind() == JsonValueKind.String).Select(r => r!.GetValue<string>())];

    /// <summary>The user id in <c>"user@odata.bind": "https://graph.microsoft.com/v1.0/users('…')"</c>.</summary>
    private static string? BoundUserId(JsonObject member)
    {
        var bind = member["user@odata.bind"]?.GetValueKind() == JsonValueKind.String ? member["user@odata.bind"]!.GetValue<string>() : null;
        if (bind is null)
        {
            return null;
        }

        var match = Regex.Match(bind, @"users\('([^']+)'\)|users/([^/?]+)$");
        return !match.Success ? null : match.Groups[1].Success ? match.Groups[1].Value : match.Groups[2].Value;
    }

    private static string NewChannelId() => "19:" + Guid.NewGuid().ToString("N") + "@thread.tacv2";

    // ---------------------------------------------------------------- identity platform

    private async Task HandleTokenAsync(HttpContext context, string tenant)
    {
        var form = new Dictionary<string, string>(StringComparer.Ordinal);
        if (context.Request.HasFormContentType)
        {
            foreach (var (key, value) in await context.Request.ReadFormAsync())
            {
                form[key] = value.ToString();
            }
        }

        string? issued = null;
        try
        {
            if (await TryFailAsync(context, FakeTeamsRoutes.Token))
            {
                return;
            }

            form.TryGetValue("grant_type", out var grantType);
            form.TryGetValue("client_id", out var clientId);
            form.TryGetValue("client_secret", out var clientSecret);
            form.TryGetValue("scope", out var scope);
            string? expectedSecret;
            lock (_gate)
            {
                expectedSecret = clientId is null ? null : _clients.GetValueOrDefault(clientId);
            }

            if (grantType != "client_credentials")
            {
                await WriteJsonAsync(context, HttpStatusCode.BadRequest, AadError("unsupported_grant_type", 70003, "The app requested an unsupported grant type."));
            }
            else if (string.IsNullOrEmpty(scope))
            {
                await WriteJsonAsync(context, HttpStatusCode.BadRequest, AadError("invalid_request", 900144, "The request body must contain the following parameter: 'scope'."));
            }
            else if (expectedSecret is null)
            {
                await WriteJsonAsync(context, HttpStatusCode.BadRequest, AadError("unauthorized_client", 700016, $"Application with identifier '{clientId}' was not found in the directory '{tenant}'."));
            }
            else if (!string.Equals(clientSecret, expectedSecret, StringComparison.Ordinal))
            {
                await WriteJsonAsync(context, HttpStatusCode.Unauthorized, AadError("invalid_client", 7000215, $"Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{clientId}'."));
            }
            else
            {
                var kind = ScopeKind(scope);
                issued = $"fake-token-{kind}-{Interlocked.Increment(ref _tokensIssued)}";
                lock (_gate)
                {
                    _issuedTokens[issued] = kind;
                }

                // Shaped like the success response in "Microsoft identity platform and the OAuth 2.0 client credentials flow".
                await WriteJsonAsync(context, HttpStatusCode.OK, new JsonObject
                {
                    ["token_type"] = "Bearer",
                    ["expires_in"] = TokenLifetimeSeconds,
                    ["ext_expires_in"] = TokenLifetimeSeconds,
                    ["access_token"] = issued,
                });
            }
        }
        finally
        {
            var call = new TokenCall(tenant, form, context.Response.StatusCode, issued, _clock.GetUtcNow());
            lock (_gate)
            {
                _tokenCalls.Add(call);
            }
        }
    }

    /// <summary><c>botframework</c>, <c>graph</c> or <c>other</c>, from the requested <c>.default</c> scope.</summary>
    public static string ScopeKind(string scope) => scope switch
    {
        _ when scope.StartsWith("https://api.botframework.com", StringComparison.OrdinalIgnoreCase) => "botframework",
        _ when scope.StartsWith("https://graph.microsoft.com", StringComparison.OrdinalIgnoreCase) => "graph",
        _ => "other",
    };

    private bool HasIssuedToken(HttpContext context, string kind)
    {
        var header = Authorization(context);
        if (header is null || !header.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            return false;
        }

        lock (_gate)
        {
            return _issuedTokens.TryGetValue(header["Bearer ".Length..], out var issuedKind) && issuedKind == kind;
        }
    }

    private JsonObject AadError(string error, int code, string message)
    {
        var traceId = Guid.NewGuid().ToString();
        var correlationId = Guid.NewGuid().ToString();
        var timestamp = _clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

        // As in the sample error response of "Microsoft Entra authentication and authorization error codes".
        return new JsonObject
        {
            ["error"] = error,
            ["error_description"] = $"AADSTS{code}: {message}\r\nTrace ID: {traceId}\r\nCorrelation ID: {correlationId}\r\nTimestamp: {timestamp}",
            ["error_codes"] = new JsonArray(code),
            ["timestamp"] = timestamp,
            ["trace_id"] = traceId,
            ["correlation_id"] = correlationId,
            ["error_uri"] = $"https://login.microsoftonline.com/error?code={code}",
        };
    }

    // ---------------------------------------------------------------- OpenID metadata and keys

    /// <summary>The document shown in "Authentication with the Bot Connector API" (bot-docs), with jwks_uri pointed here.</summary>
    private JsonObject MetadataDocument() => new()
    {
        ["issuer"] = BotFrameworkIssuer,
        ["authorization_endpoint"] = "https://invalid.botframework.com",
        ["jwks_uri"] = JwksUrl,
        ["id_token_signing_alg_values_supported"] = new JsonArray("RS256"),
        ["token_endpoint_auth_methods_supported"] = new JsonArray("private_key_jwt"),
    };

    private JsonObject KeysDocument() => new()
    {
        ["keys"] = new JsonArray(_endorsedKey.ToJwk(), _webChatOnlyKey.ToJwk()),
    };

    // ---------------------------------------------------------------- helpers

    private static async Task<(string? Raw, JsonNode? Json)> ReadBodyAsync(HttpContext context)
    {
        if (context.Request.HasFormContentType)
        {
            return (null, null);
        }

        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var raw = await reader.ReadToEndAsync();
        if (string.IsNullOrWhiteSpace(raw))
        {
            return (null, null);
        }

        try
        {
            return (raw, JsonNode.Parse(raw));
        }
        catch (JsonException)
        {
            return (raw, null);
        }
    }

    private static string? Authorization(HttpContext context) =>
        context.Request.Headers.Authorization is { Count: > 0 } values ? values.ToString() : null;

    private static Task WriteJsonAsync(HttpContext context, HttpStatusCode status, JsonNode body)
    {
        context.Response.StatusCode = (int)status;
        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.WriteAsync(body.ToJsonString(Indented));
    }

    private static JsonObject ErrorBody(string code, string message) => new()
    {
        ["error"] = new JsonObject { ["code"] = code, ["message"] = message },
    };

    private static JsonObject GraphErrorBody(string code, string message) => new()
    {
        ["error"] = new JsonObject
        {
            ["code"] = code,
            ["message"] = message,
            ["innerError"] = new JsonObject
            {
                ["date"] = Iso(DateTimeOffset.UtcNow),
                ["request-id"] = Guid.NewGuid().ToString(),
                ["client-request-id"] = Guid.NewGuid().ToString(),
            },
        },
    };

    private static string Iso(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>An RSA key published (or not) as a JWK with Bot Framework <c>endorsements</c>.</summary>
    private sealed class FakeSigningKey(string[] endorsements) : IDisposable
    {
        public RSA Rsa { get; } = RSA.Create(2048);

        public string KeyId { get; } = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(20));

        public JsonObject ToJwk()
        {
            var parameters = Rsa.ExportParameters(includePrivateParameters: false);
            return new JsonObject
            {
                ["kty"] = "RSA",
                ["use"] = "sig",
                ["kid"] = KeyId,
                ["n"] = Base64UrlEncoder.Encode(parameters.Modulus),
                ["e"] = Base64UrlEncoder.Encode(parameters.Exponent),
                ["endorsements"] = new JsonArray([.. endorsements.Select(e => (JsonNode)e)]),
            };
        }

        public void Dispose() => Rsa.Dispose();
    }
}

/// <summary>Route names for <see cref="FakeTeamsServices.FailNext"/> and the <c>Route</c> of recorded calls.</summary>
public static class FakeTeamsRoutes
{
    public const string CreateConversation = "connector.createConversation";
    public const string SendToConversation = "connector.sendToConversation";
    public const string ReplyToActivity = "connector.replyToActivity";
    public const string UpdateActivity = "connector.updateActivity";
    public const string DeleteActivity = "connector.deleteActivity";
    public const string GetPagedMembers = "connector.getPagedMembers";
    public const string GetMember = "connector.getMember";
    public const string GraphCreateChannel = "graph.createChannel";
    public const string GraphAddChannelMember = "graph.addChannelMember";
    public const string GraphListChannelMessages = "graph.listChannelMessages";
    public const string GraphCreateChat = "graph.createChat";
    public const string GraphAddChatMember = "graph.addChatMember";
    public const string Token = "login.token";
    public const string OpenIdMetadata = "openid.metadata";
    public const string Jwks = "openid.keys";
}

/// <summary>
/// One call to the fake Bot Connector. <see cref="ConversationId"/> and <see cref="ActivityId"/> are decoded from the path.
/// <see cref="Body"/> is the parsed JSON (null when empty or not JSON; then see <see cref="RawBody"/>).
/// </summary>
public sealed record ConnectorCall(
    string Route,
    string Method,
    string Path,
    string? ConversationId,
    string? ActivityId,
    JsonNode? Body,
    string? RawBody,
    string? Authorization,
    int StatusCode,
    DateTimeOffset At)
{
    /// <summary>The activity's <c>text</c>, when the body is an activity with one.</summary>
    public string? Text => Body?["text"]?.GetValueKind() == JsonValueKind.String ? Body["text"]!.GetValue<string>() : null;
}

/// <summary>One call to the fake Graph; <see cref="Path"/> is decoded and relative to <c>/graph/v1.0</c>.</summary>
public sealed record GraphCall(
    string Route,
    string Method,
    string Path,
    JsonNode? Body,
    string? RawBody,
    string? Authorization,
    int StatusCode,
    DateTimeOffset At);

/// <summary>One token request: the tenant in the path, the form fields, the answer's status and the token issued (if any).</summary>
public sealed record TokenCall(
    string Tenant,
    IReadOnlyDictionary<string, string> Form,
    int StatusCode,
    string? IssuedToken,
    DateTimeOffset At)
{
    public string? ClientId => Form.GetValueOrDefault("client_id");

    public string? Scope => Form.GetValueOrDefault("scope");
}

public enum PostedActivityKind
{
    Sent,
    Reply,
    CreatedConversation,
    Seeded,
}

/// <summary>An activity the bot posted (or a test seeded); updates replace <see cref="Activity"/> and are kept in <see cref="Versions"/>.</summary>
public sealed class PostedActivity
{
    private readonly Lock _gate = new();
    private readonly List<JsonObject> _versions = [];
    private bool _deleted;

    internal PostedActivity(string conversationId, string activityId, string? replyToId, PostedActivityKind kind, JsonObject activity)
    {
        ConversationId = conversationId;
        ActivityId = activityId;
        ReplyToId = replyToId;
        Kind = kind;
        _versions.Add((JsonObject)activity.DeepClone());
    }

    public string ConversationId { get; }

    public string ActivityId { get; }

    public string? ReplyToId { get; }

    public PostedActivityKind Kind { get; }

    /// <summary>The current content (a copy).</summary>
    public JsonObject Activity
    {
        get
        {
            lock (_gate)
            {
                return (JsonObject)_versions[^1].DeepClone();
            }
        }
    }

    /// <summary>Every version, oldest first (copies).</summary>
    public IReadOnlyList<JsonObject> Versions
    {
        get
        {
            lock (_gate)
            {
                return [.. _versions.Select(v => (JsonObject)v.DeepClone())];
            }
        }
    }

    public bool Deleted
    {
        get
        {
            lock (_gate)
            {
                return _deleted;
            }
        }
    }

    public string? Text => Activity["text"]?.GetValueKind() == JsonValueKind.String ? Activity["text"]!.GetValue<string>() : null;

    /// <summary>The first attachment's <c>content</c> (e.g. an Adaptive Card), if any.</summary>
    public JsonObject? FirstAttachmentContent => Activity["attachments"]?[0]?["content"] as JsonObject;

    internal void Update(JsonObject activity)
    {
        lock (_gate)
        {
            _versions.Add((JsonObject)activity.DeepClone());
        }
    }

    internal void MarkDeleted()
    {
        lock (_gate)
        {
            _deleted = true;
        }
    }
}

/// <summary>A member as <c>pagedmembers</c> returns it (a TeamsChannelAccount).</summary>
public sealed record FakeTeamsMember(
    string Id,
    string Name,
    string AadObjectId,
    string? Email = null,
    string? UserPrincipalName = null,
    string? GivenName = null,
    string? Surname = null,
    string TenantId = TeamsActivities.DefaultTenantId,
    string UserRole = "user")
{
    /// <summary>A member whose <c>29:</c> id is the one <see cref="TeamsActivities"/> gives the same AAD object id.</summary>
    public static FakeTeamsMember For(string aadObjectId, string name, string? email = null)
    {
        var parts = name.Split(' ', 2);
        return new FakeTeamsMember(
            TeamsActivities.UserIdFor(aadObjectId),
            name,
            aadObjectId,
            email,
            email,
            parts[0],
            parts.Length > 1 ? parts[1] : null);
    }

    public JsonObject ToJson() => new()
    {
        ["id"] = Id,
        ["name"] = Name,
        ["aadObjectId"] = AadObjectId,
        ["givenName"] = GivenName,
        ["surname"] = Surname,
        ["email"] = Email,
        ["userPrincipalName"] = UserPrincipalName,
        ["tenantId"] = TenantId,
        ["userRole"] = UserRole,
    };
}

/// <summary>A channel created through (or seeded into) the fake Graph.</summary>
public sealed class FakeGraphChannel
{
    private readonly Lock _gate = new();
    private readonly List<(string UserId, string[] Roles)> _members = [];

    internal FakeGraphChannel(string teamId, string id, string displayName, string? description, string membershipType, string? webUrl)
    {
        TeamId = teamId;
        Id = id;
        DisplayName = displayName;
        Description = description;
        MembershipType = membershipType;
        WebUrl = webUrl;
    }

    public string TeamId { get; }

    public string Id { get; }

    public string DisplayName { get; }

    public string? Description { get; }

    public string MembershipType { get; }

    public string? WebUrl { get; }

    /// <summary>AAD object ids added through <c>POST …/channels/{id}/members</c>.</summary>
    public IReadOnlyList<string> MemberIds
    {
        get
        {
            lock (_gate)
            {
                return [.. _members.Select(m => m.UserId)];
            }
        }
    }

    internal void AddMember(string userId, string[] roles)
    {
        lock (_gate)
        {
            _members.Add((userId, roles));
        }
    }
}

/// <summary>A chat created through the fake Graph.</summary>
public sealed class FakeGraphChat
{
    private readonly Lock _gate = new();
    private readonly List<string> _members;

    internal FakeGraphChat(string id, string chatType, string? topic, IEnumerable<string> members)
    {
        Id = id;
        ChatType = chatType;
        Topic = topic;
        _members = [.. members];
    }

    public string Id { get; }

    public string ChatType { get; }

    public string? Topic { get; }

    /// <summary>AAD object ids bound at creation and added later.</summary>
    public IReadOnlyList<string> MemberIds
    {
        get
        {
            lock (_gate)
            {
                return [.. _members];
            }
        }
    }

    internal void AddMember(string userId)
    {
        lock (_gate)
        {
            _members.Add(userId);
        }
    }
}
