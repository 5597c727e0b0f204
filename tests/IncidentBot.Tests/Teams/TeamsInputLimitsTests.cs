using System.Net;
using System.Text.Json.Nodes;
using IncidentBot.Teams.Cards;
using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.Teams;

/// <summary>Teams' share of the core's input limits: a refused input changes nothing and is answered, or is a 400.</summary>
public sealed class TeamsInputLimitsTests : IAsyncLifetime
{
    private TeamsHarness _h = null!;

    public async Task InitializeAsync() => _h = await TeamsHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task A_declare_dialog_with_a_title_of_NUL_characters_is_answered_in_the_dialog_and_declares_nothing()
    {
        var done = await _h.InvokeAsync(TeamsActivities.ComposeExtensionSubmitAction(TeamsCards.DeclareCommand, "compose",
            new JsonObject { ["command"] = TeamsCards.DeclareCommand, ["title"] = new string('\0', 8), ["severity"] = "SEV1", ["private"] = "false" },
            serviceUrl: _h.ServiceUrl));
        await _h.SettleAsync();

        Assert.Contains("title", TeamsHarness.AnswerText(done), StringComparison.Ordinal);
        Assert.Equal(0, await StoreProbe.IncidentCountAsync(_h.Bot.Services));
        Assert.DoesNotContain(_h.Teams.ConnectorCalls, c => c.Route == FakeTeamsRoutes.CreateConversation);
    }

    [Fact]
    public async Task A_mention_declaring_a_title_of_NUL_characters_is_answered_and_declares_nothing()
    {
        Assert.Equal(HttpStatusCode.OK, (await _h.SayAsync("declare sev2 " + new string('\0', 8))).StatusCode);
        await _h.SettleAsync();

        Assert.Contains(_h.TextsTo(c => c.Route == FakeTeamsRoutes.ReplyToActivity), t => t.Contains("title", StringComparison.Ordinal));
        Assert.Equal(0, await StoreProbe.IncidentCountAsync(_h.Bot.Services));
    }

    [Fact]
    public async Task An_activity_with_a_lone_surrogate_is_a_400_and_nothing_is_stored()
    {
        var activity = TeamsActivities.Message($"<at>{TeamsActivities.DefaultBotName}</at> declare sev2 BROKEN", serviceUrl: _h.ServiceUrl, mentionBot: true)
            .Replace("BROKEN", "\\ud800", StringComparison.Ordinal);

        var response = await _h.PostAsync(activity);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(await StoreProbe.ItemsAsync(_h.Bot.Services, "inbox."));
        Assert.Equal(0, await StoreProbe.IncidentCountAsync(_h.Bot.Services));
    }
}
