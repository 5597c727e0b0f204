using System.Net;
using System.Text.RegularExpressions;
using IncidentBot.Core.Storage;
using IncidentBot.Tests.Infrastructure;
using IncidentBot.Tests.Slack;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;

namespace IncidentBot.Tests.Web;

/// <summary>The console's command box while every outbound client is down: the command is applied, its posts wait.</summary>
public sealed partial class ConsoleOutboundFaultTests
{
    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    [Fact]
    public async Task ACommand_WithEveryOutboundClientBroken_IsApplied_AndItsPostsRunOnceSlackIsBack()
    {
        var settings = SlackOutboundFaultTests.FastPolicies();
        settings["Web:Console:Open"] = "true";
        await using var h = await SlackHarness.StartAsync(settings);
        var cookies = new CookieContainer();
        cookies.Add(new Uri("http://localhost"), new Cookie(IncidentBot.Web.Access.ConsoleNameHandler.CookieName, "alice"));
        using var alice = h.Bot.CreateDefaultClient(new Uri("http://localhost"), new RedirectHandler(), new CookieContainerHandler(cookies));

        await h.SettleAsync();
        var callsBefore = h.Slack.Calls.Count;
        OutboundOutage.Begin(h.Bot.Services);

        var page = await alice.GetStringAsync(new Uri("/", UriKind.Relative));
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["text"] = "declare sev2 Checkout errors spike",
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(AntiforgeryField().Match(page).Groups[1].Value),
        });
        using var response = await alice.PostAsync(new Uri("/?handler=Command", UriKind.Relative), form);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("INC-1 declared", WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        for (var i = 0; i < 6; i++)
        {
            await h.SettleAsync();
            h.Clock.Advance(TimeSpan.FromMinutes(20));
        }

        Assert.Equal(callsBefore, h.Slack.Calls.Count);
        Assert.Empty(await StoreProbe.ItemsAsync(h.Bot.Services, string.Empty, WorkStatus.Parked));

        OutboundOutage.End(h.Bot.Services);
        await TestTime.UntilAsync(async () =>
        {
            h.Clock.Advance(TimeSpan.FromSeconds(30));
            await h.SettleAsync();
            return h.Slack.ChannelNamed("inc-1-checkout-errors-spike") is not null;
        }, "INC-1's channel made once Slack is back");
        Assert.Empty(await StoreProbe.ItemsAsync(h.Bot.Services, string.Empty, WorkStatus.Parked));
    }
}
