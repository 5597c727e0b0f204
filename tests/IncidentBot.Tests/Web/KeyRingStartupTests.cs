using IncidentBot.Tests.Infrastructure;
using IncidentBot.Web;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace IncidentBot.Tests.Web;

/// <summary>
/// The web's key ring (sign-in cookies, form tokens) is read when a browser first needs it, not at start-up: the
/// framework's warm-up loaded the XML stack and the keys into every bot, ~10 MB of an idle bot's memory, although a
/// Slack- or Teams-only bot never uses them.
/// </summary>
public sealed class KeyRingStartupTests
{
    [Fact]
    public void TheFrameworkStillRegistersTheWarmUp_ThatTheWebLeavesOut()
    {
        // Fails when a new ASP.NET Core renames it: the web's removal would then quietly do nothing.
        var services = new ServiceCollection().AddDataProtection().Services;

        Assert.Contains(services, d => d.ServiceType == typeof(IHostedService) && d.ImplementationType?.FullName == WebRegistration.KeyRingWarmUp);
    }

    [Fact]
    public void TheBot_RunsNoKeyRingWarmUp_AndStillProtectsData()
    {
        using var bot = new BotFactory();

        Assert.DoesNotContain(bot.Services.GetServices<IHostedService>(), s => s.GetType().FullName == WebRegistration.KeyRingWarmUp);
        var protector = bot.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test");
        Assert.Equal("who is asking", protector.Unprotect(protector.Protect("who is asking")));
    }
}
