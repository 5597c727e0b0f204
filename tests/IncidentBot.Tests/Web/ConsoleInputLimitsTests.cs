using System.Net;
using System.Text.RegularExpressions;
using IncidentBot.Tests.Infrastructure;
using IncidentBot.Web.Access;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;

namespace IncidentBot.Tests.Web;

/// <summary>The console's forms go through the same core limits: a refused input changes nothing and the page says why.</summary>
public sealed partial class ConsoleInputLimitsTests : IAsyncLifetime, IDisposable
{
    private BotFactory _bot = null!;

    public Task InitializeAsync()
    {
        _bot = new BotFactory(new Dictionary<string, string?> { ["Web:Console:Open"] = "true" });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _bot.DisposeAsync();

    public void Dispose() => _bot?.Dispose();

    private HttpClient Person(string name)
    {
        var cookies = new CookieContainer();
        cookies.Add(new Uri("http://localhost"), new Cookie(ConsoleNameHandler.CookieName, name));
        return _bot.CreateDefaultClient(new Uri("http://localhost"), new RedirectHandler(), new CookieContainerHandler(cookies));
    }

    private static async Task<HttpResponseMessage> PostFormAsync(HttpClient client, string handler, Dictionary<string, string> form)
    {
        var page = await client.GetStringAsync(new Uri("/", UriKind.Relative));
        form["__RequestVerificationToken"] = WebUtility.HtmlDecode(AntiforgeryField().Match(page).Groups[1].Value);
        return await client.PostAsync(new Uri($"/?handler={handler}", UriKind.Relative), new FormUrlEncodedContent(form));
    }

    private static async Task<string> PageAfterAsync(HttpClient client, string handler, Dictionary<string, string> form)
    {
        var response = await PostFormAsync(client, handler, form);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    [Fact]
    public async Task The_declare_form_with_a_control_character_in_the_title_says_why_and_declares_nothing()
    {
        using var alice = Person("alice");

        var html = await PageAfterAsync(alice, "Declare", new() { ["title"] = "Checkout\u0007 errors", ["severity"] = "SEV2" });

        Assert.Contains("The title must be one line of text without control characters.", html);
        Assert.Equal(0, await StoreProbe.IncidentCountAsync(_bot.Services));
    }

    [Fact]
    public async Task The_declare_form_with_a_title_of_NUL_characters_is_a_400_and_declares_nothing()
    {
        using var alice = Person("alice");

        // ASP.NET Core's form reader refuses a NUL before any page code runs; the core would refuse it too.
        var response = await PostFormAsync(alice, "Declare", new() { ["title"] = new string('\0', 8), ["severity"] = "SEV2" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, await StoreProbe.IncidentCountAsync(_bot.Services));
    }

    [Fact]
    public async Task A_console_command_with_control_characters_in_the_title_is_refused_with_a_reply()
    {
        using var alice = Person("alice");

        var html = await PageAfterAsync(alice, "Command", new() { ["text"] = "declare sev2 Checkout\u0001\u0002" });

        Assert.Contains("The title must be one line of text without control characters.", html);
        Assert.Equal(0, await StoreProbe.IncidentCountAsync(_bot.Services));
    }

    [Fact]
    public async Task The_declare_form_with_a_service_name_too_long_says_why_and_declares_nothing()
    {
        using var alice = Person("alice");

        var html = await PageAfterAsync(alice, "Declare", new() { ["title"] = "Checkout errors", ["service"] = new string('s', 101) });

        Assert.Contains("The service name is too long (101 characters; at most 100).", html);
        Assert.Equal(0, await StoreProbe.IncidentCountAsync(_bot.Services));
    }
}
