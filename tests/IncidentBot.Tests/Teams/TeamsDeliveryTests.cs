using System.Net;
using System.Text.Json.Nodes;
using IncidentBot.Core.Outbox;
using IncidentBot.Teams.Cards;
using IncidentBot.Teams.Outbound;
using Microsoft.Extensions.DependencyInjection;

namespace IncidentBot.Tests.Teams;

/// <summary>What the bot says in Teams and how often: text formats, one message per change, each post once.</summary>
public sealed class TeamsDeliveryTests : IAsyncLifetime
{
    private TeamsHarness _h = null!;

    public async Task InitializeAsync() => _h = await TeamsHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private async Task<string> DeclareAsync(string text = "declare sev2 Checkout errors spike")
    {
        Assert.Equal(HttpStatusCode.OK, (await _h.SayAsync(text)).StatusCode);
        await _h.SettleAsync();
        return Assert.Single((await _h.IncidentAsync(1)).Channels, c => c.Platform == "teams").ChannelId;
    }

    private IOutboxExecutor Executor => _h.Bot.Services.GetServices<IOutboxExecutor>().Single(e => e.Name == TeamsOutboxExecutor.Platform);

    private List<ConnectorCall> PostsTo(string conversation, string containing) =>
        [.. _h.Teams.ConnectorCalls.Where(c => c.Method == "POST" && c.ConversationId == conversation && (c.Text ?? string.Empty).Contains(containing, StringComparison.Ordinal))];

    [Fact]
    public async Task List_IsMarkdown_WithTheCommandAsCode_AndTitlesEscaped()
    {
        var thread = await DeclareAsync("declare sev2 *Checkout* &lt;at&gt;errors&lt;/at&gt; spike");

        await _h.SayAsync("list", conversationId: thread);
        await _h.SettleAsync();

        var reply = Assert.Single(PostsTo(thread, "Open incidents"));
        Assert.Equal("markdown", reply.Body!["textFormat"]!.GetValue<string>());
        Assert.Contains("`@IncidentBot INC-<n> <command>`", reply.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("&lt;", reply.Text, StringComparison.Ordinal);
        // A typed <at>…</at> without a mention entity is read as the name it shows ("@errors"); markdown stays escaped.
        Assert.Contains(@"\*Checkout\* @errors spike", reply.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Posts_ArePlainText_SentAsTyped()
    {
        var thread = await DeclareAsync();

        await _h.SayAsync("update *db* &lt;at&gt;ops&lt;/at&gt; &amp; [link](https://x.example) is back", conversationId: thread);
        await _h.SettleAsync();

        var post = Assert.Single(PostsTo(thread, "is back"));
        Assert.Equal("plain", post.Body!["textFormat"]!.GetValue<string>());
        Assert.EndsWith(": *db* @ops & [link](https://x.example) is back", post.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Update_InTheIncidentThread_ShowsThereOnce()
    {
        var thread = await DeclareAsync();

        await _h.SayAsync("update rolling back", conversationId: thread);
        await _h.SettleAsync();

        var shown = PostsTo(thread, "rolling back");
        Assert.Equal(": rolling back", Assert.Single(shown).Text![^": rolling back".Length..]);
        Assert.StartsWith("Update from ", shown[0].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Update_FromAnotherConversation_IsConfirmedThere()
    {
        var thread = await DeclareAsync();

        await _h.PostAsync(TeamsActivities.Message("INC-1 update rolling back", conversationType: "personal", serviceUrl: _h.ServiceUrl));
        await _h.SettleAsync();

        Assert.Single(PostsTo(TeamsActivities.DefaultPersonalConversationId, "Update on INC-1 (investigating) posted: rolling back"));
        Assert.Single(PostsTo(thread, "rolling back"));
    }

    [Fact]
    public async Task APost_WhoseRunIsRepeated_IsPostedOnce()
    {
        var thread = await DeclareAsync();
        var intent = new PostToIncident(1, "Update from Dana: rolling back", null);

        await Executor.ExecuteAsync(intent, 4242, CancellationToken.None);
        // The same stored intent again, as after a crash between the post and the queue marking it done.
        var again = await Executor.ExecuteAsync(intent, 4242, CancellationToken.None);

        var post = Assert.Single(PostsTo(thread, "rolling back"));
        Assert.Equal($"posted {_h.Teams.ActivitiesIn(thread).Single(a => a.Activity["text"]?.ToString() == intent.Text).ActivityId}", again);
        Assert.Equal(FakeTeamsRoutes.ReplyToActivity, post.Route);
    }

    [Fact]
    public async Task APost_WhoseOutcomeIsUnknown_IsSentAgain_AtLeastOnce()
    {
        var thread = await DeclareAsync();
        var intent = new PostToIncident(1, "Update from Dana: rolling back", null);
        // A 5xx after the request went out: Teams may or may not have taken it, and offers no way to ask.
        _h.Teams.FailNext(FakeTeamsRoutes.ReplyToActivity, 1, FakeTeamsServices.ServerError());

        await Assert.ThrowsAnyAsync<Exception>(() => Executor.ExecuteAsync(intent, 4243, CancellationToken.None));
        await Executor.ExecuteAsync(intent, 4243, CancellationToken.None);
        await Executor.ExecuteAsync(intent, 4243, CancellationToken.None);

        var tries = PostsTo(thread, "rolling back");
        Assert.Equal(2, tries.Count);
        Assert.Equal(500, tries[0].StatusCode);
        Assert.Single(_h.Teams.ActivitiesIn(thread), a => a.Activity["text"]?.ToString() == intent.Text);
    }

    [Fact]
    public async Task TheStatusCard_IsUpdatedInPlace_NeverPostedAgain()
    {
        var thread = await DeclareAsync();
        var cardId = thread[(thread.IndexOf('=', StringComparison.Ordinal) + 1)..];
        var posts = _h.Teams.ConnectorCalls.Count(c => c.Method == "POST");

        await _h.SayAsync("severity sev1", conversationId: thread);
        await _h.SettleAsync();
        await Executor.ExecuteAsync(new EnsureIncidentChannel(1), 4244, CancellationToken.None);
        await Executor.ExecuteAsync(new RefreshStatusCard(1), 4245, CancellationToken.None);

        var updates = _h.Teams.ConnectorCalls.Where(c => c.Route == FakeTeamsRoutes.UpdateActivity).ToList();
        Assert.True(updates.Count >= 2);
        Assert.All(updates, u => Assert.Equal((thread, cardId), (u.ConversationId, u.ActivityId)));
        Assert.Contains("SEV1", updates[^1].Body!.ToJsonString(), StringComparison.Ordinal);
        // The command's reply is the only new POST: no second card.
        Assert.Equal(posts + 1, _h.Teams.ConnectorCalls.Count(c => c.Method == "POST"));
    }

    public static TheoryData<string> Invokes => new() { "composeExtension/submitAction", "task/submit" };

    /// <summary>
    /// Every answer to a dialog submit is one Microsoft documents for that invoke: <c>composeExtension/submitAction</c>
    /// has no <c>task: message</c> (the Agents Playground shows an empty dialog for it), bot dialogs do.
    /// </summary>
    [Theory]
    [MemberData(nameof(Invokes))]
    public async Task DialogSubmits_AreAnsweredWithTheirDocumentedTypes(string name)
    {
        await DeclareAsync();
        var message = new TeamsMessagePayload("1712349999000", "<p>DB failover done</p>", TeamsActivities.DefaultUserAadObjectId, "Sam Okafor",
            DateTimeOffset.Parse("2026-11-21T14:30:00Z", System.Globalization.CultureInfo.InvariantCulture), null);
        var answers = new List<JsonObject>
        {
            await SubmitAsync(name, TeamsCards.DeclareCommand, "compose", new JsonObject { ["command"] = TeamsCards.DeclareCommand, ["title"] = "Login failures", ["severity"] = "SEV1" }),
            await SubmitAsync(name, TeamsCards.DeclareCommand, "compose", new JsonObject { ["command"] = TeamsCards.DeclareCommand, ["title"] = " ", ["severity"] = "SEV1" }),
            await SubmitAsync(name, TeamsCards.DeclareCommand, "compose", new JsonObject { ["command"] = TeamsCards.DeclareCommand, ["title"] = "Secret", ["private"] = "true" }),
            await SubmitAsync(name, TeamsCards.CaptureCommand, "message", new JsonObject { ["command"] = TeamsCards.CaptureCommand, ["incident"] = "1" }, message),
            await SubmitAsync(name, TeamsCards.CaptureCommand, "message", new JsonObject { ["command"] = TeamsCards.CaptureCommand, ["incident"] = "99" }, message),
            await SubmitAsync(name, "no-such-command", "compose", new JsonObject { ["command"] = "no-such-command" }),
        };

        string[] documented = name == "task/submit" ? ["message", "continue"] : ["continue"];
        Assert.All(answers, answer =>
        {
            var type = answer["task"]?["type"]?.GetValue<string>();
            Assert.Contains(type, documented);
            if (type == "continue")
            {
                Assert.Equal(TeamsCards.ContentType, answer["task"]!["value"]!["card"]!["contentType"]!.GetValue<string>());
            }
        });
        Assert.StartsWith("INC-2 declared", TeamsHarness.AnswerText(answers[0]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CardActions_AreAnsweredWithUniversalActionTypes()
    {
        var thread = await DeclareAsync();
        var cardId = thread[(thread.IndexOf('=', StringComparison.Ordinal) + 1)..];

        var answers = new[]
        {
            await _h.InvokeAsync(TeamsActivities.AdaptiveCardAction(TeamsCards.VerbTakeLead, new JsonObject { ["verb"] = TeamsCards.VerbTakeLead, ["incident"] = 1 }, cardId, serviceUrl: _h.ServiceUrl)),
            await _h.InvokeAsync(TeamsActivities.AdaptiveCardAction(TeamsCards.VerbResolve, new JsonObject { ["verb"] = TeamsCards.VerbResolve, ["incident"] = 1 }, cardId, serviceUrl: _h.ServiceUrl)),
            await _h.InvokeAsync(TeamsActivities.AdaptiveCardAction("frobnicate", new JsonObject { ["verb"] = "frobnicate", ["incident"] = 1 }, cardId, serviceUrl: _h.ServiceUrl)),
            await _h.InvokeAsync(TeamsActivities.AdaptiveCardAction(TeamsCards.VerbReopen, new JsonObject { ["verb"] = TeamsCards.VerbReopen, ["incident"] = 1 }, cardId, serviceUrl: _h.ServiceUrl)),
        };

        Assert.Equal(
            [TeamsCards.ContentType, TeamsCards.MessageResponseType, TeamsCards.ErrorResponseType, TeamsCards.MessageResponseType],
            answers.Select(a => a["type"]!.GetValue<string>()));
        Assert.All(answers, a => Assert.NotNull(a["statusCode"]));
    }

    [Fact]
    public async Task DialogFetches_OpenADialog()
    {
        foreach (var name in new[] { "composeExtension/fetchTask", "task/fetch" })
        {
            var answer = await _h.InvokeAsync(Renamed(TeamsActivities.ComposeExtensionFetchTask(TeamsCards.DeclareCommand, serviceUrl: _h.ServiceUrl), name));

            Assert.Equal("continue", answer["task"]!["type"]!.GetValue<string>());
            Assert.Equal(TeamsCards.ContentType, answer["task"]!["value"]!["card"]!["contentType"]!.GetValue<string>());
        }
    }

    private Task<JsonObject> SubmitAsync(string name, string command, string context, JsonObject data, TeamsMessagePayload? message = null) =>
        _h.InvokeAsync(Renamed(TeamsActivities.ComposeExtensionSubmitAction(command, context, data, message, serviceUrl: _h.ServiceUrl), name));

    /// <summary>The same activity as another invoke (a bot dialog's <c>task/submit</c> carries the same <c>value</c>).</summary>
    internal static string Renamed(string activity, string name)
    {
        var node = JsonNode.Parse(activity)!.AsObject();
        node["name"] = name;
        node["id"] = Guid.NewGuid().ToString("N");
        return node.ToJsonString();
    }
}
