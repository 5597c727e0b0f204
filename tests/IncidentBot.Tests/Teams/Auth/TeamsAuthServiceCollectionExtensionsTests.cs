using IncidentBot.Teams.Auth;
using Microsoft.Extensions.DependencyInjection;

namespace IncidentBot.Tests.Teams.Auth;

public sealed class TeamsAuthServiceCollectionExtensionsTests
{
    [Fact]
    public void The_validator_and_token_client_are_singletons_so_their_caches_survive_between_requests()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.Configure<BotAuthOptions>(o => o.AppId = "3f2c5a8e-7d41-4b9a-9e36-0c1d2b4f6a85");
        services.AddTeamsAuth();
        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });

        using var scope1 = provider.CreateScope();
        using var scope2 = provider.CreateScope();

        Assert.Same(
            scope1.ServiceProvider.GetRequiredService<BotFrameworkTokenValidator>(),
            scope2.ServiceProvider.GetRequiredService<BotFrameworkTokenValidator>());
        Assert.Same(
            scope1.ServiceProvider.GetRequiredService<ClientCredentialsTokenClient>(),
            scope2.ServiceProvider.GetRequiredService<ClientCredentialsTokenClient>());
        Assert.True(provider.GetRequiredService<BotFrameworkTokenValidator>().AuthenticationRequired);
    }
}
