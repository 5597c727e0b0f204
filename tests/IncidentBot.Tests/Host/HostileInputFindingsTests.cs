using System.Net;
using System.Text.RegularExpressions;
using IncidentBot.Tests.Infrastructure;
using IncidentBot.Tests.Teams;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;

namespace IncidentBot.Tests.Host;

/// <summary>What the hostile-input test found, each pinned down on its own.</summary>
public sealed partial class HostileInputFindingsTests
{
    [Fact]
    public async Task A_Teams_activity_with_a_conversation_id_of_thousands_of_characters_is_a_400_and_stores_nothing()
    {
        await using var teams = await TeamsHarness.StartAsync();
        var huge = "19:" + new string('a', 17_900) + "@thread.tacv2";

        var response = await teams.PostAsync(TeamsActivities.Message("<at>IncidentBot</at> declare sev2 Checkout", serviceUrl: teams.ServiceUrl, conversationId: huge, mentionBot: true));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(await StoreProbe.ConversationsAsync(teams.Bot.Services, "teams"));
        Assert.Empty(await StoreProbe.ItemsAsync(teams.Bot.Services, "inbox."));
    }

    [Fact]
    public async Task Regenerating_the_review_doc_of_an_incident_that_does_not_exist_says_so_instead_of_failing()
    {
        using var bot = new BotFactory(new Dictionary<string, string?> { ["Web:Console:Open"] = "true" });
        var cookies = new CookieContainer();
        cookies.Add(new Uri("http://localhost"), new Cookie("incidentbot-console-user", "alice"));
        using var alice = bot.CreateDefaultClient(new Uri("http://localhost"), new CookieContainerHandler(cookies));
        var page = await alice.GetStringAsync(new Uri("/", UriKind.Relative));
        var token = WebUtility.HtmlDecode(AntiforgeryField().Match(page).Groups[1].Value);

        var response = await alice.PostAsync(new Uri("/incidents/42/review?handler=Regenerate", UriKind.Relative),
            new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(0, await StoreProbe.IncidentCountAsync(bot.Services));
    }

    [Fact]
    public async Task A_form_field_named_with_an_unclosed_bracket_is_ignored_rather_than_a_500()
    {
        using var bot = new BotFactory(new Dictionary<string, string?> { ["Web:Console:Open"] = "true" });
        var cookies = new CookieContainer();
        cookies.Add(new Uri("http://localhost"), new Cookie("incidentbot-console-user", "alice"));
        using var alice = bot.CreateDefaultClient(new Uri("http://localhost"), new CookieContainerHandler(cookies));
        var page = await alice.GetStringAsync(new Uri("/", UriKind.Relative));
        var token = WebUtility.HtmlDecode(AntiforgeryField().Match(page).Groups[1].Value);

        var response = await alice.PostAsync(new Uri("/?handler=Declare&q[=1", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["title"] = "Checkout errors",
            ["x\u001b[31m"] = "red",
        }));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(1, await StoreProbe.IncidentCountAsync(bot.Services));
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
