using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace IncidentBot.Tests.Teams;

/// <summary>The fake behaves like the services it stands for, so tests that lean on it mean something.</summary>
public sealed class FakeTeamsServicesTests : IAsyncLifetime, IDisposable
{
    private const string Channel = "19:0b7f32667e064dd9b25d7969801541f4@thread.tacv2";

    private readonly HttpClient _http = new();
    private FakeTeamsServices _fake = null!;

    public async Task InitializeAsync() => _fake = await FakeTeamsServices.StartAsync();

    public async Task DisposeAsync() => await _fake.DisposeAsync();

    public void Dispose() => _http.Dispose();

    private Uri Connector(string path) => new(_fake.ConnectorUrl + path);

    private static string Escaped(string conversationId) => Uri.EscapeDataString(conversationId);

    [Fact]
    public async Task A_new_channel_thread_gets_a_messageid_conversation_and_replies_land_in_it()
    {
        using var create = await _http.PostAsJsonAsync(Connector("v3/conversations"), new JsonObject
        {
            ["isGroup"] = true,
            ["channelData"] = new JsonObject { ["channel"] = new JsonObject { ["id"] = Channel } },
            ["activity"] = new JsonObject { ["type"] = "message", ["text"] = "Incident 42 opened" },
        });
        Assert.Equal(HttpStatusCode.Created, create.StatusCode);
        var created = (await create.Content.ReadFromJsonAsync<JsonObject>())!;
        var rootId = created["activityId"]!.GetValue<string>();
        var thread = created["id"]!.GetValue<string>();
        Assert.Equal($"{Channel};messageid={rootId}", thread);

        using var request = new HttpRequestMessage(HttpMethod.Post, Connector($"v3/conversations/{Escaped(thread)}/activities/{rootId}"))
        {
            Content = JsonContent.Create(new JsonObject { ["type"] = "message", ["text"] = "Paging on-call" }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "t0k3n");
        using var reply = await _http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, reply.StatusCode);

        var call = _fake.ConnectorCalls.Single(c => c.Route == FakeTeamsRoutes.ReplyToActivity);
        Assert.Equal(thread, call.ConversationId);
        Assert.Equal(rootId, call.ActivityId);
        Assert.Equal("Bearer t0k3n", call.Authorization);
        Assert.Equal("Paging on-call", call.Text);
        Assert.Equal(["Incident 42 opened", "Paging on-call"], _fake.ChannelActivities(Channel).Select(a => a.Text));
        Assert.Equal(rootId, _fake.ActivitiesIn(thread)[1].ReplyToId);
    }

    [Fact]
    public async Task An_update_replaces_the_activity_and_is_recorded()
    {
        var thread = $"{Channel};messageid=1767225600001";
        _fake.SeedActivity(thread, "1767225600001", new JsonObject { ["type"] = "message", ["text"] = "Status: investigating" });

        using var update = await _http.PutAsJsonAsync(
            Connector($"v3/conversations/{Escaped(thread)}/activities/1767225600001"),
            new JsonObject { ["type"] = "message", ["text"] = "Status: resolved" });
        using var missing = await _http.PutAsJsonAsync(
            Connector($"v3/conversations/{Escaped(thread)}/activities/999"),
            new JsonObject { ["type"] = "message", ["text"] = "nope" });

        Assert.Equal(HttpStatusCode.OK, update.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        var posted = _fake.FindActivity(thread, "1767225600001")!;
        Assert.Equal("Status: resolved", posted.Text);
        Assert.Equal(2, posted.Versions.Count);
        var call = _fake.ConnectorCalls.First(c => c.Route == FakeTeamsRoutes.UpdateActivity);
        Assert.Equal(("PUT", thread, "1767225600001", 200), (call.Method, call.ConversationId, call.ActivityId, call.StatusCode));
    }

    [Fact]
    public async Task Scripted_throttling_answers_429_with_Retry_After_then_the_route_works_again()
    {
        _fake.FailNext(FakeTeamsRoutes.SendToConversation, 1, FakeTeamsServices.TooManyRequests(retryAfterSeconds: 3));
        var url = Connector($"v3/conversations/{Escaped(Channel)}/activities");

        using var first = await _http.PostAsJsonAsync(url, new JsonObject { ["type"] = "message", ["text"] = "hi" });
        using var second = await _http.PostAsJsonAsync(url, new JsonObject { ["type"] = "message", ["text"] = "hi" });

        Assert.Equal(HttpStatusCode.TooManyRequests, first.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(3), first.Headers.RetryAfter?.Delta);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.Equal([429, 201], _fake.ConnectorCalls.Select(c => c.StatusCode));
        Assert.Single(_fake.ActivitiesIn(Channel));
    }

    [Fact]
    public async Task Graph_creates_channels_and_can_be_told_to_refuse()
    {
        var channels = new Uri($"{_fake.GraphBaseUrl}teams/{TeamsActivities.DefaultAadGroupId}/channels");
        _fake.FailNext(FakeTeamsRoutes.GraphCreateChannel, 1, FakeTeamsServices.MaximumChannelsReached());
        var body = new JsonObject { ["displayName"] = "inc-42-db-outage", ["description"] = "Incident 42", ["membershipType"] = "standard" };

        using var refused = await _http.PostAsJsonAsync(channels, body);
        using var created = await _http.PostAsJsonAsync(channels, body);
        using var duplicate = await _http.PostAsJsonAsync(channels, body);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var error = (await refused.Content.ReadFromJsonAsync<JsonObject>())!["error"]!;
        Assert.Equal(("BadRequest", "Maximum number of channels reached"), (error["code"]!.GetValue<string>(), error["message"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var channel = (await created.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Matches("^19:[0-9a-f]{32}@thread.tacv2$", channel["id"]!.GetValue<string>());
        Assert.Equal("inc-42-db-outage", channel["displayName"]!.GetValue<string>());
        Assert.StartsWith("https://teams.microsoft.com/l/channel/", channel["webUrl"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        Assert.Equal([400, 201, 409], _fake.GraphCalls.Select(c => c.StatusCode));
        Assert.Single(_fake.GraphChannels);
    }

    [Fact]
    public async Task A_minted_token_validates_against_the_published_keys_and_a_forged_one_does_not()
    {
        var metadata = (await _http.GetFromJsonAsync<JsonObject>(new Uri(_fake.OpenIdMetadataUrl)))!;
        var jwksJson = await _http.GetStringAsync(new Uri(metadata["jwks_uri"]!.GetValue<string>()));
        var jwks = new JsonWebKeySet(jwksJson);
        var endorsements = JsonNode.Parse(jwksJson)!["keys"]!.AsArray()
            .ToDictionary(k => k!["kid"]!.GetValue<string>(), k => k!["endorsements"]!.AsArray().Select(e => e!.GetValue<string>()).ToArray());
        var parameters = new TokenValidationParameters
        {
            ValidIssuer = metadata["issuer"]!.GetValue<string>(),
            ValidAudience = TeamsActivities.DefaultBotId,
            IssuerSigningKeys = jwks.GetSigningKeys(),
        };
        var handler = new JsonWebTokenHandler();

        var valid = await handler.ValidateTokenAsync(_fake.MintToken(TeamsActivities.DefaultBotId, _fake.ConnectorUrl), parameters);
        var forged = await handler.ValidateTokenAsync(_fake.MintForgedToken(TeamsActivities.DefaultBotId, _fake.ConnectorUrl), parameters);
        var expired = await handler.ValidateTokenAsync(_fake.MintToken(TeamsActivities.DefaultBotId, _fake.ConnectorUrl, lifetime: TimeSpan.FromMinutes(-10)), parameters);

        Assert.True(valid.IsValid, valid.Exception?.Message);
        Assert.Equal(_fake.ConnectorUrl, valid.Claims["serviceurl"]);
        Assert.Equal(_fake.EndorsedKeyId, ((JsonWebToken)valid.SecurityToken).Kid);
        Assert.Contains("msteams", endorsements[_fake.EndorsedKeyId]);
        Assert.Equal(["webchat"], endorsements[_fake.WebChatOnlyKeyId]);
        Assert.DoesNotContain(_fake.UnpublishedKeyId, endorsements.Keys);
        Assert.IsType<SecurityTokenInvalidSignatureException>(forged.Exception);
        Assert.IsType<SecurityTokenExpiredException>(expired.Exception);
    }

    [Fact]
    public async Task The_token_endpoint_issues_tokens_per_scope_and_rejects_a_wrong_secret_with_401()
    {
        var endpoint = new Uri($"{_fake.LoginBaseUrl}{TeamsActivities.DefaultTenantId}/oauth2/v2.0/token");
        FormUrlEncodedContent Form(string secret, string scope) => new(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = FakeTeamsServices.DefaultClientId,
            ["client_secret"] = secret,
            ["scope"] = scope,
        });

        using var good = await _http.PostAsync(endpoint, Form(FakeTeamsServices.DefaultClientSecret, "https://api.botframework.com/.default"));
        using var bad = await _http.PostAsync(endpoint, Form("wrong", "https://graph.microsoft.com/.default"));

        var token = (await good.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(("Bearer", 3599, "fake-token-botframework-1"), (token["token_type"]!.GetValue<string>(), token["expires_in"]!.GetValue<int>(), token["access_token"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.Unauthorized, bad.StatusCode);
        var error = (await bad.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("invalid_client", error["error"]!.GetValue<string>());
        Assert.StartsWith("AADSTS7000215:", error["error_description"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal([200, 401], _fake.TokenCalls.Select(c => c.StatusCode));
        Assert.Equal(TeamsActivities.DefaultTenantId, _fake.TokenCalls[1].Tenant);
    }

    public static TheoryData<string, string> Builders() => new()
    {
        { "message", TeamsActivities.Message("db is down", mentions: [("0c6f1b2a-8e7d-4a3c-9b1f-2d4e6a8c0b13", "Sam Ortiz")]) },
        { "message", TeamsActivities.Message("status?", conversationType: "personal") },
        { "conversationUpdate", TeamsActivities.ConversationUpdateBotAdded() },
        { "conversationUpdate", TeamsActivities.ConversationUpdateChannelCreated(Channel, "inc-42") },
        { "installationUpdate", TeamsActivities.InstallationUpdateAdd() },
        { "invoke", TeamsActivities.ComposeExtensionFetchTask("declareIncident") },
        {
            "invoke", TeamsActivities.ComposeExtensionFetchTask(
                "declareIncident",
                "message",
                new TeamsMessagePayload("1767225600123", "<p>checkout is failing</p>", TeamsActivities.DefaultUserAadObjectId, TeamsActivities.DefaultUserName, DateTimeOffset.UtcNow))
        },
        { "invoke", TeamsActivities.ComposeExtensionSubmitAction("declareIncident", "compose", new JsonObject { ["title"] = "DB down" }) },
        { "invoke", TeamsActivities.AdaptiveCardAction("acknowledge", new JsonObject { ["incidentId"] = "42" }, "1767225600001") },
    };

    [Theory]
    [MemberData(nameof(Builders))]
    public void Every_built_activity_carries_what_a_Teams_activity_carries(string type, string json)
    {
        var activity = JsonNode.Parse(json)!.AsObject();

        Assert.DoesNotContain("{{", json, StringComparison.Ordinal);
        Assert.False(activity.ContainsKey("_source"));
        Assert.Equal(type, activity["type"]!.GetValue<string>());
        Assert.Equal("msteams", activity["channelId"]!.GetValue<string>());
        Assert.Equal(TeamsActivities.DefaultServiceUrl, activity["serviceUrl"]!.GetValue<string>());
        Assert.Equal(TeamsActivities.DefaultTenantId, activity["channelData"]!["tenant"]!["id"]!.GetValue<string>());
        Assert.Equal(TeamsActivities.DefaultTenantId, activity["conversation"]!["tenantId"]!.GetValue<string>());
        Assert.Equal(TeamsActivities.DefaultUserAadObjectId, activity["from"]!["aadObjectId"]!.GetValue<string>());
        Assert.Equal("28:" + TeamsActivities.DefaultBotId, activity["recipient"]!["id"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(activity["id"]!.GetValue<string>()));
        Assert.True(DateTimeOffset.TryParse(activity["timestamp"]!.GetValue<string>(), out _));
    }

    [Fact]
    public void A_channel_message_mentions_the_bot_and_the_users_like_Teams_does()
    {
        var json = TeamsActivities.Message("please join", mentions: [("0c6f1b2a-8e7d-4a3c-9b1f-2d4e6a8c0b13", "Sam Ortiz")], replyToId: "1767225600001");
        var activity = JsonNode.Parse(json)!.AsObject();

        Assert.Equal($"<at>{TeamsActivities.DefaultBotName}</at> please join <at>Sam Ortiz</at>", activity["text"]!.GetValue<string>());
        var mentions = activity["entities"]!.AsArray().Where(e => e!["type"]!.GetValue<string>() == "mention").ToList();
        Assert.Equal(["28:" + TeamsActivities.DefaultBotId, TeamsActivities.UserIdFor("0c6f1b2a-8e7d-4a3c-9b1f-2d4e6a8c0b13")], mentions.Select(m => m!["mentioned"]!["id"]!.GetValue<string>()));
        Assert.Equal("<at>Sam Ortiz</at>", mentions[1]!["text"]!.GetValue<string>());
        Assert.Equal($"{TeamsActivities.DefaultChannelId};messageid=1767225600001", activity["conversation"]!["id"]!.GetValue<string>());
        Assert.Equal(TeamsActivities.DefaultChannelId, activity["channelData"]!["channel"]!["id"]!.GetValue<string>());
        Assert.Equal("1767225600001", activity["replyToId"]!.GetValue<string>());
    }
}
