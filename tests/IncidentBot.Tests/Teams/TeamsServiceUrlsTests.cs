using IncidentBot.Teams;
using Microsoft.Extensions.Options;

namespace IncidentBot.Tests.Teams;

/// <summary>Where the bot may send Bot Connector calls: anywhere a signed token vouched for, else loopback and the allowed list.</summary>
public sealed class TeamsServiceUrlsTests
{
    private static TeamsServiceUrls For(string? appId, params string[] allowed) =>
        new(Options.Create(new TeamsOptions { AppId = appId, AllowUnauthenticated = true, AllowedServiceUrls = [.. allowed] }));

    [Theory]
    [InlineData("http://127.0.0.1:56150/")]
    [InlineData("http://localhost:3978/api/")]
    [InlineData("http://[::1]:56150/")]
    [InlineData("http://127.8.9.10/")]
    public void Without_an_app_id_loopback_service_urls_are_allowed(string serviceUrl) =>
        Assert.True(For(null).Allows(serviceUrl));

    [Theory]
    [InlineData("https://smba.trafficmanager.net/amer/")]
    [InlineData("http://10.0.0.8:3978/")]
    [InlineData("http://localhost.attacker.example/")]
    [InlineData("http://127.0.0.1.nip.io/")]
    [InlineData("http://127.0.0.1@attacker.example/")]
    [InlineData("file:///etc/passwd")]
    [InlineData("not a url")]
    public void Without_an_app_id_other_service_urls_are_refused(string serviceUrl) =>
        Assert.False(For(null).Allows(serviceUrl));

    [Theory]
    [InlineData("https://smba.trafficmanager.net/amer/", true)]
    [InlineData("https://smba.trafficmanager.net/amer", true)]
    [InlineData("https://smba.trafficmanager.net/amer/v3/", true)]
    [InlineData("https://smba.trafficmanager.net/emea/", false)]
    [InlineData("https://smba.trafficmanager.net/americas/", false)]
    [InlineData("https://smba.trafficmanager.net:8443/amer/", false)]
    [InlineData("http://smba.trafficmanager.net/amer/", false)]
    public void The_allowed_list_covers_the_paths_under_each_entry_on_the_same_scheme_host_and_port(string serviceUrl, bool allowed) =>
        Assert.Equal(allowed, For(null, "https://smba.trafficmanager.net/amer/").Allows(serviceUrl));

    [Fact]
    public void With_an_app_id_the_signed_token_vouches_for_any_service_url() =>
        Assert.True(For("9d3b6c1e-5a47-4f2e-8b0d-7c6a1e2f3b45").Allows("https://smba.trafficmanager.net/emea/"));
}
